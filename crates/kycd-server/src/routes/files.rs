//! GET /files/{scanRef}/{kind}: one stored image, for a valid signed link or the owning partner's
//! API key pair. Served with its content type and `Cache-Control: private, no-store`; audited.

use crate::{
    AppState,
    auth::authenticate,
    error::ApiError,
    params::{ApiPath, ApiQuery},
};
use axum::{
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use kycd_core::files::Access;
use kycd_domain::ScanRef;

/// Read as text so a malformed value is a refused link, not a framework error.
#[derive(Debug, serde::Deserialize)]
pub struct LinkQuery {
    p: Option<String>,
    expires: Option<String>,
    signature: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    ApiPath((scan_ref, kind)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<LinkQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let scan_ref = ScanRef::from_trusted(scan_ref);
    let kind = kycd_core::files::kind_in_path(&scan_ref, &kind)?;
    let access = match query {
        LinkQuery { p: Some(partner), expires: Some(expires), signature: Some(signature) } => {
            Access::Link { partner, expires, signature }
        }
        _ if headers.contains_key(header::AUTHORIZATION) => {
            Access::Partner(Box::new(authenticate(&headers, &state).await?))
        }
        _ => return Err(ApiError::LinkRefused),
    };
    let (bytes, content_type) =
        kycd_core::files::download(&state.core, &scan_ref, kind, access).await?;
    Ok((
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, no-store")],
        bytes,
    )
        .into_response())
}
