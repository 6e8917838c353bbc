//! The load generator: N keep-alive HTTP/1.1 connections over loopback, each sending its next
//! request as soon as the previous answer is read (closed loop), until a deadline or a request
//! count is reached. Every request has a timeout, so a run always ends by itself. Only answers
//! with the expected status count as successes; everything else is counted, by kind, as an error.

use crate::stats::{Percentiles, rate};
use anyhow::{Context, ensure};
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::net::TcpStream;

/// Builds request number `seq` (0-based across all connections).
pub type MakeRequest = Arc<dyn Fn(u64) -> Request<Full<Bytes>> + Send + Sync>;
/// Sees every answer (status and body) of request `seq`, e.g. to collect scanRefs.
pub type OnResponse = Arc<dyn Fn(u64, StatusCode, &Bytes) + Send + Sync>;

/// How much load, for how long, and what counts as success.
#[derive(Debug, Clone)]
pub struct Plan {
    pub addr: SocketAddr,
    pub connections: usize,
    /// Stop starting requests after this long.
    pub duration: Option<Duration>,
    /// Stop after this many requests (successful or not).
    pub max_requests: Option<u64>,
    pub expect_status: StatusCode,
    pub request_timeout: Duration,
}

impl Plan {
    pub fn new(addr: SocketAddr, connections: usize, expect_status: StatusCode) -> Self {
        Self {
            addr,
            connections,
            duration: None,
            max_requests: None,
            expect_status,
            request_timeout: Duration::from_secs(10),
        }
    }

    pub fn for_duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    pub fn for_requests(mut self, count: u64) -> Self {
        self.max_requests = Some(count);
        self
    }
}

/// What one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub connections: usize,
    pub ok: u64,
    pub errors: u64,
    /// Error kind ("HTTP 500", "timeout", "connect: …") → count.
    pub error_kinds: BTreeMap<String, u64>,
    /// The first few non-expected answers, for diagnosis.
    pub error_samples: Vec<String>,
    pub elapsed_s: f64,
    pub throughput_rps: f64,
    /// Latency of the successful requests, from send to the last body byte.
    pub latency: Percentiles,
}

struct Shared {
    next: AtomicU64,
    deadline: Option<Instant>,
    max_requests: Option<u64>,
}

impl Shared {
    fn next_seq(&self) -> Option<u64> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return None;
        }
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        match self.max_requests {
            Some(max) if seq >= max => None,
            _ => Some(seq),
        }
    }

    fn stopped(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
            || self.max_requests.is_some_and(|max| self.next.load(Ordering::Relaxed) >= max)
    }
}

#[derive(Default)]
struct WorkerStats {
    ok_nanos: Vec<u64>,
    errors: BTreeMap<String, u64>,
    samples: Vec<String>,
}

impl WorkerStats {
    fn error(&mut self, kind: String, sample: Option<String>) {
        *self.errors.entry(kind).or_default() += 1;
        if let Some(sample) = sample
            && self.samples.len() < 3
        {
            self.samples.push(sample);
        }
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// Opens one HTTP/1.1 connection (TCP_NODELAY) and drives it in the background.
pub async fn connect(addr: SocketAddr) -> anyhow::Result<Sender> {
    let stream = TcpStream::connect(addr).await.with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

async fn exchange(
    sender: &mut Sender,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), hyper::Error> {
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

async fn worker(
    plan: Arc<Plan>,
    shared: Arc<Shared>,
    make: MakeRequest,
    on_response: Option<OnResponse>,
) -> WorkerStats {
    let mut stats = WorkerStats::default();
    'connection: while !shared.stopped() {
        let mut sender = match connect(plan.addr).await {
            Ok(sender) => sender,
            Err(error) => {
                stats.error("connect".to_owned(), Some(format!("{error:#}")));
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        loop {
            if sender.ready().await.is_err() {
                stats.error("connection closed".to_owned(), None);
                continue 'connection;
            }
            let Some(seq) = shared.next_seq() else { break 'connection };
            let request = make(seq);
            let started = Instant::now();
            let answer =
                tokio::time::timeout(plan.request_timeout, exchange(&mut sender, request)).await;
            let took = started.elapsed();
            match answer {
                Ok(Ok((status, body))) => {
                    if status == plan.expect_status {
                        stats.ok_nanos.push(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX));
                    } else {
                        let excerpt = String::from_utf8_lossy(&body[..body.len().min(300)]);
                        stats.error(format!("HTTP {}", status.as_u16()), Some(excerpt.into()));
                    }
                    if let Some(on_response) = &on_response {
                        on_response(seq, status, &body);
                    }
                }
                Ok(Err(error)) => {
                    stats.error("transport".to_owned(), Some(error.to_string()));
                    continue 'connection;
                }
                Err(_) => {
                    stats.error("timeout".to_owned(), None);
                    continue 'connection;
                }
            }
        }
    }
    stats
}

/// Runs `plan`: at least one bound (duration or count) is required, and every request times out,
/// so this always returns.
pub async fn run(
    plan: &Plan,
    make: MakeRequest,
    on_response: Option<OnResponse>,
) -> anyhow::Result<Outcome> {
    ensure!(plan.connections > 0, "at least one connection is needed");
    ensure!(
        plan.duration.is_some() || plan.max_requests.is_some(),
        "a load run needs a duration or a request count"
    );
    let started = Instant::now();
    let shared = Arc::new(Shared {
        next: AtomicU64::new(0),
        deadline: plan.duration.map(|d| started + d),
        max_requests: plan.max_requests,
    });
    let plan_arc = Arc::new(plan.clone());
    let workers: Vec<_> = (0..plan.connections)
        .map(|_| {
            tokio::spawn(worker(
                plan_arc.clone(),
                shared.clone(),
                make.clone(),
                on_response.clone(),
            ))
        })
        .collect();
    let mut ok_nanos = Vec::new();
    let mut error_kinds = BTreeMap::<String, u64>::new();
    let mut error_samples = Vec::new();
    for handle in workers {
        let stats = handle.await.context("a load worker panicked")?;
        ok_nanos.extend(stats.ok_nanos);
        for (kind, count) in stats.errors {
            *error_kinds.entry(kind).or_default() += count;
        }
        for sample in stats.samples {
            if error_samples.len() < 5 {
                error_samples.push(sample);
            }
        }
    }
    let elapsed = started.elapsed();
    let ok = ok_nanos.len() as u64;
    Ok(Outcome {
        connections: plan.connections,
        ok,
        errors: error_kinds.values().sum(),
        error_kinds,
        error_samples,
        elapsed_s: elapsed.as_secs_f64(),
        throughput_rps: rate(ok, elapsed),
        latency: Percentiles::from_nanos(ok_nanos),
    })
}

/// One request on a fresh connection; used for probes and set-up calls.
pub async fn once(
    addr: SocketAddr,
    request: Request<Full<Bytes>>,
    timeout: Duration,
) -> anyhow::Result<(StatusCode, Bytes)> {
    tokio::time::timeout(timeout, async {
        let mut sender = connect(addr).await?;
        sender.ready().await?;
        Ok(exchange(&mut sender, request).await?)
    })
    .await
    .with_context(|| format!("no answer from {addr} within {timeout:?}"))?
}
