//! [`SandboxStore`]: the queries behind sandbox power tools (time control, scheduled reviews, the
//! event stream, resetting a partner). Only the server's DEV-partner paths call them.

use crate::{Delivery, StoreResult, Verification};
use async_trait::async_trait;
use kycd_domain::{
    PartnerId, ScanRef, ids::WebhookId, result::VerificationResult, vocabulary::OverallStatus,
};
use time::OffsetDateTime;

#[async_trait]
pub trait SandboxStore: Send + Sync {
    /// Verifications of any partner in `status` (e.g. REVIEWING for scheduled reviews).
    async fn verifications_with_status(
        &self,
        status: OverallStatus,
        limit: i64,
    ) -> StoreResult<Vec<Verification>>;

    /// Moves the verification's times (created, token expiry, updated) `by` earlier and stores
    /// `result` if given: sandbox time control. False if unknown or another partner's.
    async fn shift_verification_times(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        by: time::Duration,
        result: Option<&VerificationResult>,
    ) -> StoreResult<bool>;

    /// The partner's webhook events after the cursor `(created_at, id)`, oldest first: those
    /// created after `since`, or at `since` with an id greater than `after_id` (None: all at
    /// `since` too). Pass the last event returned to page on.
    async fn partner_events_since(
        &self,
        partner: PartnerId,
        since: OffsetDateTime,
        after_id: Option<&WebhookId>,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>>;

    /// Deletes up to `limit` of the partner's verifications with their webhook events, attempts
    /// and analysis jobs, in one short transaction, and returns their scanRefs (so the caller
    /// can remove their images). Empty once none is left; that last call also removes any
    /// other event or job of the partner. Called in a loop, so a reset of 50,000 never holds
    /// the writer for long.
    async fn delete_partner_verifications(
        &self,
        partner: PartnerId,
        limit: i64,
    ) -> StoreResult<Vec<ScanRef>>;
}
