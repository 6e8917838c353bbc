//! Conformance of [`crate::AuditStore`]: appending and listing the audit log.

use super::*;

pub async fn audit_records_are_appended_and_listed_newest_first(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    for (n, action) in ["data.read", "files.list", "file.download"].iter().enumerate() {
        let record = AuditRecord {
            at: T0 + Duration::seconds(n as i64),
            partner_id: Some(partner.id),
            actor: "partner:p".into(),
            action: (*action).into(),
            scan_ref: Some(verification.scan_ref.clone()),
            detail: None,
        };
        store.append_audit(&record).await.unwrap();
    }
    let cli = AuditRecord {
        at: T0,
        partner_id: None,
        actor: "cli".into(),
        action: "cli.export".into(),
        scan_ref: None,
        detail: Some("all".into()),
    };
    store.append_audit(&cli).await.unwrap();
    let filter = AuditFilter { scan_ref: Some(verification.scan_ref.clone()), limit: 10 };
    let records = store.audit_records(&filter).await.unwrap();
    assert_eq!(
        records.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
        ["file.download", "files.list", "data.read"]
    );
    assert_eq!(store.audit_records(&AuditFilter::default()).await.unwrap().len(), 4);
}
