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
mod group_commit;
mod keys;
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
}
