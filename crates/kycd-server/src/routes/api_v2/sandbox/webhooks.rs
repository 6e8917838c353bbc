//! GET /api/v2/sandbox/webhooks and POST /api/v2/sandbox/webhooks/{id}/resend: the delivery log
//! of the calling DEV partner (exact headers and body sent, every response) and replay.

use crate::{AppState, auth::Authenticated, error::ApiResult};
use axum::{
    Json,
    extract::{Path, Query, State},
};
use kycd_domain::{Rejection, ScanRef};
use kycd_store::{Delivery, DeliveryAttempt};
use serde_json::{Value, json};

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogQuery {
    scan_ref: Option<String>,
    /// Text, parsed here, so a bad value gets the API's error shape.
    limit: Option<String>,
}

fn describe(delivery: &Delivery, attempts: &[DeliveryAttempt]) -> Value {
    json!({
        "id": delivery.id,
        "eventType": delivery.event_type.as_str(),
        "scanRef": delivery.scan_ref,
        "state": delivery.state.as_str(),
        "targetUrl": delivery.target_url,
        "createdAt": delivery.created_at.unix_timestamp(),
        "chaos": delivery.chaos.labels(),
        "body": String::from_utf8_lossy(&delivery.payload),
        "attempts": attempts.iter().map(|a| {
            let sent: Value = serde_json::from_str(&a.request_headers).unwrap_or(Value::Null);
            json!({
                "attempt": a.attempt,
                "attemptedAt": a.attempted_at.unix_timestamp(),
                "targetUrl": a.target_url,
                "requestHeaders": sent.get("headers").cloned().unwrap_or(sent.clone()),
                "bodyBytes": sent.get("bodyBytes").cloned().unwrap_or(Value::Null),
                "chaos": sent.get("chaos").cloned().unwrap_or(json!([])),
                "statusCode": a.status_code,
                "latencyMs": a.latency_ms,
                "error": a.error,
                "responseExcerpt": a.response_excerpt,
            })
        }).collect::<Vec<_>>(),
    })
}

/// Delivery log of this partner's webhooks (DEV).
#[utoipa::path(get, path = "/api/v2/sandbox/webhooks", tag = "Sandbox",
    params(("scanRef" = Option<String>, Query, description = "only this verification's events"),
           ("limit" = Option<i64>, Query, description = "at most this many events (default 100)")),
    security(("basicAuth" = [])),
    responses((status = 200, description = "{webhooks: [{id, eventType, scanRef, state, targetUrl, createdAt, chaos, body, attempts: [{attempt, attemptedAt, requestHeaders, bodyBytes, chaos, statusCode, latencyMs, error, responseExcerpt}]}]} newest first", body = Object),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner", body = kycd_api::ErrorBody)))]
pub async fn log(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    Query(query): Query<LogQuery>,
) -> ApiResult<Json<Value>> {
    // DEV first, so other partners learn nothing from their query's mistakes.
    crate::routes::api_v2::sandbox::require_dev(&partner)?;
    let limit = match query.limit.as_deref() {
        None => 100,
        Some(text) => text.parse::<i64>().map(|n| n.clamp(1, 1000)).map_err(|_| {
            Rejection::bad_value("Query parameter 'limit' must be an integer from 1 to 1000.")
        })?,
    };
    let scan_ref = query.scan_ref.map(ScanRef::from_trusted);
    let log = kycd_core::sandbox::delivery_log(&state.core, &partner, scan_ref, limit).await?;
    let out: Vec<Value> = log.iter().map(|(d, attempts)| describe(d, attempts)).collect();
    Ok(Json(json!({ "webhooks": out })))
}

/// Send one of this partner's webhooks again: same webhook-id, fresh timestamp and signatures (DEV).
#[utoipa::path(post, path = "/api/v2/sandbox/webhooks/{id}/resend", tag = "Sandbox",
    params(("id" = String, Path, description = "the webhook-id")),
    security(("basicAuth" = [])),
    responses((status = 200, description = "{id, queued: true}", body = Object),
              (status = 400, description = "BAD_VALUE: no target URL, or the verification was deleted", body = kycd_api::ErrorBody),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner", body = kycd_api::ErrorBody),
              (status = 404, description = "BAD_VALUE: unknown webhook id or another partner's", body = kycd_api::ErrorBody)))]
pub async fn resend(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let webhook_id = kycd_domain::ids::WebhookId::from_trusted(id.clone());
    kycd_core::sandbox::resend(&state.core, &partner, &webhook_id).await?;
    Ok(Json(json!({ "id": id, "queued": true })))
}
