//! Row reading for the SQLite backend: [`Columns`] over a `SqliteRow`, so every record is built
//! by `kycd_store::codec`, exactly as the PostgreSQL backend builds it.

use kycd_store::{
    AnalysisJob, AuditRecord, Delivery, DeliveryAttempt, Partner, StoreResult, Verification,
    codec::{self, Columns},
    crypto::KeyRing,
};
use sqlx::{Row, sqlite::SqliteRow};

struct Cols<'r>(&'r SqliteRow);

impl Cols<'_> {
    fn get<'r, T>(&'r self, column: &str) -> StoreResult<T>
    where
        T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
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

pub fn partner(row: &SqliteRow, ring: &KeyRing) -> StoreResult<Partner> {
    codec::partner(&Cols(row), ring)
}

pub fn verification(row: &SqliteRow, ring: &KeyRing) -> StoreResult<Verification> {
    codec::verification(&Cols(row), ring)
}

pub fn delivery(row: &SqliteRow, ring: &KeyRing) -> StoreResult<Delivery> {
    codec::delivery(&Cols(row), ring)
}

pub fn claim_candidate(row: &SqliteRow) -> StoreResult<kycd_store::claiming::ClaimCandidate> {
    kycd_store::claiming::ClaimCandidate::from_row(&Cols(row))
}

pub fn leased_count(row: &SqliteRow) -> StoreResult<kycd_store::claiming::LeasedCount> {
    kycd_store::claiming::LeasedCount::from_row(&Cols(row))
}

pub fn attempt(row: &SqliteRow) -> StoreResult<DeliveryAttempt> {
    codec::attempt(&Cols(row))
}

pub fn audit_record(row: &SqliteRow) -> StoreResult<AuditRecord> {
    codec::audit_record(&Cols(row))
}

pub fn analysis_job(row: &SqliteRow) -> StoreResult<AnalysisJob> {
    codec::analysis_job(&Cols(row))
}

pub fn stored_face(row: &SqliteRow, ring: &KeyRing) -> StoreResult<kycd_store::StoredFace> {
    codec::stored_face(&Cols(row), ring)
}

pub fn blocklist_entry(row: &SqliteRow, ring: &KeyRing) -> StoreResult<kycd_store::BlocklistEntry> {
    codec::blocklist_entry(&Cols(row), ring)
}

pub fn operator(row: &SqliteRow) -> StoreResult<kycd_store::Operator> {
    codec::operator(&Cols(row))
}

pub fn case_claim(row: &SqliteRow) -> StoreResult<kycd_store::CaseClaim> {
    codec::case_claim(&Cols(row))
}

pub fn totp_secret(row: &SqliteRow, ring: &KeyRing) -> StoreResult<kycd_store::TotpSecret> {
    codec::totp_secret(&Cols(row), ring)
}

pub fn review_proposal(row: &SqliteRow, ring: &KeyRing) -> StoreResult<kycd_store::ReviewProposal> {
    codec::review_proposal(&Cols(row), ring)
}

pub fn console_session(row: &SqliteRow) -> StoreResult<kycd_store::ConsoleSession> {
    codec::console_session(&Cols(row))
}
