//! The webhook outbox as operators see it: every event with its delivery attempts, and resending
//! one (same webhook-id, fresh timestamp and signatures). Partners see their own through
//! [`crate::sandbox`].

use crate::{CoreError, CoreResult, Services};
use kycd_domain::ids::WebhookId;
use kycd_store::{Delivery, DeliveryAttempt, DeliveryFilter};

/// Events matching `filter`, newest first, each with its attempts.
pub async fn log(
    core: &Services,
    filter: &DeliveryFilter,
) -> CoreResult<Vec<(Delivery, Vec<DeliveryAttempt>)>> {
    let mut out = Vec::new();
    for delivery in core.store.deliveries(filter).await? {
        let attempts = core.store.attempts(&delivery.id).await?;
        out.push((delivery, attempts));
    }
    Ok(out)
}

/// Queues another attempt of the event now and wakes this process's worker (another node's
/// worker finds it on its next poll).
pub async fn resend(core: &Services, id: &WebhookId) -> CoreResult<()> {
    if !core.store.resend_delivery(id, core.clock.now()).await? {
        return Err(CoreError::NotFound(format!(
            "no webhook event '{id}' with a target to send to"
        )));
    }
    core.wake_worker();
    Ok(())
}
