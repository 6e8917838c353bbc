//! [`OutboxStore`] on PostgreSQL: the `webhook_events` and `webhook_attempts` tables, claimed
//! with `FOR UPDATE SKIP LOCKED`. Also writes the outbox rows that `verifications` adds in the
//! same transaction as a state change.

use crate::codec::{self, lookup, opt_text, opt_url_text, text, url_text};
use crate::{PostgresStore, db};
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
use time::OffsetDateTime;

/// The advisory lock every node's delivery claims take in turn (`kycd-clm` in ASCII).
const CLAIM_LOCK: i64 = 0x6b79_6364_2d63_6c6d;

pub(crate) async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    ring: &KeyRing,
    event: &NewWebhookEvent,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO webhook_events (id, partner_id, scan_ref, event_type, payload, target_url,
            created_at, state, attempts, next_attempt_at, updated_at, chaos, receiver)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12)",
    )
    .bind(event.id.as_str())
    .bind(partner_id_text(event.partner_id))
    .bind(event.scan_ref.as_str())
    .bind(event.event_type.as_str())
    .bind(seal_payload(ring, &event.id, &event.payload))
    .bind(opt_url_text(event.target_url.as_deref()))
    .bind(to_ms(event.created_at))
    .bind(event.initial_state().as_str())
    .bind(event.first_attempt_at().map(to_ms))
    .bind(to_ms(event.created_at))
    .bind(event.chaos.to_column())
    .bind(url_text(&event.receiver()).into_owned())
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// The receivers with pending deliveries, one index probe each (a skip scan).
pub(crate) const RECEIVERS_WITH_WORK: &str = "WITH RECURSIVE receivers(r) AS (
    SELECT (SELECT MIN(receiver) FROM webhook_events WHERE state = 'pending')
    UNION ALL
    SELECT (SELECT MIN(receiver) FROM webhook_events
    WHERE state = 'pending' AND receiver > r)
    FROM receivers WHERE r IS NOT NULL)
    SELECT r FROM receivers WHERE r IS NOT NULL LIMIT $1";

/// Each receiver's oldest due, unleased deliveries, at most a bound each.
pub(crate) const DUE_PER_RECEIVER: &str = "SELECT c.id, c.partner_id, c.receiver, c.next_attempt_at
    FROM unnest($1::text[]) AS r(receiver) CROSS JOIN LATERAL (
    SELECT id, partner_id, receiver, next_attempt_at FROM webhook_events
    WHERE state = 'pending' AND receiver = r.receiver AND next_attempt_at <= $2
    AND (lease_until IS NULL OR lease_until <= $2)
    ORDER BY next_attempt_at, id LIMIT $3) c";

/// Deliveries in flight, by partner and receiver. Only a pending row is ever leased (finishing,
/// retrying or deleting a delivery clears its lease), so the leased index alone answers.
pub(crate) const LEASED_BY_RECEIVER: &str =
    "SELECT partner_id, receiver, COUNT(*) AS count FROM webhook_events
    WHERE lease_until > $1
    GROUP BY partner_id, receiver";

#[async_trait]
impl OutboxStore for PostgresStore {
    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
        share: FairShare,
    ) -> StoreResult<Vec<Delivery>> {
        let now = to_ms(now);
        let mut tx = self.tx().await?;
        // Claims from every node take turns: what is in flight is counted and leased in one
        // transaction that no other claim overlaps, so the caps hold across nodes. A claim is a
        // few index reads; recording attempts and writing events do not take this lock.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CLAIM_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        // A loose index scan: one index probe per receiver with waiting work.
        let receivers: Vec<String> = sqlx::query_scalar(RECEIVERS_WITH_WORK)
            .bind(claiming::CLAIM_RECEIVERS)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        if receivers.is_empty() {
            return Ok(Vec::new());
        }
        let per_receiver = claiming::candidates_per_receiver(receivers.len(), share, limit);
        let candidates = sqlx::query(DUE_PER_RECEIVER)
            .bind(&receivers)
            .bind(now)
            .bind(per_receiver)
            .fetch_all(&mut *tx)
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
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            .iter()
            .map(codec::leased_count)
            .collect::<StoreResult<Vec<_>>>()?;
        let chosen = claiming::choose_claims(&candidates, &leased, share, limit);
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        // Re-checked here: a delivery finished or deleted since it was read is not leased.
        let rows = sqlx::query(
            "UPDATE webhook_events SET lease_owner = $1, lease_until = $2
             WHERE id = ANY($3) AND state = 'pending' AND next_attempt_at <= $4
               AND (lease_until IS NULL OR lease_until <= $4)
             RETURNING *",
        )
        .bind(text(owner))
        .bind(to_ms(lease_until))
        .bind(&chosen)
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        let mut claimed =
            rows.iter().map(|r| codec::delivery(r, &self.ring)).collect::<StoreResult<Vec<_>>>()?;
        claiming::in_chosen_order(&chosen, &mut claimed);
        Ok(claimed)
    }

    async fn record_attempt(&self, attempt: &DeliveryAttempt, next: NextStep) -> StoreResult<()> {
        let (state, next_at) = next.state_and_next_attempt();
        let error = opt_text(attempt.error.as_deref());
        let mut tx = self.tx().await?;
        sqlx::query(
            "INSERT INTO webhook_attempts (event_id, attempt, attempted_at, target_url,
                request_headers, status_code, latency_ms, error, response_excerpt)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (event_id, attempt) DO NOTHING",
        )
        .bind(attempt.event_id.as_str())
        .bind(attempt.attempt)
        .bind(to_ms(attempt.attempted_at))
        .bind(url_text(&attempt.target_url))
        .bind(text(&attempt.request_headers))
        .bind(attempt.status_code)
        .bind(attempt.latency_ms)
        .bind(error.clone())
        .bind(opt_text(attempt.response_excerpt.as_deref()))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query(
            "UPDATE webhook_events SET state = $1, next_attempt_at = $2, lease_owner = NULL,
                lease_until = NULL, attempts = GREATEST(attempts, $3), last_status = $4,
                last_error = $5, updated_at = $6
             WHERE id = $7 AND octet_length(payload) > 0",
        )
        .bind(state.as_str())
        .bind(next_at.map(to_ms))
        .bind(attempt.attempt)
        .bind(attempt.status_code)
        .bind(error)
        .bind(to_ms(attempt.attempted_at))
        .bind(attempt.event_id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>> {
        let Some(mut query) = deliveries_query(filter) else { return Ok(Vec::new()) };
        let rows = query.build().fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(|r| codec::delivery(r, &self.ring)).collect()
    }

    async fn delivery(&self, id: &WebhookId) -> StoreResult<Option<Delivery>> {
        let Some(id) = lookup(id.as_str()) else { return Ok(None) };
        let row = sqlx::query("SELECT * FROM webhook_events WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| codec::delivery(r, &self.ring)).transpose()
    }

    async fn attempts(&self, event_id: &WebhookId) -> StoreResult<Vec<DeliveryAttempt>> {
        let Some(event_id) = lookup(event_id.as_str()) else { return Ok(Vec::new()) };
        let rows =
            sqlx::query("SELECT * FROM webhook_attempts WHERE event_id = $1 ORDER BY attempt")
                .bind(event_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter().map(codec::attempt).collect()
    }

    async fn resend_delivery(&self, id: &WebhookId, now: OffsetDateTime) -> StoreResult<bool> {
        let Some(id) = lookup(id.as_str()) else { return Ok(false) };
        let changed = sqlx::query(
            "UPDATE webhook_events SET state = 'pending', next_attempt_at = $1, updated_at = $1
             WHERE id = $2 AND target_url IS NOT NULL AND octet_length(payload) > 0",
        )
        .bind(to_ms(now))
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(changed > 0)
    }

    async fn outbox_backlog(&self, now: OffsetDateTime) -> StoreResult<OutboxBacklog> {
        let (pending, oldest_due): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(CASE WHEN next_attempt_at <= $1 THEN next_attempt_at END)
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
/// index; None when the scanRef cannot name any verification.
pub(crate) fn deliveries_query(
    filter: &DeliveryFilter,
) -> Option<sqlx::QueryBuilder<'static, sqlx::Postgres>> {
    let mut query = sqlx::QueryBuilder::new("SELECT * FROM webhook_events WHERE TRUE");
    if let Some(partner) = filter.partner_id {
        query.push(" AND partner_id = ").push_bind(partner_id_text(partner));
    }
    if let Some(scan_ref) = &filter.scan_ref {
        query.push(" AND scan_ref = ").push_bind(lookup(scan_ref.as_str())?.to_owned());
    }
    if filter.failed_only {
        query.push(kycd_store::codec::FAILED_DELIVERY_CONDITION);
    }
    query.push(" ORDER BY created_at DESC, id DESC LIMIT ").push_bind(list_limit(filter.limit));
    Some(query)
}
