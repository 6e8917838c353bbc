//! GET /health: 200 once the database is migrated and answering.

use crate::{AppState, error::ApiError};
use axum::{Json, extract::State};
use kycd_api::Health;

/// Liveness and readiness: answers once the store is migrated and reachable.
#[utoipa::path(get, path = "/health", tag = "Operations",
    responses((status = 200, description = "Ready", body = Health),
              (status = 500, description = "Database unreachable", body = kycd_api::ErrorBody)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.core.store.ping().await?;
    Ok(Json(Health::OK))
}
