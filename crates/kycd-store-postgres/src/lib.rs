//! kycd's PostgreSQL store, for several kycd nodes sharing one database: migrations embedded and
//! run at open, the same columns and sealed values as the SQLite backend, and writes that stay
//! exact under concurrency (conditional updates, upserts, compare-and-set, `FOR UPDATE SKIP LOCKED`
//! claims). It must not contain rules: it stores what it is given.

mod codec;
#[cfg(feature = "testing")]
pub mod testing;

use async_trait::async_trait;
use codec::{
    attempt_from_row, delivery_from_row, lookup, opt_text, opt_url_text, partner_from_row, text,
    to_ms, url_text, verification_from_row,
};
use kycd_domain::{PartnerId, ScanRef};
use kycd_store::crypto::{DataKey, KeyRing, MasterKey, WrappedDataKey};
use kycd_store::{
    AuditFilter, AuditRecord, Delivery, DeliveryAttempt, DeliveryFilter, DeliveryState, NewPartner,
    NewVerification, NewWebhookEvent, NextStep, Partner, PartnerUpdate, Store, StoreError,
    StoreResult, Verification, VerificationChange, VerificationPurge,
};
use sqlx::{
    PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use std::{str::FromStr, sync::Arc, time::Duration};
use time::OffsetDateTime;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connections per node. Enough for the HTTP handlers and background jobs of one node; a cluster
/// of N nodes needs N × this within the server's `max_connections`.
const POOL_SIZE: u32 = 16;
/// How long a caller waits for a free connection before the call fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// Advisory lock taken while the first data key is created, so concurrently starting nodes agree
/// on one key ("kycd-dk" in ASCII).
const DATA_KEY_LOCK: i64 = 0x006b_7963_642d_646b;

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    master: MasterKey,
    ring: Arc<KeyRing>,
}

fn db(error: sqlx::Error) -> StoreError {
    StoreError::database(error)
}

/// Maps a UNIQUE violation to `Conflict(what)`.
fn unique_or_db(error: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    match &error {
        sqlx::Error::Database(e) if e.is_unique_violation() => StoreError::Conflict(what()),
        _ => db(error),
    }
}

/// SQLite reads a negative LIMIT as "no limit"; PostgreSQL refuses one. NULL is PostgreSQL's
/// "no limit".
fn sql_limit(limit: i64) -> Option<i64> {
    (limit >= 0).then_some(limit)
}

/// The listing default both backends use when no limit is given.
fn list_limit(limit: i64) -> i64 {
    if limit > 0 { limit } else { 1000 }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database?...`), runs pending
    /// migrations (several nodes may start at once: sqlx serialises them with an advisory lock)
    /// and unlocks the data keys with `master`, creating the first data key on a new database.
    pub async fn open(url: &str, master: &MasterKey) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(db)?.application_name("kycd");
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(db)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::database)?;
        let ring = Arc::new(load_key_ring(&pool, master).await?);
        Ok(Self { pool, master: master.clone(), ring })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn tx(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.pool.begin().await.map_err(db)
    }

    /// The partner `sql` (a `SELECT * FROM partners WHERE ... = $1`) finds by `value`.
    async fn partner_where(&self, sql: &'static str, value: &str) -> StoreResult<Option<Partner>> {
        let Some(value) = lookup(value) else { return Ok(None) };
        let row = sqlx::query(sql).bind(value).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(|r| partner_from_row(r, &self.ring)).transpose()
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db)?;
        Ok(())
    }

    async fn create_partner(&self, p: &NewPartner) -> StoreResult<Partner> {
        let defaults = serde_json::to_string(&p.token_defaults)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO partners (id, name, environment, api_key, api_secret_sha256, signing_key,
                webhook_url, credits, rate_limit_per_hour, enabled, token_defaults, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(p.id.0.to_string())
        .bind(&p.name)
        .bind(p.environment.as_str())
        .bind(&p.api_key)
        .bind(p.api_secret_sha256.as_slice())
        .bind(self.ring.seal(p.signing_key.as_bytes(), &codec::signing_key_context(p.id)))
        .bind(opt_url_text(p.webhook_url.as_deref()))
        .bind(p.credits)
        .bind(p.rate_limit_per_hour)
        .bind(p.enabled)
        .bind(defaults)
        .bind(to_ms(p.created_at))
        .execute(&self.pool)
        .await
        .map_err(|e| unique_or_db(e, || format!("partner '{}'", p.name)))?;
        Ok(p.clone())
    }

    async fn partner_by_name(&self, name: &str) -> StoreResult<Option<Partner>> {
        self.partner_where("SELECT * FROM partners WHERE name = $1", name).await
    }

    async fn partner_by_api_key(&self, api_key: &str) -> StoreResult<Option<Partner>> {
        self.partner_where("SELECT * FROM partners WHERE api_key = $1", api_key).await
    }

    async fn list_partners(&self) -> StoreResult<Vec<Partner>> {
        let rows = sqlx::query("SELECT * FROM partners ORDER BY created_at, name")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(|r| partner_from_row(r, &self.ring)).collect()
    }

    async fn count_partners(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM partners").fetch_one(&self.pool).await.map_err(db)
    }

    async fn update_partner(&self, name: &str, u: &PartnerUpdate) -> StoreResult<Partner> {
        let existing = self
            .partner_by_name(name)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("partner '{name}'")))?;
        let signing_key = u
            .signing_key
            .as_ref()
            .map(|key| self.ring.seal(key.as_bytes(), &codec::signing_key_context(existing.id)));
        let defaults = u
            .token_defaults
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let webhook_url = u.webhook_url.as_ref().and_then(|url| opt_url_text(url.as_deref()));
        // One statement: each column keeps its value unless the matching flag says to replace it.
        let row = sqlx::query(
            "UPDATE partners SET
                enabled = CASE WHEN $1 THEN $2 ELSE enabled END,
                api_secret_sha256 = COALESCE($3, api_secret_sha256),
                signing_key = COALESCE($4, signing_key),
                webhook_url = CASE WHEN $5 THEN $6 ELSE webhook_url END,
                credits = CASE WHEN $7 THEN $8 ELSE credits END,
                rate_limit_per_hour = COALESCE($9, rate_limit_per_hour),
                token_defaults = COALESCE($10, token_defaults)
             WHERE name = $11
             RETURNING *",
        )
        .bind(u.enabled.is_some())
        .bind(u.enabled.unwrap_or(false))
        .bind(u.api_secret_sha256.as_ref().map(|d| d.to_vec()))
        .bind(signing_key)
        .bind(u.webhook_url.is_some())
        .bind(webhook_url)
        .bind(u.credits.is_some())
        .bind(u.credits.flatten())
        .bind(u.rate_limit_per_hour)
        .bind(defaults)
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::NotFound(format!("partner '{name}'")))?;
        partner_from_row(&row, &self.ring)
    }

    async fn count_request(
        &self,
        partner: PartnerId,
        window_start: OffsetDateTime,
    ) -> StoreResult<i64> {
        let mut tx = self.tx().await?;
        // Counters are not durability-critical: skip waiting for the WAL flush (the change is
        // still atomic and visible to every node at once).
        sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await.map_err(db)?;
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO rate_windows (partner_id, window_start, request_count) VALUES ($1, $2, 1)
             ON CONFLICT (partner_id, window_start)
             DO UPDATE SET request_count = rate_windows.request_count + 1
             RETURNING request_count",
        )
        .bind(partner.0.to_string())
        .bind(to_ms(window_start))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if count == 1 {
            // First request of a new window: drop the partner's older windows.
            sqlx::query("DELETE FROM rate_windows WHERE partner_id = $1 AND window_start < $2")
                .bind(partner.0.to_string())
                .bind(to_ms(window_start))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(count)
    }

    async fn create_verification(
        &self,
        v: &NewVerification,
        events: &[NewWebhookEvent],
    ) -> StoreResult<()> {
        let request = codec::seal_request(&self.ring, &v.scan_ref, &v.request)?;
        let result = v.result.as_ref().map(|r| codec::seal_result(&self.ring, &v.scan_ref, r));
        let mut tx = self.tx().await?;
        // Metered partners: a concurrent spender's update holds the row until it commits; this
        // one then re-checks the condition against the committed credits, so the count never
        // goes below zero. Unlimited partners (credits NULL) are not updated at all: a row lock
        // held through every commit would serialise all of a partner's token creation.
        let allowed: bool = sqlx::query_scalar(
            "WITH spent AS (
                UPDATE partners SET credits = credits - 1
                WHERE id = $1 AND credits > 0
                RETURNING id)
             SELECT EXISTS (SELECT 1 FROM spent)
                 OR EXISTS (SELECT 1 FROM partners WHERE id = $1 AND credits IS NULL)",
        )
        .bind(v.partner_id.0.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if !allowed {
            return Err(StoreError::NoCredits);
        }
        sqlx::query(
            "INSERT INTO verifications (scan_ref, partner_id, client_id, auth_token, digit_string,
                status, request, result, created_at, token_expires_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(v.scan_ref.as_str())
        .bind(v.partner_id.0.to_string())
        .bind(v.client_id.as_str())
        .bind(v.auth_token.as_str())
        .bind(v.digit_string.as_ref().map(|d| d.as_str()))
        .bind(v.status.as_str())
        .bind(request)
        .bind(result)
        .bind(to_ms(v.created_at))
        .bind(to_ms(v.token_expires_at))
        .bind(to_ms(v.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or_db(e, || format!("verification '{}'", v.scan_ref)))?;
        for event in events {
            insert_event(&mut tx, &self.ring, event).await?;
        }
        tx.commit().await.map_err(db)
    }

    async fn count_verifications(&self, partner: PartnerId) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM verifications WHERE partner_id = $1")
            .bind(partner.0.to_string())
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn verification(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Option<Verification>> {
        let Some(scan_ref) = lookup(scan_ref.as_str()) else { return Ok(None) };
        let row =
            sqlx::query("SELECT * FROM verifications WHERE scan_ref = $1 AND partner_id = $2")
                .bind(scan_ref)
                .bind(partner.0.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        row.as_ref().map(|r| verification_from_row(r, &self.ring)).transpose()
    }

    async fn partner_by_id(&self, id: PartnerId) -> StoreResult<Option<Partner>> {
        self.partner_where("SELECT * FROM partners WHERE id = $1", &id.0.to_string()).await
    }

    async fn change_verification(
        &self,
        change: &VerificationChange,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(change.scan_ref.as_str()) else { return Ok(false) };
        let result =
            change.result.as_ref().map(|r| codec::seal_result(&self.ring, &change.scan_ref, r));
        let mut tx = self.tx().await?;
        // Compare-and-set: a concurrent change of the same row commits first, then this one
        // re-checks `status` against the committed row and matches nothing.
        let changed = sqlx::query(
            "UPDATE verifications SET status = $1, result = COALESCE($2, result), updated_at = $3
             WHERE scan_ref = $4 AND partner_id = $5 AND status = $6",
        )
        .bind(change.new_status.as_str())
        .bind(result)
        .bind(to_ms(change.updated_at))
        .bind(scan_ref)
        .bind(change.partner_id.0.to_string())
        .bind(change.expected_status.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        for event in events {
            insert_event(&mut tx, &self.ring, event).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn due_expirations(
        &self,
        now: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        // scan_ref (UUID v7) breaks ties in creation order, as SQLite's rowid does.
        let rows = sqlx::query(
            "SELECT * FROM verifications WHERE status = 'ACTIVE' AND token_expires_at <= $1
             ORDER BY token_expires_at, scan_ref LIMIT $2",
        )
        .bind(to_ms(now))
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| verification_from_row(r, &self.ring)).collect()
    }

    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>> {
        // SKIP LOCKED: rows another node is claiming right now are passed over, not waited for.
        // A row another node claimed since this statement's snapshot is re-checked after locking
        // and no longer matches (its lease holds), so no two callers get the same delivery.
        let rows = sqlx::query(
            "WITH due AS (
                SELECT id FROM webhook_events
                WHERE state = 'pending' AND next_attempt_at <= $3
                  AND (lease_until IS NULL OR lease_until <= $3)
                ORDER BY next_attempt_at, id
                LIMIT $4
                FOR UPDATE SKIP LOCKED)
             UPDATE webhook_events e SET lease_owner = $1, lease_until = $2
             FROM due WHERE e.id = due.id
             RETURNING e.*",
        )
        .bind(text(owner))
        .bind(to_ms(lease_until))
        .bind(to_ms(now))
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut claimed = rows
            .iter()
            .map(|r| delivery_from_row(r, &self.ring))
            .collect::<StoreResult<Vec<_>>>()?;
        claimed.sort_by(|a, b| (a.next_attempt_at, &a.id).cmp(&(b.next_attempt_at, &b.id)));
        Ok(claimed)
    }

    async fn record_attempt(&self, attempt: &DeliveryAttempt, next: NextStep) -> StoreResult<()> {
        let (state, next_at) = match next {
            NextStep::Done(state) => (state, None),
            NextStep::RetryAt(at) => (DeliveryState::Pending, Some(to_ms(at))),
        };
        let error = opt_text(attempt.error.as_deref());
        let mut tx = self.tx().await?;
        sqlx::query(
            "INSERT INTO webhook_attempts (event_id, attempt, attempted_at, target_url,
                request_headers, status_code, latency_ms, error, response_excerpt)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (event_id, attempt) DO NOTHING",
        )
        .bind(&attempt.event_id)
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
        .bind(next_at)
        .bind(attempt.attempt)
        .bind(attempt.status_code)
        .bind(error)
        .bind(to_ms(attempt.attempted_at))
        .bind(&attempt.event_id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>> {
        let scan_ref = match &filter.scan_ref {
            Some(scan_ref) => match lookup(scan_ref.as_str()) {
                Some(scan_ref) => Some(scan_ref),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        let rows = sqlx::query(
            "SELECT * FROM webhook_events
             WHERE ($1::TEXT IS NULL OR partner_id = $1) AND ($2::TEXT IS NULL OR scan_ref = $2)
               AND (NOT $3 OR state IN ('failed', 'gone')
                    OR (state = 'pending' AND last_status IS NOT NULL AND last_status NOT BETWEEN 200 AND 299)
                    OR (state = 'pending' AND last_error IS NOT NULL))
             ORDER BY created_at DESC, id DESC LIMIT $4",
        )
        .bind(filter.partner_id.map(|p| p.0.to_string()))
        .bind(scan_ref)
        .bind(filter.failed_only)
        .bind(list_limit(filter.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| delivery_from_row(r, &self.ring)).collect()
    }

    async fn delivery(&self, id: &str) -> StoreResult<Option<Delivery>> {
        let Some(id) = lookup(id) else { return Ok(None) };
        let row = sqlx::query("SELECT * FROM webhook_events WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| delivery_from_row(r, &self.ring)).transpose()
    }

    async fn attempts(&self, event_id: &str) -> StoreResult<Vec<DeliveryAttempt>> {
        let Some(event_id) = lookup(event_id) else { return Ok(Vec::new()) };
        let rows =
            sqlx::query("SELECT * FROM webhook_attempts WHERE event_id = $1 ORDER BY attempt")
                .bind(event_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter().map(attempt_from_row).collect()
    }

    fn key_ring(&self) -> Arc<KeyRing> {
        self.ring.clone()
    }

    async fn rewrap_data_keys(&self, new_master: &MasterKey) -> StoreResult<usize> {
        let mut tx = self.tx().await?;
        // FOR UPDATE: two rotations at once (two nodes) queue instead of mixing master keys.
        let rows: Vec<(String, String, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT id, master_key_id, wrapped, created_at FROM data_keys ORDER BY id FOR UPDATE",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        for (id, master_key_id, wrapped, created_at_ms) in &rows {
            let stored = WrappedDataKey {
                id: id.clone(),
                master_key_id: master_key_id.clone(),
                wrapped: wrapped.clone(),
                created_at_ms: *created_at_ms,
            };
            let key = DataKey::unwrap(&stored, &self.master)
                .map_err(|e| StoreError::Corrupt(format!("data key {id}: {e}")))?;
            let rewrapped = key.wrap(new_master, *created_at_ms);
            sqlx::query("UPDATE data_keys SET master_key_id = $1, wrapped = $2 WHERE id = $3")
                .bind(&rewrapped.master_key_id)
                .bind(&rewrapped.wrapped)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(rows.len())
    }

    async fn purge_verification(&self, purge: &VerificationPurge) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(purge.scan_ref.as_str()) else { return Ok(false) };
        let request = codec::seal_request(&self.ring, &purge.scan_ref, &purge.redacted_request)?;
        let mut tx = self.tx().await?;
        let changed = sqlx::query(
            "UPDATE verifications SET status = $1, request = $2, result = NULL,
                digit_string = NULL, updated_at = $3
             WHERE scan_ref = $4 AND partner_id = $5 AND status = $6",
        )
        .bind(purge.new_status.as_str())
        .bind(request)
        .bind(to_ms(purge.at))
        .bind(scan_ref)
        .bind(purge.partner_id.0.to_string())
        .bind(purge.expected_status.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        // Webhook bodies carry the same personal data: empty them, and stop pending deliveries.
        sqlx::query(
            "UPDATE webhook_events SET payload = ''::BYTEA,
                last_error = CASE WHEN state = 'pending' THEN 'verification deleted' ELSE last_error END,
                state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END,
                lease_owner = NULL, lease_until = NULL, updated_at = $1
             WHERE partner_id = $2 AND scan_ref = $3",
        )
        .bind(to_ms(purge.at))
        .bind(purge.partner_id.0.to_string())
        .bind(scan_ref)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn retention_candidates(
        &self,
        environment: kycd_domain::Environment,
        created_before: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let rows = sqlx::query(
            "SELECT v.* FROM verifications v JOIN partners p ON p.id = v.partner_id
             WHERE p.environment = $1 AND v.created_at < $2
               AND v.status NOT IN ('ACTIVE', 'DELETED', 'EXPIRED-DELETED')
             ORDER BY v.created_at, v.scan_ref LIMIT $3",
        )
        .bind(environment.as_str())
        .bind(to_ms(created_before))
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| verification_from_row(r, &self.ring)).collect()
    }

    async fn bump_counter(&self, key: &str, window_start: OffsetDateTime) -> StoreResult<i64> {
        let key = text(key);
        let mut tx = self.tx().await?;
        // Counters are not durability-critical: skip waiting for the WAL flush (the change is
        // still atomic and visible to every node at once).
        sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await.map_err(db)?;
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO counters (counter_key, window_start, request_count) VALUES ($1, $2, 1)
             ON CONFLICT (counter_key, window_start)
             DO UPDATE SET request_count = counters.request_count + 1
             RETURNING request_count",
        )
        .bind(&key)
        .bind(to_ms(window_start))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if count == 1 {
            sqlx::query("DELETE FROM counters WHERE counter_key = $1 AND window_start < $2")
                .bind(&key)
                .bind(to_ms(window_start))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(count)
    }

    async fn append_audit(&self, record: &AuditRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, partner_id, actor, action, scan_ref, detail)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(to_ms(record.at))
        .bind(record.partner_id.map(|p| p.0.to_string()))
        .bind(text(&record.actor))
        .bind(text(&record.action))
        .bind(opt_text(record.scan_ref.as_ref().map(ScanRef::as_str)))
        .bind(opt_text(record.detail.as_deref()))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn audit_records(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let scan_ref = match &filter.scan_ref {
            Some(scan_ref) => match lookup(scan_ref.as_str()) {
                Some(scan_ref) => Some(scan_ref),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        // `id` (BIGSERIAL) orders records of the same instant by insertion, like SQLite's rowid.
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE ($1::TEXT IS NULL OR scan_ref = $1)
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(scan_ref)
        .bind(list_limit(filter.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(codec::audit_from_row).collect()
    }

    async fn verifications_with_status(
        &self,
        status: kycd_domain::vocabulary::OverallStatus,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let rows = sqlx::query(
            "SELECT * FROM verifications WHERE status = $1 ORDER BY updated_at, scan_ref LIMIT $2",
        )
        .bind(status.as_str())
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| verification_from_row(r, &self.ring)).collect()
    }

    async fn shift_verification_times(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        by: time::Duration,
        result: Option<serde_json::Value>,
    ) -> StoreResult<bool> {
        let Some(scan) = lookup(scan_ref.as_str()) else { return Ok(false) };
        let ms = i64::try_from(by.whole_milliseconds()).unwrap_or(i64::MAX);
        let result = result.as_ref().map(|r| codec::seal_result(&self.ring, scan_ref, r));
        let changed = sqlx::query(
            "UPDATE verifications SET created_at = created_at - $1,
                token_expires_at = token_expires_at - $1, updated_at = updated_at - $1,
                result = COALESCE($2, result)
             WHERE scan_ref = $3 AND partner_id = $4",
        )
        .bind(ms)
        .bind(result)
        .bind(scan)
        .bind(partner.0.to_string())
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(changed > 0)
    }

    async fn partner_events_since(
        &self,
        partner: PartnerId,
        since: OffsetDateTime,
        after_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT * FROM webhook_events WHERE partner_id = $1
               AND (created_at > $2 OR (created_at = $2 AND ($3::TEXT IS NULL OR id > $3)))
             ORDER BY created_at, id LIMIT $4",
        )
        .bind(partner.0.to_string())
        .bind(to_ms(since))
        .bind(after_id.and_then(lookup))
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| delivery_from_row(r, &self.ring)).collect()
    }

    async fn delete_partner_verifications(&self, partner: PartnerId) -> StoreResult<Vec<ScanRef>> {
        let id = partner.0.to_string();
        let mut tx = self.tx().await?;
        // Locking the partner row holds off new verifications (their credit update) and new
        // events (their foreign-key check) until this commits, so the list below is complete;
        // locking the events holds off attempts being recorded for them meanwhile.
        for lock in [
            "SELECT 1 FROM partners WHERE id = $1 FOR UPDATE",
            "SELECT 1 FROM webhook_events WHERE partner_id = $1 FOR UPDATE",
        ] {
            sqlx::query(lock).bind(&id).execute(&mut *tx).await.map_err(db)?;
        }
        let scan_refs: Vec<String> =
            sqlx::query_scalar("SELECT scan_ref FROM verifications WHERE partner_id = $1")
                .bind(&id)
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?;
        for statement in [
            "DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM webhook_events WHERE partner_id = $1)",
            "DELETE FROM webhook_events WHERE partner_id = $1",
            "DELETE FROM verifications WHERE partner_id = $1",
        ] {
            sqlx::query(statement).bind(&id).execute(&mut *tx).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(scan_refs.into_iter().map(ScanRef::from_trusted).collect())
    }

    async fn resend_delivery(&self, id: &str, now: OffsetDateTime) -> StoreResult<bool> {
        let Some(id) = lookup(id) else { return Ok(false) };
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
}

async fn wrapped_keys<'e>(executor: impl sqlx::PgExecutor<'e>) -> StoreResult<Vec<WrappedDataKey>> {
    let rows: Vec<(String, String, Vec<u8>, i64)> =
        sqlx::query_as("SELECT id, master_key_id, wrapped, created_at FROM data_keys")
            .fetch_all(executor)
            .await
            .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(id, master_key_id, wrapped, created_at_ms)| WrappedDataKey {
            id,
            master_key_id,
            wrapped,
            created_at_ms,
        })
        .collect())
}

/// Loads and unwraps the data keys; a new database gets its first one. Nodes starting at the same
/// moment serialise on an advisory lock, so exactly one creates the key and all load the same.
async fn load_key_ring(pool: &PgPool, master: &MasterKey) -> StoreResult<KeyRing> {
    if wrapped_keys(pool).await?.is_empty() {
        let mut tx = pool.begin().await.map_err(db)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(DATA_KEY_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        // Key creation is the one place a store takes the wall clock: there is no caller clock
        // at open, and the time only orders data keys.
        let now = to_ms(OffsetDateTime::now_utc());
        let wrapped = DataKey::generate().wrap(master, now);
        // Under the lock, this statement sees a key another node committed while we waited.
        sqlx::query(
            "INSERT INTO data_keys (id, master_key_id, wrapped, created_at)
             SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM data_keys)
             ON CONFLICT DO NOTHING",
        )
        .bind(&wrapped.id)
        .bind(&wrapped.master_key_id)
        .bind(&wrapped.wrapped)
        .bind(wrapped.created_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
    }
    let wrapped = wrapped_keys(pool).await?;
    KeyRing::unwrap_all(&wrapped, master)
        .map_err(|e| {
            let stored: Vec<&str> = wrapped.iter().map(|k| k.master_key_id.as_str()).collect();
            StoreError::Corrupt(format!(
                "the master key {} does not open this database's data keys (wrapped under {}): {e}",
                master.id(),
                stored.join(", ")
            ))
        })?
        .ok_or_else(|| StoreError::Corrupt("no data keys".into()))
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    ring: &KeyRing,
    event: &NewWebhookEvent,
) -> StoreResult<()> {
    let state =
        if event.target_url.is_some() { DeliveryState::Pending } else { DeliveryState::NoTarget };
    sqlx::query(
        "INSERT INTO webhook_events (id, partner_id, scan_ref, event_type, payload, target_url,
            created_at, state, attempts, next_attempt_at, updated_at, chaos)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11)",
    )
    .bind(&event.id)
    .bind(event.partner_id.0.to_string())
    .bind(event.scan_ref.as_str())
    .bind(event.event_type.as_str())
    .bind(ring.seal(&event.payload, &codec::payload_context(&event.id)))
    .bind(opt_url_text(event.target_url.as_deref()))
    .bind(to_ms(event.created_at))
    .bind(state.as_str())
    .bind(event.target_url.as_ref().map(|_| to_ms(event.deliver_after.unwrap_or(event.created_at))))
    .bind(to_ms(event.created_at))
    .bind(&event.chaos)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}
