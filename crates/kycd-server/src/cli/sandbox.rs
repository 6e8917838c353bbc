//! `kycd trigger` and `kycd listen`: Stripe-style sandbox commands. On the server's own machine
//! they need nothing but the data dir (they act for the `sandbox` partner through the shared
//! store); against a remote server they use the partner's API key pair over HTTP.

use crate::config::Config;
use anyhow::{Context, bail};
use base64::Engine;
use clap::Args;
use futures::StreamExt;
use kycd_core::{Services, partners::SANDBOX_PARTNER, sandbox::EventCursor};
use kycd_store::Partner;
use serde_json::{Value, json};
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct RemoteArgs {
    /// The kycd server
    #[arg(long, env = "KYCD_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// API key of a DEV partner (remote servers); without it the local `sandbox` partner is used
    #[arg(long, env = "KYCD_API_KEY", requires = "api_secret")]
    pub api_key: Option<String>,
    #[arg(long, env = "KYCD_API_SECRET", requires = "api_key")]
    pub api_secret: Option<String>,
}

impl RemoteArgs {
    fn remote(&self) -> Option<Remote> {
        Some(Remote {
            url: self.url.clone(),
            api_key: self.api_key.clone()?,
            api_secret: self.api_secret.clone()?,
        })
    }
}

#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// approved, denied-expired-doc, suspected-duplicate-face, under-age,
    /// manual-review-then-approved, manual-review-then-denied, abandoned-expired
    pub scenario: String,
    #[arg(long, default_value = "kycd-trigger")]
    pub client_id: String,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Where to POST each webhook (byte-exact, with its headers)
    #[arg(long)]
    pub forward_to: String,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// Credentials for remote mode.
#[derive(Debug, Clone)]
pub struct Remote {
    pub url: String,
    pub api_key: String,
    pub api_secret: String,
}

/// Creates a token with the scenario and prints its scanRef.
pub async fn trigger(config: &Config, args: TriggerArgs) -> anyhow::Result<()> {
    let scan_ref = match args.remote.remote() {
        Some(remote) => trigger_remote(&remote, &args.scenario, &args.client_id).await?,
        None => {
            let (core, partner) = local(config, &args.remote.url).await?;
            kycd_core::sandbox::trigger(&core, &partner, &args.scenario, &args.client_id)
                .await?
                .scan_ref
                .to_string()
        }
    };
    println!("{scan_ref}");
    Ok(())
}

async fn trigger_remote(
    remote: &Remote,
    scenario: &str,
    client_id: &str,
) -> anyhow::Result<String> {
    // Checked here too, so a typo is named before any request is made.
    kycd_domain::sandbox::known_scenario(scenario).map_err(anyhow::Error::msg)?;
    let body = json!({"clientId": client_id, "dummyResult": {"scenario": scenario}});
    let response = reqwest::Client::new()
        .post(format!("{}/api/v2/token", remote.url.trim_end_matches('/')))
        .basic_auth(&remote.api_key, Some(&remote.api_secret))
        .json(&body)
        .send()
        .await
        .with_context(|| format!("calling {}", remote.url))?;
    let status = response.status();
    let reply: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("the server answered {status}: {reply}");
    }
    reply["scanRef"].as_str().map(str::to_owned).context("no scanRef in the reply")
}

async fn local(config: &Config, url: &str) -> anyhow::Result<(Services, Partner)> {
    // File links in webhooks should point where the server is reachable.
    let public_url = config.public_url.clone().unwrap_or_else(|| url.to_owned());
    let (core, _) = super::build_services(config, &public_url).await?;
    let partner = match kycd_core::partners::named(&core, SANDBOX_PARTNER).await {
        Err(kycd_core::CoreError::NotFound(_)) => bail!(
            "no 'sandbox' partner in this database: start `kycd serve` once, or pass --api-key/--api-secret"
        ),
        other => other?,
    };
    Ok((core, partner))
}

/// One webhook as the server would POST it.
#[derive(Debug, Clone)]
struct Forwardable {
    id: String,
    event_type: String,
    scan_ref: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_event(data: &str) -> anyhow::Result<Forwardable> {
    let value: Value = serde_json::from_str(data)?;
    let headers = value["headers"]
        .as_object()
        .context("event without headers")?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    Ok(Forwardable {
        id: value["id"].as_str().unwrap_or_default().to_owned(),
        event_type: value["eventType"].as_str().unwrap_or_default().to_owned(),
        scan_ref: value["scanRef"].as_str().unwrap_or_default().to_owned(),
        headers,
        body: base64::engine::general_purpose::STANDARD
            .decode(value["body"].as_str().unwrap_or_default())?,
    })
}

async fn forward(client: &reqwest::Client, target: &str, event: &Forwardable) {
    let mut request = client.post(target).body(event.body.clone());
    for (name, value) in &event.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let outcome = match request.send().await {
        Ok(response) => response.status().as_u16().to_string(),
        Err(error) => format!("error: {error}"),
    };
    println!(
        "{}  {:<32} {}  {}  -> {outcome}",
        time::OffsetDateTime::now_utc().time(),
        event.event_type,
        event.scan_ref,
        event.id
    );
}

/// Forwards the partner's webhooks, byte-exact with their headers, to `target`, until Ctrl-C.
/// Remote: through the server's event stream (SSE). Local: straight from the shared outbox.
pub async fn listen(config: &Config, args: ListenArgs) -> anyhow::Result<()> {
    let target = args.forward_to.as_str();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()?;
    match args.remote.remote() {
        Some(remote) => listen_remote(&client, &remote, target).await,
        None => listen_local(config, &args.remote.url, &client, target).await,
    }
}

async fn listen_remote(
    client: &reqwest::Client,
    remote: &Remote,
    target: &str,
) -> anyhow::Result<()> {
    let stream_client = reqwest::Client::new();
    let response = stream_client
        .get(format!("{}/api/v2/sandbox/events", remote.url.trim_end_matches('/')))
        .basic_auth(&remote.api_key, Some(&remote.api_secret))
        .send()
        .await
        .with_context(|| format!("connecting to {}", remote.url))?;
    if !response.status().is_success() {
        let status = response.status();
        bail!(
            "the server refused the event stream ({status}): {}",
            response.text().await.unwrap_or_default()
        );
    }
    let mut bytes = response.bytes_stream();
    let mut buffer = String::new();
    while let Some(chunk) = bytes.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk?));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let (name, data) = sse_event(&block);
            match name {
                "ready" => {
                    let ready: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
                    print_ready(
                        ready["partner"].as_str().unwrap_or("?"),
                        ready["signingKey"].as_str().unwrap_or("?"),
                        target,
                    );
                }
                "webhook" => forward(client, target, &parse_event(&data)?).await,
                "revoked" => {
                    let revoked: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
                    bail!(
                        "the server ended the event stream: {}",
                        revoked["reason"].as_str().unwrap_or("the credentials no longer hold")
                    )
                }
                _ => {}
            }
        }
    }
    bail!("the server closed the event stream")
}

/// The event name (`ready`, `webhook`, `revoked`, or `other`) and the data of one SSE block.
fn sse_event(block: &str) -> (&'static str, String) {
    let mut name = "message";
    let mut data = String::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = match value.trim() {
                "ready" => "ready",
                "webhook" => "webhook",
                "revoked" => "revoked",
                _ => "other",
            };
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim_start());
        }
    }
    (name, data)
}

fn print_ready(partner: &str, signing_key: &str, target: &str) {
    println!(
        "Ready: forwarding webhooks of partner '{partner}' to {target}\nVerify Idenfy-Signature and webhook-signature with signing key: {signing_key}"
    );
}

async fn listen_local(
    config: &Config,
    url: &str,
    client: &reqwest::Client,
    target: &str,
) -> anyhow::Result<()> {
    let (core, partner) = local(config, url).await?;
    print_ready(&partner.name, &partner.signing_key, target);
    // Same cursor as the server's event stream: (created_at, id) of the last event seen.
    let mut cursor = EventCursor::now(&core);
    loop {
        for webhook in kycd_core::sandbox::events_after(&core, &partner, &mut cursor).await? {
            let event = Forwardable {
                id: webhook.id.to_string(),
                event_type: webhook.event_type.to_owned(),
                scan_ref: webhook.scan_ref.to_string(),
                headers: webhook
                    .headers
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
                body: webhook.body,
            };
            forward(client, target, &event).await;
            if webhook.send_twice {
                forward(client, target, &event).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
