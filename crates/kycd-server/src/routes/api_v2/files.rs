//! POST /api/v2/files: signed, expiring links to a verification's images (audited), in
//! `fileUrls` plus the deprecated top-level keys.

use crate::{
    AppState, auth::Authenticated, body::JsonObject, error::ApiResult, routes::api_v2::scan_ref_of,
};
use axum::{Json, extract::State};
use kycd_api::FilesResponse;

/// Verification files (signed links, audited).
#[utoipa::path(post, path = "/api/v2/files", tag = "Verification",
    request_body = kycd_api::ScanRefRequest,
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "{FRONT: url, …, fileUrls: {…}, videoUrls: {}, additionalStepPdfUrls: {}}; links expire (default 1 h)", body = FilesResponse),
        (status = 400, description = "MISSING_VALUE: scanRef; JSON_ERROR or ENCODING_ERROR: the body", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: partner inactive", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
        (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn files(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<FilesResponse>> {
    let links = kycd_core::files::list(&state.core, &partner, &scan_ref_of(&body)?).await?;
    Ok(Json(FilesResponse::from_links(links)))
}
