//! `POST` / `DELETE /kyc/identifications/{scanRef}/blocklists/{blocklistSource}/`: a finished
//! verification's selfie face, document portrait or person's data on (or off) the partner's
//! blocklist.

use crate::{
    AppState, auth::Authenticated, body::OptionalJsonObject, error::ApiResult, params::ApiPath,
};
use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use kycd_api::blocklist::{BlocklistDataEntry, BlocklistFaceEntry};
use kycd_core::blocklists::{self, ListedEntry};
use kycd_domain::{Rejection, ScanRef, fields::Fields, vocabulary::BlocklistSource};
use time::format_description::well_known::Rfc3339;

fn source_of(text: &str) -> Result<BlocklistSource, Rejection> {
    BlocklistSource::parse(text).ok_or_else(|| {
        Rejection::bad_value(format!(
            "Path parameter 'blocklistSource' must be one of {}.",
            BlocklistSource::allowed()
        ))
    })
}

fn path(scan_ref: String, source: &str) -> Result<(ScanRef, BlocklistSource), Rejection> {
    let scan_ref = ScanRef::from_trusted(scan_ref);
    tracing::Span::current().record("scan_ref", scan_ref.as_str());
    Ok((scan_ref, source_of(source)?))
}

/// Add a verification to a blocklist.
///
/// SELFIE puts the verification's selfie face on the partner's face blocklist, DOCUMENT the
/// portrait on its document, DOCUMENT_INFO the person's data read from the document (document
/// number, personal code, name with date of birth). The verification must have been analysed
/// (for a face source, a face of that kind must have been found) and not deleted. Its result then
/// carries FACE_IN_BLACKLIST, DOC_FACE_IN_BLACKLIST or DATA_IN_BLACKLIST (the overall status and
/// webhooks are unchanged); later verifications with `checkFaceBlacklist`,
/// `checkDocFaceBlacklist` or `checkPersonBlacklist` that match get FACE_BLACKLISTED,
/// DOC_FACE_BLACKLISTED or DATA_BLACKLISTED and are SUSPECTED. Adding it again replaces the
/// reason. Deleting the verification (POST /api/v2/delete, retention) removes its entries.
#[utoipa::path(post, path = "/kyc/identifications/{scanRef}/blocklists/{blocklistSource}/",
    tag = "KYC Blocklist",
    params(
        ("scanRef" = String, Path, description = "The verification's scanRef"),
        ("blocklistSource" = String, Path, description = "DOCUMENT, DOCUMENT_INFO or SELFIE"),
    ),
    request_body(content = kycd_api::blocklist::BlocklistRequest, description = "Optional; an empty body is `{}`"),
    security(("basicAuth" = [])),
    responses(
        (status = 201, description = "On the list: IdentificationBlacklist for SELFIE and DOCUMENT, IdentificationDataBlacklistResponse for DOCUMENT_INFO", body = BlocklistFaceEntry),
        (status = 400, description = "BAD_VALUE: blocklistSource, reason, a verification without a result, deleted, or with nothing of that kind to block (the message says which); JSON_ERROR or ENCODING_ERROR: the body", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: partner inactive", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn add(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    ApiPath((scan_ref, source)): ApiPath<(String, String)>,
    OptionalJsonObject(body): OptionalJsonObject,
) -> ApiResult<Response> {
    let (scan_ref, source) = path(scan_ref, &source)?;
    let reason = Fields::new(&body).opt_str("reason")?.map(str::to_owned);
    let listed = blocklists::add(&state.core, &partner, &scan_ref, source, reason).await?;
    Ok((StatusCode::CREATED, entry_body(listed)?).into_response())
}

/// Remove a verification from a blocklist.
///
/// Takes the entry and the verification's `*_IN_BLACKLIST` tag away; later verifications no
/// longer match it. 204 with no body; 404 when the verification is not on that list.
#[utoipa::path(delete, path = "/kyc/identifications/{scanRef}/blocklists/{blocklistSource}/",
    tag = "KYC Blocklist",
    params(
        ("scanRef" = String, Path, description = "The verification's scanRef"),
        ("blocklistSource" = String, Path, description = "DOCUMENT, DOCUMENT_INFO or SELFIE"),
    ),
    security(("basicAuth" = [])),
    responses(
        (status = 204, description = "Removed (no body)"),
        (status = 400, description = "BAD_VALUE: blocklistSource", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: partner inactive", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's, or not on that blocklist", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    ApiPath((scan_ref, source)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let (scan_ref, source) = path(scan_ref, &source)?;
    blocklists::remove(&state.core, &partner, &scan_ref, source).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn entry_body(listed: ListedEntry) -> ApiResult<Response> {
    let ListedEntry { entry, face_image_url } = listed;
    let created = entry
        .created_at
        .format(&Rfc3339)
        .map_err(|e| anyhow::anyhow!("formatting a blocklist entry's time: {e}"))?;
    let id = entry.scan_ref.as_str().to_owned();
    Ok(match entry.person {
        Some(person) => Json(BlocklistDataEntry {
            id,
            full_name: person.full_name,
            date_of_birth: person.date_of_birth,
            personal_number: person.personal_number,
            document_number: person.document_number,
            nationality: person.nationality,
            reason: entry.reason,
            created,
        })
        .into_response(),
        None => Json(BlocklistFaceEntry { id, reason: entry.reason, created, face_image_url })
            .into_response(),
    })
}
