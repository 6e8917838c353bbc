//! Row reading for the PostgreSQL backend: [`Columns`] over a `PgRow`, so every record is built
//! by `kycd_store::codec`, exactly as the SQLite backend builds it; and what PostgreSQL TEXT
//! cannot hold (NUL), made storable.

use kycd_store::{
    AnalysisJob, AuditRecord, Delivery, DeliveryAttempt, Partner, StoreResult, Verification,
    codec::{self, Columns},
    crypto::KeyRing,
};
use sqlx::{Row, postgres::PgRow};
use std::borrow::Cow;

struct Cols<'r>(&'r PgRow);

impl Cols<'_> {
    fn get<'r, T>(&'r self, column: &str) -> StoreResult<T>
    where
        T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        self.0.try_get(column).map_err(|e| codec::corrupt(column, e))
    }
}

impl Columns for Cols<'_> {
    fn text(&self, column: &str) -> StoreResult<String> {
        self.get(column)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.get(column)
    }
    fn int(&self, column: &str) -> StoreResult<i64> {
        self.get(column)
    }
    fn opt_int(&self, column: &str) -> StoreResult<Option<i64>> {
        self.get(column)
    }
    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>> {
        self.get(column)
    }
    fn opt_bytes(&self, column: &str) -> StoreResult<Option<Vec<u8>>> {
        self.get(column)
    }
    fn boolean(&self, column: &str) -> StoreResult<bool> {
        self.get(column)
    }
}

pub fn partner(row: &PgRow, ring: &KeyRing) -> StoreResult<Partner> {
    codec::partner(&Cols(row), ring)
}

pub fn verification(row: &PgRow, ring: &KeyRing) -> StoreResult<Verification> {
    codec::verification(&Cols(row), ring)
}

pub fn delivery(row: &PgRow, ring: &KeyRing) -> StoreResult<Delivery> {
    codec::delivery(&Cols(row), ring)
}

pub fn claim_candidate(row: &PgRow) -> StoreResult<kycd_store::claiming::ClaimCandidate> {
    kycd_store::claiming::ClaimCandidate::from_row(&Cols(row))
}

pub fn leased_count(row: &PgRow) -> StoreResult<kycd_store::claiming::LeasedCount> {
    kycd_store::claiming::LeasedCount::from_row(&Cols(row))
}

pub fn attempt(row: &PgRow) -> StoreResult<DeliveryAttempt> {
    codec::attempt(&Cols(row))
}

pub fn analysis_job(row: &PgRow) -> StoreResult<AnalysisJob> {
    codec::analysis_job(&Cols(row))
}

pub fn audit_record(row: &PgRow) -> StoreResult<AuditRecord> {
    codec::audit_record(&Cols(row))
}

pub fn stored_face(row: &PgRow, ring: &KeyRing) -> StoreResult<kycd_store::StoredFace> {
    codec::stored_face(&Cols(row), ring)
}

pub fn blocklist_entry(row: &PgRow, ring: &KeyRing) -> StoreResult<kycd_store::BlocklistEntry> {
    codec::blocklist_entry(&Cols(row), ring)
}

pub fn operator(row: &PgRow) -> StoreResult<kycd_store::Operator> {
    codec::operator(&Cols(row))
}

pub fn case_claim(row: &PgRow) -> StoreResult<kycd_store::CaseClaim> {
    codec::case_claim(&Cols(row))
}

pub fn totp_secret(row: &PgRow, ring: &KeyRing) -> StoreResult<kycd_store::TotpSecret> {
    codec::totp_secret(&Cols(row), ring)
}

pub fn review_proposal(row: &PgRow, ring: &KeyRing) -> StoreResult<kycd_store::ReviewProposal> {
    codec::review_proposal(&Cols(row), ring)
}

pub fn console_session(row: &PgRow) -> StoreResult<kycd_store::ConsoleSession> {
    codec::console_session(&Cols(row))
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
}
