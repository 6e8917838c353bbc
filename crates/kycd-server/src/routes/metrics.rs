//! GET /metrics: Prometheus text exposition (where it is served: docs/adr/0013-metrics-endpoint.md).

use crate::{AppState, error::ApiError};
use axum::{extract::State, http::header, response::IntoResponse};

/// Prometheus metrics.
///
/// Prometheus text format 0.0.4: request count and latency by method, matched route and status;
/// webhook delivery attempts by outcome and their latency; the outbox backlog (pending deliveries,
/// age of the oldest due one); the analysis queue (queued jobs, age of the oldest). Served on the API address only when kycd listens on loopback, or
/// with `metrics = "on"`; with `metrics_listen` only on that address. No authentication.
#[utoipa::path(get, path = "/metrics", tag = "Operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain; version=0.0.4; charset=utf-8", body = String),
              (status = 404, description = "NOT_FOUND: metrics are not served on this address", body = kycd_api::ErrorBody)))]
pub async fn scrape(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let now = state.core.clock.now();
    let backlog = state.core.store.outbox_backlog(now).await?;
    let analysis = state.core.store.analysis_backlog().await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        crate::metrics::render(&backlog, &analysis, now),
    ))
}
