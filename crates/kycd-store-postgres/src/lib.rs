//! kycd's PostgreSQL store, for several kycd nodes sharing one database: migrations embedded and
//! run at open, the same columns and sealed values as the SQLite backend, and writes that stay
//! exact under concurrency (conditional updates, upserts, compare-and-set, `FOR UPDATE SKIP LOCKED`
//! claims). One module per store trait, with the same names as the SQLite backend's; what both do
//! apart from SQL lives in `kycd_store::codec`. It must not contain rules: it stores what it is
//! given.

mod analysis;
mod audit;
mod codec;
mod counters;
mod faces;
mod keys;
mod operators;
mod outbox;
mod partners;
mod sandbox;
#[cfg(feature = "testing")]
pub mod testing;
mod verifications;

use async_trait::async_trait;
use kycd_store::crypto::{KeyRing, MasterKey};
use kycd_store::{Store, StoreError, StoreResult};
use sqlx::{
    PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use std::{str::FromStr, sync::Arc, time::Duration};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connections per node. Enough for the HTTP handlers and background jobs of one node; a cluster
/// of N nodes needs N × this within the server's `max_connections`.
const POOL_SIZE: u32 = 16;
/// How long a caller waits for a free connection before the call fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    master: MasterKey,
    ring: Arc<KeyRing>,
}

fn db(error: sqlx::Error) -> StoreError {
    match &error {
        // disk_full (class 53, insufficient resources).
        sqlx::Error::Database(e) if e.code().as_deref() == Some("53100") => {
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

/// SQLite reads a negative LIMIT as "no limit"; PostgreSQL refuses one. NULL is PostgreSQL's
/// "no limit".
fn sql_limit(limit: i64) -> Option<i64> {
    (limit >= 0).then_some(limit)
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
        let ring = Arc::new(keys::load_key_ring(&pool, master).await?);
        Ok(Self { pool, master: master.clone(), ring })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn tx(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.pool.begin().await.map_err(db)
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

    async fn reclaim_space(&self) -> StoreResult<(i64, i64)> {
        let size = || async {
            sqlx::query_scalar::<_, i64>("SELECT pg_database_size(current_database())")
                .fetch_one(&self.pool)
                .await
                .map_err(db)
        };
        let before = size().await?;
        sqlx::query("VACUUM").execute(&self.pool).await.map_err(db)?;
        Ok((before, size().await?))
    }

    async fn probe_write(&self, at: time::OffsetDateTime) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO readiness_probes (probe, probed_at) VALUES ('write', $1)
             ON CONFLICT (probe) DO UPDATE SET probed_at = excluded.probed_at",
        )
        .bind(kycd_store::codec::to_ms(at))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }
}

#[cfg(all(test, feature = "testing"))]
mod query_plans;
