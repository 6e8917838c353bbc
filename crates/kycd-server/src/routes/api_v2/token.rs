//! POST /api/v2/token: validate the request, spend a credit, store the verification (ACTIVE, or
//! finished at once for a DEV `dummyStatus`, with its webhook queued in the same transaction).

use crate::{AppState, auth::Authenticated, body::JsonObject, error::ApiResult};
use axum::{Json, extract::State, http::StatusCode};
use kycd_api::token::TokenResponse;
use kycd_domain::token_request;

/// Create a verification session token.
///
/// Validates every key of the request (reference §2.1/§2.2), spends one credit and stores the
/// verification as ACTIVE. The 201 body echoes the request with effective defaults. DEV partners
/// may add `dummyStatus` (APPROVED, DENIED, SUSPECTED, EXPIRED, ACTIVE) to get that result and
/// its signed webhook at once.
#[utoipa::path(post, path = "/api/v2/token", tag = "Verification",
    request_body = kycd_api::token::TokenRequestDoc,
    security(("basicAuth" = [])),
    responses(
        (status = 201, description = "Token created", body = TokenResponse),
        (status = 400, description = "BAD_VALUE, MISSING_VALUE, JSON_ERROR or ENCODING_ERROR; the message names the field and the rule", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 402, description = "PERMISSIONS_ERROR: no credits left", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR (partner inactive, dummyStatus outside DEV) or PARTNER_CONTRACT_ERROR (setting not available)", body = kycd_api::ErrorBody),
        (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<TokenResponse>)> {
    let request = token_request::parse(&body, &partner.token_defaults, partner.environment)?;
    let verification = kycd_core::verifications::create(&state.core, &partner, request).await?;
    let redirect_url =
        format!("{}/api/v2/redirect?authToken={}", state.core.public_url, verification.auth_token);
    let response = TokenResponse::new(
        &verification.request,
        &verification.scan_ref,
        &verification.auth_token,
        verification.digit_string.as_ref(),
        redirect_url,
    );
    Ok((StatusCode::CREATED, Json(response)))
}
