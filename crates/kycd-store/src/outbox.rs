//! [`OutboxStore`]: the webhook outbox after its rows were written (with their state change, by
//! [`crate::VerificationStore`]): leased claims, recorded attempts, listings and resends. Retry
//! schedules and signing belong to kycd-webhooks.

use crate::{Delivery, DeliveryAttempt, DeliveryFilter, NextStep, OutboxBacklog, StoreResult};
use async_trait::async_trait;
use kycd_domain::fair_share::FairShare;
use kycd_domain::ids::WebhookId;
use time::OffsetDateTime;

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Leases up to `limit` pending deliveries due at `now` (and not leased by a live worker)
    /// to `owner` until `lease_until`, in the order to send them. Two callers never get the same
    /// delivery while a lease holds. Fair: with the deliveries already leased (by any caller),
    /// none of a receiver or partner past its cap in `share`; partners and their receivers take
    /// turns, oldest due first ([`kycd_domain::fair_share`]).
    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
        share: FairShare,
    ) -> StoreResult<Vec<Delivery>>;

    /// Records an attempt and moves the delivery on (done, or retry at a time); releases the lease.
    /// An event whose verification was deleted meanwhile keeps its deleted state.
    async fn record_attempt(&self, attempt: &DeliveryAttempt, next: NextStep) -> StoreResult<()>;

    /// Newest first; at most `filter.limit` ([`crate::codec::DEFAULT_LIST_LIMIT`] when 0).
    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>>;
    async fn delivery(&self, id: &WebhookId) -> StoreResult<Option<Delivery>>;
    /// The event's attempts, first to last.
    async fn attempts(&self, event_id: &WebhookId) -> StoreResult<Vec<DeliveryAttempt>>;

    /// Queues another attempt of the same event (same webhook-id) at `now`. False if unknown, it
    /// has no target, or its verification was deleted (its body is gone).
    async fn resend_delivery(&self, id: &WebhookId, now: OffsetDateTime) -> StoreResult<bool>;

    /// How far delivery is behind at `now` (for metrics): pending deliveries, and when the
    /// longest-waiting one that is due fell due.
    async fn outbox_backlog(&self, now: OffsetDateTime) -> StoreResult<OutboxBacklog>;
}
