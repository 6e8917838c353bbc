//! Records the store keeps. They are plain data; rules about them live in kycd-domain.

use crate::ChaosSet;
use kycd_domain::{
    AuthToken, ClientId, DigitString, Environment, OperatorId, PartnerId, ScanRef,
    console::Role,
    ids::WebhookId,
    result::VerificationResult,
    screening::BlocklistedPerson,
    token_request::{TokenDefaults, TokenRequest},
    vocabulary::{BlocklistSource, DocumentKind, EventType, FaceOrigin, FileKind, OverallStatus},
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// An API key pair and everything that belongs to it.
#[derive(Clone, PartialEq)]
pub struct Partner {
    pub id: PartnerId,
    pub name: String,
    pub environment: Environment,
    pub api_key: String,
    /// SHA-256 of the API secret; the secret itself is never stored.
    pub api_secret_sha256: [u8; 32],
    /// Key for webhook HMACs. It must be usable, so it is stored (encrypted at rest later).
    pub signing_key: String,
    pub webhook_url: Option<String>,
    /// `None` = unlimited.
    pub credits: Option<i64>,
    /// Requests per hour; 0 = unlimited.
    pub rate_limit_per_hour: i64,
    pub enabled: bool,
    pub token_defaults: TokenDefaults,
    pub created_at: OffsetDateTime,
}

impl std::fmt::Debug for Partner {
    // Hand-written so the signing key and secret digest never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partner")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("environment", &self.environment)
            .field("api_key", &self.api_key)
            .field("webhook_url", &self.webhook_url)
            .field("credits", &self.credits)
            .field("rate_limit_per_hour", &self.rate_limit_per_hour)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

pub type NewPartner = Partner;

/// Changes to a partner; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnerUpdate {
    pub enabled: Option<bool>,
    pub api_secret_sha256: Option<[u8; 32]>,
    pub signing_key: Option<String>,
    /// `Some(None)` clears the URL.
    pub webhook_url: Option<Option<String>>,
    /// `Some(None)` makes credits unlimited.
    pub credits: Option<Option<i64>>,
    pub rate_limit_per_hour: Option<i64>,
    pub token_defaults: Option<TokenDefaults>,
}

/// A verification session as created by POST /api/v2/token.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub scan_ref: ScanRef,
    pub partner_id: PartnerId,
    pub client_id: ClientId,
    pub auth_token: AuthToken,
    pub digit_string: Option<DigitString>,
    pub status: OverallStatus,
    /// The validated request with effective defaults (person data, settings, callbackUrl …).
    pub request: TokenRequest,
    pub created_at: OffsetDateTime,
    /// When an unused token stops being usable (created_at + expiryTime).
    pub token_expires_at: OffsetDateTime,
    /// The verification result once there is one (stored as its JSON, sealed).
    pub result: Option<VerificationResult>,
    pub updated_at: OffsetDateTime,
    /// When the person (or /api/v2/process) submitted the images: the token is used from then on.
    pub submitted_at: Option<OffsetDateTime>,
    /// When the person first opened the hosted flow; `token_expires_at` is the session deadline
    /// from then on.
    pub opened_at: Option<OffsetDateTime>,
    /// Hosted-flow attempts that failed and went back to the person.
    pub attempts_used: i64,
    /// The latest such attempt's result: final if the session ends without another.
    pub last_attempt: Option<VerificationResult>,
}

pub type NewVerification = Verification;

/// What a submission brought besides the images (which the file store keeps, sealed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    /// The country the person chose (ISO 3166-1 alpha-2), when given.
    pub country: Option<String>,
    /// The document type the person chose, when given.
    pub document_type: Option<DocumentKind>,
    /// The images stored for the analysis.
    pub files: Vec<FileKind>,
    /// PC, MOBILE … when known.
    pub platform: Option<String>,
    /// From the hosted flow: a failed attempt may go back to the person to try again.
    #[serde(default)]
    pub hosted: bool,
}

/// A queued analysis: one per submitted verification, until its result is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisJob {
    pub scan_ref: ScanRef,
    pub partner_id: PartnerId,
    pub submission: Submission,
    pub queued_at: OffsetDateTime,
    /// Attempts started, this claim included.
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The analysis queue at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalysisBacklog {
    /// Jobs waiting or running.
    pub queued: i64,
    /// When the oldest of them was queued.
    pub oldest_queued_at: Option<OffsetDateTime>,
}

/// A webhook event to deliver, written in the same transaction as the state change (outbox).
#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhookEvent {
    /// Standard Webhooks `webhook-id`; stable across retries.
    pub id: WebhookId,
    pub partner_id: PartnerId,
    pub scan_ref: ScanRef,
    pub event_type: EventType,
    /// The exact body bytes to send (compact JSON).
    pub payload: Vec<u8>,
    /// None = no target configured; the event is recorded but not delivered.
    pub target_url: Option<String>,
    /// When the event was written (the outbox's insertion order).
    pub created_at: OffsetDateTime,
    /// First delivery not before this (None = at once).
    pub deliver_after: Option<OffsetDateTime>,
    /// Sandbox chaos to apply when delivering (empty: deliver properly).
    pub chaos: ChaosSet,
}

impl NewWebhookEvent {
    /// The receiver this delivery counts against for fair delivery ("" without a target).
    pub fn receiver(&self) -> String {
        self.target_url.as_deref().map(kycd_domain::fair_share::receiver_key).unwrap_or_default()
    }

    /// Where the outbox row starts: pending, or recorded only when there is no target.
    pub fn initial_state(&self) -> DeliveryState {
        if self.target_url.is_some() { DeliveryState::Pending } else { DeliveryState::NoTarget }
    }

    /// When the first attempt is due: `deliver_after`, else at once (`created_at`); `None` when
    /// there is no target, so it is never due.
    pub fn first_attempt_at(&self) -> Option<OffsetDateTime> {
        self.target_url.as_ref().map(|_| self.deliver_after.unwrap_or(self.created_at))
    }
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

impl DeliveryState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Gone => "gone",
            Self::NoTarget => "no_target",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "pending" => Self::Pending,
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            "gone" => Self::Gone,
            "no_target" => Self::NoTarget,
            _ => return None,
        })
    }
}

/// A webhook event with its delivery bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: WebhookId,
    pub partner_id: PartnerId,
    pub scan_ref: ScanRef,
    pub event_type: EventType,
    pub payload: Vec<u8>,
    pub target_url: Option<String>,
    pub created_at: OffsetDateTime,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub chaos: ChaosSet,
}

/// One attempt to deliver a webhook, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryAttempt {
    pub event_id: WebhookId,
    /// 1 for the first attempt.
    pub attempt: i64,
    pub attempted_at: OffsetDateTime,
    pub target_url: String,
    /// The exact headers sent, as a JSON object.
    pub request_headers: String,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    /// The first 1 KiB of the response body.
    pub response_excerpt: Option<String>,
}

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    Done(DeliveryState),
    RetryAt(OffsetDateTime),
}

impl NextStep {
    /// The delivery's state after the attempt, and when it is due again (`None`: never).
    pub fn state_and_next_attempt(self) -> (DeliveryState, Option<OffsetDateTime>) {
        match self {
            Self::Done(state) => (state, None),
            Self::RetryAt(at) => (DeliveryState::Pending, Some(at)),
        }
    }
}

/// A status change of one verification, applied only if it still has `expected_status`.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationChange {
    pub partner_id: PartnerId,
    pub scan_ref: ScanRef,
    pub expected_status: OverallStatus,
    pub new_status: OverallStatus,
    /// `None` keeps the stored result.
    pub result: Option<VerificationResult>,
    pub updated_at: OffsetDateTime,
}

/// The outbox's backlog at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxBacklog {
    /// Deliveries waiting for an attempt (due now or later, leased or not).
    pub pending: i64,
    /// The earliest `next_attempt_at` among pending deliveries already due; None when none is.
    pub oldest_due_at: Option<OffsetDateTime>,
}

/// Which deliveries to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryFilter {
    pub partner_id: Option<PartnerId>,
    pub scan_ref: Option<ScanRef>,
    /// Only failed, gone, or pending deliveries with at least one failed attempt.
    pub failed_only: bool,
    /// 0: [`crate::codec::DEFAULT_LIST_LIMIT`].
    pub limit: i64,
}

/// The console's search over verifications: every condition given must hold; newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VerificationSearch {
    /// The partners searched; empty = every partner.
    pub partners: Vec<PartnerId>,
    pub scan_ref: Option<ScanRef>,
    pub client_id: Option<String>,
    pub status: Option<OverallStatus>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created before.
    pub created_before: Option<OffsetDateTime>,
    /// 0: [`crate::codec::DEFAULT_LIST_LIMIT`].
    pub limit: i64,
}

/// What the console's dashboard counts over verifications created in a window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerificationStats {
    /// (UTC day as days since 1970-01-01, status, verifications), by day then status.
    pub per_day: Vec<(i64, OverallStatus, i64)>,
    /// For each verification that reached APPROVED, DENIED or SUSPECTED after a submission:
    /// milliseconds from the submission to its last change (the decision), ascending.
    pub decision_ms: Vec<i64>,
}

/// Removing a verification's personal data for good (/api/v2/delete, retention): the request is
/// replaced by its redacted form, the result removed, webhook bodies emptied and pending
/// deliveries stopped; the status becomes `new_status`. Applied only if the status is still
/// `expected_status`.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationPurge {
    pub partner_id: PartnerId,
    pub scan_ref: ScanRef,
    pub expected_status: OverallStatus,
    pub new_status: OverallStatus,
    pub redacted_request: TokenRequest,
    pub at: OffsetDateTime,
}

/// One read of personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: OffsetDateTime,
    pub partner_id: Option<PartnerId>,
    /// "partner:<name>", "link" (signed file link) or "cli".
    pub actor: String,
    /// e.g. "data.read", "files.list", "file.download", "cli.export".
    pub action: String,
    pub scan_ref: Option<ScanRef>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub scan_ref: Option<ScanRef>,
    /// 0: [`crate::codec::DEFAULT_LIST_LIMIT`].
    pub limit: i64,
}

/// One face found in a verification's images, to be stored sealed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFace {
    pub origin: FaceOrigin,
    /// The face embedding (the model's numbers, in order).
    pub embedding: Vec<f32>,
}

/// The faces of one verification, replacing any stored for it.
#[derive(Debug, Clone, PartialEq)]
pub struct FacesFound {
    pub partner_id: PartnerId,
    pub scan_ref: ScanRef,
    /// The verification's clientId: a person's own earlier verifications are no duplicates.
    pub client_id: ClientId,
    pub faces: Vec<NewFace>,
    pub at: OffsetDateTime,
}

/// A stored face, opened.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFace {
    /// Storage order: later faces have larger ids (the keyset of [`FacePage`]).
    pub id: i64,
    pub scan_ref: ScanRef,
    pub origin: FaceOrigin,
    pub embedding: Vec<f32>,
}

/// One page of a partner's stored faces of one origin, in storage order.
#[derive(Debug, Clone, PartialEq)]
pub struct FacePage {
    pub partner_id: PartnerId,
    pub origin: FaceOrigin,
    /// Only faces with a larger id (0: from the start).
    pub after: i64,
    /// Faces of this clientId are left out (and so is the verification asking).
    pub other_than: ClientId,
    pub limit: i64,
}

/// A verification put on its partner's blocklist.
#[derive(Debug, Clone, PartialEq)]
pub struct BlocklistEntry {
    pub partner_id: PartnerId,
    pub scan_ref: ScanRef,
    pub source: BlocklistSource,
    /// The partner's note (sealed at rest).
    pub reason: Option<String>,
    /// For DOCUMENT_INFO: the person's data (sealed at rest).
    pub person: Option<BlocklistedPerson>,
    pub created_at: OffsetDateTime,
}

/// A blocklist entry added (or its reason replaced), with the keyed digests of the person's
/// keys for DOCUMENT_INFO (looked up by [`crate::FaceStore::blocklisted_people`]), and the
/// verification's result with the entry's tag: both written in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct BlocklistAddition {
    pub entry: BlocklistEntry,
    pub person_digests: Vec<[u8; 32]>,
    pub change: VerificationChange,
}

/// A review-console operator.
#[derive(Clone, PartialEq)]
pub struct Operator {
    pub id: OperatorId,
    pub name: String,
    pub role: Role,
    /// The partners the operator sees; none named is all.
    pub partners: Vec<PartnerId>,
    /// Argon2id, PHC string form.
    pub password_hash: String,
    pub disabled: bool,
    /// Failed logins in a row since the last good one.
    pub failed_logins: i64,
    pub locked_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl std::fmt::Debug for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operator")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("partners", &self.partners)
            .field("disabled", &self.disabled)
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
            .finish_non_exhaustive()
    }
}

/// Changes to an operator; `None` leaves a field as it is. Changing the password, disabling or
/// changing the role ends the operator's sessions in the same transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperatorUpdate {
    pub role: Option<Role>,
    pub partners: Option<Vec<PartnerId>>,
    pub password_hash: Option<String>,
    pub disabled: Option<bool>,
}

/// A signed-in console session. Only the SHA-256 of the cookie's token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSession {
    pub digest: [u8; 32],
    pub operator_id: OperatorId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// A case leased to an operator for decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseClaim {
    pub scan_ref: ScanRef,
    pub operator_id: OperatorId,
    pub until: OffsetDateTime,
}

/// An operator's second factor: the TOTP secret (sealed at rest) and the last step a code was
/// accepted for, so a code is never accepted twice.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret {
    pub secret: Vec<u8>,
    pub last_step: i64,
}

impl std::fmt::Debug for TotpSecret {
    // Hand-written so the secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpSecret").field("last_step", &self.last_step).finish_non_exhaustive()
    }
}

/// A decision one reviewer made on a case of a four-eyes partner, waiting for a second reviewer
/// to confirm it before it is applied and sent.
#[derive(Clone, PartialEq, Eq)]
pub struct ReviewProposal {
    pub scan_ref: ScanRef,
    pub partner_id: PartnerId,
    /// Who proposed it (never the one who confirms it).
    pub operator_id: OperatorId,
    /// The decision as kycd-core wrote it (JSON). Sealed at rest: it holds the reviewer's note
    /// and the document data they corrected.
    pub decision: Vec<u8>,
    pub created_at: OffsetDateTime,
}

impl std::fmt::Debug for ReviewProposal {
    // Hand-written so the note and corrected data never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReviewProposal")
            .field("scan_ref", &self.scan_ref)
            .field("partner_id", &self.partner_id)
            .field("operator_id", &self.operator_id)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}
