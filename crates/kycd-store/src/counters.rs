//! [`CounterStore`]: windowed counters (partner request rates, other per-key counts). Cheap and
//! atomic across processes sharing the database, but not durability-critical: a backend may
//! trade the last counts in a power cut for speed. What the counts mean is the caller's rule.

use crate::StoreResult;
use async_trait::async_trait;
use kycd_domain::PartnerId;
use time::OffsetDateTime;

#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Counts one request in the partner's rate window starting at `window_start` and returns the
    /// count including this one. Atomic across processes sharing the database.
    async fn count_request(
        &self,
        partner: PartnerId,
        window_start: OffsetDateTime,
    ) -> StoreResult<i64>;

    /// Counts one event under `key` in the window starting at `window_start`; returns the count
    /// including this one. Atomic across processes.
    async fn bump_counter(&self, key: &str, window_start: OffsetDateTime) -> StoreResult<i64>;
}
