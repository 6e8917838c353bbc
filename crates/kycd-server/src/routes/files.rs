//! GET /files/{scanRef}/{kind}: one stored image, for a valid signed link or the owning partner's
//! API key pair. Served with its content type and `Cache-Control: private, no-store`; audited.

use crate::{AppState, auth::authenticate, error::ApiError, files::content_type};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use kycd_domain::{PartnerId, ScanRef};
use kycd_store::AuditRecord;

/// Read as text so a malformed value is a refused link, not a framework error.
#[derive(Debug, serde::Deserialize)]
pub struct LinkQuery {
    p: Option<String>,
    expires: Option<String>,
    signature: Option<String>,
}

fn not_found(scan_ref: &str, kind: &str) -> ApiError {
    ApiError::NotFound(format!("Verification '{scan_ref}' has no {kind} file."))
}

pub async fn download(
    State(state): State<AppState>,
    Path((scan_ref, kind)): Path<(String, String)>,
    Query(query): Query<LinkQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !crate::files::KINDS.contains(&kind.as_str()) {
        return Err(not_found(&scan_ref, &kind));
    }
    let scan = ScanRef::from_trusted(scan_ref.clone());
    let (partner_id, actor) = match (&query.p, &query.expires, &query.signature) {
        (Some(p), Some(expires), Some(signature)) => {
            let partner =
                uuid::Uuid::parse_str(p).map(PartnerId).map_err(|_| ApiError::LinkRefused)?;
            let expires: i64 = expires.parse().map_err(|_| ApiError::LinkRefused)?;
            if !state.links.verify(partner, &scan, &kind, expires, signature, state.clock.now()) {
                return Err(ApiError::LinkRefused);
            }
            // A disabled partner's links stop working with its API keys.
            let owner = state.store.partner_by_id(partner).await?;
            if !owner.is_some_and(|o| o.enabled) {
                return Err(ApiError::PartnerInactive);
            }
            (partner, "link".to_owned())
        }
        _ if headers.contains_key(header::AUTHORIZATION) => {
            let partner = authenticate(&headers, &state).await?;
            (partner.id, format!("partner:{}", partner.name))
        }
        _ => return Err(ApiError::LinkRefused),
    };
    let verification = state
        .store
        .verification(partner_id, &scan)
        .await?
        .ok_or_else(|| not_found(&scan_ref, &kind))?;
    let bytes = state
        .files
        .get(&verification.scan_ref, &kind)
        .await?
        .ok_or_else(|| not_found(&scan_ref, &kind))?;
    let record = AuditRecord {
        at: state.clock.now(),
        partner_id: Some(partner_id),
        actor,
        action: "file.download".into(),
        scan_ref: Some(scan),
        detail: Some(kind),
    };
    state.store.append_audit(&record).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type(&bytes)),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        bytes,
    )
        .into_response())
}
