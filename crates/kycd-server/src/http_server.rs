//! The HTTP/1.1 server loop with limits, so idle, slow or oversized clients cannot hold kycd's
//! memory or file descriptors: a deadline for each request's header (which also closes idle
//! keep-alive connections: hyper starts it whenever it waits for a next request), a largest
//! header, a connection limit (the connection over it gets a 503 at once instead of hanging in
//! the backlog), and, as middleware in `app.rs`, deadlines for reading the body and for the
//! whole answer. At start the file-descriptor soft limit is raised to the hard limit.

use crate::error::ApiError;
use axum::{Router, response::IntoResponse};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use std::{sync::Arc, time::Duration};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
};

/// The limits (config: `http_*`, `max_connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// A request's whole header must arrive within this; also how long an idle keep-alive
    /// connection is kept.
    pub header_timeout: Duration,
    /// A request body must arrive within this.
    pub body_timeout: Duration,
    /// An answer (up to its headers) must be ready within this; 503 otherwise.
    pub request_timeout: Duration,
    /// Largest request header (start line included); larger gets 431.
    pub max_header_bytes: usize,
    /// Open connections at most; one more gets 503 and is closed.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            max_header_bytes: 64 * 1024,
            max_connections: 4096,
        }
    }
}

/// hyper's smallest read buffer.
const MIN_BUFFER: usize = 8192;

/// Serves `app` on `listener` until `stop` turns true, then lets open requests finish (30 s).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes)
        .max_buf_size((limits.max_header_bytes + 1024).max(MIN_BUFFER));
    let stopping = stop.wait_for(|stop| *stop);
    tokio::pin!(stopping);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stopping => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, most likely: wait for some to be freed.
                tracing::warn!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tokio::spawn(refuse_busy(stream, limits.max_connections));
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
}

/// A 503 in the API's error shape for a connection over the limit, then the end of it.
async fn refuse_busy(mut stream: TcpStream, limit: usize) {
    let error = ApiError::Unavailable {
        message: format!("kycd has {limit} connections open, its limit; retry in a moment."),
        retry_after_secs: 1,
    };
    let response = error.into_response();
    let body = match axum::body::to_bytes(response.into_body(), 4096).await {
        Ok(body) => body,
        Err(_) => return,
    };
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let answer = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&body).await?;
        stream.shutdown().await?;
        // Read what the client sent, so closing does not reset the connection under the answer.
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), answer).await;
}

/// Raises the soft limit on open files to the hard limit (where allowed); the limit in force.
pub fn raise_open_files_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let Rlimit { current, maximum } = getrlimit(Resource::Nofile);
    if current < maximum {
        let raised = Rlimit { current: maximum, maximum };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return maximum;
        }
    }
    current
}

/// Middleware: the body must keep arriving (no pause longer than the body timeout) and the
/// answer must be ready within the request timeout, else 503 and the connection is closed.
/// A streamed answer (the sandbox event stream) counts as ready once its headers are.
pub async fn deadlines(
    limits: HttpLimits,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let body =
        axum::body::Body::new(tower_http::timeout::TimeoutBody::new(limits.body_timeout, body));
    let request = axum::extract::Request::from_parts(parts, body);
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let error = ApiError::Unavailable {
                message: format!(
                    "The request was not answered within {} s and was stopped; retry later.",
                    limits.request_timeout.as_secs()
                ),
                retry_after_secs: 1,
            };
            let mut response = error.into_response();
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            response
        }
    }
}
