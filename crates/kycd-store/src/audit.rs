//! [`AuditStore`]: the append-only log of personal-data reads. Records are never changed or
//! deleted through it.

use crate::{AuditFilter, AuditRecord, StoreResult};
use async_trait::async_trait;

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, record: &AuditRecord) -> StoreResult<()>;
    /// Newest first; at most `filter.limit` ([`crate::codec::DEFAULT_LIST_LIMIT`] when 0).
    async fn audit_records(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;
}
