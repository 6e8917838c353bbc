//! POST /api/v2/sandbox/reset: deletes every verification of the calling DEV partner (images,
//! data, webhook events), so a test suite can start clean.

use crate::{AppState, auth::Authenticated, error::ApiResult};
use axum::{Json, extract::State};
use kycd_api::sandbox::ResetResponse;

/// Delete all of this partner's verifications (DEV).
#[utoipa::path(post, path = "/api/v2/sandbox/reset", tag = "Sandbox",
    security(("basicAuth" = [])),
    responses((status = 200, description = "How many verifications were deleted", body = ResetResponse),
              (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner, or partner inactive", body = kycd_api::ErrorBody),
              (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody)))]
pub async fn reset(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
) -> ApiResult<Json<ResetResponse>> {
    let deleted = kycd_core::sandbox::reset(&state.core, &partner).await?;
    Ok(Json(ResetResponse { deleted }))
}
