//! GET /metrics: Prometheus text exposition (where it is served: docs/adr/0013-metrics-endpoint.md).

use crate::{AppState, error::ApiError};
use axum::{extract::State, http::header, response::IntoResponse};

pub async fn scrape(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let now = state.core.clock.now();
    let backlog = state.core.store.outbox_backlog(now).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        crate::metrics::render(&backlog, now),
    ))
}
