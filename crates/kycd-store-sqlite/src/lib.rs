//! kycd's SQLite store: one file in WAL mode, migrations embedded and run at open, writes in
//! `BEGIN IMMEDIATE` transactions so concurrent writers (server and CLI) queue on the busy
//! timeout instead of failing, and the hot writes batched by one writer task (`group_commit`).
//! One module per store trait, with the same names as the PostgreSQL backend's; what both do
//! apart from SQL lives in `kycd_store::codec`. It must not contain rules: it stores what it is
//! given.

mod analysis;
mod audit;
mod codec;
mod counters;
mod faces;
mod group_commit;
mod keys;
mod operators;
mod outbox;
mod partners;
mod sandbox;
mod verifications;

use async_trait::async_trait;
use group_commit::GroupCommit;
use kycd_store::crypto::{KeyRing, MasterKey};
use kycd_store::{Store, StoreError, StoreResult};
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{str::FromStr, sync::Arc, time::Duration};

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
    match &error {
        // SQLITE_FULL: the disk (or the database's size limit) is full.
        sqlx::Error::Database(e) if e.code().as_deref() == Some("13") => {
            StoreError::StorageFull(error.to_string())
        }
        _ => StoreError::database(error),
    }
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
            .before_acquire(|conn, _| Box::pin(not_stuck_in_a_transaction(conn)))
            .connect_with(options)
            .await
            .map_err(db)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::database)?;
        let ring = Arc::new(keys::load_key_ring(&pool, master).await?);
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
                .before_acquire(|conn, _| Box::pin(not_stuck_in_a_transaction(conn)))
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

    async fn reclaim_space(&self) -> StoreResult<(i64, i64)> {
        let size = || async {
            sqlx::query_scalar::<_, i64>(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .fetch_one(&self.pool)
            .await
            .map_err(db)
        };
        let before = size().await?;
        // VACUUM waits for the write lock (busy timeout) and holds it while it copies the
        // database: writes meanwhile wait, and fail after 10 s. Run it when the node is quiet.
        let mut connection = self.pool.acquire().await.map_err(db)?;
        sqlx::query("VACUUM").execute(&mut *connection).await.map_err(db)?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *connection)
            .await
            .map_err(db)?;
        Ok((before, size().await?))
    }

    async fn probe_write(&self, at: time::OffsetDateTime) -> StoreResult<()> {
        let at = kycd_store::codec::to_ms(at);
        self.writer
            .run(Box::new(move |conn: &mut sqlx::SqliteConnection| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO readiness_probes (probe, probed_at) VALUES ('write', ?)
                         ON CONFLICT (probe) DO UPDATE SET probed_at = excluded.probed_at",
                    )
                    .bind(at)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(())
                })
            }))
            .await
    }
}

/// False (the pool then closes the connection and opens another) for a connection sqlx still
/// counts as inside a transaction. After a failed COMMIT on a full disk SQLite has already
/// rolled the transaction back, so sqlx's own ROLLBACK fails and its count stays at one: every
/// later `begin` on that connection would fail, long after the disk has room again.
async fn not_stuck_in_a_transaction(
    conn: &mut sqlx::SqliteConnection,
) -> Result<bool, sqlx::Error> {
    use sqlx::{Connection, TransactionManager};
    let depth_of = |conn: &sqlx::SqliteConnection| {
        <sqlx::Sqlite as sqlx::Database>::TransactionManager::get_transaction_depth(conn)
    };
    // The usual case costs nothing: no round trip on the hot path of every query.
    if depth_of(conn) == 0 {
        return Ok(true);
    }
    // A dropped transaction may have queued its ROLLBACK; a ping is answered after it.
    conn.ping().await?;
    let depth = depth_of(conn);
    if depth != 0 {
        tracing::warn!(depth, "closing an SQLite connection left inside a failed transaction");
    }
    Ok(depth == 0)
}

#[cfg(test)]
mod query_plans;
