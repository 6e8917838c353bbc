//! [`OperatorStore`]: review-console operators and their sessions. Which operator may do what,
//! the lock-out and session expiry are kycd-domain's rules (`console`); this stores what it is
//! given and counts failures atomically.

use crate::{
    CaseClaim, ConsoleSession, Operator, OperatorUpdate, ReviewProposal, StoreResult, TotpSecret,
};
use async_trait::async_trait;
use kycd_domain::{OperatorId, ScanRef};
use time::OffsetDateTime;

#[async_trait]
pub trait OperatorStore: Send + Sync {
    /// `Conflict` when the name is taken.
    async fn create_operator(&self, operator: &Operator) -> StoreResult<()>;
    async fn operator_by_name(&self, name: &str) -> StoreResult<Option<Operator>>;
    async fn operator_by_id(&self, id: OperatorId) -> StoreResult<Option<Operator>>;
    /// By name.
    async fn list_operators(&self) -> StoreResult<Vec<Operator>>;
    /// Applies `update` (ending the operator's sessions when the password, the role or
    /// `disabled` changes); the operator as it is now, or `None` for an unknown name.
    async fn update_operator(
        &self,
        name: &str,
        update: &OperatorUpdate,
        at: OffsetDateTime,
    ) -> StoreResult<Option<Operator>>;
    /// Whether an enabled admin exists (the console stays closed until one does).
    async fn any_admin(&self) -> StoreResult<bool>;

    /// Counts a failed login (atomically) and returns the failures in a row; `lock_until`,
    /// when given, is set at once if the count reaches `lock_from`.
    async fn record_login_failure(
        &self,
        id: OperatorId,
        lock_from: i64,
        lock_until: OffsetDateTime,
    ) -> StoreResult<i64>;
    /// A good login: failures and lock cleared, and the session stored.
    async fn start_session(&self, session: &ConsoleSession) -> StoreResult<()>;
    async fn session(&self, digest: &[u8; 32]) -> StoreResult<Option<ConsoleSession>>;
    async fn touch_session(&self, digest: &[u8; 32], at: OffsetDateTime) -> StoreResult<()>;
    async fn end_session(&self, digest: &[u8; 32]) -> StoreResult<()>;

    /// Leases the case to `claim.operator_id` until `claim.until` unless another operator holds
    /// a lease that is still running at `now`; the claim in force afterwards (theirs or this).
    async fn claim_case(&self, claim: &CaseClaim, now: OffsetDateTime) -> StoreResult<CaseClaim>;
    async fn case_claim(&self, scan_ref: &ScanRef) -> StoreResult<Option<CaseClaim>>;
    /// Ends the operator's claim of the case (another's stays).
    async fn release_case(&self, scan_ref: &ScanRef, operator: OperatorId) -> StoreResult<()>;

    /// Sets (replacing any, last step 0) or removes the operator's TOTP secret.
    async fn set_totp_secret(&self, id: OperatorId, secret: Option<&[u8]>) -> StoreResult<()>;
    async fn totp_secret(&self, id: OperatorId) -> StoreResult<Option<TotpSecret>>;
    /// Records that a code of `step` was accepted, if no code of this or a later step was
    /// before (atomically); whether it was recorded.
    async fn use_totp_step(&self, id: OperatorId, step: i64) -> StoreResult<bool>;

    /// Stores the first reviewer's decision of a four-eyes case unless the case has one
    /// already; whether it was stored.
    async fn propose_decision(&self, proposal: &ReviewProposal) -> StoreResult<bool>;
    async fn review_proposal(&self, scan_ref: &ScanRef) -> StoreResult<Option<ReviewProposal>>;
    /// Removes the case's proposal (confirmed, sent back, or the case decided otherwise);
    /// whether there was one.
    async fn withdraw_proposal(&self, scan_ref: &ScanRef) -> StoreResult<bool>;
}
