//! Building outbox rows: the webhook event for a verification as it stands after a change, with
//! its target (the token's callbackUrl, else the partner's webhook URL) and the sandbox chaos that
//! applies. The caller stores it in the same transaction as the change; the worker delivers it.

use crate::payload::{self, WebhookInput};
use kycd_domain::{
    ids::WebhookId,
    lifecycle::Outcome,
    result::VerificationResult,
    vocabulary::{EventType, OverallStatus},
};
use kycd_store::{ChaosSet, NewWebhookEvent, Partner, Verification};
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// What a webhook announces: its event type, the overall status and whether it is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announcement {
    pub event_type: EventType,
    pub overall: OverallStatus,
    pub is_final: bool,
}

impl Announcement {
    /// IDENTIFICATION_AUTO_FINISHED; not final when a manual review follows.
    pub fn auto(outcome: Outcome, manual_review_follows: bool) -> Self {
        Self {
            event_type: EventType::AutoFinished,
            overall: outcome.status(),
            is_final: !manual_review_follows,
        }
    }

    /// IDENTIFICATION_AUTO_FINISHED when the machine reached no verdict and a person decides:
    /// announces REVIEWING, not final.
    pub fn auto_undecided() -> Self {
        Self {
            event_type: EventType::AutoFinished,
            overall: OverallStatus::Reviewing,
            is_final: false,
        }
    }

    /// IDENTIFICATION_MANUAL_FINISHED, always final.
    pub fn manual(outcome: Outcome) -> Self {
        Self { event_type: EventType::ManualFinished, overall: outcome.status(), is_final: true }
    }

    /// IDENTIFICATION_CANCELLED when the person cancelled before submitting: EXPIRED, final
    /// (DECISIONS.md; iDenfy documents no `overall` for it).
    pub fn cancelled() -> Self {
        Self { event_type: EventType::Cancelled, overall: OverallStatus::Expired, is_final: true }
    }

    /// IDENTIFICATION_EXPIRED, final.
    pub fn expired() -> Self {
        Self { event_type: EventType::Expired, overall: OverallStatus::Expired, is_final: true }
    }
}

/// Everything one outbox row is built from.
#[derive(Debug, Clone)]
pub struct EventInput<'a> {
    pub partner: &'a Partner,
    pub verification: &'a Verification,
    pub announcement: Announcement,
    pub result: Option<&'a VerificationResult>,
    /// The moment the body describes (its finishTime when there is no result).
    pub at: OffsetDateTime,
    /// When the row is written (the outbox's order), whatever moment the body describes.
    pub created_at: OffsetDateTime,
    /// FRONT/BACK/FACE … → signed link, as the body lists them.
    pub file_urls: Map<String, Value>,
}

/// The outbox row for `input`, delivered as soon as the worker gets to it.
pub fn event(input: EventInput<'_>) -> NewWebhookEvent {
    let EventInput { partner, verification, announcement, result, at, created_at, file_urls } =
        input;
    let body = payload::identification_webhook(&WebhookInput {
        scan_ref: verification.scan_ref.as_str(),
        client_id: verification.client_id.as_str(),
        external_ref: verification.request.external_ref.as_deref(),
        overall: announcement.overall,
        is_final: announcement.is_final,
        result,
        start_time: verification.created_at.unix_timestamp(),
        finish_time: at.unix_timestamp(),
        file_urls,
    });
    NewWebhookEvent {
        id: WebhookId::generate(),
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        event_type: announcement.event_type,
        payload: payload::to_bytes(&body),
        target_url: verification
            .request
            .callback_url
            .clone()
            .or_else(|| partner.webhook_url.clone()),
        created_at,
        deliver_after: None,
        chaos: chaos_for(partner, verification),
    }
}

/// Sandbox chaos for this verification's webhooks (DEV partners only): the token's
/// `dummyResult.webhookChaos` plus the partner's standing setting.
pub fn chaos_for(partner: &Partner, verification: &Verification) -> ChaosSet {
    if !partner.environment.is_sandbox() {
        return ChaosSet::new();
    }
    let mut chaos: ChaosSet = partner.token_defaults.webhook_chaos.iter().copied().collect();
    if let Some(wanted) = &verification.request.dummy_result {
        chaos.extend(wanted.webhook_chaos.iter().copied());
    }
    chaos
}
