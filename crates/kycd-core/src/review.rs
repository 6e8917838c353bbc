//! The review console's reads and decisions (issue 14): the queue of verifications waiting for a
//! person, a case opened (and claimed for decision), and the decision, always within the
//! operator's partners. The decision goes through the same compare-and-set and outbox path as
//! every other result (IDENTIFICATION_MANUAL_FINISHED, final).

use crate::{CoreError, CoreResult, Services, audit, operators};
use kycd_domain::{
    Rejection, ScanRef, console, lifecycle,
    vocabulary::{FileKind, OverallStatus},
};
use kycd_store::{CaseClaim, Operator, Partner, Verification};
use kycd_webhooks::outbox::Announcement;
use time::OffsetDateTime;

/// Most cases the queue shows at once.
pub const QUEUE_LIMIT: i64 = 200;

/// One case in the queue.
#[derive(Debug, Clone)]
pub struct QueuedCase {
    pub verification: Verification,
    pub partner: Partner,
    /// Since when it waits for a person.
    pub waiting_since: OffsetDateTime,
}

/// The verifications in REVIEWING the operator may see, the longest waiting first.
pub async fn queue(core: &Services, operator: &Operator) -> CoreResult<Vec<QueuedCase>> {
    let scope = operators::scope(operator);
    let waiting = core.store.reviewing_verifications(scope.partners(), QUEUE_LIMIT).await?;
    let partners = core.store.list_partners().await?;
    Ok(waiting
        .into_iter()
        .filter(|v| scope.includes(v.partner_id))
        .filter_map(|verification| {
            let partner = partners.iter().find(|p| p.id == verification.partner_id)?.clone();
            let waiting_since = verification.updated_at;
            Some(QueuedCase { verification, partner, waiting_since })
        })
        .collect())
}

/// A case as the console shows it.
#[derive(Debug, Clone)]
pub struct Case {
    pub verification: Verification,
    pub partner: Partner,
    /// Who is deciding it (a lease), if anyone.
    pub claim: Option<CaseClaim>,
    /// The claim holder's name.
    pub claimed_by: Option<String>,
    /// Fresh signed links to the stored images, by kind.
    pub images: Vec<(FileKind, String)>,
    /// What happened to the verification, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// One step in a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: OffsetDateTime,
    pub what: String,
}

/// The token, the flow's opening and the submission, every webhook with every delivery attempt,
/// and every audited view and decision, oldest first.
async fn timeline(core: &Services, verification: &Verification) -> CoreResult<Vec<TimelineEntry>> {
    let entry = |at, what: String| TimelineEntry { at, what };
    let mut entries = vec![entry(verification.created_at, "token created".to_owned())];
    if let Some(at) = verification.opened_at {
        entries.push(entry(at, "hosted flow opened".to_owned()));
    }
    if let Some(at) = verification.submitted_at {
        entries.push(entry(at, "images submitted".to_owned()));
    }
    let filter = kycd_store::DeliveryFilter {
        partner_id: Some(verification.partner_id),
        scan_ref: Some(verification.scan_ref.clone()),
        failed_only: false,
        limit: 100,
    };
    for delivery in core.store.deliveries(&filter).await? {
        entries.push(entry(delivery.created_at, format!("{} queued", delivery.event_type)));
        for attempt in core.store.attempts(&delivery.id).await? {
            let outcome = match (attempt.status_code, &attempt.error) {
                (Some(code), _) => format!("answered {code}"),
                (None, Some(error)) => format!("failed: {error}"),
                (None, None) => "no answer".to_owned(),
            };
            entries.push(entry(
                attempt.attempted_at,
                format!(
                    "{} delivery attempt {}: {outcome} in {} ms",
                    delivery.event_type, attempt.attempt, attempt.latency_ms
                ),
            ));
        }
    }
    let audit =
        kycd_store::AuditFilter { scan_ref: Some(verification.scan_ref.clone()), limit: 200 };
    for record in core.store.audit_records(&audit).await? {
        if record.partner_id.is_some_and(|p| p != verification.partner_id) {
            continue;
        }
        let detail = record.detail.map(|d| format!(" ({d})")).unwrap_or_default();
        entries.push(entry(record.at, format!("{} {}{detail}", record.actor, record.action)));
    }
    entries.sort_by_key(|e| e.at);
    Ok(entries)
}

impl Case {
    /// Whether `operator` holds a running claim of the case at `now`.
    pub fn held_by(&self, operator: &Operator, now: OffsetDateTime) -> bool {
        self.claim.as_ref().is_some_and(|c| c.operator_id == operator.id && now < c.until)
    }
}

/// The verification `scan_ref` if the operator may see it (another partner's is not found, as
/// an unknown one).
async fn in_scope(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
) -> CoreResult<(Verification, Partner)> {
    let scope = operators::scope(operator);
    for partner in core.store.list_partners().await? {
        if !scope.includes(partner.id) {
            continue;
        }
        if let Some(verification) = core.store.verification(partner.id, scan_ref).await? {
            return Ok((verification, partner));
        }
    }
    Err(CoreError::NotFound(format!("no verification {scan_ref} you may see")))
}

/// Opens a case (audited as `case.view`). For an operator who may decide, a case waiting in
/// REVIEWING is claimed for [`console::CLAIM_FOR`] unless another holds it.
pub async fn open_case(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
) -> CoreResult<Case> {
    let (verification, partner) = in_scope(core, operator, scan_ref).await?;
    let now = core.clock.now();
    let claim = if operator.role.may_decide() && verification.status == OverallStatus::Reviewing {
        let wanted = CaseClaim {
            scan_ref: scan_ref.clone(),
            operator_id: operator.id,
            until: now + console::CLAIM_FOR,
        };
        Some(core.store.claim_case(&wanted, now).await?)
    } else {
        core.store.case_claim(scan_ref).await?.filter(|c| now < c.until)
    };
    let claimed_by = match &claim {
        Some(c) if c.operator_id == operator.id => Some(operator.name.clone()),
        Some(c) => core.store.operator_by_id(c.operator_id).await?.map(|o| o.name),
        None => None,
    };
    let images = crate::files::links(core, &verification, verification.result.as_ref(), now)
        .into_iter()
        .filter_map(|(kind, url)| Some((FileKind::parse(&kind)?, url.as_str()?.to_owned())))
        .filter(|(kind, _)| !kind.is_video())
        .collect();
    audit::record(core, Some(partner.id), operators::actor(operator), "case.view", scan_ref, None)
        .await?;
    let timeline = timeline(core, &verification).await?;
    Ok(Case { verification, partner, claim, claimed_by, images, timeline })
}

/// What a reviewer decided.
#[derive(Debug, Clone)]
pub struct Decision {
    pub face: String,
    pub document: String,
    /// Tags the reviewer found to be false positives: removed before the overall rule applies.
    pub remove_tags: Vec<String>,
    /// Internal note (kept in the audit log, never sent to the partner).
    pub note: String,
    /// Document data as the reviewer corrected it (a field left as read changes nothing); any
    /// change sets `manuallyDataChanged`.
    pub corrections: Vec<(console::DataField, String)>,
}

/// Decides a case the operator holds (reviewer or admin, within their partners): the manual
/// values from iDenfy's manual sets, the tags the reviewer removed taken off, the overall status
/// by the rule of reference §5.7, IDENTIFICATION_MANUAL_FINISHED (`final: true`) written to the
/// outbox with the change, the claim released, and `case.decide` audited.
pub async fn decide(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    decision: Decision,
) -> CoreResult<OverallStatus> {
    if !operator.role.may_decide() {
        return Err(operators::not_allowed(operator, "decide verifications"));
    }
    let (face, document) =
        console::check_decision(&decision.face, &decision.document, &decision.note)?;
    // What the applied attempt decided, for the audit record: the partner, the new status and
    // the fields the correction changed.
    let applied = std::sync::Mutex::new(None);
    crate::verifications::with_retries(scan_ref, || async {
        let (verification, partner) = in_scope(core, operator, scan_ref).await?;
        if verification.status != OverallStatus::Reviewing {
            return Err(Rejection::bad_value(format!(
                "Verification {scan_ref} is {}, not waiting for a decision.",
                verification.status
            ))
            .into());
        }
        let now = core.clock.now();
        let claim = core.store.case_claim(scan_ref).await?;
        if !claim.as_ref().is_some_and(|c| c.operator_id == operator.id && now < c.until) {
            return Err(CoreError::Conflict(format!(
                "Verification {scan_ref} is not claimed by you: open it again to claim it."
            )));
        }
        let mut result = verification.result.clone().unwrap_or_default();
        result.manual_face = Some(face);
        result.manual_document = Some(document);
        result.pending_review = None;
        let mut corrected = Vec::new();
        for (field, value) in &decision.corrections {
            if field.correct(&mut result.data, value)? {
                corrected.push(field.as_str());
            }
        }
        result.fraud_tags.retain(|t| !decision.remove_tags.iter().any(|r| r == t.as_str()));
        result.mismatch_tags.retain(|t| !decision.remove_tags.iter().any(|r| r == t.as_str()));
        let outcome = result.outcome();
        let new_status = lifecycle::transition(
            verification.status,
            lifecycle::LifecycleEvent::ManualFinished { outcome },
        )
        .map_err(|e| Rejection::bad_value(format!("Verification {scan_ref}: {e}.")))?;
        let webhook = crate::verifications::webhook(
            core,
            &partner,
            &verification,
            Announcement::manual(outcome),
            Some(&result),
            now,
        );
        let done =
            crate::verifications::apply(core, &verification, new_status, Some(&result), webhook)
                .await?;
        if done && let Ok(mut slot) = applied.lock() {
            *slot = Some((partner.id, new_status, corrected));
        }
        Ok(done)
    })
    .await?;
    let decided = applied.into_inner().ok().flatten();
    let Some((partner_id, status, corrected)) = decided else {
        return Err(CoreError::Internal(format!("the decision of {scan_ref} was not recorded")));
    };
    core.store.release_case(scan_ref, operator.id).await?;
    let mut detail = format!("{face}/{document} → {status}");
    if !corrected.is_empty() {
        detail.push_str(&format!("; corrected {}", corrected.join(",")));
    }
    if !decision.remove_tags.is_empty() {
        detail.push_str(&format!("; removed {}", decision.remove_tags.join(",")));
    }
    if !decision.note.trim().is_empty() {
        detail.push_str(&format!("; note: {}", decision.note.trim()));
    }
    audit::record(
        core,
        Some(partner_id),
        operators::actor(operator),
        "case.decide",
        scan_ref,
        Some(detail),
    )
    .await?;
    tracing::info!(scan_ref = scan_ref.as_str(), operator = operator.name, %status, "case decided");
    Ok(status)
}
