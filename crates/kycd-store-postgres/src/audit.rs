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
        rows.iter().map(codec::audit_record).collect()
    }
}
