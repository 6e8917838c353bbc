//! POST /api/v2/status: a verification's overall status and check results. A fallback for missed
//! webhooks, not for polling: calls per verification are limited (the polling guard).

use crate::{
    AppState, auth::Authenticated, body::JsonObject, error::ApiResult, routes::api_v2::scan_ref_of,
};
use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusResponse {
    /// APPROVED, DENIED, SUSPECTED, REVIEWING, ACTIVE, EXPIRED, EXPIRED-DELETED, DELETED or ARCHIVED.
    pub status: String,
    pub scan_ref: String,
    pub client_id: String,
    pub fraud_tags: Vec<String>,
    pub mismatch_tags: Vec<String>,
    pub auto_face: Option<String>,
    pub manual_face: Option<String>,
    pub auto_document: Option<String>,
    pub manual_document: Option<String>,
}

/// Verification status (fallback for missed webhooks; polling is limited).
#[utoipa::path(post, path = "/api/v2/status", tag = "Verification",
    request_body(content = Object, description = "{\"scanRef\": \"...\"}"),
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "The status; ACTIVE for an unused token", body = StatusResponse),
        (status = 400, description = "MISSING_VALUE: scanRef", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: polling guard; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn status(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<StatusResponse>> {
    let scan_ref = scan_ref_of(&body)?;
    let (verification, result) =
        kycd_core::verifications::status(&state.core, &partner, &scan_ref).await?;
    Ok(Json(StatusResponse {
        status: verification.status.as_str().to_owned(),
        scan_ref: verification.scan_ref.to_string(),
        client_id: verification.client_id.to_string(),
        fraud_tags: result.fraud_tags.iter().map(|t| t.as_str().to_owned()).collect(),
        mismatch_tags: result.mismatch_tags.iter().map(|t| t.as_str().to_owned()).collect(),
        auto_face: result.auto_face.map(|f| f.as_str().to_owned()),
        manual_face: result.manual_face.map(|f| f.as_str().to_owned()),
        auto_document: result.auto_document.map(|d| d.as_str().to_owned()),
        manual_document: result.manual_document.map(|d| d.as_str().to_owned()),
    }))
}
