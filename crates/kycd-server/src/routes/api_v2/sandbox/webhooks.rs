//! GET /api/v2/sandbox/webhooks and POST /api/v2/sandbox/webhooks/{id}/resend: the delivery log
//! of the calling DEV partner (exact headers and body sent, every response) and replay.

use crate::{
    AppState,
    auth::Authenticated,
    error::ApiResult,
    params::{ApiPath, query_of},
};
use axum::{Json, extract::State, http::Uri};
use kycd_api::sandbox::{
    DeliveryAttemptRecord, DeliveryLogResponse, DeliveryRecord, DeliveryState, ResendResponse,
};
use kycd_domain::{Rejection, ScanRef};
use kycd_store::{Delivery, DeliveryAttempt, DeliveryState as StoreState};
use serde_json::{Value, json};

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogQuery {
    scan_ref: Option<String>,
    /// Text, parsed here, so a bad value gets the API's error shape.
    limit: Option<String>,
}

fn state(state: StoreState) -> DeliveryState {
    match state {
        StoreState::Pending => DeliveryState::Pending,
        StoreState::Delivered => DeliveryState::Delivered,
        StoreState::Failed => DeliveryState::Failed,
        StoreState::Gone => DeliveryState::Gone,
        StoreState::NoTarget => DeliveryState::NoTarget,
    }
}

/// One attempt as recorded; `request_headers` holds `{headers, bodyBytes, chaos}` (older rows:
/// the headers alone), shown as it was stored.
fn attempt(a: &DeliveryAttempt) -> DeliveryAttemptRecord {
    let sent: Value = serde_json::from_str(&a.request_headers).unwrap_or(Value::Null);
    DeliveryAttemptRecord {
        attempt: a.attempt,
        attempted_at: a.attempted_at.unix_timestamp(),
        target_url: a.target_url.clone(),
        request_headers: sent.get("headers").cloned().unwrap_or(sent.clone()),
        body_bytes: sent.get("bodyBytes").cloned().unwrap_or(Value::Null),
        chaos: sent.get("chaos").cloned().unwrap_or(json!([])),
        status_code: a.status_code,
        latency_ms: a.latency_ms,
        error: a.error.clone(),
        response_excerpt: a.response_excerpt.clone(),
    }
}

fn describe(delivery: &Delivery, attempts: &[DeliveryAttempt]) -> DeliveryRecord {
    DeliveryRecord {
        id: delivery.id.clone(),
        event_type: delivery.event_type,
        scan_ref: delivery.scan_ref.clone(),
        state: state(delivery.state),
        target_url: delivery.target_url.clone(),
        created_at: delivery.created_at.unix_timestamp(),
        chaos: delivery.chaos.labels(),
        body: String::from_utf8_lossy(&delivery.payload).into_owned(),
        attempts: attempts.iter().map(attempt).collect(),
    }
}

/// Delivery log of this partner's webhooks (DEV).
#[utoipa::path(get, path = "/api/v2/sandbox/webhooks", tag = "Sandbox",
    params(("scanRef" = Option<String>, Query, description = "only this verification's events"),
           ("limit" = Option<i64>, Query, description = "at most this many events (default 100)")),
    security(("basicAuth" = [])),
    responses((status = 200, description = "The partner's webhook events, newest first, each with every attempt", body = DeliveryLogResponse),
              (status = 400, description = "BAD_VALUE: limit is not an integer, or a parameter is given twice", body = kycd_api::ErrorBody),
              (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner, or partner inactive", body = kycd_api::ErrorBody),
              (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody)))]
pub async fn log(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    uri: Uri,
) -> ApiResult<Json<DeliveryLogResponse>> {
    // DEV first, so other partners learn nothing from their query's mistakes.
    crate::routes::api_v2::sandbox::require_dev(&partner)?;
    let query: LogQuery = query_of(&uri)?;
    let limit = match query.limit.as_deref() {
        None => 100,
        Some(text) => text.parse::<i64>().map(|n| n.clamp(1, 1000)).map_err(|_| {
            Rejection::bad_value("Query parameter 'limit' must be an integer from 1 to 1000.")
        })?,
    };
    let scan_ref = query.scan_ref.map(ScanRef::from_trusted);
    let log = kycd_core::sandbox::delivery_log(&state.core, &partner, scan_ref, limit).await?;
    let webhooks = log.iter().map(|(d, attempts)| describe(d, attempts)).collect();
    Ok(Json(DeliveryLogResponse { webhooks }))
}

/// Send one of this partner's webhooks again: same webhook-id, fresh timestamp and signatures (DEV).
#[utoipa::path(post, path = "/api/v2/sandbox/webhooks/{id}/resend", tag = "Sandbox",
    params(("id" = String, Path, description = "the webhook-id")),
    security(("basicAuth" = [])),
    responses((status = 200, description = "Queued", body = ResendResponse),
              (status = 400, description = "BAD_VALUE: no target URL, or the verification was deleted", body = kycd_api::ErrorBody),
              (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner, or partner inactive", body = kycd_api::ErrorBody),
              (status = 404, description = "BAD_VALUE: unknown webhook id or another partner's", body = kycd_api::ErrorBody),
              (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody)))]
pub async fn resend(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ResendResponse>> {
    let webhook_id = kycd_domain::ids::WebhookId::from_trusted(id.clone());
    kycd_core::sandbox::resend(&state.core, &partner, &webhook_id).await?;
    Ok(Json(ResendResponse { id, queued: true }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_states_keep_the_stores_wire_names() {
        for stored in [
            StoreState::Pending,
            StoreState::Delivered,
            StoreState::Failed,
            StoreState::Gone,
            StoreState::NoTarget,
        ] {
            assert_eq!(serde_json::to_value(state(stored)).unwrap(), stored.as_str());
        }
    }
}
