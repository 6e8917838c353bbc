//! POST /api/v2/add-dummy-status (DEV only): give a verification a manual result and send
//! IDENTIFICATION_MANUAL_FINISHED (final=true), as a reviewer would.

use crate::{AppState, auth::Authenticated, body::JsonObject, error::ApiResult};
use axum::{Json, extract::State};
use kycd_api::sandbox::EmptyResponse;
use kycd_domain::{
    Rejection, ScanRef,
    dummy::{MANUAL_DOCUMENT_VALUES, MANUAL_FACE_VALUES},
    fields::Fields,
    vocabulary::{DocumentStatus, FaceStatus},
};

fn parse_listed<T: Copy + PartialEq>(
    fields: &Fields<'_>,
    key: &str,
    allowed: &[T],
    parse: fn(&str) -> Option<T>,
    name: fn(&T) -> &'static str,
) -> Result<T, Rejection> {
    let raw = fields.required_str(key)?;
    parse(raw).filter(|value| allowed.contains(value)).ok_or_else(|| {
        let names: Vec<&str> = allowed.iter().map(name).collect();
        Rejection::bad_value(format!("Field '{key}' must be one of {}.", names.join(", ")))
    })
}

/// Set a dummy manual result (DEV only).
///
/// Approval needs FACE_MATCH and DOC_VALIDATED; the reviewer's verdict replaces automatic fraud
/// and mismatch tags. Answers `{}` and sends IDENTIFICATION_MANUAL_FINISHED with final=true.
#[utoipa::path(post, path = "/api/v2/add-dummy-status", tag = "Sandbox",
    request_body = kycd_api::sandbox::AddDummyStatusRequest,
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "Manual result applied; the webhook is queued", body = EmptyResponse),
        (status = 400, description = "MISSING_VALUE or BAD_VALUE (field names the allowed values), or the verification is deleted; JSON_ERROR or ENCODING_ERROR: the body", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner, or partner inactive", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef (or another partner's)", body = kycd_api::ErrorBody),
        (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn add_dummy_status(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<EmptyResponse>> {
    kycd_core::sandbox::require_dev(&partner)?;
    let fields = Fields::new(&body);
    let scan_ref = ScanRef::from_trusted(fields.required_str("scanRef")?);
    tracing::Span::current().record("scan_ref", scan_ref.as_str());
    let face = parse_listed(
        &fields,
        "manualFaceMatchResult",
        MANUAL_FACE_VALUES,
        FaceStatus::parse,
        |f| f.as_str(),
    )?;
    let document = parse_listed(
        &fields,
        "manualDocumentValidity",
        MANUAL_DOCUMENT_VALUES,
        DocumentStatus::parse,
        |d| d.as_str(),
    )?;

    kycd_core::sandbox::add_dummy_status(&state.core, &partner, &scan_ref, face, document).await?;
    Ok(Json(EmptyResponse {}))
}
