//! [`KeyStore`] on PostgreSQL: the `data_keys` table, loaded at open (nodes starting together
//! agree on one first data key under an advisory lock) and re-wrapped under a new master key in
//! one transaction that locks the keys.

use crate::{PostgresStore, db};
use async_trait::async_trait;
use kycd_store::codec::to_ms;
use kycd_store::crypto::{DataKey, KeyRing, MasterKey, WrappedDataKey};
use kycd_store::{KeyStore, StoreResult, open_key_ring, rewrap_data_key};
use sqlx::PgPool;
use std::sync::Arc;
use time::OffsetDateTime;

/// Advisory lock taken while the first data key is created, so concurrently starting nodes agree
/// on one key ("kycd-dk" in ASCII).
const DATA_KEY_LOCK: i64 = 0x006b_7963_642d_646b;

type KeyRow = (String, String, Vec<u8>, i64);

fn wrapped((id, master_key_id, wrapped, created_at_ms): KeyRow) -> WrappedDataKey {
    WrappedDataKey { id, master_key_id, wrapped, created_at_ms }
}

async fn wrapped_keys<'e>(executor: impl sqlx::PgExecutor<'e>) -> StoreResult<Vec<WrappedDataKey>> {
    let rows: Vec<KeyRow> =
        sqlx::query_as("SELECT id, master_key_id, wrapped, created_at FROM data_keys")
            .fetch_all(executor)
            .await
            .map_err(db)?;
    Ok(rows.into_iter().map(wrapped).collect())
}

/// Loads and unwraps the data keys; a new database gets its first one. Nodes starting at the same
/// moment serialise on an advisory lock, so exactly one creates the key and all load the same.
pub(crate) async fn load_key_ring(pool: &PgPool, master: &MasterKey) -> StoreResult<KeyRing> {
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
    open_key_ring(&wrapped_keys(pool).await?, master)
}

#[async_trait]
impl KeyStore for PostgresStore {
    fn key_ring(&self) -> Arc<KeyRing> {
        self.ring.clone()
    }

    async fn rewrap_data_keys(&self, new_master: &MasterKey) -> StoreResult<usize> {
        let mut tx = self.tx().await?;
        // FOR UPDATE: two rotations at once (two nodes) queue instead of mixing master keys.
        let rows: Vec<KeyRow> = sqlx::query_as(
            "SELECT id, master_key_id, wrapped, created_at FROM data_keys ORDER BY id FOR UPDATE",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let count = rows.len();
        for stored in rows.into_iter().map(wrapped) {
            let rewrapped = rewrap_data_key(&stored, &self.master, new_master)?;
            sqlx::query("UPDATE data_keys SET master_key_id = $1, wrapped = $2 WHERE id = $3")
                .bind(&rewrapped.master_key_id)
                .bind(&rewrapped.wrapped)
                .bind(&stored.id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(count)
    }
}
