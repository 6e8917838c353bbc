//! The review console's reads and decisions (issue 14): the queue of verifications waiting for a
//! person, a case opened (and claimed for decision), and the decision, always within the
//! operator's partners. The decision goes through the same compare-and-set and outbox path as
//! every other result (IDENTIFICATION_MANUAL_FINISHED, final).

use crate::{CoreError, CoreResult, Services, audit, operators};
use kycd_domain::{
    OperatorId, Rejection, ScanRef, console, lifecycle,
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
    /// Who proposed the decision a second reviewer is to confirm (four eyes).
    pub proposed_by: Option<String>,
}

/// The verifications in REVIEWING the operator may see, the longest waiting first.
pub async fn queue(core: &Services, operator: &Operator) -> CoreResult<Vec<QueuedCase>> {
    let scope = operators::scope(operator);
    let waiting = core.store.reviewing_verifications(scope.partners(), QUEUE_LIMIT).await?;
    let partners = core.store.list_partners().await?;
    let mut cases = Vec::with_capacity(waiting.len());
    for verification in waiting.into_iter().filter(|v| scope.includes(v.partner_id)) {
        let Some(partner) = partners.iter().find(|p| p.id == verification.partner_id) else {
            continue;
        };
        let proposed_by = if core.review.needs_second_reviewer(&partner.name) {
            proposal(core, &verification.scan_ref).await?.map(|p| p.proposed_by)
        } else {
            None
        };
        let waiting_since = verification.updated_at;
        cases.push(QueuedCase {
            verification,
            partner: partner.clone(),
            waiting_since,
            proposed_by,
        });
    }
    Ok(cases)
}

/// Most verifications a search shows.
pub const SEARCH_LIMIT: i64 = 200;

/// The console's search over all verifications, newest first: `search.partners` (empty = all)
/// narrowed to the operator's partners, so it is never wider than their scope.
pub async fn search(
    core: &Services,
    operator: &Operator,
    mut search: kycd_store::VerificationSearch,
) -> CoreResult<Vec<(Verification, Partner)>> {
    let scope = operators::scope(operator);
    if search.partners.is_empty() {
        search.partners = scope.partners().to_vec();
    } else {
        search.partners.retain(|p| scope.includes(*p));
        if search.partners.is_empty() {
            return Ok(vec![]);
        }
    }
    search.limit = search.limit.clamp(1, SEARCH_LIMIT);
    let partners = core.store.list_partners().await?;
    Ok(core
        .store
        .search_verifications(&search)
        .await?
        .into_iter()
        .filter(|v| scope.includes(v.partner_id))
        .filter_map(|v| {
            let partner = partners.iter().find(|p| p.id == v.partner_id)?.clone();
            Some((v, partner))
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
    /// The kinds of image stored (no videos), which the console serves itself ([`image`]).
    pub images: Vec<FileKind>,
    /// What happened to the verification, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// A four-eyes decision waiting for a second reviewer.
    pub proposal: Option<Proposal>,
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
    if let Some(result) = verification.result.as_ref().filter(|r| r.finish_time > 0) {
        let statuses =
            [result.auto_document.map(|s| s.as_str()), result.auto_face.map(|s| s.as_str())];
        let statuses: Vec<&str> = statuses.into_iter().flatten().collect();
        if let (false, Ok(at)) =
            (statuses.is_empty(), OffsetDateTime::from_unix_timestamp(result.finish_time))
        {
            entries.push(entry(at, format!("automatic result: {}", statuses.join(", "))));
        }
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
    let proposal = proposal(core, scan_ref).await?;
    // The proposer of a four-eyes decision leaves the case to the second reviewer.
    let own_proposal = proposal.as_ref().is_some_and(|p| p.proposer == operator.id);
    let claim = if operator.role.may_decide()
        && verification.status == OverallStatus::Reviewing
        && !own_proposal
    {
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
    let images = match &verification.result {
        Some(result) => result.files.iter().copied().filter(|kind| !kind.is_video()).collect(),
        None => vec![],
    };
    audit::record(core, Some(partner.id), operators::actor(operator), "case.view", scan_ref, None)
        .await?;
    let timeline = timeline(core, &verification).await?;
    Ok(Case { verification, partner, claim, claimed_by, images, timeline, proposal })
}

/// What the analysis sees in a case's stored images, measured again when the case is opened:
/// the stored result holds only what was sent to the partner (statuses, tags, data), a reviewer
/// also wants the zone's lines, the image quality and the face distance.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub document: Option<crate::analysis::DocumentAnalysis>,
    pub faces: Option<crate::analysis::FaceComparison>,
    /// What could not be measured, and why.
    pub problems: Vec<String>,
}

/// Measures the case's stored images again (document zone and quality; the document's face
/// against the selfie), off the async runtime.
pub async fn evidence(core: &Services, case: &Case) -> CoreResult<Evidence> {
    use crate::analysis::{self, Side};
    let scan_ref = &case.verification.scan_ref;
    let stored = |kind| async move { core.files.get(scan_ref, kind).await };
    let mut evidence = Evidence::default();
    let mut images = Vec::new();
    for (kind, side) in [(FileKind::Front, Side::Front), (FileKind::Back, Side::Back)] {
        if let Some(bytes) = stored(kind).await? {
            images.push((side, bytes));
        }
    }
    let front = images.first().map(|(_, bytes)| bytes.clone());
    if !images.is_empty() {
        let today = core.clock.now().date();
        match analysis::analyse_document(images, analysis::submission_limits(), today).await? {
            Ok(document) => evidence.document = Some(document),
            Err(error) => evidence.problems.push(format!("document: {error}")),
        }
    }
    if let (Some(front), Some(selfie)) = (front, stored(FileKind::Face).await?) {
        match analysis::check_faces(front, selfie, analysis::submission_limits()).await? {
            Ok(faces) => evidence.faces = Some(faces.comparison),
            Err(error) => evidence.problems.push(format!("faces: {error}")),
        }
    }
    Ok(evidence)
}

/// The stored image of a case the operator may see, with the case's partner.
async fn stored_image(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    kind: FileKind,
) -> CoreResult<Option<(Vec<u8>, kycd_domain::PartnerId)>> {
    let (verification, partner) = in_scope(core, operator, scan_ref).await?;
    Ok(core.files.get(&verification.scan_ref, kind).await?.map(|image| (image, partner.id)))
}

async fn audit_image_view(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    partner: kycd_domain::PartnerId,
    what: String,
) -> CoreResult<()> {
    let actor = operators::actor(operator);
    audit::record(core, Some(partner), actor, "image.view", scan_ref, Some(what)).await
}

/// One stored image of a case the operator may see, audited as `image.view`; `None` when that
/// kind is not stored (or is a video: the console shows images only).
pub async fn image(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    kind: FileKind,
) -> CoreResult<Option<Vec<u8>>> {
    if kind.is_video() {
        in_scope(core, operator, scan_ref).await?;
        return Ok(None);
    }
    let Some((image, partner)) = stored_image(core, operator, scan_ref, kind).await? else {
        return Ok(None);
    };
    audit_image_view(core, operator, scan_ref, partner, kind.to_string()).await?;
    Ok(Some(image))
}

/// Longest side of a face crop, in pixels.
pub const FACE_CROP_SIDE: u32 = 240;

/// The face cut from the case's document photo (`FRONT`) or selfie (`FACE`), as PNG, audited
/// as `image.view`; `None` when that image is not stored or holds no face.
pub async fn face_crop(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    kind: FileKind,
) -> CoreResult<Option<Vec<u8>>> {
    if !matches!(kind, FileKind::Front | FileKind::Face) {
        in_scope(core, operator, scan_ref).await?;
        return Ok(None);
    }
    let Some((image, partner)) = stored_image(core, operator, scan_ref, kind).await? else {
        return Ok(None);
    };
    let crop = crate::analysis::face_crop(image, FACE_CROP_SIDE).await?;
    if crop.is_some() {
        audit_image_view(core, operator, scan_ref, partner, format!("{kind} face crop")).await?;
    }
    Ok(crop)
}

/// What a reviewer decided.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub face: String,
    pub document: String,
    /// Tags the reviewer found to be false positives: removed before the overall rule applies.
    pub remove_tags: Vec<String>,
    /// Tags the reviewer adds ([`console::MANUAL_FRAUD_TAGS`], [`console::MANUAL_MISMATCH_TAGS`]).
    #[serde(default)]
    pub add_tags: Vec<String>,
    /// Internal note (kept in the audit log, never sent to the partner).
    pub note: String,
    /// Document data as the reviewer corrected it (a field left as read changes nothing); any
    /// change sets `manuallyDataChanged`.
    pub corrections: Vec<(console::DataField, String)>,
}

/// What became of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    /// Applied and sent: the verification's new status.
    Sent(OverallStatus),
    /// The partner needs four eyes: stored until a second reviewer confirms it.
    Proposed,
}

/// A four-eyes decision waiting for a second reviewer.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub decision: Decision,
    /// Who proposed it.
    pub proposed_by: String,
    pub proposer: OperatorId,
    pub at: OffsetDateTime,
}

async fn proposal(core: &Services, scan_ref: &ScanRef) -> CoreResult<Option<Proposal>> {
    let Some(stored) = core.store.review_proposal(scan_ref).await? else { return Ok(None) };
    let decision: Decision = serde_json::from_slice(&stored.decision).map_err(|e| {
        CoreError::Internal(format!("the proposal of {scan_ref} is unreadable: {e}"))
    })?;
    let proposed_by = match core.store.operator_by_id(stored.operator_id).await? {
        Some(operator) => operator.name,
        None => "a removed operator".to_owned(),
    };
    Ok(Some(Proposal {
        decision,
        proposed_by,
        proposer: stored.operator_id,
        at: stored.created_at,
    }))
}

/// The case the operator is about to decide: in scope, waiting in REVIEWING, and claimed by
/// them.
async fn deciding(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
) -> CoreResult<(Verification, Partner)> {
    if !operator.role.may_decide() {
        return Err(operators::not_allowed(operator, "decide verifications"));
    }
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
    Ok((verification, partner))
}

/// Decides a case the operator holds (reviewer or admin, within their partners): the manual
/// values from iDenfy's manual sets, the tags the reviewer removed taken off, the overall status
/// by the rule of reference §5.7, IDENTIFICATION_MANUAL_FINISHED (`final: true`) written to the
/// outbox with the change, the claim released, and `case.decide` audited. For a four-eyes
/// partner the decision is stored instead (`case.propose`) until another reviewer confirms it.
pub async fn decide(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    decision: Decision,
) -> CoreResult<Decided> {
    console::check_decision(&decision.face, &decision.document, &decision.note)?;
    for tag in &decision.add_tags {
        console::added_tag(tag)?;
    }
    let (_, partner) = deciding(core, operator, scan_ref).await?;
    if let Some(existing) = proposal(core, scan_ref).await? {
        return Err(CoreError::Conflict(format!(
            "{} has proposed a decision of {scan_ref}: confirm it or send it back.",
            existing.proposed_by
        )));
    }
    if !core.review.needs_second_reviewer(&partner.name) {
        let status = send(core, operator, scan_ref, &decision, None).await?;
        return Ok(Decided::Sent(status));
    }
    let stored = kycd_store::ReviewProposal {
        scan_ref: scan_ref.clone(),
        partner_id: partner.id,
        operator_id: operator.id,
        decision: serde_json::to_vec(&decision)
            .map_err(|e| CoreError::Internal(format!("encoding the proposal: {e}")))?,
        created_at: core.clock.now(),
    };
    if !core.store.propose_decision(&stored).await? {
        return Err(CoreError::Conflict(format!(
            "Another reviewer has just proposed a decision of {scan_ref}: open it again."
        )));
    }
    core.store.release_case(scan_ref, operator.id).await?;
    let detail = describe(&decision, None, None);
    let actor = operators::actor(operator);
    audit::record(core, Some(partner.id), actor, "case.propose", scan_ref, Some(detail)).await?;
    tracing::info!(scan_ref = scan_ref.as_str(), operator = operator.name, "decision proposed");
    Ok(Decided::Proposed)
}

/// The second reviewer of a four-eyes case confirms (`accept`) the proposed decision — then it
/// is applied and sent as [`decide`] would — or sends it back, after which the case is decided
/// afresh. The proposer can do neither.
pub async fn confirm(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    accept: bool,
) -> CoreResult<Option<OverallStatus>> {
    let (_, partner) = deciding(core, operator, scan_ref).await?;
    let Some(proposal) = proposal(core, scan_ref).await? else {
        return Err(Rejection::bad_value(format!(
            "Verification {scan_ref} has no decision waiting for confirmation."
        ))
        .into());
    };
    if proposal.proposer == operator.id {
        return Err(operators::not_allowed(
            operator,
            "confirm or send back a decision they proposed themselves (four eyes)",
        ));
    }
    if !accept {
        core.store.withdraw_proposal(scan_ref).await?;
        let detail = format!("sent back {}'s decision", proposal.proposed_by);
        let actor = operators::actor(operator);
        audit::record(core, Some(partner.id), actor, "case.return", scan_ref, Some(detail)).await?;
        return Ok(None);
    }
    let status = send(core, operator, scan_ref, &proposal.decision, Some(&proposal)).await?;
    core.store.withdraw_proposal(scan_ref).await?;
    Ok(Some(status))
}

/// What the audit log says of a decision (with the status it gave, once applied).
fn describe(
    decision: &Decision,
    status: Option<OverallStatus>,
    corrected: Option<&[&str]>,
) -> String {
    let mut detail = format!("{}/{}", decision.face, decision.document);
    if let Some(status) = status {
        detail.push_str(&format!(" → {status}"));
    }
    let corrected: Vec<&str> = match corrected {
        Some(fields) => fields.to_vec(),
        None => decision.corrections.iter().map(|(field, _)| field.as_str()).collect(),
    };
    if !corrected.is_empty() {
        detail.push_str(&format!("; corrected {}", corrected.join(",")));
    }
    if !decision.remove_tags.is_empty() {
        detail.push_str(&format!("; removed {}", decision.remove_tags.join(",")));
    }
    if !decision.add_tags.is_empty() {
        detail.push_str(&format!("; added {}", decision.add_tags.join(",")));
    }
    if !decision.note.trim().is_empty() {
        detail.push_str(&format!("; note: {}", decision.note.trim()));
    }
    detail
}

/// Applies `decision` to the case the operator holds and sends it; audits `case.decide` (naming
/// the proposer of a confirmed four-eyes decision).
async fn send(
    core: &Services,
    operator: &Operator,
    scan_ref: &ScanRef,
    decision: &Decision,
    confirmed: Option<&Proposal>,
) -> CoreResult<OverallStatus> {
    let (face, document) =
        console::check_decision(&decision.face, &decision.document, &decision.note)?;
    // What the applied attempt decided, for the audit record: the partner, the new status and
    // the fields the correction changed.
    let applied = std::sync::Mutex::new(None);
    crate::verifications::with_retries(scan_ref, || async {
        let (verification, partner) = deciding(core, operator, scan_ref).await?;
        let now = core.clock.now();
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
        for tag in &decision.add_tags {
            match console::added_tag(tag)? {
                console::AddedTag::Fraud(t) if !result.fraud_tags.contains(&t) => {
                    result.fraud_tags.push(t)
                }
                console::AddedTag::Mismatch(t) if !result.mismatch_tags.contains(&t) => {
                    result.mismatch_tags.push(t)
                }
                _ => {}
            }
        }
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
    let mut detail = describe(decision, Some(status), Some(&corrected));
    if let Some(proposal) = confirmed {
        detail.push_str(&format!(
            "; proposed by {}, confirmed by {}",
            proposal.proposed_by, operator.name
        ));
    }
    let actor = operators::actor(operator);
    audit::record(core, Some(partner_id), actor, "case.decide", scan_ref, Some(detail)).await?;
    tracing::info!(scan_ref = scan_ref.as_str(), operator = operator.name, %status, "case decided");
    Ok(status)
}
