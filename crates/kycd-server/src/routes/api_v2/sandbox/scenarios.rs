//! GET /api/v2/sandbox/scenarios: the named dummy scenarios and the webhooks each produces.

use crate::{auth::Authenticated, error::ApiResult, routes::api_v2::sandbox::require_dev};
use axum::Json;
use kycd_api::sandbox::ScenariosResponse;
use kycd_domain::sandbox::SCENARIOS;

/// List sandbox scenarios (DEV).
#[utoipa::path(get, path = "/api/v2/sandbox/scenarios", tag = "Sandbox",
    security(("basicAuth" = [])),
    responses((status = 200, description = "The scenarios and the webhooks each produces", body = ScenariosResponse),
              (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner, or partner inactive", body = kycd_api::ErrorBody),
              (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody)))]
pub async fn scenarios(
    Authenticated(partner): Authenticated,
) -> ApiResult<Json<ScenariosResponse>> {
    require_dev(&partner)?;
    Ok(Json(ScenariosResponse::new(SCENARIOS)))
}
