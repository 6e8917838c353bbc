//! kycd's SQLite store: one file in WAL mode, migrations embedded and run at open, writes in
//! `BEGIN IMMEDIATE` transactions so concurrent writers (server and CLI) queue on the busy
//! timeout instead of failing. It must not contain rules: it stores what it is given.

mod codec;
mod group_commit;

use async_trait::async_trait;
use codec::{attempt_from_row, delivery_from_row, partner_from_row, to_ms, verification_from_row};
use group_commit::GroupCommit;
use kycd_domain::{PartnerId, ScanRef};
use kycd_store::crypto::{DataKey, KeyRing, MasterKey, WrappedDataKey};
use kycd_store::{
    AuditFilter, AuditRecord, Delivery, DeliveryAttempt, DeliveryFilter, DeliveryState, NewPartner,
    NewVerification, NewWebhookEvent, NextStep, Partner, PartnerUpdate, Store, StoreError,
    StoreResult, Verification, VerificationChange, VerificationPurge,
};
use sqlx::{
    SqliteConnection, SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{str::FromStr, sync::Arc, time::Duration};
use time::OffsetDateTime;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Connections to the same file with `synchronous = OFF`, for rate and polling counters:
    /// losing the last counts in a power cut is harmless, an fsync per API call is not.
    counter_pool: SqlitePool,
    /// The one connection that runs the hot write paths, batched (see `group_commit`).
    writer: GroupCommit,
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

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path` or `sqlite::memory:`),
    /// runs pending migrations and unlocks the data keys with `master` (creating the first data
    /// key on a new database).
    pub async fn open(url: &str, master: &MasterKey) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(db)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed token or state change survives power loss, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(db)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::database)?;
        let ring = Arc::new(load_key_ring(&pool, master).await?);
        let counter_options = SqliteConnectOptions::from_str(url)
            .map_err(db)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Off)
            .busy_timeout(Duration::from_secs(10));
        // An in-memory database is private to its connection: counters must share it.
        let counter_pool = if url.contains(":memory:") {
            pool.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(counter_options)
                .await
                .map_err(db)?
        };
        let writer = GroupCommit::start(pool.acquire().await.map_err(db)?.detach());
        Ok(Self { pool, counter_pool, writer, master: master.clone(), ring })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn write_tx(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }

    async fn counter_tx(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.counter_pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
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
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(p.id.0.to_string())
        .bind(&p.name)
        .bind(p.environment.as_str())
        .bind(&p.api_key)
        .bind(p.api_secret_sha256.as_slice())
        .bind(self.ring.seal(p.signing_key.as_bytes(), &codec::signing_key_context(p.id)))
        .bind(&p.webhook_url)
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
        let row = sqlx::query("SELECT * FROM partners WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| partner_from_row(r, &self.ring)).transpose()
    }

    async fn partner_by_api_key(&self, api_key: &str) -> StoreResult<Option<Partner>> {
        let row = sqlx::query("SELECT * FROM partners WHERE api_key = ?")
            .bind(api_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| partner_from_row(r, &self.ring)).transpose()
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
        let mut tx = self.write_tx().await?;
        let defaults = u
            .token_defaults
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // Each column keeps its value unless the matching flag says to replace it.
        let changed = sqlx::query(
            "UPDATE partners SET
                enabled = CASE WHEN ? THEN ? ELSE enabled END,
                api_secret_sha256 = COALESCE(?, api_secret_sha256),
                signing_key = COALESCE(?, signing_key),
                webhook_url = CASE WHEN ? THEN ? ELSE webhook_url END,
                credits = CASE WHEN ? THEN ? ELSE credits END,
                rate_limit_per_hour = COALESCE(?, rate_limit_per_hour),
                token_defaults = COALESCE(?, token_defaults)
             WHERE name = ?",
        )
        .bind(u.enabled.is_some())
        .bind(u.enabled.unwrap_or(false))
        .bind(u.api_secret_sha256.as_ref().map(|d| d.to_vec()))
        .bind(signing_key)
        .bind(u.webhook_url.is_some())
        .bind(u.webhook_url.clone().flatten())
        .bind(u.credits.is_some())
        .bind(u.credits.flatten())
        .bind(u.rate_limit_per_hour)
        .bind(defaults)
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!("partner '{name}'")));
        }
        let row = sqlx::query("SELECT * FROM partners WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        partner_from_row(&row, &self.ring)
    }

    async fn count_request(
        &self,
        partner: PartnerId,
        window_start: OffsetDateTime,
    ) -> StoreResult<i64> {
        let mut tx = self.counter_tx().await?;
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO rate_windows (partner_id, window_start, request_count) VALUES (?, ?, 1)
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
            sqlx::query("DELETE FROM rate_windows WHERE partner_id = ? AND window_start < ?")
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
        let events = sealed_events(&self.ring, events);
        let (scan_ref, partner_id, client_id, auth_token, digit_string, status) = (
            v.scan_ref.clone(),
            v.partner_id.0.to_string(),
            v.client_id.as_str().to_owned(),
            v.auth_token.as_str().to_owned(),
            v.digit_string.as_ref().map(|d| d.as_str().to_owned()),
            v.status.as_str(),
        );
        let (created_at, expires_at, updated_at) =
            (to_ms(v.created_at), to_ms(v.token_expires_at), to_ms(v.updated_at));
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let spent = sqlx::query(
                        "UPDATE partners SET credits = credits - 1
                         WHERE id = ? AND (credits IS NULL OR credits > 0)",
                    )
                    .bind(&partner_id)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if spent == 0 {
                        return Err(StoreError::NoCredits);
                    }
                    sqlx::query(
                        "INSERT INTO verifications (scan_ref, partner_id, client_id, auth_token,
                            digit_string, status, request, result, created_at, token_expires_at,
                            updated_at)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(scan_ref.as_str())
                    .bind(&partner_id)
                    .bind(client_id)
                    .bind(auth_token)
                    .bind(digit_string)
                    .bind(status)
                    .bind(request)
                    .bind(result)
                    .bind(created_at)
                    .bind(expires_at)
                    .bind(updated_at)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| unique_or_db(e, || format!("verification '{scan_ref}'")))?;
                    insert_events(conn, &events).await
                })
            }))
            .await
    }

    async fn count_verifications(&self, partner: PartnerId) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM verifications WHERE partner_id = ?")
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
        let row = sqlx::query("SELECT * FROM verifications WHERE scan_ref = ? AND partner_id = ?")
            .bind(scan_ref.as_str())
            .bind(partner.0.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| verification_from_row(r, &self.ring)).transpose()
    }

    async fn partner_by_id(&self, id: PartnerId) -> StoreResult<Option<Partner>> {
        let row = sqlx::query("SELECT * FROM partners WHERE id = ?")
            .bind(id.0.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| partner_from_row(r, &self.ring)).transpose()
    }

    async fn change_verification(
        &self,
        change: &VerificationChange,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool> {
        let result =
            change.result.as_ref().map(|r| codec::seal_result(&self.ring, &change.scan_ref, r));
        let events = sealed_events(&self.ring, events);
        let swap = StatusSwap {
            scan_ref: change.scan_ref.as_str().to_owned(),
            partner_id: change.partner_id.0.to_string(),
            expected: change.expected_status.as_str(),
            new: change.new_status.as_str(),
            at: to_ms(change.updated_at),
        };
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let changed = sqlx::query(
                        "UPDATE verifications SET status = ?, result = COALESCE(?, result),
                            updated_at = ?
                         WHERE scan_ref = ? AND partner_id = ? AND status = ?",
                    )
                    .bind(swap.new)
                    .bind(result)
                    .bind(swap.at)
                    .bind(&swap.scan_ref)
                    .bind(&swap.partner_id)
                    .bind(swap.expected)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if changed == 0 {
                        return Ok(false);
                    }
                    insert_events(conn, &events).await?;
                    Ok(true)
                })
            }))
            .await
    }

    async fn due_expirations(
        &self,
        now: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let rows = sqlx::query(
            "SELECT * FROM verifications WHERE status = 'ACTIVE' AND token_expires_at <= ?
             ORDER BY token_expires_at LIMIT ?",
        )
        .bind(to_ms(now))
        .bind(limit)
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
        let owner = owner.to_owned();
        let ring = self.ring.clone();
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "UPDATE webhook_events SET lease_owner = ?, lease_until = ?
                         WHERE id IN (
                            SELECT id FROM webhook_events
                            WHERE state = 'pending' AND next_attempt_at <= ?
                              AND (lease_until IS NULL OR lease_until <= ?)
                            ORDER BY next_attempt_at LIMIT ?)
                         RETURNING *",
                    )
                    .bind(owner)
                    .bind(to_ms(lease_until))
                    .bind(to_ms(now))
                    .bind(to_ms(now))
                    .bind(limit)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db)?;
                    rows.iter().map(|r| delivery_from_row(r, &ring)).collect()
                })
            }))
            .await
    }

    async fn record_attempt(&self, attempt: &DeliveryAttempt, next: NextStep) -> StoreResult<()> {
        let (state, next_at) = match next {
            NextStep::Done(state) => (state, None),
            NextStep::RetryAt(at) => (DeliveryState::Pending, Some(to_ms(at))),
        };
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
                    .bind(&attempt.event_id)
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
                    .bind(next_at)
                    .bind(attempt.attempt)
                    .bind(attempt.status_code)
                    .bind(&attempt.error)
                    .bind(to_ms(attempt.attempted_at))
                    .bind(&attempt.event_id)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(())
                })
            }))
            .await
    }

    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT * FROM webhook_events
             WHERE (? IS NULL OR partner_id = ?) AND (? IS NULL OR scan_ref = ?)
               AND (? = 0 OR state IN ('failed', 'gone')
                    OR (state = 'pending' AND last_status IS NOT NULL AND last_status NOT BETWEEN 200 AND 299)
                    OR (state = 'pending' AND last_error IS NOT NULL))
             ORDER BY created_at DESC, id DESC LIMIT ?",
        )
        .bind(filter.partner_id.map(|p| p.0.to_string()))
        .bind(filter.partner_id.map(|p| p.0.to_string()))
        .bind(filter.scan_ref.as_ref().map(|s| s.as_str().to_owned()))
        .bind(filter.scan_ref.as_ref().map(|s| s.as_str().to_owned()))
        .bind(filter.failed_only)
        .bind(if filter.limit > 0 { filter.limit } else { 1000 })
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| delivery_from_row(r, &self.ring)).collect()
    }

    async fn delivery(&self, id: &str) -> StoreResult<Option<Delivery>> {
        let row = sqlx::query("SELECT * FROM webhook_events WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| delivery_from_row(r, &self.ring)).transpose()
    }

    async fn attempts(&self, event_id: &str) -> StoreResult<Vec<DeliveryAttempt>> {
        let rows =
            sqlx::query("SELECT * FROM webhook_attempts WHERE event_id = ? ORDER BY attempt")
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
        let mut tx = self.write_tx().await?;
        let rows: Vec<(String, String, Vec<u8>, i64)> =
            sqlx::query_as("SELECT id, master_key_id, wrapped, created_at FROM data_keys")
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
            sqlx::query("UPDATE data_keys SET master_key_id = ?, wrapped = ? WHERE id = ?")
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
        let request = codec::seal_request(&self.ring, &purge.scan_ref, &purge.redacted_request)?;
        let swap = StatusSwap {
            scan_ref: purge.scan_ref.as_str().to_owned(),
            partner_id: purge.partner_id.0.to_string(),
            expected: purge.expected_status.as_str(),
            new: purge.new_status.as_str(),
            at: to_ms(purge.at),
        };
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let changed = sqlx::query(
                        "UPDATE verifications SET status = ?, request = ?, result = NULL,
                            digit_string = NULL, updated_at = ?
                         WHERE scan_ref = ? AND partner_id = ? AND status = ?",
                    )
                    .bind(swap.new)
                    .bind(request)
                    .bind(swap.at)
                    .bind(&swap.scan_ref)
                    .bind(&swap.partner_id)
                    .bind(swap.expected)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if changed == 0 {
                        return Ok(false);
                    }
                    // Webhook bodies carry the same personal data: empty them, and stop pending
                    // deliveries.
                    sqlx::query(
                        "UPDATE webhook_events SET payload = X'',
                            last_error = CASE WHEN state = 'pending' THEN 'verification deleted'
                                ELSE last_error END,
                            state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END,
                            lease_owner = NULL, lease_until = NULL, updated_at = ?
                         WHERE partner_id = ? AND scan_ref = ?",
                    )
                    .bind(swap.at)
                    .bind(&swap.partner_id)
                    .bind(&swap.scan_ref)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(true)
                })
            }))
            .await
    }

    async fn retention_candidates(
        &self,
        environment: kycd_domain::Environment,
        created_before: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let rows = sqlx::query(
            "SELECT v.* FROM verifications v JOIN partners p ON p.id = v.partner_id
             WHERE p.environment = ? AND v.created_at < ?
               AND v.status NOT IN ('ACTIVE', 'DELETED', 'EXPIRED-DELETED')
             ORDER BY v.created_at LIMIT ?",
        )
        .bind(environment.as_str())
        .bind(to_ms(created_before))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| verification_from_row(r, &self.ring)).collect()
    }

    async fn bump_counter(&self, key: &str, window_start: OffsetDateTime) -> StoreResult<i64> {
        let mut tx = self.counter_tx().await?;
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO counters (counter_key, window_start, request_count) VALUES (?, ?, 1)
             ON CONFLICT (counter_key, window_start)
             DO UPDATE SET request_count = counters.request_count + 1
             RETURNING request_count",
        )
        .bind(key)
        .bind(to_ms(window_start))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if count == 1 {
            sqlx::query("DELETE FROM counters WHERE counter_key = ? AND window_start < ?")
                .bind(key)
                .bind(to_ms(window_start))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(count)
    }

    async fn append_audit(&self, record: &AuditRecord) -> StoreResult<()> {
        let record = record.clone();
        // Through the writer: an audit row per personal-data read must not compete for the
        // write lock with the batches under load.
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO audit_log (at, partner_id, actor, action, scan_ref, detail)
                         VALUES (?, ?, ?, ?, ?, ?)",
                    )
                    .bind(to_ms(record.at))
                    .bind(record.partner_id.map(|p| p.0.to_string()))
                    .bind(&record.actor)
                    .bind(&record.action)
                    .bind(record.scan_ref.as_ref().map(|s| s.as_str().to_owned()))
                    .bind(&record.detail)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(())
                })
            }))
            .await
    }

    async fn audit_records(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE (? IS NULL OR scan_ref = ?)
             ORDER BY at DESC, rowid DESC LIMIT ?",
        )
        .bind(filter.scan_ref.as_ref().map(|s| s.as_str().to_owned()))
        .bind(filter.scan_ref.as_ref().map(|s| s.as_str().to_owned()))
        .bind(if filter.limit > 0 { filter.limit } else { 1000 })
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
        let rows =
            sqlx::query("SELECT * FROM verifications WHERE status = ? ORDER BY updated_at LIMIT ?")
                .bind(status.as_str())
                .bind(limit)
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
        let ms = i64::try_from(by.whole_milliseconds()).unwrap_or(i64::MAX);
        let result = result.as_ref().map(|r| codec::seal_result(&self.ring, scan_ref, r));
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE verifications SET created_at = created_at - ?, token_expires_at = token_expires_at - ?,
                updated_at = updated_at - ?, result = COALESCE(?, result)
             WHERE scan_ref = ? AND partner_id = ?",
        )
        .bind(ms)
        .bind(ms)
        .bind(ms)
        .bind(result)
        .bind(scan_ref.as_str())
        .bind(partner.0.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        tx.commit().await.map_err(db)?;
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
            "SELECT * FROM webhook_events WHERE partner_id = ?
               AND (created_at > ? OR (created_at = ? AND (? IS NULL OR id > ?)))
             ORDER BY created_at, id LIMIT ?",
        )
        .bind(partner.0.to_string())
        .bind(to_ms(since))
        .bind(to_ms(since))
        .bind(after_id)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| delivery_from_row(r, &self.ring)).collect()
    }

    async fn delete_partner_verifications(&self, partner: PartnerId) -> StoreResult<Vec<ScanRef>> {
        let id = partner.0.to_string();
        let mut tx = self.write_tx().await?;
        let scan_refs: Vec<String> =
            sqlx::query_scalar("SELECT scan_ref FROM verifications WHERE partner_id = ?")
                .bind(&id)
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?;
        for statement in [
            "DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM webhook_events WHERE partner_id = ?)",
            "DELETE FROM webhook_events WHERE partner_id = ?",
            "DELETE FROM verifications WHERE partner_id = ?",
        ] {
            sqlx::query(statement).bind(&id).execute(&mut *tx).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(scan_refs.into_iter().map(ScanRef::from_trusted).collect())
    }

    async fn resend_delivery(&self, id: &str, now: OffsetDateTime) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE webhook_events SET state = 'pending', next_attempt_at = ?, updated_at = ?
             WHERE id = ? AND target_url IS NOT NULL AND length(payload) > 0",
        )
        .bind(to_ms(now))
        .bind(to_ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(changed > 0)
    }
}

async fn wrapped_keys(pool: &SqlitePool) -> StoreResult<Vec<WrappedDataKey>> {
    let rows: Vec<(String, String, Vec<u8>, i64)> =
        sqlx::query_as("SELECT id, master_key_id, wrapped, created_at FROM data_keys")
            .fetch_all(pool)
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

/// Loads and unwraps the data keys; a new database gets its first one.
async fn load_key_ring(pool: &SqlitePool, master: &MasterKey) -> StoreResult<KeyRing> {
    if wrapped_keys(pool).await?.is_empty() {
        let now = to_ms(OffsetDateTime::now_utc());
        let wrapped = DataKey::generate().wrap(master, now);
        // Another process may create one at the same moment; either is fine.
        sqlx::query("INSERT INTO data_keys (id, master_key_id, wrapped, created_at) SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM data_keys)")
            .bind(&wrapped.id)
            .bind(&wrapped.master_key_id)
            .bind(&wrapped.wrapped)
            .bind(wrapped.created_at_ms)
            .execute(pool)
            .await
            .map_err(db)?;
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

/// The columns of a compare-and-set status update (state changes and purges), owned so a
/// group-commit job can carry them without the record's sealed parts.
struct StatusSwap {
    scan_ref: String,
    partner_id: String,
    expected: &'static str,
    new: &'static str,
    at: i64,
}

/// An outbox row ready to insert: the payload is sealed before the write lock is taken.
struct SealedEvent {
    event: NewWebhookEvent,
    sealed_payload: Vec<u8>,
}

fn sealed_events(ring: &KeyRing, events: &[NewWebhookEvent]) -> Vec<SealedEvent> {
    events
        .iter()
        .map(|event| SealedEvent {
            sealed_payload: ring.seal(&event.payload, &codec::payload_context(&event.id)),
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

async fn insert_events(conn: &mut SqliteConnection, events: &[SealedEvent]) -> StoreResult<()> {
    for SealedEvent { event, sealed_payload } in events {
        let state = if event.target_url.is_some() {
            DeliveryState::Pending
        } else {
            DeliveryState::NoTarget
        };
        let first_attempt = event.deliver_after.unwrap_or(event.created_at);
        sqlx::query(
            "INSERT INTO webhook_events (id, partner_id, scan_ref, event_type, payload,
                target_url, created_at, state, attempts, next_attempt_at, updated_at, chaos)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
        )
        .bind(&event.id)
        .bind(event.partner_id.0.to_string())
        .bind(event.scan_ref.as_str())
        .bind(event.event_type.as_str())
        .bind(sealed_payload.as_slice())
        .bind(&event.target_url)
        .bind(to_ms(event.created_at))
        .bind(state.as_str())
        .bind(event.target_url.as_ref().map(|_| to_ms(first_attempt)))
        .bind(to_ms(event.created_at))
        .bind(&event.chaos)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}
