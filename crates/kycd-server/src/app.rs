//! Application state, the router with its middleware, and starting/stopping the server.

use crate::{error::ApiError, routes};
use axum::{
    Router,
    extract::{MatchedPath, Request},
    http::{HeaderName, Method, Uri},
    response::IntoResponse,
};
use kycd_core::Services;
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    sensitive_headers::SetSensitiveRequestHeadersLayer,
    trace::TraceLayer,
};

/// Shared by every handler. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The services every handler calls.
    pub core: Services,
    pub max_body_bytes: usize,
    /// Serve `GET /metrics` on this router (see [`MetricsExposure`]).
    pub metrics_route: bool,
    /// Timeouts and connection limits of the HTTP server.
    pub http: crate::http_server::HttpLimits,
    /// Serve the review console on this router (false when it has a listen address of its own).
    pub console_route: bool,
}

/// Where `GET /metrics` is served (docs/adr/0013-metrics-endpoint.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsExposure {
    /// On the API's own address.
    OnApi,
    /// On a separate address only.
    Separate(SocketAddr),
    Off,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let mut routes = routes::router(state.console_route);
    if state.metrics_route {
        crate::metrics::recorder();
        routes = routes.route("/metrics", axum::routing::get(routes::metrics::scrape));
    }
    layered(routes, state)
}

/// Only the review console (and the assets its pages load), for its own listen address.
pub fn console_router(state: AppState) -> Router {
    layered(crate::ui::console_only(), state)
}

/// `routes` with the middleware every kycd HTTP answer goes through.
fn layered(routes: Router<AppState>, state: AppState) -> Router {
    let limits = state.http;
    routes
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(move |request, next| {
            crate::http_server::deadlines(limits, request, next)
        }))
        .layer(axum::middleware::from_fn(crate::metrics::track))
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let path = request
                .extensions()
                .get::<MatchedPath>()
                .map_or(request.uri().path(), MatchedPath::as_str);
            let request_id =
                request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!(
                "request",
                method = %request.method(),
                path,
                request_id,
                partner = tracing::field::Empty,
                operator = tracing::field::Empty,
                scan_ref = tracing::field::Empty,
            )
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(SetSensitiveRequestHeadersLayer::new([
            axum::http::header::AUTHORIZATION,
            // The console's session cookie.
            axum::http::header::COOKIE,
        ]))
        .layer(axum::middleware::from_fn(crate::unread_body::close_after_early_refusals))
        .with_state(state)
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::RouteNotFound { method: method.to_string(), path: uri.path().to_owned() }
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed { method: method.to_string(), path: uri.path().to_owned() }
}

/// A server running in the background; dropping it does not stop it, [`RunningServer::shutdown`] does.
#[derive(Debug)]
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        match tokio::time::timeout(Duration::from_secs(30), self.task).await {
            Ok(joined) => joined.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            Err(_) => Err(std::io::Error::other("server did not stop within 30 s")),
        }
    }

    /// Resolves when the server has stopped (after a shutdown signal).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }

    pub fn stop_handle(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Serves `state` on an already bound listener until told to stop.
pub fn start_server(listener: TcpListener, state: AppState) -> std::io::Result<RunningServer> {
    let limits = state.http;
    serve(listener, router(state), limits)
}

/// Serves only the review console on its own listener (`console_listen`).
pub fn start_console_server(
    listener: TcpListener,
    state: AppState,
) -> std::io::Result<RunningServer> {
    let limits = state.http;
    serve(listener, console_router(state), limits)
}

/// Serves only `GET /metrics` for `core` on its own listener (a separate metrics address).
pub fn start_metrics_server(
    listener: TcpListener,
    core: Services,
) -> std::io::Result<RunningServer> {
    crate::metrics::recorder();
    let state = AppState {
        core,
        max_body_bytes: 0,
        metrics_route: true,
        http: crate::http_server::HttpLimits::default(),
        console_route: false,
    };
    let app = Router::new()
        .route("/metrics", axum::routing::get(routes::metrics::scrape))
        .fallback(unknown_route)
        .with_state(state);
    serve(listener, app, crate::http_server::HttpLimits::default())
}

fn serve(
    listener: TcpListener,
    app: Router,
    limits: crate::http_server::HttpLimits,
) -> std::io::Result<RunningServer> {
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(crate::http_server::serve(listener, app, limits, stopped));
    Ok(RunningServer { addr, stop, task })
}

/// Settings of the background jobs (webhook delivery worker, analysis runner, expiry sweeper).
#[derive(Debug, Clone)]
pub struct BackgroundSettings {
    /// None = this node does not deliver webhooks (API-only node).
    pub worker: Option<kycd_webhooks::WorkerConfig>,
    /// None = this node does not analyse submissions (API-only node).
    pub analysis: Option<kycd_core::analysis::RunnerConfig>,
    pub webhook_timeout: Duration,
    pub network_policy: kycd_webhooks::network::NetworkPolicy,
    pub sweep_interval: Duration,
}

/// Running background jobs; [`Background::stop`] ends them and waits.
#[derive(Debug)]
pub struct Background {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Background {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(20), task).await;
        }
    }
}

pub fn start_background(
    core: &Services,
    settings: BackgroundSettings,
) -> anyhow::Result<Background> {
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    if let Some(config) = settings.worker {
        let sender = kycd_webhooks::HttpSender::new(
            settings.network_policy.clone(),
            settings.webhook_timeout,
        )?;
        let worker = kycd_webhooks::DeliveryWorker::new(
            core.store.clone(),
            core.clock.clone(),
            Arc::new(sender),
            config,
            core.webhook_wake.clone(),
        );
        tasks.push(tokio::spawn(worker.run(stopped.clone())));
    }
    if let Some(config) = settings.analysis {
        tasks.push(tokio::spawn(kycd_core::analysis::run(core.clone(), config, stopped.clone())));
    }
    tasks.push(tokio::spawn(kycd_core::sweeper::run(
        core.clone(),
        settings.sweep_interval,
        stopped,
    )));
    Ok(Background { stop, tasks })
}
