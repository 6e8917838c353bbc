//! What both backends do between records and column values apart from the SQL: the time codec,
//! default limits, sealing each personal-data column under its context, JSON columns, and building
//! records from decoded columns. A backend implements [`Columns`] for its row type and calls the
//! builders here, so both store and read exactly the same values. No I/O.

use crate::{
    AnalysisJob, AuditRecord, BlocklistEntry, ChaosSet, ConsoleSession, Delivery, DeliveryAttempt,
    DeliveryState, Operator, Partner, StoreError, StoreResult, StoredFace, Submission,
    Verification,
    crypto::{KeyRing, contexts, is_sealed},
};
use kycd_domain::{
    AuthToken, ClientId, DigitString, Environment, OperatorId, PartnerId, ScanRef,
    console::Role,
    ids::WebhookId,
    result::VerificationResult,
    screening::BlocklistedPerson,
    token_request::{TokenDefaults, TokenRequest},
    vocabulary::{BlocklistSource, EventType, FaceOrigin, OverallStatus},
};
use time::OffsetDateTime;

// ---- time and limits ----

/// Times are stored as Unix milliseconds (BIGINT in both backends).
pub fn to_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub fn from_ms(ms: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {ms}: {e}")))
}

/// A duration in whole milliseconds, as times are stored (saturating).
pub fn duration_ms(duration: time::Duration) -> i64 {
    i64::try_from(duration.whole_milliseconds()).unwrap_or(i64::MAX)
}

/// How many rows a listing returns when its filter names no limit.
pub const DEFAULT_LIST_LIMIT: i64 = 1000;

/// The delivery log's `failed_only` condition, the same on both backends: failed or gone, or
/// pending with at least one failed attempt.
pub const FAILED_DELIVERY_CONDITION: &str = " AND (state IN ('failed', 'gone')
    OR (state = 'pending' AND last_status IS NOT NULL AND last_status NOT BETWEEN 200 AND 299)
    OR (state = 'pending' AND last_error IS NOT NULL))";

/// A listing's limit: the filter's, or [`DEFAULT_LIST_LIMIT`] when it is 0 or less.
pub fn list_limit(limit: i64) -> i64 {
    if limit > 0 { limit } else { DEFAULT_LIST_LIMIT }
}

// ---- values going in ----

/// `StoreError::Corrupt` naming what could not be encoded or decoded.
pub fn corrupt(what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {error}"))
}

pub fn partner_id_text(partner: PartnerId) -> String {
    partner.0.to_string()
}

pub fn token_defaults_json(defaults: &TokenDefaults) -> StoreResult<String> {
    serde_json::to_string(defaults).map_err(|e| corrupt("partners.token_defaults", e))
}

pub fn seal_signing_key(ring: &KeyRing, partner: PartnerId, signing_key: &str) -> Vec<u8> {
    ring.seal(signing_key.as_bytes(), &contexts::signing_key(partner))
}

pub fn seal_request(
    ring: &KeyRing,
    scan_ref: &ScanRef,
    request: &TokenRequest,
) -> StoreResult<Vec<u8>> {
    let json = serde_json::to_vec(request).map_err(|e| corrupt("verifications.request", e))?;
    Ok(ring.seal(&json, &contexts::request(scan_ref)))
}

/// The result's JSON (the serde form of [`VerificationResult`]), sealed.
pub fn seal_result(
    ring: &KeyRing,
    scan_ref: &ScanRef,
    result: &VerificationResult,
) -> StoreResult<Vec<u8>> {
    let json = serde_json::to_vec(result).map_err(|e| corrupt("verifications.result", e))?;
    Ok(ring.seal(&json, &contexts::result(scan_ref)))
}

/// A returned hosted-flow attempt's result, sealed for `verifications.last_attempt`.
pub fn seal_last_attempt(
    ring: &KeyRing,
    scan_ref: &ScanRef,
    result: &VerificationResult,
) -> StoreResult<Vec<u8>> {
    let json = serde_json::to_vec(result).map_err(|e| corrupt("verifications.last_attempt", e))?;
    Ok(ring.seal(&json, &contexts::last_attempt(scan_ref)))
}

pub fn seal_payload(ring: &KeyRing, event_id: &WebhookId, payload: &[u8]) -> Vec<u8> {
    ring.seal(payload, &contexts::payload(event_id))
}

/// A face embedding as stored: its numbers as little-endian f32, sealed.
pub fn seal_embedding(
    ring: &KeyRing,
    scan_ref: &ScanRef,
    origin: FaceOrigin,
    embedding: &[f32],
) -> Vec<u8> {
    let bytes: Vec<u8> = embedding.iter().flat_map(|v| v.to_le_bytes()).collect();
    ring.seal(&bytes, &contexts::embedding(scan_ref, origin))
}

/// A blocklist entry's sealed columns (either may be absent).
pub struct SealedBlocklistEntry {
    pub reason: Option<Vec<u8>>,
    pub person: Option<Vec<u8>>,
}

/// A blocklist entry's reason and person, sealed.
pub fn seal_blocklist_entry(
    ring: &KeyRing,
    entry: &BlocklistEntry,
) -> StoreResult<SealedBlocklistEntry> {
    let (scan_ref, source) = (&entry.scan_ref, entry.source);
    let reason = entry
        .reason
        .as_ref()
        .map(|r| ring.seal(r.as_bytes(), &contexts::blocklist_reason(scan_ref, source)));
    let person = entry
        .person
        .as_ref()
        .map(|p| {
            serde_json::to_vec(p)
                .map(|json| ring.seal(&json, &contexts::blocklist_person(scan_ref, source)))
                .map_err(|e| corrupt("blocklist_entries.person", e))
        })
        .transpose()?;
    Ok(SealedBlocklistEntry { reason, person })
}

// ---- values coming out ----

/// Typed reads of one row's columns; a value of the wrong type is `Corrupt` naming the column.
/// Each backend implements it for (a wrapper of) its row type.
pub trait Columns {
    fn text(&self, column: &str) -> StoreResult<String>;
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn int(&self, column: &str) -> StoreResult<i64>;
    fn opt_int(&self, column: &str) -> StoreResult<Option<i64>>;
    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>>;
    fn opt_bytes(&self, column: &str) -> StoreResult<Option<Vec<u8>>>;
    fn boolean(&self, column: &str) -> StoreResult<bool>;
}

/// Opens a sealed column; an empty value (a purged webhook body) or one written before the column
/// was sealed reads as it is.
pub fn open(ring: &KeyRing, blob: Vec<u8>, context: &str) -> StoreResult<Vec<u8>> {
    if blob.is_empty() || !is_sealed(&blob) {
        return Ok(blob);
    }
    ring.open(&blob, context).map_err(|e| corrupt(context, e))
}

fn partner_id(value: &str, column: &str) -> StoreResult<PartnerId> {
    uuid::Uuid::parse_str(value).map(PartnerId).map_err(|e| corrupt(column, e))
}

fn time(row: &impl Columns, column: &str) -> StoreResult<OffsetDateTime> {
    from_ms(row.int(column)?)
}

/// A `partners` row.
pub fn partner(row: &impl Columns, ring: &KeyRing) -> StoreResult<Partner> {
    let id = partner_id(&row.text("id")?, "partners.id")?;
    let environment = row.text("environment")?;
    let signing_key = open(ring, row.bytes("signing_key")?, &contexts::signing_key(id))?;
    Ok(Partner {
        id,
        name: row.text("name")?,
        environment: environment
            .parse::<Environment>()
            .map_err(|e| corrupt("partners.environment", e))?,
        api_key: row.text("api_key")?,
        api_secret_sha256: row
            .bytes("api_secret_sha256")?
            .try_into()
            .map_err(|_| corrupt("partners.api_secret_sha256", "not 32 bytes"))?,
        signing_key: String::from_utf8(signing_key)
            .map_err(|e| corrupt("partners.signing_key", e))?,
        webhook_url: row.opt_text("webhook_url")?,
        credits: row.opt_int("credits")?,
        rate_limit_per_hour: row.int("rate_limit_per_hour")?,
        enabled: row.boolean("enabled")?,
        token_defaults: serde_json::from_str(&row.text("token_defaults")?)
            .map_err(|e| corrupt("partners.token_defaults", e))?,
        created_at: time(row, "created_at")?,
    })
}

/// A `verifications` row.
pub fn verification(row: &impl Columns, ring: &KeyRing) -> StoreResult<Verification> {
    let scan_ref = ScanRef::from_trusted(row.text("scan_ref")?);
    let request = open(ring, row.bytes("request")?, &contexts::request(&scan_ref))?;
    let result = row
        .opt_bytes("result")?
        .map(|sealed| open(ring, sealed, &contexts::result(&scan_ref)))
        .transpose()?;
    let status = row.text("status")?;
    Ok(Verification {
        partner_id: partner_id(&row.text("partner_id")?, "verifications.partner_id")?,
        client_id: ClientId::from_trusted(row.text("client_id")?),
        auth_token: AuthToken::from_trusted(row.text("auth_token")?),
        digit_string: row.opt_text("digit_string")?.map(DigitString::from_trusted),
        status: OverallStatus::parse(&status)
            .ok_or_else(|| corrupt("verifications.status", &status))?,
        request: serde_json::from_slice(&request)
            .map_err(|e| corrupt("verifications.request", e))?,
        created_at: time(row, "created_at")?,
        token_expires_at: time(row, "token_expires_at")?,
        result: result
            .map(|json| serde_json::from_slice(&json))
            .transpose()
            .map_err(|e| corrupt("verifications.result", e))?,
        updated_at: time(row, "updated_at")?,
        submitted_at: row.opt_int("submitted_at")?.map(from_ms).transpose()?,
        opened_at: row.opt_int("opened_at")?.map(from_ms).transpose()?,
        attempts_used: row.opt_int("attempts_used")?.unwrap_or(0),
        last_attempt: row
            .opt_bytes("last_attempt")?
            .map(|sealed| open(ring, sealed, &contexts::last_attempt(&scan_ref)))
            .transpose()?
            .map(|json| serde_json::from_slice(&json))
            .transpose()
            .map_err(|e| corrupt("verifications.last_attempt", e))?,
        scan_ref,
    })
}

/// A `webhook_events` row.
pub fn delivery(row: &impl Columns, ring: &KeyRing) -> StoreResult<Delivery> {
    let id = WebhookId::from_trusted(row.text("id")?);
    let payload = open(ring, row.bytes("payload")?, &contexts::payload(&id))?;
    let event_type = row.text("event_type")?;
    let state = row.text("state")?;
    Ok(Delivery {
        partner_id: partner_id(&row.text("partner_id")?, "webhook_events.partner_id")?,
        scan_ref: ScanRef::from_trusted(row.text("scan_ref")?),
        event_type: EventType::parse(&event_type)
            .ok_or_else(|| corrupt("webhook_events.event_type", &event_type))?,
        payload,
        target_url: row.opt_text("target_url")?,
        created_at: time(row, "created_at")?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| corrupt("webhook_events.state", &state))?,
        attempts: row.int("attempts")?,
        next_attempt_at: row.opt_int("next_attempt_at")?.map(from_ms).transpose()?,
        last_status: row.opt_int("last_status")?,
        last_error: row.opt_text("last_error")?,
        chaos: ChaosSet::from_column(row.opt_text("chaos")?.as_deref())
            .map_err(|e| corrupt("webhook_events.chaos", e))?,
        id,
    })
}

/// A `webhook_attempts` row.
pub fn attempt(row: &impl Columns) -> StoreResult<DeliveryAttempt> {
    Ok(DeliveryAttempt {
        event_id: WebhookId::from_trusted(row.text("event_id")?),
        attempt: row.int("attempt")?,
        attempted_at: time(row, "attempted_at")?,
        target_url: row.text("target_url")?,
        request_headers: row.text("request_headers")?,
        status_code: row.opt_int("status_code")?,
        latency_ms: row.int("latency_ms")?,
        error: row.opt_text("error")?,
        response_excerpt: row.opt_text("response_excerpt")?,
    })
}

/// An `analysis_jobs` row.
pub fn analysis_job(row: &impl Columns) -> StoreResult<AnalysisJob> {
    Ok(AnalysisJob {
        scan_ref: ScanRef::from_trusted(row.text("scan_ref")?),
        partner_id: partner_id(&row.text("partner_id")?, "analysis_jobs.partner_id")?,
        submission: serde_json::from_str(&row.text("submission")?)
            .map_err(|e| corrupt("analysis_jobs.submission", e))?,
        queued_at: time(row, "queued_at")?,
        attempts: row.int("attempts")?,
        last_error: row.opt_text("last_error")?,
    })
}

/// The `analysis_jobs.submission` column.
pub fn submission_json(submission: &Submission) -> StoreResult<String> {
    serde_json::to_string(submission).map_err(|e| corrupt("analysis_jobs.submission", e))
}

fn origin(row: &impl Columns) -> StoreResult<FaceOrigin> {
    let text = row.text("origin")?;
    FaceOrigin::parse(&text).ok_or_else(|| corrupt("face_embeddings.origin", text))
}

/// A `face_embeddings` row, its embedding opened.
pub fn stored_face(row: &impl Columns, ring: &KeyRing) -> StoreResult<StoredFace> {
    let scan_ref = ScanRef::from_trusted(row.text("scan_ref")?);
    let origin = origin(row)?;
    let bytes = open(ring, row.bytes("embedding")?, &contexts::embedding(&scan_ref, origin))?;
    if bytes.len() % 4 != 0 {
        return Err(corrupt("face_embeddings.embedding", format!("{} bytes", bytes.len())));
    }
    let embedding =
        bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok(StoredFace { id: row.int("id")?, scan_ref, origin, embedding })
}

/// A `blocklist_entries` row, its reason and person opened.
pub fn blocklist_entry(row: &impl Columns, ring: &KeyRing) -> StoreResult<BlocklistEntry> {
    let scan_ref = ScanRef::from_trusted(row.text("scan_ref")?);
    let text = row.text("source")?;
    let source =
        BlocklistSource::parse(&text).ok_or_else(|| corrupt("blocklist_entries.source", text))?;
    let reason = row
        .opt_bytes("reason")?
        .map(|blob| open(ring, blob, &contexts::blocklist_reason(&scan_ref, source)))
        .transpose()?
        .map(|bytes| String::from_utf8(bytes).map_err(|e| corrupt("blocklist_entries.reason", e)))
        .transpose()?;
    let person = row
        .opt_bytes("person")?
        .map(|blob| open(ring, blob, &contexts::blocklist_person(&scan_ref, source)))
        .transpose()?
        .map(|json| {
            serde_json::from_slice::<BlocklistedPerson>(&json)
                .map_err(|e| corrupt("blocklist_entries.person", e))
        })
        .transpose()?;
    Ok(BlocklistEntry {
        partner_id: partner_id(&row.text("partner_id")?, "blocklist_entries.partner_id")?,
        scan_ref,
        source,
        reason,
        person,
        created_at: time(row, "created_at")?,
    })
}

/// The `operators.partners` column.
pub fn operator_partners_json(partners: &[PartnerId]) -> StoreResult<String> {
    serde_json::to_string(partners).map_err(|e| corrupt("operators.partners", e))
}

pub fn operator_id_text(id: OperatorId) -> String {
    id.0.to_string()
}

fn operator_id(value: &str, column: &str) -> StoreResult<OperatorId> {
    uuid::Uuid::parse_str(value).map(OperatorId).map_err(|e| corrupt(column, e))
}

/// An `operators` row.
pub fn operator(row: &impl Columns) -> StoreResult<Operator> {
    let role = row.text("role")?;
    Ok(Operator {
        id: operator_id(&row.text("id")?, "operators.id")?,
        name: row.text("name")?,
        role: Role::parse(&role).ok_or_else(|| corrupt("operators.role", role))?,
        partners: serde_json::from_str(&row.text("partners")?)
            .map_err(|e| corrupt("operators.partners", e))?,
        password_hash: row.text("password_hash")?,
        disabled: row.boolean("disabled")?,
        failed_logins: row.int("failed_logins")?,
        locked_until: row.opt_int("locked_until")?.map(from_ms).transpose()?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

/// A `review_claims` row.
pub fn case_claim(row: &impl Columns) -> StoreResult<crate::CaseClaim> {
    Ok(crate::CaseClaim {
        scan_ref: ScanRef::from_trusted(row.text("scan_ref")?),
        operator_id: operator_id(&row.text("operator_id")?, "review_claims.operator_id")?,
        until: time(row, "until")?,
    })
}

/// The dashboard's rows as the backends' queries give them.
pub fn verification_stats(
    per_day: Vec<(i64, String, i64)>,
    decision_ms: Vec<i64>,
) -> StoreResult<crate::VerificationStats> {
    let per_day = per_day
        .into_iter()
        .map(|(day, status, count)| {
            let status = OverallStatus::parse(&status)
                .ok_or_else(|| corrupt("verifications.status", format!("unknown '{status}'")))?;
            Ok((day, status, count))
        })
        .collect::<StoreResult<_>>()?;
    Ok(crate::VerificationStats { per_day, decision_ms })
}

/// A `review_proposals` row, its decision opened.
pub fn review_proposal(row: &impl Columns, ring: &KeyRing) -> StoreResult<crate::ReviewProposal> {
    let scan_ref = ScanRef::from_trusted(row.text("scan_ref")?);
    let context = contexts::review_proposal(&scan_ref);
    Ok(crate::ReviewProposal {
        partner_id: partner_id(&row.text("partner_id")?, "review_proposals.partner_id")?,
        operator_id: operator_id(&row.text("operator_id")?, "review_proposals.operator_id")?,
        decision: open(ring, row.bytes("decision")?, &context)?,
        created_at: time(row, "created_at")?,
        scan_ref,
    })
}

/// The sealed TOTP secret of an operator.
pub fn seal_totp_secret(ring: &KeyRing, id: OperatorId, secret: &[u8]) -> Vec<u8> {
    ring.seal(secret, &contexts::totp_secret(&operator_id_text(id)))
}

/// An `operator_totp` row, its secret opened.
pub fn totp_secret(row: &impl Columns, ring: &KeyRing) -> StoreResult<crate::TotpSecret> {
    let context = contexts::totp_secret(&row.text("operator_id")?);
    Ok(crate::TotpSecret {
        secret: open(ring, row.bytes("secret")?, &context)?,
        last_step: row.int("last_step")?,
    })
}

/// The sealed decision of a proposal.
pub fn seal_review_proposal(ring: &KeyRing, proposal: &crate::ReviewProposal) -> Vec<u8> {
    ring.seal(&proposal.decision, &contexts::review_proposal(&proposal.scan_ref))
}

/// A `console_sessions` row.
pub fn console_session(row: &impl Columns) -> StoreResult<ConsoleSession> {
    let digest = row.bytes("digest")?;
    Ok(ConsoleSession {
        digest: digest.try_into().map_err(|d: Vec<u8>| {
            corrupt("console_sessions.digest", format!("{} bytes", d.len()))
        })?,
        operator_id: operator_id(&row.text("operator_id")?, "console_sessions.operator_id")?,
        created_at: time(row, "created_at")?,
        last_seen_at: time(row, "last_seen_at")?,
    })
}

/// An `audit_log` row.
pub fn audit_record(row: &impl Columns) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        at: time(row, "at")?,
        partner_id: row
            .opt_text("partner_id")?
            .map(|id| partner_id(&id, "audit_log.partner_id"))
            .transpose()?,
        actor: row.text("actor")?,
        action: row.text("action")?,
        scan_ref: row.opt_text("scan_ref")?.map(ScanRef::from_trusted),
        detail: row.opt_text("detail")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::DataKey;
    use std::collections::HashMap;

    #[test]
    fn sealing_contexts_are_the_stored_ones() {
        // Both backends seal with these contexts; changing one makes stored data unreadable.
        let partner = PartnerId(uuid::Uuid::nil());
        let scan_ref = ScanRef::from_trusted("s-1");
        assert_eq!(
            contexts::signing_key(partner),
            "partners.signing_key:00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(contexts::request(&scan_ref), "verifications.request:s-1");
        assert_eq!(contexts::result(&scan_ref), "verifications.result:s-1");
        assert_eq!(
            contexts::payload(&WebhookId::from_trusted("msg_1")),
            "webhook_events.payload:msg_1"
        );
        assert_eq!(
            contexts::embedding(&scan_ref, FaceOrigin::Selfie),
            "face_embeddings.embedding:s-1/SELFIE"
        );
        assert_eq!(
            contexts::blocklist_reason(&scan_ref, BlocklistSource::DocumentInfo),
            "blocklist_entries.reason:s-1/DOCUMENT_INFO"
        );
        assert_eq!(
            contexts::blocklist_person(&scan_ref, BlocklistSource::DocumentInfo),
            "blocklist_entries.person:s-1/DOCUMENT_INFO"
        );
    }

    #[test]
    fn times_are_unix_milliseconds_and_limits_default() {
        let at = time::macros::datetime!(2026-03-01 12:00:00.123_456 UTC);
        assert_eq!(to_ms(at), 1_772_366_400_123);
        assert_eq!(
            from_ms(to_ms(at)).unwrap(),
            time::macros::datetime!(2026-03-01 12:00:00.123 UTC)
        );
        assert!(matches!(from_ms(i64::MAX), Err(StoreError::Corrupt(_))));
        assert_eq!(duration_ms(time::Duration::seconds(2)), 2000);
        assert_eq!((list_limit(0), list_limit(-1), list_limit(7)), (DEFAULT_LIST_LIMIT, 1000, 7));
    }

    /// A row held in memory, for the builders.
    #[derive(Default)]
    struct Row(HashMap<&'static str, Value>);

    #[derive(Clone)]
    enum Value {
        Text(String),
        Int(i64),
        Bytes(Vec<u8>),
        Null,
    }

    impl Row {
        fn get(&self, column: &str) -> StoreResult<Value> {
            self.0.get(column).cloned().ok_or_else(|| corrupt(column, "no such column"))
        }
    }

    impl Columns for Row {
        fn text(&self, column: &str) -> StoreResult<String> {
            self.opt_text(column)?.ok_or_else(|| corrupt(column, "NULL"))
        }
        fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
            match self.get(column)? {
                Value::Text(text) => Ok(Some(text)),
                Value::Null => Ok(None),
                _ => Err(corrupt(column, "not text")),
            }
        }
        fn int(&self, column: &str) -> StoreResult<i64> {
            self.opt_int(column)?.ok_or_else(|| corrupt(column, "NULL"))
        }
        fn opt_int(&self, column: &str) -> StoreResult<Option<i64>> {
            match self.get(column)? {
                Value::Int(n) => Ok(Some(n)),
                Value::Null => Ok(None),
                _ => Err(corrupt(column, "not an integer")),
            }
        }
        fn bytes(&self, column: &str) -> StoreResult<Vec<u8>> {
            self.opt_bytes(column)?.ok_or_else(|| corrupt(column, "NULL"))
        }
        fn opt_bytes(&self, column: &str) -> StoreResult<Option<Vec<u8>>> {
            match self.get(column)? {
                Value::Bytes(bytes) => Ok(Some(bytes)),
                Value::Null => Ok(None),
                _ => Err(corrupt(column, "not bytes")),
            }
        }
        fn boolean(&self, column: &str) -> StoreResult<bool> {
            Ok(self.int(column)? != 0)
        }
    }

    fn verification_row(ring: &KeyRing, result: Option<Vec<u8>>) -> Row {
        let scan_ref = ScanRef::from_trusted("s-1");
        let serde_json::Value::Object(body) = serde_json::json!({"clientId": "c"}) else {
            unreachable!("object literal")
        };
        let request =
            kycd_domain::token_request::parse(&body, &TokenDefaults::default(), Environment::Dev)
                .unwrap();
        let request = seal_request(ring, &scan_ref, &request).unwrap();
        let mut row = Row::default();
        for (column, value) in [
            ("scan_ref", Value::Text("s-1".into())),
            ("partner_id", Value::Text(uuid::Uuid::nil().to_string())),
            ("client_id", Value::Text("c".into())),
            ("auth_token", Value::Text("t".into())),
            ("digit_string", Value::Null),
            ("status", Value::Text("APPROVED".into())),
            ("request", Value::Bytes(request)),
            ("result", result.map_or(Value::Null, Value::Bytes)),
            ("created_at", Value::Int(0)),
            ("token_expires_at", Value::Int(1)),
            ("updated_at", Value::Int(2)),
            ("submitted_at", Value::Null),
            ("opened_at", Value::Null),
            ("attempts_used", Value::Int(0)),
            ("last_attempt", Value::Null),
        ] {
            row.0.insert(column, value);
        }
        row
    }

    #[test]
    fn stored_results_are_the_json_of_the_result_and_bad_json_is_corrupt() {
        let ring = KeyRing::new(vec![DataKey::generate()]).unwrap();
        let scan_ref = ScanRef::from_trusted("s-1");
        let result = VerificationResult { platform: Some("PC".into()), ..Default::default() };
        let sealed = seal_result(&ring, &scan_ref, &result).unwrap();
        let json = ring.open(&sealed, "verifications.result:s-1").unwrap();
        assert_eq!(json, serde_json::to_vec(&result).unwrap(), "the serde JSON of the struct");
        let read = verification(&verification_row(&ring, Some(sealed)), &ring).unwrap();
        assert_eq!(read.result, Some(result));
        assert_eq!(read.status, OverallStatus::Approved);
        assert_eq!(verification(&verification_row(&ring, None), &ring).unwrap().result, None);

        let bad = ring.seal(b"{not json", "verifications.result:s-1");
        let error = verification(&verification_row(&ring, Some(bad)), &ring).unwrap_err();
        assert!(
            matches!(&error, StoreError::Corrupt(m) if m.starts_with("verifications.result")),
            "{error}"
        );
        let wrong_type = ring.seal(br#"{"fraudTags": 3}"#, "verifications.result:s-1");
        let error = verification(&verification_row(&ring, Some(wrong_type)), &ring).unwrap_err();
        assert!(matches!(error, StoreError::Corrupt(_)));
    }
}
