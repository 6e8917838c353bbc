//! Partner authentication: HTTP Basic (API key : API secret) on every partner endpoint, then the
//! partner's enabled flag and hourly rate budget. Handlers receive the [`Authenticated`] partner
//! and pass its id to every store call, so they cannot reach another partner's data.

use crate::{AppState, error::ApiError, secrets};
use axum::{extract::FromRequestParts, http::request::Parts};
use base64::Engine;
use kycd_store::Partner;
use time::OffsetDateTime;

/// The calling partner, authenticated, enabled and within its rate limit.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Partner);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(&parts.headers, state).await.map(Self)
    }
}

/// Checks Basic credentials, the enabled flag and the rate budget; yields the partner.
pub async fn authenticate(
    headers: &axum::http::HeaderMap,
    state: &AppState,
) -> Result<Partner, ApiError> {
    {
        let (api_key, api_secret) = basic_credentials(headers).ok_or(ApiError::Unauthorized)?;
        let partner = state
            .store
            .partner_by_api_key(&api_key)
            .await?
            .filter(|partner| secrets::secret_matches(&api_secret, &partner.api_secret_sha256))
            .ok_or(ApiError::Unauthorized)?;
        if !partner.enabled {
            return Err(ApiError::PartnerInactive);
        }
        tracing::Span::current().record("partner", partner.name.as_str());
        enforce_rate_limit(state, &partner).await?;
        Ok(partner)
    }
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

/// Fixed hourly windows counted in the store, so the budget holds across processes and nodes.
async fn enforce_rate_limit(state: &AppState, partner: &Partner) -> Result<(), ApiError> {
    if partner.rate_limit_per_hour == 0 {
        return Ok(());
    }
    let now = state.clock.now();
    let window_start = hour_start(now);
    let count = state.store.count_request(partner.id, window_start).await?;
    if count > partner.rate_limit_per_hour {
        let window_end = window_start + time::Duration::HOUR;
        let retry_after_secs =
            u64::try_from((window_end - now).whole_seconds().max(1)).unwrap_or(1);
        return Err(ApiError::RateLimited { retry_after_secs, limit: partner.rate_limit_per_hour });
    }
    Ok(())
}

fn hour_start(at: OffsetDateTime) -> OffsetDateTime {
    let seconds = at.unix_timestamp();
    OffsetDateTime::from_unix_timestamp(seconds - seconds.rem_euclid(3600)).unwrap_or(at)
}
