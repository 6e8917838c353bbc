//! The delivery worker: drains the outbox in the store. It leases due deliveries, signs and POSTs
//! each (several in flight; the store's fair claim caps what one receiver or partner may hold, so
//! a slow receiver never takes the slots the others need), records every attempt and schedules
//! the next one. A delivery leased by a crashed worker is taken up again once its
//! lease ends; delivery is therefore at-least-once, with a stable `webhook-id` for de-duplication.

use crate::{
    schedule::RetrySchedule,
    sender::{SendRequest, Sender},
    signer,
};
use kycd_domain::{Clock, fair_share::FairShare};
use kycd_store::{Delivery, DeliveryAttempt, DeliveryState, NextStep, Store};
use rand::Rng;
use std::{sync::Arc, time::Duration};
use tokio::sync::{Notify, Semaphore, watch};
use tracing::Instrument;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub schedule: RetrySchedule,
    /// How long a claimed delivery is reserved for this worker; longer than the HTTP timeout.
    pub lease: Duration,
    /// Deliveries in flight at once.
    pub max_in_flight: usize,
    /// Caps per receiver and per partner, across every worker sharing the store.
    pub share: FairShare,
    /// How often to look for due retries when nothing wakes the worker.
    pub poll_interval: Duration,
    /// Identifies this worker in leases (host/process).
    pub owner: String,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            schedule: RetrySchedule::default(),
            lease: Duration::from_secs(60),
            max_in_flight: 64,
            share: FairShare::default(),
            poll_interval: Duration::from_millis(500),
            owner: format!("worker-{}", uuid_like()),
        }
    }
}

fn uuid_like() -> String {
    kycd_domain::ids::random_alphanumeric(12)
}

#[derive(Clone)]
pub struct DeliveryWorker {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    sender: Arc<dyn Sender>,
    config: Arc<WorkerConfig>,
    wake: Arc<Notify>,
}

impl DeliveryWorker {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        sender: Arc<dyn Sender>,
        config: WorkerConfig,
        wake: Arc<Notify>,
    ) -> Self {
        Self { store, clock, sender, config: Arc::new(config), wake }
    }

    /// Runs until `stop` turns true, then waits (bounded) for in-flight deliveries.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let permits = Arc::new(Semaphore::new(self.config.max_in_flight));
        loop {
            if *stop.borrow() {
                break;
            }
            let free = permits.available_permits();
            let claimed = if free == 0 {
                Vec::new()
            } else {
                let now = self.clock.now();
                let lease_until = now + self.config.lease;
                match self
                    .store
                    .claim_deliveries(
                        now,
                        lease_until,
                        &self.config.owner,
                        free as i64,
                        self.config.share,
                    )
                    .await
                {
                    Ok(claimed) => claimed,
                    Err(error) => {
                        tracing::warn!(%error, "claiming webhook deliveries failed");
                        Vec::new()
                    }
                }
            };
            let full_batch = !claimed.is_empty() && claimed.len() == free;
            for delivery in claimed {
                let Ok(permit) = permits.clone().acquire_owned().await else { return };
                let worker = self.clone();
                let span = tracing::info_span!("webhook", scan_ref = %delivery.scan_ref, webhook_id = %delivery.id, event = %delivery.event_type);
                tokio::spawn(
                    async move {
                        worker.deliver(delivery).await;
                        drop(permit);
                        // A freed slot may let a waiting delivery go.
                        worker.wake.notify_one();
                    }
                    .instrument(span),
                );
            }
            if full_batch {
                continue;
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.config.poll_interval) => {}
                _ = stop.changed() => {}
            }
        }
        let all = u32::try_from(self.config.max_in_flight).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(Duration::from_secs(15), permits.acquire_many(all)).await;
    }

    /// One attempt of one delivery, recorded whatever happens.
    pub async fn deliver(&self, delivery: Delivery) {
        let attempt_number = delivery.attempts + 1;
        let attempted_at = self.clock.now();
        let Some(target) = delivery.target_url.clone() else { return };
        let partner = match self.store.partner_by_id(delivery.partner_id).await {
            Ok(Some(partner)) => partner,
            Ok(None) => {
                let attempt = self.attempt(
                    &delivery,
                    attempted_at,
                    attempt_number,
                    &target,
                    "{}".into(),
                    None,
                    Duration::ZERO,
                    Some("partner no longer exists".into()),
                    None,
                );
                self.record(&attempt, NextStep::Done(DeliveryState::Failed)).await;
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "loading the partner for a webhook failed; will retry after the lease");
                return;
            }
        };
        let prepared = signer::prepare(
            partner.signing_key.as_bytes(),
            delivery.event_type.as_str(),
            delivery.id.as_str(),
            attempted_at.unix_timestamp(),
            &delivery.payload,
            &delivery.chaos,
        );
        let headers_json = attempt_record_json(&prepared);
        let request = SendRequest {
            url: &target,
            headers: &prepared.headers,
            body: &prepared.body,
            guarded: !partner.environment.is_sandbox(),
        };
        let mut outcome = self.sender.send(request.clone()).await;
        if prepared.send_twice {
            outcome = self.sender.send(request).await;
        }
        let next = match outcome.status {
            Some(status) if (200..300).contains(&status) => {
                NextStep::Done(DeliveryState::Delivered)
            }
            Some(410) => NextStep::Done(DeliveryState::Gone),
            _ if outcome.blocked => NextStep::Done(DeliveryState::Failed),
            _ => {
                let jitter = rand::rng().random_range(-1.0..=1.0);
                let attempts_made = usize::try_from(attempt_number).unwrap_or(usize::MAX);
                match self.config.schedule.next_delay(attempts_made, jitter, outcome.retry_after) {
                    Some(delay) => NextStep::RetryAt(self.clock.now() + delay),
                    None => NextStep::Done(DeliveryState::Failed),
                }
            }
        };
        tracing::info!(status = ?outcome.status, latency_ms = outcome.latency.as_millis() as u64, error = ?outcome.error, ?next, "webhook attempt");
        let attempt = self.attempt(
            &delivery,
            attempted_at,
            attempt_number,
            &target,
            headers_json,
            outcome.status,
            outcome.latency,
            outcome.error,
            outcome.response_excerpt,
        );
        self.record(&attempt, next).await;
    }

    #[allow(clippy::too_many_arguments)]
    fn attempt(
        &self,
        delivery: &Delivery,
        attempted_at: time::OffsetDateTime,
        attempt: i64,
        target: &str,
        request_headers: String,
        status: Option<u16>,
        latency: Duration,
        error: Option<String>,
        response_excerpt: Option<String>,
    ) -> DeliveryAttempt {
        DeliveryAttempt {
            event_id: delivery.id.clone(),
            attempt,
            attempted_at,
            target_url: target.to_owned(),
            request_headers,
            status_code: status.map(i64::from),
            latency_ms: i64::try_from(latency.as_millis()).unwrap_or(i64::MAX),
            error,
            response_excerpt,
        }
    }

    async fn record(&self, attempt: &DeliveryAttempt, next: NextStep) {
        count_outcome(attempt, next);
        if let Err(error) = self.store.record_attempt(attempt, next).await {
            tracing::error!(%error, "recording a webhook attempt failed; the lease will expire and it will be retried");
        }
    }
}

/// Every delivery attempt, by how it ended (`delivered`, `retry`, `failed`, `gone`), and the
/// receivers' latency, for the Prometheus endpoint.
fn count_outcome(attempt: &DeliveryAttempt, next: NextStep) {
    let outcome = match next {
        NextStep::RetryAt(_) => "retry",
        NextStep::Done(DeliveryState::Delivered) => "delivered",
        NextStep::Done(DeliveryState::Gone) => "gone",
        NextStep::Done(_) => "failed",
    };
    metrics::counter!(DELIVERY_ATTEMPTS, "outcome" => outcome).increment(1);
    metrics::histogram!(DELIVERY_LATENCY).record(attempt.latency_ms as f64 / 1000.0);
}

/// Metric names (documented in docs/operations.md).
pub const DELIVERY_ATTEMPTS: &str = "kycd_webhook_delivery_attempts_total";
pub const DELIVERY_LATENCY: &str = "kycd_webhook_delivery_latency_seconds";

/// What the delivery log keeps of an attempt's request: the exact headers sent, the body size,
/// and any sandbox chaos applied (labels are not sent to the receiver).
pub fn attempt_record_json(prepared: &signer::Prepared) -> String {
    let headers: serde_json::Map<String, serde_json::Value> = prepared
        .headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::json!({
        "headers": headers,
        "bodyBytes": prepared.body.len(),
        "chaos": prepared.labels,
    })
    .to_string()
}
