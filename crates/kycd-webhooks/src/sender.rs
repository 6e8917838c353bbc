//! Sending one webhook over HTTP: 10 s timeout, no redirects, at most 1 KiB of the response read
//! (a huge or endless body never grows memory), and the network policy for non-DEV partners.

use crate::network::{Blocked, GuardedResolver, NetworkPolicy};
use async_trait::async_trait;
use std::{sync::Arc, time::Duration};

pub const RESPONSE_EXCERPT_BYTES: usize = 1024;

/// One HTTP POST to make.
#[derive(Debug, Clone)]
pub struct SendRequest<'a> {
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub body: &'a [u8],
    /// true for non-DEV partners: https only, public addresses only (unless allow-listed).
    pub guarded: bool,
}

/// What happened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SendOutcome {
    pub status: Option<u16>,
    pub retry_after: Option<Duration>,
    pub latency: Duration,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
    /// The network policy refused the target: retrying cannot help.
    pub blocked: bool,
}

#[async_trait]
pub trait Sender: Send + Sync + 'static {
    async fn send(&self, request: SendRequest<'_>) -> SendOutcome;
}

#[derive(Debug, Clone)]
pub struct HttpSender {
    open: reqwest::Client,
    guarded: reqwest::Client,
    policy: Arc<NetworkPolicy>,
}

impl HttpSender {
    pub fn new(policy: NetworkPolicy, timeout: Duration) -> Result<Self, reqwest::Error> {
        let policy = Arc::new(policy);
        let base = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(5)))
                .user_agent(concat!("kycd-webhooks/", env!("CARGO_PKG_VERSION")))
                .pool_max_idle_per_host(32)
        };
        Ok(Self {
            open: base().build()?,
            guarded: base()
                .dns_resolver(Arc::new(GuardedResolver { policy: policy.clone() }))
                .build()?,
            policy,
        })
    }

    /// Refusals that need no connection: wrong scheme, or an IP literal outside the policy.
    fn precheck(&self, request: &SendRequest<'_>) -> Option<String> {
        let url = match url::Url::parse(request.url) {
            Ok(url) => url,
            Err(e) => return Some(format!("invalid webhook URL: {e}")),
        };
        if !request.guarded {
            return None;
        }
        if url.scheme() != "https" {
            return Some("webhooks of non-DEV partners must use https".to_owned());
        }
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
            _ => None,
        };
        match literal {
            Some(ip) if !self.policy.permits(ip) => Some(format!("{ip} is not a public address")),
            _ => None,
        }
    }
}

fn is_blocked(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current.downcast_ref::<Blocked>().is_some() {
            return true;
        }
        source = current.source();
    }
    false
}

fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(current) = source {
        text.push_str(": ");
        text.push_str(&current.to_string());
        source = current.source();
    }
    text
}

#[async_trait]
impl Sender for HttpSender {
    async fn send(&self, request: SendRequest<'_>) -> SendOutcome {
        if let Some(reason) = self.precheck(&request) {
            return SendOutcome {
                error: Some(format!("blocked by network policy: {reason}")),
                blocked: true,
                ..SendOutcome::default()
            };
        }
        let client = if request.guarded { &self.guarded } else { &self.open };
        let mut builder = client.post(request.url).body(request.body.to_vec());
        for (name, value) in request.headers {
            builder = builder.header(*name, value);
        }
        let started = std::time::Instant::now();
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(error) => {
                return SendOutcome {
                    latency: started.elapsed(),
                    blocked: is_blocked(&error),
                    error: Some(describe(&error)),
                    ..SendOutcome::default()
                };
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut excerpt = Vec::new();
        let mut error = None;
        while excerpt.len() < RESPONSE_EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => {
                    error = Some(format!("reading response: {}", describe(&e)));
                    break;
                }
            }
        }
        excerpt.truncate(RESPONSE_EXCERPT_BYTES);
        SendOutcome {
            status: Some(status),
            retry_after,
            latency: started.elapsed(),
            response_excerpt: Some(String::from_utf8_lossy(&excerpt).into_owned()),
            error,
            blocked: false,
        }
    }
}
