//! Row <-> record conversion for the PostgreSQL backend: the same columns, the same sealing
//! contexts and the same encodings as the SQLite backend, so both store the same values.

use kycd_domain::token_request::TokenRequest;
use kycd_domain::{
    AuthToken, ClientId, DigitString, Environment, PartnerId, ScanRef,
    vocabulary::{EventType, OverallStatus},
};
use kycd_store::{
    AuditRecord, Delivery, DeliveryAttempt, DeliveryState, Partner, StoreError, StoreResult,
    Verification,
    crypto::{KeyRing, is_sealed},
};
use sqlx::{Row, postgres::PgRow};
use std::borrow::Cow;
use time::OffsetDateTime;

pub fn to_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub fn from_ms(ms: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {ms}: {e}")))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn get<'r, T>(row: &'r PgRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column).map_err(|e| corrupt(column, e))
}

// ---- what PostgreSQL TEXT cannot hold ----
//
// PostgreSQL rejects NUL (U+0000) in TEXT values, where SQLite stores it. Free text that can come
// from outside (a receiver's response body, error texts, URLs, counter keys) is made storable
// instead of failing the whole write; lookups by a value with a NUL find nothing, as nothing
// stored can hold one.

/// Free text: NUL becomes U+FFFD (the replacement character `from_utf8_lossy` uses too).
pub fn text(value: &str) -> Cow<'_, str> {
    if value.contains('\0') { Cow::Owned(value.replace('\0', "\u{FFFD}")) } else { value.into() }
}

pub fn opt_text(value: Option<&str>) -> Option<Cow<'_, str>> {
    value.map(text)
}

/// A URL: NUL becomes `%00`, which is what URL parsing turns it into before a request is sent.
pub fn url_text(value: &str) -> Cow<'_, str> {
    if value.contains('\0') { Cow::Owned(value.replace('\0', "%00")) } else { value.into() }
}

pub fn opt_url_text(value: Option<&str>) -> Option<Cow<'_, str>> {
    value.map(url_text)
}

/// A value to look rows up by: `None` when it cannot match any stored value.
pub fn lookup(value: &str) -> Option<&str> {
    (!value.contains('\0')).then_some(value)
}

// ---- sealing contexts: identical to the SQLite backend's ----

pub fn signing_key_context(partner: PartnerId) -> String {
    kycd_store::crypto::contexts::signing_key(partner)
}

pub fn request_context(scan_ref: &ScanRef) -> String {
    kycd_store::crypto::contexts::request(scan_ref)
}

pub fn result_context(scan_ref: &ScanRef) -> String {
    kycd_store::crypto::contexts::result(scan_ref)
}

pub fn payload_context(event_id: &str) -> String {
    kycd_store::crypto::contexts::payload(event_id)
}

pub fn seal_request(
    ring: &KeyRing,
    scan_ref: &ScanRef,
    request: &TokenRequest,
) -> StoreResult<Vec<u8>> {
    let json = serde_json::to_vec(request).map_err(|e| corrupt("request", e))?;
    Ok(ring.seal(&json, &request_context(scan_ref)))
}

pub fn seal_result(ring: &KeyRing, scan_ref: &ScanRef, result: &serde_json::Value) -> Vec<u8> {
    ring.seal(result.to_string().as_bytes(), &result_context(scan_ref))
}

/// Opens a sealed column; an empty value (a purged webhook body) reads as empty.
fn open(ring: &KeyRing, blob: &[u8], context: &str) -> StoreResult<Vec<u8>> {
    if blob.is_empty() || !is_sealed(blob) {
        return Ok(blob.to_vec());
    }
    ring.open(blob, context).map_err(|e| corrupt(context, e))
}

pub fn partner_from_row(row: &PgRow, ring: &KeyRing) -> StoreResult<Partner> {
    let id: String = get(row, "id")?;
    let environment: String = get(row, "environment")?;
    let digest: Vec<u8> = get(row, "api_secret_sha256")?;
    let defaults: String = get(row, "token_defaults")?;
    let id = PartnerId(uuid::Uuid::parse_str(&id).map_err(|e| corrupt("partners.id", e))?);
    let signing_key: Vec<u8> = get(row, "signing_key")?;
    let signing_key = open(ring, &signing_key, &signing_key_context(id))?;
    Ok(Partner {
        id,
        name: get(row, "name")?,
        environment: environment
            .parse::<Environment>()
            .map_err(|e| corrupt("partners.environment", e))?,
        api_key: get(row, "api_key")?,
        api_secret_sha256: digest
            .try_into()
            .map_err(|_| corrupt("partners.api_secret_sha256", "not 32 bytes"))?,
        signing_key: String::from_utf8(signing_key)
            .map_err(|e| corrupt("partners.signing_key", e))?,
        webhook_url: get(row, "webhook_url")?,
        credits: get(row, "credits")?,
        rate_limit_per_hour: get(row, "rate_limit_per_hour")?,
        enabled: get(row, "enabled")?,
        token_defaults: serde_json::from_str(&defaults)
            .map_err(|e| corrupt("partners.token_defaults", e))?,
        created_at: from_ms(get(row, "created_at")?)?,
    })
}

pub fn verification_from_row(row: &PgRow, ring: &KeyRing) -> StoreResult<Verification> {
    let partner_id: String = get(row, "partner_id")?;
    let status: String = get(row, "status")?;
    let scan_ref = ScanRef::from_trusted(get::<String>(row, "scan_ref")?);
    let request: Vec<u8> = get(row, "request")?;
    let request = open(ring, &request, &request_context(&scan_ref))?;
    let result: Option<Vec<u8>> = get(row, "result")?;
    let result = result.map(|r| open(ring, &r, &result_context(&scan_ref))).transpose()?;
    let digit_string: Option<String> = get(row, "digit_string")?;
    Ok(Verification {
        scan_ref,
        partner_id: PartnerId(
            uuid::Uuid::parse_str(&partner_id)
                .map_err(|e| corrupt("verifications.partner_id", e))?,
        ),
        client_id: ClientId::from_trusted(get::<String>(row, "client_id")?),
        auth_token: AuthToken::from_trusted(get::<String>(row, "auth_token")?),
        digit_string: digit_string.map(DigitString::from_trusted),
        status: OverallStatus::parse(&status)
            .ok_or_else(|| corrupt("verifications.status", &status))?,
        request: serde_json::from_slice(&request)
            .map_err(|e| corrupt("verifications.request", e))?,
        created_at: from_ms(get(row, "created_at")?)?,
        token_expires_at: from_ms(get(row, "token_expires_at")?)?,
        result: result
            .map(|bytes| serde_json::from_slice(&bytes))
            .transpose()
            .map_err(|e| corrupt("verifications.result", e))?,
        updated_at: from_ms(get(row, "updated_at")?)?,
    })
}

pub fn delivery_from_row(row: &PgRow, ring: &KeyRing) -> StoreResult<Delivery> {
    let partner_id: String = get(row, "partner_id")?;
    let event_type: String = get(row, "event_type")?;
    let state: String = get(row, "state")?;
    let next_attempt_at: Option<i64> = get(row, "next_attempt_at")?;
    let id: String = get(row, "id")?;
    let payload: Vec<u8> = get(row, "payload")?;
    let payload = open(ring, &payload, &payload_context(&id))?;
    Ok(Delivery {
        id,
        partner_id: PartnerId(
            uuid::Uuid::parse_str(&partner_id)
                .map_err(|e| corrupt("webhook_events.partner_id", e))?,
        ),
        scan_ref: ScanRef::from_trusted(get::<String>(row, "scan_ref")?),
        event_type: EventType::parse(&event_type)
            .ok_or_else(|| corrupt("webhook_events.event_type", &event_type))?,
        payload,
        target_url: get(row, "target_url")?,
        created_at: from_ms(get(row, "created_at")?)?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| corrupt("webhook_events.state", &state))?,
        attempts: get(row, "attempts")?,
        next_attempt_at: next_attempt_at.map(from_ms).transpose()?,
        last_status: get(row, "last_status")?,
        last_error: get(row, "last_error")?,
        chaos: get(row, "chaos")?,
    })
}

pub fn attempt_from_row(row: &PgRow) -> StoreResult<DeliveryAttempt> {
    Ok(DeliveryAttempt {
        event_id: get(row, "event_id")?,
        attempt: get(row, "attempt")?,
        attempted_at: from_ms(get(row, "attempted_at")?)?,
        target_url: get(row, "target_url")?,
        request_headers: get(row, "request_headers")?,
        status_code: get(row, "status_code")?,
        latency_ms: get(row, "latency_ms")?,
        error: get(row, "error")?,
        response_excerpt: get(row, "response_excerpt")?,
    })
}

pub fn audit_from_row(row: &PgRow) -> StoreResult<AuditRecord> {
    let partner_id: Option<String> = get(row, "partner_id")?;
    let scan_ref: Option<String> = get(row, "scan_ref")?;
    Ok(AuditRecord {
        at: from_ms(get(row, "at")?)?,
        partner_id: partner_id
            .map(|id| uuid::Uuid::parse_str(&id).map(PartnerId))
            .transpose()
            .map_err(|e| corrupt("audit_log.partner_id", e))?,
        actor: get(row, "actor")?,
        action: get(row, "action")?,
        scan_ref: scan_ref.map(ScanRef::from_trusted),
        detail: get(row, "detail")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_postgres_cannot_hold_is_made_storable() {
        assert!(matches!(text("plain"), Cow::Borrowed("plain")));
        assert_eq!(text("a\0b"), "a\u{FFFD}b");
        assert_eq!(url_text("https://x.test/a\0b"), "https://x.test/a%00b");
        assert_eq!(lookup("key"), Some("key"));
        assert_eq!(lookup("k\0ey"), None);
    }

    #[test]
    fn sealing_contexts_match_the_sqlite_backend() {
        let partner = PartnerId(uuid::Uuid::nil());
        let scan_ref = ScanRef::from_trusted("s-1");
        assert_eq!(
            signing_key_context(partner),
            "partners.signing_key:00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(request_context(&scan_ref), "verifications.request:s-1");
        assert_eq!(result_context(&scan_ref), "verifications.result:s-1");
        assert_eq!(payload_context("msg_1"), "webhook_events.payload:msg_1");
    }
}
