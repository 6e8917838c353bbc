//! [`AuditStore`] on SQLite: the `audit_log` table (appends go through the group-commit writer).

use crate::{SqliteStore, codec, db};
use async_trait::async_trait;
use kycd_store::codec::{list_limit, partner_id_text, to_ms};
use kycd_store::{AuditFilter, AuditRecord, AuditStore, StoreResult};
use sqlx::SqliteConnection;

#[async_trait]
impl AuditStore for SqliteStore {
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
                    .bind(record.partner_id.map(partner_id_text))
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
        let rows = audit_query(filter).build().fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(codec::audit_record).collect()
    }
}

/// The audit listing with only the conditions the filter has (each shape uses its index).
pub(crate) fn audit_query(filter: &AuditFilter) -> sqlx::QueryBuilder<'static, sqlx::Sqlite> {
    let mut query = sqlx::QueryBuilder::new("SELECT * FROM audit_log WHERE 1 = 1");
    if let Some(scan_ref) = &filter.scan_ref {
        query.push(" AND scan_ref = ").push_bind(scan_ref.as_str().to_owned());
    }
    query.push(" ORDER BY at DESC, rowid DESC LIMIT ").push_bind(list_limit(filter.limit));
    query
}
