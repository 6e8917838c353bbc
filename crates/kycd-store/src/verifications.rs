//! [`VerificationStore`]: verification sessions through their life (creation with its credit,
//! status changes with their webhook events, expiry, purge, retention). Changes are
//! compare-and-set on the status; which change is allowed is kycd-domain's rule, not the store's.

use crate::{
    NewVerification, NewWebhookEvent, StoreResult, Verification, VerificationChange,
    VerificationPurge,
};
use async_trait::async_trait;
use kycd_domain::{AuthToken, Environment, PartnerId, ScanRef};
use time::OffsetDateTime;

#[async_trait]
pub trait VerificationStore: Send + Sync {
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

    /// The verification whose auth token this is. The token is a credential of its own (the
    /// hosted flow is opened with it); a partner API caller must still compare `partner_id`.
    async fn verification_by_token(&self, token: &AuthToken) -> StoreResult<Option<Verification>>;

    /// Applies a status change and writes its webhook events in one transaction, only if the
    /// verification still has `expected_status` (returns false, writing nothing, otherwise).
    async fn change_verification(
        &self,
        change: &VerificationChange,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool>;

    /// Records the first opening of the hosted flow: sets `opened_at` to `now` and the token's
    /// deadline to `session_deadline` — only while the verification is ACTIVE, unsubmitted, not
    /// yet opened and its token has not run out at `now`. False, writing nothing, otherwise.
    async fn open_verification(
        &self,
        scan_ref: &ScanRef,
        now: OffsetDateTime,
        session_deadline: OffsetDateTime,
    ) -> StoreResult<bool>;

    /// Makes `digest` the verification's one hand-off code until `expires_at`, replacing any
    /// earlier code (only the latest code shown works). False, writing nothing, unless the
    /// verification is ACTIVE and unsubmitted.
    async fn set_handoff_code(
        &self,
        scan_ref: &ScanRef,
        digest: &[u8; 32],
        expires_at: OffsetDateTime,
    ) -> StoreResult<bool>;

    /// Uses up the hand-off code with this digest: the verification it belongs to, if the code
    /// has not expired at `now` and the verification is still ACTIVE and unsubmitted; the code
    /// is removed either way, so it works once.
    async fn redeem_handoff_code(
        &self,
        digest: &[u8; 32],
        now: OffsetDateTime,
    ) -> StoreResult<Option<Verification>>;

    /// ACTIVE verifications of any partner whose token expired at or before `now`.
    async fn due_expirations(
        &self,
        now: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>>;

    /// Removes a verification's personal data for good (see [`VerificationPurge`]). False, with
    /// nothing changed, if the status is no longer `expected_status`.
    async fn purge_verification(&self, purge: &VerificationPurge) -> StoreResult<bool>;

    /// Verifications waiting for a person (REVIEWING) of the given partners (all when none
    /// are given), the longest waiting first (by when they last changed), at most `limit`.
    async fn reviewing_verifications(
        &self,
        partners: &[PartnerId],
        limit: i64,
    ) -> StoreResult<Vec<Verification>>;

    /// The verifications `search` finds, newest first, at most its limit.
    async fn search_verifications(
        &self,
        search: &crate::VerificationSearch,
    ) -> StoreResult<Vec<Verification>>;

    /// Counts for the console's dashboard over the verifications of `partners` (all when none
    /// are given) created at or after `since`.
    async fn verification_stats(
        &self,
        partners: &[PartnerId],
        since: OffsetDateTime,
    ) -> StoreResult<crate::VerificationStats>;

    /// Verifications of partners in `environment` created before `created_before` that still hold
    /// data (not ACTIVE, not deleted), oldest first.
    async fn retention_candidates(
        &self,
        environment: Environment,
        created_before: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>>;
}
