//! POST /api/v2/sandbox/advance: moves one verification's clock forward, so token expiry and
//! scheduled reviews fire as if the time had passed — without touching any other verification.

use crate::{
    AppState,
    auth::Authenticated,
    body::JsonObject,
    error::ApiResult,
    routes::api_v2::{sandbox::require_dev, scan_ref_of},
};
use axum::{Json, extract::State};
use kycd_api::sandbox::AdvanceResponse;
use kycd_domain::{Rejection, fields::Fields};

/// Advance one verification's time (DEV).
#[utoipa::path(post, path = "/api/v2/sandbox/advance", tag = "Sandbox",
    request_body = kycd_api::sandbox::AdvanceRequest,
    security(("basicAuth" = [])),
    responses((status = 200, description = "The status after anything that came due", body = AdvanceResponse),
              (status = 400, description = "MISSING_VALUE / BAD_VALUE for scanRef or seconds; JSON_ERROR or ENCODING_ERROR: the body", body = kycd_api::ErrorBody),
              (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner, or partner inactive", body = kycd_api::ErrorBody),
              (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
              (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
              (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody)))]
pub async fn advance(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<AdvanceResponse>> {
    require_dev(&partner)?;
    let seconds =
        Fields::new(&body).opt_int("seconds")?.ok_or_else(|| Rejection::missing("seconds"))?;
    let scan_ref = scan_ref_of(&body)?;
    let advanced = kycd_core::sandbox::advance(&state.core, &partner, &scan_ref, seconds).await?;
    Ok(Json(AdvanceResponse {
        scan_ref: advanced.verification.scan_ref,
        status: advanced.verification.status,
        advanced_seconds: advanced.advanced_seconds,
    }))
}
