//! POST /api/v2/status: a verification's overall status and check results. A fallback for missed
//! webhooks, not for polling: calls per verification are limited (the polling guard).

use crate::{
    AppState, auth::Authenticated, body::JsonObject, error::ApiResult, routes::api_v2::scan_ref_of,
};
use axum::{Json, extract::State};
use kycd_api::StatusResponse;

/// Verification status (fallback for missed webhooks; polling is limited).
#[utoipa::path(post, path = "/api/v2/status", tag = "Verification",
    request_body = kycd_api::ScanRefRequest,
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "The status; ACTIVE for an unused token", body = StatusResponse),
        (status = 400, description = "MISSING_VALUE: scanRef; JSON_ERROR or ENCODING_ERROR: the body", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: partner inactive", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
        (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit, or the polling guard; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn status(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<StatusResponse>> {
    let scan_ref = scan_ref_of(&body)?;
    let (verification, result) =
        kycd_core::verifications::status(&state.core, &partner, &scan_ref).await?;
    Ok(Json(StatusResponse::new(
        verification.status,
        verification.scan_ref,
        verification.client_id,
        result,
    )))
}
