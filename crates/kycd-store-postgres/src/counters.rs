//! [`CounterStore`] on PostgreSQL: the `rate_windows` and `counters` tables, upserted without
//! waiting for the WAL flush (atomic and visible to every node, not durability-critical).

use crate::codec::text;
use crate::{PostgresStore, db};
use async_trait::async_trait;
use kycd_domain::PartnerId;
use kycd_store::codec::{partner_id_text, to_ms};
use kycd_store::{CounterStore, StoreResult};
use time::OffsetDateTime;

#[async_trait]
impl CounterStore for PostgresStore {
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
        .bind(partner_id_text(partner))
        .bind(to_ms(window_start))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if count == 1 {
            // First request of a new window: drop the partner's older windows.
            sqlx::query("DELETE FROM rate_windows WHERE partner_id = $1 AND window_start < $2")
                .bind(partner_id_text(partner))
                .bind(to_ms(window_start))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(count)
    }

    async fn bump_counter(&self, key: &str, window_start: OffsetDateTime) -> StoreResult<i64> {
        let key = text(key);
        let mut tx = self.tx().await?;
        // As above: not durability-critical.
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
}
