//! [`AuditStore`] on PostgreSQL: the `audit_log` table.

use crate::codec::{self, lookup, opt_text, text};
use crate::{PostgresStore, db};
use async_trait::async_trait;
use kycd_domain::ScanRef;
use kycd_store::codec::{list_limit, partner_id_text, to_ms};
use kycd_store::{AuditFilter, AuditRecord, AuditStore, StoreResult};

#[async_trait]
impl AuditStore for PostgresStore {
    async fn append_audit(&self, record: &AuditRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, partner_id, actor, action, scan_ref, detail)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(to_ms(record.at))
        .bind(record.partner_id.map(partner_id_text))
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
        let Some(mut query) = audit_query(filter) else { return Ok(Vec::new()) };
        let rows = query.build().fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(codec::audit_record).collect()
    }
}

/// The audit listing with only the conditions the filter has; None when the scanRef cannot
/// name any verification. `id` (BIGSERIAL) orders records of the same instant by insertion,
/// like SQLite's rowid.
pub(crate) fn audit_query(
    filter: &AuditFilter,
) -> Option<sqlx::QueryBuilder<'static, sqlx::Postgres>> {
    let mut query = sqlx::QueryBuilder::new("SELECT * FROM audit_log WHERE TRUE");
    if let Some(scan_ref) = &filter.scan_ref {
        query.push(" AND scan_ref = ").push_bind(lookup(scan_ref.as_str())?.to_owned());
    }
    query.push(" ORDER BY at DESC, id DESC LIMIT ").push_bind(list_limit(filter.limit));
    Some(query)
}
