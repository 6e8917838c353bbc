//! [`OutboxStore`] on SQLite: the `webhook_events` and `webhook_attempts` tables. Also writes
//! the outbox rows that `verifications` adds in the same transaction as a state change. Claims
//! and attempts go through the group-commit writer.

use crate::{SqliteStore, codec, db};
use async_trait::async_trait;
use kycd_domain::fair_share::FairShare;
use kycd_domain::ids::WebhookId;
use kycd_store::claiming;
use kycd_store::codec::{from_ms, list_limit, partner_id_text, seal_payload, to_ms};
use kycd_store::crypto::KeyRing;
use kycd_store::{
    Delivery, DeliveryAttempt, DeliveryFilter, NewWebhookEvent, NextStep, OutboxBacklog,
    OutboxStore, StoreResult,
};
use sqlx::SqliteConnection;
use time::OffsetDateTime;

/// An outbox row ready to insert: the payload is sealed before the write lock is taken.
pub(crate) struct SealedEvent {
    event: NewWebhookEvent,
    sealed_payload: Vec<u8>,
}

pub(crate) fn sealed_events(ring: &KeyRing, events: &[NewWebhookEvent]) -> Vec<SealedEvent> {
    events
        .iter()
        .map(|event| SealedEvent {
            sealed_payload: seal_payload(ring, &event.id, &event.payload),
            // Every field but the plaintext payload, which the closure must not carry.
            event: NewWebhookEvent {
                id: event.id.clone(),
                partner_id: event.partner_id,
                scan_ref: event.scan_ref.clone(),
                event_type: event.event_type,
                payload: Vec::new(),
                target_url: event.target_url.clone(),
                created_at: event.created_at,
                deliver_after: event.deliver_after,
                chaos: event.chaos.clone(),
            },
        })
        .collect()
}

pub(crate) async fn insert_events(
    conn: &mut SqliteConnection,
    events: &[SealedEvent],
) -> StoreResult<()> {
    for SealedEvent { event, sealed_payload } in events {
        sqlx::query(
            "INSERT INTO webhook_events (id, partner_id, scan_ref, event_type, payload,
                target_url, created_at, state, attempts, next_attempt_at, updated_at, chaos,
                receiver)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
        )
        .bind(event.id.as_str())
        .bind(partner_id_text(event.partner_id))
        .bind(event.scan_ref.as_str())
        .bind(event.event_type.as_str())
        .bind(sealed_payload.as_slice())
        .bind(&event.target_url)
        .bind(to_ms(event.created_at))
        .bind(event.initial_state().as_str())
        .bind(event.first_attempt_at().map(to_ms))
        .bind(to_ms(event.created_at))
        .bind(event.chaos.to_column())
        .bind(event.receiver())
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// The receivers with pending deliveries, one index probe each (a skip scan).
pub(crate) const RECEIVERS_WITH_WORK: &str = "WITH RECURSIVE receivers(r) AS (
    SELECT (SELECT MIN(receiver) FROM webhook_events INDEXED BY webhook_events_pending_by_receiver
    WHERE state = 'pending')
    UNION ALL
    SELECT (SELECT MIN(receiver) FROM webhook_events INDEXED BY webhook_events_pending_by_receiver
    WHERE state = 'pending' AND receiver > r)
    FROM receivers WHERE r IS NOT NULL LIMIT ?)
    SELECT r FROM receivers WHERE r IS NOT NULL";

/// Each receiver's oldest due, unleased deliveries, at most a bound each.
pub(crate) const DUE_PER_RECEIVER: &str = "SELECT e.id, e.partner_id, e.receiver, e.next_attempt_at
    FROM json_each(?) AS r JOIN webhook_events e ON e.id IN (
    SELECT id FROM webhook_events
    WHERE state = 'pending' AND receiver = r.value
    AND next_attempt_at <= ?
    AND (lease_until IS NULL OR lease_until <= ?)
    ORDER BY next_attempt_at LIMIT ?)";

/// Deliveries in flight, by partner and receiver. Only a pending row is ever leased (finishing,
/// retrying or deleting a delivery clears its lease), so the leased index alone answers.
pub(crate) const LEASED_BY_RECEIVER: &str = "SELECT partner_id, receiver, COUNT(*) AS count
    FROM webhook_events INDEXED BY webhook_events_leased WHERE lease_until > ?
    GROUP BY partner_id, receiver";

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
        share: FairShare,
    ) -> StoreResult<Vec<Delivery>> {
        let owner = owner.to_owned();
        let ring = self.ring.clone();
        // In the writer: nothing else leases or finishes a delivery between reading what is in
        // flight and leasing, so the caps hold.
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let now = to_ms(now);
                    let receivers: Vec<String> = sqlx::query_scalar(RECEIVERS_WITH_WORK)
                        .bind(claiming::CLAIM_RECEIVERS)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(db)?;
                    if receivers.is_empty() {
                        return Ok(Vec::new());
                    }
                    let per_receiver =
                        claiming::candidates_per_receiver(receivers.len(), share, limit);
                    let candidates = sqlx::query(DUE_PER_RECEIVER)
                        .bind(serde_json::json!(receivers).to_string())
                        .bind(now)
                        .bind(now)
                        .bind(per_receiver)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(db)?
                        .iter()
                        .map(codec::claim_candidate)
                        .collect::<StoreResult<Vec<_>>>()?;
                    if candidates.is_empty() {
                        return Ok(Vec::new());
                    }
                    let leased = sqlx::query(LEASED_BY_RECEIVER)
                        .bind(now)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(db)?
                        .iter()
                        .map(codec::leased_count)
                        .collect::<StoreResult<Vec<_>>>()?;
                    let chosen = claiming::choose_claims(&candidates, &leased, share, limit);
                    if chosen.is_empty() {
                        return Ok(Vec::new());
                    }
                    let rows = sqlx::query(
                        "UPDATE webhook_events SET lease_owner = ?, lease_until = ?
                         WHERE id IN (SELECT value FROM json_each(?))
                           AND state = 'pending' AND next_attempt_at <= ?
                           AND (lease_until IS NULL OR lease_until <= ?)
                         RETURNING *",
                    )
                    .bind(owner)
                    .bind(to_ms(lease_until))
                    .bind(serde_json::json!(chosen).to_string())
                    .bind(now)
                    .bind(now)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db)?;
                    let mut claimed = rows
                        .iter()
                        .map(|r| codec::delivery(r, &ring))
                        .collect::<StoreResult<Vec<_>>>()?;
                    claiming::in_chosen_order(&chosen, &mut claimed);
                    Ok(claimed)
                })
            }))
            .await
    }

    async fn record_attempt(&self, attempt: &DeliveryAttempt, next: NextStep) -> StoreResult<()> {
        let (state, next_at) = next.state_and_next_attempt();
        let attempt = attempt.clone();
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO webhook_attempts (event_id, attempt, attempted_at,
                            target_url, request_headers, status_code, latency_ms, error,
                            response_excerpt)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                         ON CONFLICT (event_id, attempt) DO NOTHING",
                    )
                    .bind(attempt.event_id.as_str())
                    .bind(attempt.attempt)
                    .bind(to_ms(attempt.attempted_at))
                    .bind(&attempt.target_url)
                    .bind(&attempt.request_headers)
                    .bind(attempt.status_code)
                    .bind(attempt.latency_ms)
                    .bind(&attempt.error)
                    .bind(&attempt.response_excerpt)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    sqlx::query(
                        "UPDATE webhook_events SET state = ?, next_attempt_at = ?,
                            lease_owner = NULL, lease_until = NULL,
                            attempts = MAX(attempts, ?), last_status = ?, last_error = ?,
                            updated_at = ?
                         WHERE id = ? AND length(payload) > 0",
                    )
                    .bind(state.as_str())
                    .bind(next_at.map(to_ms))
                    .bind(attempt.attempt)
                    .bind(attempt.status_code)
                    .bind(&attempt.error)
                    .bind(to_ms(attempt.attempted_at))
                    .bind(attempt.event_id.as_str())
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(())
                })
            }))
            .await
    }

    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>> {
        let rows = deliveries_query(filter).build().fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(|r| codec::delivery(r, &self.ring)).collect()
    }

    async fn delivery(&self, id: &WebhookId) -> StoreResult<Option<Delivery>> {
        let row = sqlx::query("SELECT * FROM webhook_events WHERE id = ?")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| codec::delivery(r, &self.ring)).transpose()
    }

    async fn attempts(&self, event_id: &WebhookId) -> StoreResult<Vec<DeliveryAttempt>> {
        let rows =
            sqlx::query("SELECT * FROM webhook_attempts WHERE event_id = ? ORDER BY attempt")
                .bind(event_id.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter().map(codec::attempt).collect()
    }

    async fn resend_delivery(&self, id: &WebhookId, now: OffsetDateTime) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE webhook_events SET state = 'pending', next_attempt_at = ?, updated_at = ?
             WHERE id = ? AND target_url IS NOT NULL AND length(payload) > 0",
        )
        .bind(to_ms(now))
        .bind(to_ms(now))
        .bind(id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(changed > 0)
    }

    async fn outbox_backlog(&self, now: OffsetDateTime) -> StoreResult<OutboxBacklog> {
        let (pending, oldest_due): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(CASE WHEN next_attempt_at <= ? THEN next_attempt_at END)
             FROM webhook_events WHERE state = 'pending'",
        )
        .bind(to_ms(now))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(OutboxBacklog { pending, oldest_due_at: oldest_due.map(from_ms).transpose()? })
    }
}

/// The delivery log query with only the conditions the filter has, so each shape uses its
/// index (`(? IS NULL OR partner_id = ?)` made SQLite scan the whole outbox).
pub(crate) fn deliveries_query(
    filter: &DeliveryFilter,
) -> sqlx::QueryBuilder<'static, sqlx::Sqlite> {
    let mut query = sqlx::QueryBuilder::new("SELECT * FROM webhook_events WHERE 1 = 1");
    if let Some(partner) = filter.partner_id {
        query.push(" AND partner_id = ").push_bind(partner_id_text(partner));
    }
    if let Some(scan_ref) = &filter.scan_ref {
        query.push(" AND scan_ref = ").push_bind(scan_ref.as_str().to_owned());
    }
    if filter.failed_only {
        query.push(kycd_store::codec::FAILED_DELIVERY_CONDITION);
    }
    query.push(" ORDER BY created_at DESC, id DESC LIMIT ").push_bind(list_limit(filter.limit));
    query
}
