//! kycd's storage contract: the [`Store`] trait every backend implements, the records it stores,
//! and [`StoreError`]. Backends live in their own crates (SQLite, PostgreSQL) and all run the same
//! `conformance` suite (feature `testing`). Every partner-owned read or write takes the partner's
//! id, so no caller can reach another partner's data by accident. Times are always handed in by
//! the caller (from a Clock), never taken from the database.

pub mod crypto;
mod models;
pub use models::*;

#[cfg(feature = "testing")]
pub mod conformance;

use async_trait::async_trait;
use kycd_domain::{PartnerId, ScanRef};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error("no credits left")]
    NoCredits,
    #[error("stored data could not be decoded: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Database(Box::new(error))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// "sqlite" or "postgres", for logs and /health.
    fn backend_name(&self) -> &'static str;

    /// Cheap liveness probe of the database connection.
    async fn ping(&self) -> StoreResult<()>;

    // ---- partners ----

    /// Creates a partner; `Conflict` when the name or API key is taken.
    async fn create_partner(&self, partner: &NewPartner) -> StoreResult<Partner>;
    async fn partner_by_name(&self, name: &str) -> StoreResult<Option<Partner>>;
    async fn partner_by_api_key(&self, api_key: &str) -> StoreResult<Option<Partner>>;
    async fn list_partners(&self) -> StoreResult<Vec<Partner>>;
    async fn count_partners(&self) -> StoreResult<i64>;
    /// Applies the given changes; `NotFound` when no partner has that name.
    async fn update_partner(&self, name: &str, update: &PartnerUpdate) -> StoreResult<Partner>;

    /// Counts one request in the partner's rate window starting at `window_start` and returns the
    /// count including this one. Atomic across processes sharing the database.
    async fn count_request(
        &self,
        partner: PartnerId,
        window_start: OffsetDateTime,
    ) -> StoreResult<i64>;

    // ---- verifications ----

    /// Spends one credit (unless the partner is unlimited) and stores the verification and its
    /// webhook events in one transaction. `NoCredits` leaves everything unchanged.
    async fn create_verification(
        &self,
        verification: &NewVerification,
        events: &[NewWebhookEvent],
    ) -> StoreResult<()>;

    /// How many verifications the partner has (any status).
    async fn count_verifications(&self, partner: PartnerId) -> StoreResult<i64>;

    /// The partner's verification with this scanRef; another partner's is `None`, like an unknown one.
    async fn verification(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Option<Verification>>;

    // ---- lifecycle ----

    async fn partner_by_id(&self, id: PartnerId) -> StoreResult<Option<Partner>>;

    /// Applies a status change and writes its webhook events in one transaction, only if the
    /// verification still has `expected_status` (returns false, writing nothing, otherwise).
    async fn change_verification(
        &self,
        change: &VerificationChange,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool>;

    /// ACTIVE verifications of any partner whose token expired at or before `now`.
    async fn due_expirations(
        &self,
        now: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>>;

    // ---- webhook outbox ----

    /// Leases up to `limit` pending deliveries due at `now` (and not leased by a live worker)
    /// to `owner` until `lease_until`. Two callers never get the same delivery while a lease holds.
    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>>;

    /// Records an attempt and moves the delivery on (done, or retry at a time); releases the lease.
    /// An event whose verification was deleted meanwhile keeps its deleted state.
    async fn record_attempt(&self, attempt: &DeliveryAttempt, next: NextStep) -> StoreResult<()>;

    /// Newest first.
    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>>;
    async fn delivery(&self, id: &str) -> StoreResult<Option<Delivery>>;
    async fn attempts(&self, event_id: &str) -> StoreResult<Vec<DeliveryAttempt>>;

    /// Queues another attempt of the same event (same webhook-id) at `now`. False if unknown, it
    /// has no target, or its verification was deleted (its body is gone).
    async fn resend_delivery(&self, id: &str, now: OffsetDateTime) -> StoreResult<bool>;

    // ---- data protection ----

    /// The data keys sealing personal data (the server also seals stored images with them).
    fn key_ring(&self) -> std::sync::Arc<crypto::KeyRing>;

    /// Re-wraps every data key under `new_master`; afterwards only `new_master` opens the store.
    async fn rewrap_data_keys(&self, new_master: &crypto::MasterKey) -> StoreResult<usize>;

    /// Removes a verification's personal data for good (see [`VerificationPurge`]). False, with
    /// nothing changed, if the status is no longer `expected_status`.
    async fn purge_verification(&self, purge: &VerificationPurge) -> StoreResult<bool>;

    /// Verifications of partners in `environment` created before `created_before` that still hold
    /// data (not ACTIVE, not deleted), oldest first.
    async fn retention_candidates(
        &self,
        environment: kycd_domain::Environment,
        created_before: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>>;

    /// Counts one event under `key` in the window starting at `window_start`; returns the count
    /// including this one. Atomic across processes.
    async fn bump_counter(&self, key: &str, window_start: OffsetDateTime) -> StoreResult<i64>;

    async fn append_audit(&self, record: &AuditRecord) -> StoreResult<()>;
    /// Newest first.
    async fn audit_records(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;

    // ---- sandbox ----

    /// Verifications of any partner in `status` (e.g. REVIEWING for scheduled reviews).
    async fn verifications_with_status(
        &self,
        status: kycd_domain::vocabulary::OverallStatus,
        limit: i64,
    ) -> StoreResult<Vec<Verification>>;

    /// Moves the verification's times (created, token expiry, updated) `by` earlier and stores
    /// `result` if given: sandbox time control. False if unknown or another partner's.
    async fn shift_verification_times(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        by: time::Duration,
        result: Option<serde_json::Value>,
    ) -> StoreResult<bool>;

    /// The partner's webhook events after the cursor `(created_at, id)`, oldest first: those
    /// created after `since`, or at `since` with an id greater than `after_id` (None: all at
    /// `since` too). Pass the last event returned to page on.
    async fn partner_events_since(
        &self,
        partner: PartnerId,
        since: OffsetDateTime,
        after_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>>;

    /// Deletes all the partner's verifications with their webhook events and attempts; returns
    /// their scanRefs (so the caller can remove their images).
    async fn delete_partner_verifications(&self, partner: PartnerId) -> StoreResult<Vec<ScanRef>>;
}
