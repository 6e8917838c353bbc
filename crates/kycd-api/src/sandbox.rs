//! The DEV-only endpoints: /api/v2/add-dummy-status and /api/v2/sandbox/* (scenarios, advance,
//! reset, delivery log, resend, the event stream's payloads). Shaping only: no rules.

use kycd_domain::{
    ScanRef,
    ids::WebhookId,
    sandbox::Scenario,
    vocabulary::{EventType, OverallStatus},
};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The request body of POST /api/v2/add-dummy-status, for documentation: the server reads it with
/// `kycd_domain::fields`, so a wrong value gets BAD_VALUE naming the allowed ones.
#[derive(Debug, Clone, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct AddDummyStatusRequest {
    /// The verification (created by this DEV partner).
    #[schema(min_length = 1, max_length = 40)]
    scan_ref: String,
    /// The reviewer's face verdict.
    #[schema(value_type = crate::vocabulary::ManualFaceStatus)]
    manual_face_match_result: String,
    /// The reviewer's document verdict; DOC_VALIDATED (with FACE_MATCH) approves.
    #[schema(value_type = crate::vocabulary::ManualDocumentStatus)]
    manual_document_validity: String,
}

/// 200 of POST /api/v2/add-dummy-status: `{}`.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct EmptyResponse {}

/// The request body of POST /api/v2/sandbox/advance, for documentation (read with
/// `kycd_domain::fields`).
#[derive(Debug, Clone, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct AdvanceRequest {
    #[schema(min_length = 1, max_length = 40)]
    scan_ref: String,
    /// How far to move the verification's clock: 1 to 31536000 (one year).
    #[schema(minimum = 1, maximum = 31536000, example = 86400)]
    seconds: i64,
}

/// 200 of POST /api/v2/sandbox/advance.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdvanceResponse {
    #[schema(value_type = String)]
    pub scan_ref: ScanRef,
    /// The status after anything that came due.
    #[schema(value_type = crate::vocabulary::OverallStatus)]
    pub status: OverallStatus,
    /// 0 when nothing was moved.
    pub advanced_seconds: i64,
}

/// 200 of POST /api/v2/sandbox/reset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResetResponse {
    /// How many verifications were deleted.
    pub deleted: usize,
}

/// 200 of GET /api/v2/sandbox/scenarios.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenariosResponse {
    pub scenarios: Vec<ScenarioDescription>,
}

/// One named `dummyResult.scenario`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioDescription {
    #[schema(example = "approved")]
    pub name: &'static str,
    pub description: &'static str,
    /// The webhooks the scenario produces, in order.
    pub webhooks: Vec<ScenarioWebhook>,
}

/// One webhook a scenario produces.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioWebhook {
    #[schema(value_type = crate::vocabulary::EventType)]
    pub event_type: EventType,
    /// `status.overall` of the webhook.
    #[schema(value_type = crate::vocabulary::OverallStatus)]
    pub overall: OverallStatus,
    /// `final` of the webhook.
    #[serde(rename = "final")]
    pub is_final: bool,
}

impl From<&Scenario> for ScenarioDescription {
    fn from(scenario: &Scenario) -> Self {
        Self {
            name: scenario.name,
            description: scenario.description,
            webhooks: scenario
                .expected
                .iter()
                .map(|&(event_type, overall, is_final)| ScenarioWebhook {
                    event_type,
                    overall,
                    is_final,
                })
                .collect(),
        }
    }
}

impl ScenariosResponse {
    pub fn new(scenarios: &[Scenario]) -> Self {
        Self { scenarios: scenarios.iter().map(ScenarioDescription::from).collect() }
    }
}

/// 200 of GET /api/v2/sandbox/webhooks: the partner's webhook events, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryLogResponse {
    pub webhooks: Vec<DeliveryRecord>,
}

/// Where a webhook event's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx was received.
    Delivered,
    /// Retries exhausted, or the target is not allowed.
    Failed,
    /// The receiver answered 410 Gone: never retried.
    Gone,
    /// No callbackUrl and no partner webhook URL: recorded, not sent.
    NoTarget,
}

/// One webhook event with every attempt to deliver it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    /// The Standard Webhooks `webhook-id`, stable across retries and resends.
    #[schema(value_type = String)]
    pub id: WebhookId,
    #[schema(value_type = crate::vocabulary::EventType)]
    pub event_type: EventType,
    #[schema(value_type = String)]
    pub scan_ref: ScanRef,
    pub state: DeliveryState,
    /// Null when there was nowhere to send it.
    pub target_url: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    #[schema(value_type = Vec<crate::vocabulary::Chaos>)]
    pub chaos: Vec<&'static str>,
    /// The exact body sent (as text).
    pub body: String,
    /// Oldest first.
    pub attempts: Vec<DeliveryAttemptRecord>,
}

/// One recorded delivery attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttemptRecord {
    /// 1 for the first attempt.
    pub attempt: i64,
    /// Unix seconds.
    pub attempted_at: i64,
    pub target_url: String,
    /// The exact headers sent (name → value).
    #[schema(value_type = Object)]
    pub request_headers: Value,
    /// Size of the body sent (smaller than the body with TRUNCATED_BODY chaos); null for attempts
    /// recorded without it.
    #[schema(value_type = Option<i64>)]
    pub body_bytes: Value,
    /// The chaos applied to this attempt.
    #[schema(value_type = Vec<crate::vocabulary::Chaos>)]
    pub chaos: Value,
    /// Null when no answer came.
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    /// The first 1 KiB of the response body.
    pub response_excerpt: Option<String>,
}

/// 200 of POST /api/v2/sandbox/webhooks/{id}/resend.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResendResponse {
    /// The webhook-id, as given in the path.
    pub id: String,
    /// Always true: the attempt is queued.
    pub queued: bool,
}

/// Data of the first event of GET /api/v2/sandbox/events (`event: ready`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SandboxReadyEvent {
    /// The partner's name.
    pub partner: String,
    /// The key webhooks are signed with, so a listener can check the signatures it forwards.
    pub signing_key: String,
}

/// Data of each `event: webhook` of GET /api/v2/sandbox/events: one webhook exactly as it would
/// be POSTed (sent twice for DUPLICATE chaos).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SandboxWebhookEvent {
    #[schema(value_type = String)]
    pub id: WebhookId,
    #[schema(value_type = crate::vocabulary::EventType)]
    pub event_type: &'static str,
    #[schema(value_type = String)]
    pub scan_ref: ScanRef,
    /// The signed headers (name → value).
    #[schema(value_type = HashMap<String, String>)]
    pub headers: Map<String, Value>,
    /// The body bytes, base64 (standard alphabet, padded).
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_webhooks_say_final() {
        let response = ScenariosResponse::new(kycd_domain::sandbox::SCENARIOS);
        let text = serde_json::to_string(&response).unwrap();
        assert!(text.starts_with(r#"{"scenarios":[{"name":"#), "{text}");
        assert!(
            text.contains(r#"{"eventType":"IDENTIFICATION_AUTO_FINISHED","overall":"#),
            "{text}"
        );
        assert!(text.contains(r#","final":"#), "{text}");
    }

    #[test]
    fn delivery_states_are_snake_case() {
        assert_eq!(serde_json::to_string(&DeliveryState::NoTarget).unwrap(), r#""no_target""#);
    }
}
