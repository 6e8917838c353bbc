//! [`KeyStore`] on SQLite: the `data_keys` table, loaded at open (creating the first data key on
//! a new database) and re-wrapped under a new master key in one transaction.

use crate::{SqliteStore, db};
use async_trait::async_trait;
use kycd_store::codec::to_ms;
use kycd_store::crypto::{DataKey, KeyRing, MasterKey, WrappedDataKey};
use kycd_store::{KeyStore, StoreResult, open_key_ring, rewrap_data_key};
use sqlx::SqlitePool;
use std::sync::Arc;
use time::OffsetDateTime;

type KeyRow = (String, String, Vec<u8>, i64);

fn wrapped((id, master_key_id, wrapped, created_at_ms): KeyRow) -> WrappedDataKey {
    WrappedDataKey { id, master_key_id, wrapped, created_at_ms }
}

async fn wrapped_keys(pool: &SqlitePool) -> StoreResult<Vec<WrappedDataKey>> {
    let rows: Vec<KeyRow> =
        sqlx::query_as("SELECT id, master_key_id, wrapped, created_at FROM data_keys")
            .fetch_all(pool)
            .await
            .map_err(db)?;
    Ok(rows.into_iter().map(wrapped).collect())
}

/// Loads and unwraps the data keys; a new database gets its first one.
pub(crate) async fn load_key_ring(pool: &SqlitePool, master: &MasterKey) -> StoreResult<KeyRing> {
    if wrapped_keys(pool).await?.is_empty() {
        // Key creation is the one place a store takes the wall clock: there is no caller clock
        // at open, and the time only orders data keys.
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
    open_key_ring(&wrapped_keys(pool).await?, master)
}

#[async_trait]
impl KeyStore for SqliteStore {
    fn key_ring(&self) -> Arc<KeyRing> {
        self.ring.clone()
    }

    async fn rewrap_data_keys(&self, new_master: &MasterKey) -> StoreResult<usize> {
        let mut tx = self.write_tx().await?;
        let rows: Vec<KeyRow> =
            sqlx::query_as("SELECT id, master_key_id, wrapped, created_at FROM data_keys")
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?;
        let count = rows.len();
        for stored in rows.into_iter().map(wrapped) {
            let rewrapped = rewrap_data_key(&stored, &self.master, new_master)?;
            sqlx::query("UPDATE data_keys SET master_key_id = ?, wrapped = ? WHERE id = ?")
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
