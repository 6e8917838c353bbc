//! POST /api/v2/sandbox/reset: deletes every verification of the calling DEV partner (images,
//! data, webhook events), so a test suite can start clean.

use crate::{AppState, auth::Authenticated, error::ApiResult};
use axum::{Json, extract::State};
use serde_json::{Value, json};

/// Delete all of this partner's verifications (DEV).
#[utoipa::path(post, path = "/api/v2/sandbox/reset", tag = "Sandbox",
    security(("basicAuth" = [])),
    responses((status = 200, description = "{deleted: N}", body = Object),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner", body = kycd_api::ErrorBody)))]
pub async fn reset(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
) -> ApiResult<Json<Value>> {
    let deleted = kycd_core::sandbox::reset(&state.core, &partner).await?;
    Ok(Json(json!({ "deleted": deleted })))
}
