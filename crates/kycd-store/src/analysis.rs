//! [`AnalysisStore`]: submissions waiting for their automatic analysis. A submission marks the
//! verification submitted (its token is used from then on) and queues a durable job in the same
//! transaction; any node claims jobs with a lease, like the webhook outbox; the job's result is
//! applied — the status change with its webhooks — and the job removed in one transaction, so a
//! crash at any point either leaves the job to be claimed again or has finished it.

use crate::{
    AnalysisBacklog, AnalysisJob, NewWebhookEvent, StoreResult, Submission, VerificationChange,
};
use async_trait::async_trait;
use kycd_domain::{PartnerId, ScanRef, result::VerificationResult};
use time::OffsetDateTime;

#[async_trait]
pub trait AnalysisStore: Send + Sync {
    /// Marks the partner's verification submitted at `now` and queues its analysis, in one
    /// transaction — only while it is ACTIVE, not yet submitted and its token has not expired at
    /// `now`. False, writing nothing, otherwise.
    async fn submit_verification(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        submission: &Submission,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;

    /// Leases up to `limit` jobs due at `now` (and not leased by a live worker) to `owner` until
    /// `lease_until`, oldest first, counting the attempt. Two callers never get the same job
    /// while a lease holds.
    async fn claim_analysis_jobs(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
    ) -> StoreResult<Vec<AnalysisJob>>;

    /// Finishes the job of `scan_ref`: applies `change` with its `events` (compare-and-set, as
    /// [`crate::VerificationStore::change_verification`]) and removes the job, in one
    /// transaction. When the verification no longer has `change.expected_status`, nothing is
    /// written and the answer is false. With `change` None the job is only removed.
    async fn finish_analysis_job(
        &self,
        scan_ref: &ScanRef,
        change: Option<&VerificationChange>,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool>;

    /// Gives a failed hosted-flow attempt back to the person: clears `submitted_at` (the link
    /// takes photos again), counts the attempt, keeps `result` sealed as `last_attempt` and
    /// removes the job, in one transaction, writing no webhook — only while the verification is
    /// still ACTIVE and submitted. False, writing nothing, otherwise.
    async fn return_analysis_attempt(
        &self,
        scan_ref: &ScanRef,
        result: &VerificationResult,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;

    /// Releases a job whose attempt failed, to be claimed again at `retry_at`, keeping `error`.
    async fn retry_analysis_job(
        &self,
        scan_ref: &ScanRef,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> StoreResult<()>;

    /// The partner's queued job for this verification, if any (leased or not).
    async fn analysis_job(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Option<AnalysisJob>>;

    /// How many jobs wait or run, and since when the oldest (for metrics).
    async fn analysis_backlog(&self) -> StoreResult<AnalysisBacklog>;
}
