//! GET /api/v2/sandbox/scenarios: the named dummy scenarios and the webhooks each produces.

use crate::{auth::Authenticated, error::ApiResult, routes::api_v2::sandbox::require_dev};
use axum::Json;
use kycd_domain::sandbox::SCENARIOS;
use serde_json::{Value, json};

/// List sandbox scenarios (DEV).
#[utoipa::path(get, path = "/api/v2/sandbox/scenarios", tag = "Sandbox",
    security(("basicAuth" = [])),
    responses((status = 200, description = "{scenarios: [{name, description, webhooks: [{eventType, overall, final}]}]}", body = Object),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner", body = kycd_api::ErrorBody)))]
pub async fn scenarios(Authenticated(partner): Authenticated) -> ApiResult<Json<Value>> {
    require_dev(&partner)?;
    let list: Vec<Value> = SCENARIOS
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "description": s.description,
                "webhooks": s.expected.iter().map(|(event, overall, is_final)| json!({
                    "eventType": event.as_str(), "overall": overall.as_str(), "final": is_final,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "scenarios": list })))
}
