//! The review console's reads and decisions (issue 14): the queue of verifications waiting for a
//! person, within the operator's partners. Case pages, claims and decisions build on it.

use crate::{CoreResult, Services, operators};
use kycd_store::{Operator, Partner, Verification};
use time::OffsetDateTime;

/// Most cases the queue shows at once.
pub const QUEUE_LIMIT: i64 = 200;

/// One case in the queue.
#[derive(Debug, Clone)]
pub struct QueuedCase {
    pub verification: Verification,
    pub partner: Partner,
    /// Since when it waits for a person.
    pub waiting_since: OffsetDateTime,
}

/// The verifications in REVIEWING the operator may see, the longest waiting first.
pub async fn queue(core: &Services, operator: &Operator) -> CoreResult<Vec<QueuedCase>> {
    let scope = operators::scope(operator);
    let waiting = core.store.reviewing_verifications(scope.partners(), QUEUE_LIMIT).await?;
    let partners = core.store.list_partners().await?;
    Ok(waiting
        .into_iter()
        .filter(|v| scope.includes(v.partner_id))
        .filter_map(|verification| {
            let partner = partners.iter().find(|p| p.id == verification.partner_id)?.clone();
            let waiting_since = verification.updated_at;
            Some(QueuedCase { verification, partner, waiting_since })
        })
        .collect())
}
