//! `baseline`: the ceiling kycd is measured against. An axum server on the same runtime shape as
//! kycd (tokio multi-thread) that reads the same JSON bodies and answers fixed bytes of kycd's
//! exact sizes: 201 for POST /api/v2/token, 200 for POST /api/v2/status, 200 for GET /health.
//! No validation, no storage, no durability. For a token with `dummyStatus` and a loopback
//! `callbackUrl` it also POSTs a signed webhook of kycd's size straight from memory (no outbox),
//! the ceiling of the webhook scenario. It never sends anything off the machine.

use anyhow::Context;
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use http_body_util::Full;
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use kycd_bench::fixtures;
use serde_json::{Map, Value};
use std::{net::SocketAddr, sync::Arc};

struct Fixed {
    token: Bytes,
    status: Bytes,
    webhook: Bytes,
    signing_key: Vec<u8>,
    client: Client<HttpConnector, Full<Bytes>>,
}

type Shared = Arc<Fixed>;

fn json(status: StatusCode, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn error(status: StatusCode, identifier: &'static str) -> Response {
    let body = format!(r#"{{"identifier":"{identifier}","message":"baseline"}}"#);
    json(status, Bytes::from(body))
}

/// The checks every kycd partner call starts with, minus the store: Basic auth present, body a
/// JSON object.
fn read(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, (StatusCode, &'static str)> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Basic "));
    if !basic {
        return Err((StatusCode::UNAUTHORIZED, "UNAUTHORIZED"));
    }
    serde_json::from_slice::<Map<String, Value>>(body)
        .map_err(|_| (StatusCode::BAD_REQUEST, "JSON_ERROR"))
}

async fn token(State(fixed): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let request = match read(&headers, &body) {
        Ok(request) => request,
        Err((status, identifier)) => return error(status, identifier),
    };
    if request.contains_key("dummyStatus")
        && let Some(url) = request.get("callbackUrl").and_then(Value::as_str)
        && url.starts_with("http://127.0.0.1:")
        && let Ok(uri) = url.parse::<http::Uri>()
    {
        tokio::spawn(send_webhook(fixed.clone(), uri));
    }
    json(StatusCode::CREATED, fixed.token.clone())
}

async fn send_webhook(fixed: Shared, uri: http::Uri) {
    let id = format!("msg_{}", kycd_domain::ids::random_alphanumeric(26));
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let signed = kycd_webhooks::signer::headers(
        &fixed.signing_key,
        "IDENTIFICATION_AUTO_FINISHED",
        &id,
        now,
        &fixed.webhook,
    );
    let mut request = http::Request::new(Full::new(fixed.webhook.clone()));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri;
    for (name, value) in signed {
        if let Ok(value) = HeaderValue::from_str(&value) {
            request.headers_mut().insert(name, value);
        }
    }
    if let Ok(response) = fixed.client.request(request).await {
        use http_body_util::BodyExt;
        let _ = response.into_body().collect().await;
    }
}

async fn status(State(fixed): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    match read(&headers, &body) {
        Ok(_) => json(StatusCode::OK, fixed.status.clone()),
        Err((status, identifier)) => error(status, identifier),
    }
}

async fn health() -> Response {
    json(StatusCode::OK, Bytes::from_static(br#"{"status":"ok"}"#))
}

fn fixed() -> anyhow::Result<Fixed> {
    let request = fixtures::token_request()?;
    let token = serde_json::to_vec(&fixtures::token_response(&request))?;
    let status = serde_json::to_vec(&serde_json::json!({
        "status": "ACTIVE", "scanRef": "01a201b4-bec7-748b-ae43-548e24e01e4a", "clientId": "100000",
        "fraudTags": [], "mismatchTags": [], "autoFace": null, "manualFace": null,
        "autoDocument": null, "manualDocument": null,
    }))?;
    let webhook = fixtures::approved_webhook_bytes(&request)?;
    let client = Client::builder(TokioExecutor::new()).build_http();
    Ok(Fixed {
        token: token.into(),
        status: status.into(),
        webhook: webhook.into(),
        signing_key: b"baseline-signing-key".to_vec(),
        client,
    })
}

async fn serve(listen: SocketAddr) -> anyhow::Result<()> {
    anyhow::ensure!(listen.ip().is_loopback(), "the baseline server listens on loopback only");
    let app = Router::new()
        .route("/health", get(health))
        .route("/api/v2/token", post(token))
        .route("/api/v2/status", post(status))
        .with_state(Arc::new(fixed()?));
    let listener =
        tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
    println!("baseline listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 8090));
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                listen = args.next().context("--listen needs an address")?.parse()?;
            }
            other => anyhow::bail!("unknown argument {other}; usage: baseline [--listen ADDR]"),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(serve(listen))
}
