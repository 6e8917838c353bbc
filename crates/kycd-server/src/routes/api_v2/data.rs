//! POST /api/v2/data: the document data of a verification (every key present, null when
//! unknown; all null after deletion). Every call is audited.

use crate::{
    AppState, auth::Authenticated, body::JsonObject, error::ApiResult, routes::api_v2::scan_ref_of,
};
use axum::{Json, extract::State};
use kycd_api::DataResponse;

/// Verification data (audited).
#[utoipa::path(post, path = "/api/v2/data", tag = "Verification",
    request_body = kycd_api::ScanRefRequest,
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "The document data (the webhook's `data` keys), addressVerification, additionalData, scanRef, clientId", body = DataResponse),
        (status = 400, description = "MISSING_VALUE: scanRef; JSON_ERROR or ENCODING_ERROR: the body", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: partner inactive", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
        (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn data(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<DataResponse>> {
    let scan_ref = scan_ref_of(&body)?;
    let (verification, result) =
        kycd_core::verifications::data(&state.core, &partner, &scan_ref).await?;
    Ok(Json(DataResponse::new(result.data, verification.scan_ref, verification.client_id)))
}
