//! GET /health/ready: whether this node can do its work now (kycd-core `health`): a committed
//! database write and an object stored, read back and removed. For load balancers: take a node
//! out while this answers 503.

use crate::AppState;
use axum::{Json, extract::State, http::StatusCode};
use kycd_api::health::Readiness;

/// Readiness: the database commits and the object store stores.
#[utoipa::path(get, path = "/health/ready", tag = "Operations",
    responses((status = 200, description = "Ready: both checks passed", body = Readiness),
              (status = 503, description = "Not ready: the failing check says why (a full disk, an unreachable database or bucket)", body = Readiness)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let checked = kycd_core::health::readiness(&state.core).await;
    let describe = |check: &Result<(), String>| match check {
        Ok(()) => "ok".to_owned(),
        Err(reason) => format!("failing: {reason}"),
    };
    let body = Readiness {
        status: if checked.is_ready() { "ready" } else { "not ready" },
        database: describe(&checked.database),
        object_store: describe(&checked.object_store),
    };
    let status = if checked.is_ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body))
}
