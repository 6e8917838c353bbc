//! A real HTTP webhook receiver on 127.0.0.1:0 that records every request it gets and answers
//! with scripted statuses (default 200).

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::any,
};
use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::Notify;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub at: std::time::Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("webhook body is JSON")
    }
}

/// What the receiver answers to the next request.
#[derive(Debug, Clone)]
pub enum Answer {
    Status(u16),
    /// Answer with a status and a large body (to check kycd keeps only an excerpt).
    StatusWithBody(u16, usize),
    /// Redirect elsewhere (kycd must not follow).
    Redirect(String),
    StatusWithRetryAfter(u16, u64),
    /// Sleep this long before answering 200 (to exercise timeouts).
    /// The request is recorded on arrival, before the wait.
    Hang(Duration),
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Answer>>,
    notify: Notify,
}

#[derive(Clone)]
pub struct WebhookReceiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl WebhookReceiver {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new().fallback(any(record)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
        let addr = listener.local_addr().expect("receiver addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers for the next requests, in order; after the script runs out, 200.
    pub fn script(&self, answers: impl IntoIterator<Item = Answer>) {
        self.shared.script.lock().expect("script lock").extend(answers);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().expect("received lock").clone()
    }

    /// Waits until at least `count` requests arrived, or panics after `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.notify.notified();
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "receiver got {} of {count} expected webhooks within {timeout:?}",
                    self.received().len()
                );
            }
        }
    }
}

async fn record(
    State(shared): State<Arc<Shared>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = shared.script.lock().expect("script lock").pop_front();
    // Recorded on arrival, so a request whose sender dies mid-way is still counted.
    shared.received.lock().expect("received lock").push(Received {
        path: uri.path().to_owned(),
        headers,
        body: body.to_vec(),
        at: std::time::Instant::now(),
    });
    shared.notify.notify_waiters();
    if let Some(Answer::Hang(duration)) = &answer {
        tokio::time::sleep(*duration).await;
    }
    match answer {
        Some(Answer::Status(code)) => {
            StatusCode::from_u16(code).unwrap_or(StatusCode::OK).into_response()
        }
        Some(Answer::StatusWithRetryAfter(code, secs)) => {
            let mut response = StatusCode::from_u16(code).unwrap_or(StatusCode::OK).into_response();
            response.headers_mut().insert("retry-after", HeaderValue::from(secs));
            response
        }
        Some(Answer::StatusWithBody(code, size)) => {
            (StatusCode::from_u16(code).unwrap_or(StatusCode::OK), "x".repeat(size)).into_response()
        }
        Some(Answer::Redirect(location)) => {
            let mut response = StatusCode::FOUND.into_response();
            response
                .headers_mut()
                .insert("location", HeaderValue::from_str(&location).expect("location"));
            response
        }
        Some(Answer::Hang(_)) | None => StatusCode::OK.into_response(),
    }
}
