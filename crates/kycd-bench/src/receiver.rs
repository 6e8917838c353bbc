//! The in-process webhook receiver of the `webhook` scenario. A webhook for request `seq` arrives
//! at `/hook/<seq>`; the receiver notes the time it was fully read, so the end-to-end latency is
//! "token request sent" → "webhook body received". It answers 200 at once and checks that the
//! `Idenfy-Signature` header is there.

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::{
    convert::Infallible,
    net::SocketAddr,
    ops::Range,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::{net::TcpListener, task::JoinHandle};

/// Send and receive times per request number (nanoseconds since `base`, 0 = not yet).
pub struct Tracker {
    base: Instant,
    sent: Vec<AtomicU64>,
    received: Vec<AtomicU64>,
    pub duplicates: AtomicU64,
    pub unsigned: AtomicU64,
    pub unknown: AtomicU64,
}

/// What the receiver saw for one range of request numbers.
#[derive(Debug, Clone)]
pub struct Window {
    pub sent: u64,
    pub received: u64,
    pub latencies_nanos: Vec<u64>,
    /// First send to last delivery of the range.
    pub span: Duration,
}

impl Tracker {
    pub fn new(capacity: usize) -> Self {
        Self {
            base: Instant::now(),
            sent: (0..capacity).map(|_| AtomicU64::new(0)).collect(),
            received: (0..capacity).map(|_| AtomicU64::new(0)).collect(),
            duplicates: AtomicU64::new(0),
            unsigned: AtomicU64::new(0),
            unknown: AtomicU64::new(0),
        }
    }

    pub fn capacity(&self) -> u64 {
        self.sent.len() as u64
    }

    fn now(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX).max(1)
    }

    pub fn mark_sent(&self, seq: u64) {
        if let Some(slot) = usize::try_from(seq).ok().and_then(|i| self.sent.get(i)) {
            slot.store(self.now(), Ordering::Relaxed);
        }
    }

    fn mark_received(&self, seq: u64) {
        let Some(slot) = usize::try_from(seq).ok().and_then(|i| self.received.get(i)) else {
            self.unknown.fetch_add(1, Ordering::Relaxed);
            return;
        };
        if slot.compare_exchange(0, self.now(), Ordering::Relaxed, Ordering::Relaxed).is_err() {
            self.duplicates.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many of `range` have been received so far.
    pub fn received_in(&self, range: Range<u64>) -> u64 {
        self.slots(range).filter(|&i| self.received[i].load(Ordering::Relaxed) != 0).count() as u64
    }

    fn slots(&self, range: Range<u64>) -> impl Iterator<Item = usize> + '_ {
        let end = range.end.min(self.capacity());
        (range.start..end).filter_map(|i| usize::try_from(i).ok())
    }

    pub fn window(&self, range: Range<u64>) -> Window {
        let mut sent = 0;
        let mut received = 0;
        let mut latencies_nanos = Vec::new();
        let mut first_sent = u64::MAX;
        let mut last_received = 0;
        for i in self.slots(range) {
            let s = self.sent[i].load(Ordering::Relaxed);
            let r = self.received[i].load(Ordering::Relaxed);
            if s != 0 {
                sent += 1;
                first_sent = first_sent.min(s);
            }
            if r != 0 {
                received += 1;
                last_received = last_received.max(r);
                if s != 0 {
                    latencies_nanos.push(r.saturating_sub(s));
                }
            }
        }
        let span = Duration::from_nanos(last_received.saturating_sub(first_sent));
        Window { sent, received, latencies_nanos, span }
    }
}

/// The running receiver; stops when dropped.
pub struct Receiver {
    pub addr: SocketAddr,
    pub tracker: Arc<Tracker>,
    accept: JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl Receiver {
    pub async fn start(capacity: usize) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let tracker = Arc::new(Tracker::new(capacity));
        let accept = tokio::spawn(accept_loop(listener, tracker.clone()));
        Ok(Self { addr, tracker, accept })
    }
}

async fn accept_loop(listener: TcpListener, tracker: Arc<Tracker>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let tracker = tracker.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let tracker = tracker.clone();
                async move { Ok::<_, Infallible>(handle(&tracker, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(tracker: &Tracker, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let seq = request.uri().path().strip_prefix("/hook/").and_then(|s| s.parse::<u64>().ok());
    let signed = request.headers().contains_key("idenfy-signature");
    let body = request.into_body().collect().await;
    match (seq, body) {
        (Some(seq), Ok(_)) => {
            if !signed {
                tracker.unsigned.fetch_add(1, Ordering::Relaxed);
            }
            tracker.mark_received(seq);
            Response::new(Full::new(Bytes::from_static(b"ok")))
        }
        _ => {
            tracker.unknown.fetch_add(1, Ordering::Relaxed);
            let mut response = Response::new(Full::new(Bytes::from_static(b"unknown")));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    }
}
