//! POST /api/v2/delete: removes a verification's images and personal data for good, once its
//! token can no longer be used.

use crate::{
    AppState, auth::Authenticated, body::JsonObject, error::ApiResult, routes::api_v2::scan_ref_of,
};
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// Delete verification data.
///
/// Refused while the token is still usable (PARTNER_ERROR "Token has not expired yet."). Otherwise
/// images and parsed personal data are removed from the object store and the database and the
/// status becomes DELETED (or EXPIRED-DELETED). 200 with an empty body; repeating it is harmless.
#[utoipa::path(post, path = "/api/v2/delete", tag = "Verification",
    request_body = kycd_api::ScanRefRequest,
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "Deleted (empty body)"),
        (status = 400, description = "PARTNER_ERROR \"Token has not expired yet.\" (extended error shape), or MISSING_VALUE, JSON_ERROR or ENCODING_ERROR", body = kycd_api::ExtendedErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: partner inactive", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
        (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    kycd_core::verifications::delete(&state.core, &partner, &scan_ref_of(&body)?).await?;
    Ok(StatusCode::OK.into_response())
}
