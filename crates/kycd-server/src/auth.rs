//! Partner authentication: HTTP Basic (API key : API secret) on every partner endpoint, then the
//! partner's enabled flag and hourly rate budget. Handlers receive the [`Authenticated`] partner
//! and pass its id to every store call, so they cannot reach another partner's data.

use crate::{AppState, error::ApiError};
use axum::{extract::FromRequestParts, http::request::Parts};
use base64::Engine;
use kycd_store::Partner;

/// The calling partner, authenticated, enabled and within its rate limit.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Partner);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(&parts.headers, state).await.map(Self)
    }
}

/// Reads Basic credentials and lets kycd-core check them, the enabled flag and the rate budget.
pub async fn authenticate(
    headers: &axum::http::HeaderMap,
    state: &AppState,
) -> Result<Partner, ApiError> {
    let (api_key, api_secret) = basic_credentials(headers).ok_or(ApiError::Unauthorized)?;
    Ok(kycd_core::partners::authenticate(&state.core, &api_key, &api_secret).await?)
}

fn basic_credentials(headers: &axum::http::HeaderMap) -> Option<(String, String)> {
    let header = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (key, secret) = decoded.split_once(':')?;
    (!key.is_empty() && !secret.is_empty()).then(|| (key.to_owned(), secret.to_owned()))
}
