//! The audit trail of personal-data reads and operator actions: who, what, which verification.

use crate::{CoreResult, Services};
use kycd_domain::{PartnerId, ScanRef};
use kycd_store::{AuditFilter, AuditRecord, Partner};

/// How a partner appears as an actor in the trail.
pub fn partner_actor(partner: &Partner) -> String {
    format!("partner:{}", partner.name)
}

/// Records one action on one verification, dated by the clock.
pub async fn record(
    core: &Services,
    partner_id: Option<PartnerId>,
    actor: String,
    action: &str,
    scan_ref: &ScanRef,
    detail: Option<String>,
) -> CoreResult<()> {
    let record = AuditRecord {
        at: core.clock.now(),
        partner_id,
        actor,
        action: action.to_owned(),
        scan_ref: Some(scan_ref.clone()),
        detail,
    };
    Ok(core.store.append_audit(&record).await?)
}

/// Records a partner's read of a verification's personal data.
pub async fn partner_read(
    core: &Services,
    partner: &Partner,
    action: &str,
    scan_ref: &ScanRef,
    detail: Option<String>,
) -> CoreResult<()> {
    record(core, Some(partner.id), partner_actor(partner), action, scan_ref, detail).await
}

/// Records an operator's action that concerns no one verification (a login, a change of
/// operators), dated by the clock.
pub async fn record_operator_action(
    core: &Services,
    actor: String,
    action: &str,
    detail: Option<String>,
) -> CoreResult<()> {
    let record = AuditRecord {
        at: core.clock.now(),
        partner_id: None,
        actor,
        action: action.to_owned(),
        scan_ref: None,
        detail,
    };
    Ok(core.store.append_audit(&record).await?)
}

/// Records matching `filter`, newest first.
pub async fn list(core: &Services, filter: &AuditFilter) -> CoreResult<Vec<AuditRecord>> {
    Ok(core.store.audit_records(filter).await?)
}
