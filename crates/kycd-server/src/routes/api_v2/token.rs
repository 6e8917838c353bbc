//! POST /api/v2/token: validate the request, spend a credit, store the ACTIVE verification.

use crate::{AppState, auth::Authenticated, body::JsonObject, error::ApiResult};
use axum::{Json, extract::State, http::StatusCode};
use kycd_api::token::TokenResponse;
use kycd_domain::{AuthToken, DigitString, ScanRef, token_request, vocabulary::OverallStatus};
use kycd_store::Verification;

/// Create a verification session token.
///
/// Validates every key of the request (reference §2.1/§2.2), spends one credit and stores the
/// verification as ACTIVE. The 201 body echoes the request with effective defaults.
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
    let now = state.clock.now();
    let scan_ref = ScanRef::generate();
    tracing::Span::current().record("scan_ref", scan_ref.as_str());
    let auth_token = AuthToken::generate();
    let digit_string = request.generate_digit_string.then(DigitString::generate);
    let redirect_url = format!("{}/api/v2/redirect?authToken={auth_token}", state.public_url);
    let response =
        TokenResponse::new(&request, &scan_ref, &auth_token, digit_string.as_ref(), redirect_url);
    let verification = Verification {
        scan_ref,
        partner_id: partner.id,
        client_id: request.client_id.clone(),
        auth_token,
        digit_string,
        status: OverallStatus::Active,
        token_expires_at: now + time::Duration::seconds(request.expiry_time),
        request,
        created_at: now,
        result: None,
        updated_at: now,
    };
    state.store.create_verification(&verification, &[]).await?;
    Ok((StatusCode::CREATED, Json(response)))
}
