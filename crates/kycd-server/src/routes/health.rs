//! GET /health: 200 once the database is migrated and answering (a read; kept as it was for
//! existing probes). /health/live and /health/ready are the separate liveness and readiness.

use crate::{AppState, error::ApiError};
use axum::{Json, extract::State};
use kycd_api::Health;

/// The database answers a read. For load balancers use /health/ready, which also catches a
/// database that can no longer write (a full disk) and a failing object store.
#[utoipa::path(get, path = "/health", tag = "Operations",
    responses((status = 200, description = "Ready", body = Health),
              (status = 500, description = "Database unreachable", body = kycd_api::ErrorBody)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.core.store.ping().await?;
    Ok(Json(Health::OK))
}
