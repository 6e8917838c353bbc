//! Sandbox power tools for DEV partners: a dummy manual verdict (add-dummy-status), scheduled
//! reviews, per-verification time control, reset, the delivery log with resend, and the partner's
//! webhooks prepared exactly as they are POSTed (for the event stream and `kycd listen`).
//! Everything here refuses partners outside DEV.

use crate::{CoreError, CoreResult, Services, verifications};
use kycd_domain::{
    Identifier, Rejection, ScanRef, dummy,
    ids::WebhookId,
    lifecycle::{LifecycleEvent, is_deleted, transition},
    result::{PendingReview, VerificationResult},
    token_request,
    vocabulary::{DocumentStatus, FaceStatus, OverallStatus},
};
use kycd_store::{Delivery, DeliveryAttempt, DeliveryFilter, Partner, Verification};
use kycd_webhooks::outbox::Announcement;
use time::OffsetDateTime;

/// PERMISSIONS_ERROR with the environment's message for partners outside DEV.
pub fn require_dev(partner: &Partner) -> CoreResult<()> {
    match partner.environment.dev_only_refusal() {
        Some(message) => Err(Rejection::new(Identifier::PermissionsError, message).into()),
        None => Ok(()),
    }
}

/// Gives the partner's verification a dummy manual result, as a reviewer would, and sends
/// IDENTIFICATION_MANUAL_FINISHED (final). A verification without a result gets the dummy's
/// sample images first.
pub async fn add_dummy_status(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
    face: FaceStatus,
    document: DocumentStatus,
) -> CoreResult<()> {
    require_dev(partner)?;
    verifications::with_retries(scan_ref, || async {
        let verification = verifications::owned(core, partner, scan_ref).await?;
        if is_deleted(verification.status) {
            return Err(Rejection::bad_value(format!(
                "Verification '{scan_ref}' is {}: its data was deleted, so it cannot get a manual result.",
                verification.status
            ))
            .into());
        }
        let now = core.clock.now();
        let previous = verification.result.clone();
        if previous.is_none() {
            crate::sample_images::store(core, scan_ref, &dummy::SAMPLE_FILES).await?;
        }
        let result =
            dummy::manual(&verification.request, previous, face, document, now.unix_timestamp());
        let outcome = result.outcome();
        let new_status =
            transition(verification.status, LifecycleEvent::ManualFinished { outcome })
                .map_err(|e| Rejection::bad_value(format!("Verification '{scan_ref}': {e}.")))?;
        let webhook = verifications::webhook(
            core,
            partner,
            &verification,
            Announcement::manual(outcome),
            Some(&result),
            now,
        );
        verifications::apply(core, &verification, new_status, Some(&result), webhook).await
    })
    .await
}

/// The result once a scheduled review has been applied.
pub(crate) fn reviewed_result(
    verification: &Verification,
    previous: Option<VerificationResult>,
    review: &PendingReview,
    now: OffsetDateTime,
) -> VerificationResult {
    let base = previous.clone().unwrap_or_default();
    dummy::manual(
        &verification.request,
        previous,
        review.face.or(base.auto_face).unwrap_or(FaceStatus::FaceNotChecked),
        review.document.or(base.auto_document).unwrap_or(DocumentStatus::DocNotAnalysed),
        now.unix_timestamp(),
    )
}

/// The scheduled review of a REVIEWING verification, when its time has come.
pub(crate) fn due_review(
    verification: &Verification,
    now: OffsetDateTime,
) -> CoreResult<Option<(VerificationResult, PendingReview)>> {
    if verification.status != OverallStatus::Reviewing {
        return Ok(None);
    }
    Ok(verification.result.clone().and_then(|result| {
        let review = result.pending_review.clone()?;
        (review.due_at <= now.unix_timestamp()).then_some((result, review))
    }))
}

/// Applies a scheduled review, sending IDENTIFICATION_MANUAL_FINISHED. Compare-and-set.
pub(crate) async fn apply_review(
    core: &Services,
    verification: &Verification,
    result: VerificationResult,
    review: &PendingReview,
    now: OffsetDateTime,
) -> CoreResult<bool> {
    let Some(partner) = core.store.partner_by_id(verification.partner_id).await? else {
        return Ok(false);
    };
    let reviewed = reviewed_result(verification, Some(result), review, now);
    let outcome = reviewed.outcome();
    let Ok(new_status) =
        transition(verification.status, LifecycleEvent::ManualFinished { outcome })
    else {
        return Ok(false);
    };
    let webhook = verifications::webhook(
        core,
        &partner,
        verification,
        Announcement::manual(outcome),
        Some(&reviewed),
        now,
    );
    verifications::apply(core, verification, new_status, Some(&reviewed), webhook).await
}

/// What [`advance`] did.
#[derive(Debug, Clone)]
pub struct Advanced {
    /// The verification afterwards (after anything that came due).
    pub verification: Verification,
    /// 0 when nothing was moved.
    pub advanced_seconds: i64,
}

/// The largest step [`advance`] takes: one year.
pub const MAX_ADVANCE_SECONDS: i64 = 31_536_000;

/// Moves one verification's clock forward by `seconds` (sandbox time control): its deadlines and
/// scheduled review come that much earlier, then whatever is now due happens at once.
pub async fn advance(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
    seconds: i64,
) -> CoreResult<Advanced> {
    require_dev(partner)?;
    if !(1..=MAX_ADVANCE_SECONDS).contains(&seconds) {
        return Err(
            Rejection::bad_value("Field 'seconds' must be from 1 to 31536000 (one year).").into()
        );
    }
    let verification = verifications::owned(core, partner, scan_ref).await?;
    let by = time::Duration::seconds(seconds);
    let mut result = verification.result;
    if let Some(review) = result.as_mut().and_then(|r| r.pending_review.as_mut()) {
        review.due_at -= seconds;
    }
    let shifted =
        core.store.shift_verification_times(partner.id, scan_ref, by, result.as_ref()).await?;
    if shifted {
        catch_up(core, partner, scan_ref).await?;
    }
    let verification = verifications::owned(core, partner, scan_ref).await?;
    Ok(Advanced { verification, advanced_seconds: if shifted { seconds } else { 0 } })
}

/// Applies what is due for one verification now (expiry, scheduled review).
async fn catch_up(core: &Services, partner: &Partner, scan_ref: &ScanRef) -> CoreResult<()> {
    let current = verifications::owned(core, partner, scan_ref).await?;
    let now = core.clock.now();
    if current.status == OverallStatus::Active && current.token_expires_at <= now {
        verifications::expire(core, &current).await?;
    } else if let Some((result, review)) = due_review(&current, now)? {
        apply_review(core, &current, result, &review, now).await?;
    }
    Ok(())
}

/// Deletes every verification of a DEV partner with its images and webhook events; returns how
/// many there were.
pub async fn reset(core: &Services, partner: &Partner) -> CoreResult<usize> {
    use futures::{StreamExt, TryStreamExt};
    require_dev(partner)?;
    let mut removed = 0;
    loop {
        // Short transactions, so other requests keep writing while a large reset runs.
        let batch = core.store.delete_partner_verifications(partner.id, RESET_BATCH).await?;
        if batch.is_empty() {
            break;
        }
        removed += batch.len();
        let deletions = batch.into_iter().map(|scan_ref| {
            let files = core.files.clone();
            async move { files.delete_all(&scan_ref).await }
        });
        futures::stream::iter(deletions).buffer_unordered(16).try_collect::<Vec<_>>().await?;
        tracing::info!(removed, "reset in progress");
    }
    Ok(removed)
}

/// Verifications a reset deletes per transaction.
pub const RESET_BATCH: i64 = 500;

/// Creates a DEV token that plays the named scenario; returns its verification.
pub async fn trigger(
    core: &Services,
    partner: &Partner,
    scenario: &str,
    client_id: &str,
) -> CoreResult<Verification> {
    kycd_domain::sandbox::known_scenario(scenario).map_err(CoreError::Invalid)?;
    let body = serde_json::json!({"clientId": client_id, "dummyResult": {"scenario": scenario}});
    let serde_json::Value::Object(map) = body else {
        return Err(CoreError::Internal("token body is not an object".into()));
    };
    let request = token_request::parse(&map, &partner.token_defaults, partner.environment)?;
    verifications::create(core, partner, request).await
}

/// The partner's webhook events, newest first, each with its attempts (the delivery log).
pub async fn delivery_log(
    core: &Services,
    partner: &Partner,
    scan_ref: Option<ScanRef>,
    limit: i64,
) -> CoreResult<Vec<(Delivery, Vec<DeliveryAttempt>)>> {
    require_dev(partner)?;
    let filter =
        DeliveryFilter { partner_id: Some(partner.id), scan_ref, failed_only: false, limit };
    crate::webhooks::log(core, &filter).await
}

/// Queues another attempt of the partner's event (same webhook-id) and wakes the worker.
pub async fn resend(core: &Services, partner: &Partner, id: &WebhookId) -> CoreResult<()> {
    require_dev(partner)?;
    let delivery = core.store.delivery(id).await?.filter(|d| d.partner_id == partner.id);
    if delivery.is_none() {
        return Err(CoreError::NotFound(format!("No webhook '{id}' of this partner.")));
    }
    if !core.store.resend_delivery(id, core.clock.now()).await? {
        return Err(Rejection::bad_value(format!(
            "Webhook '{id}' cannot be resent: it has no target URL, or its verification was deleted."
        ))
        .into());
    }
    core.wake_worker();
    Ok(())
}

/// One webhook exactly as it would be POSTed: signed headers and body bytes.
#[derive(Debug, Clone)]
pub struct PreparedWebhook {
    pub id: WebhookId,
    pub event_type: &'static str,
    pub scan_ref: ScanRef,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// DUPLICATE chaos: deliver it twice, as the worker does.
    pub send_twice: bool,
}

/// Where a reader of the partner's events stands: `(created_at, id)` of the last event seen.
#[derive(Debug, Clone)]
pub struct EventCursor {
    pub since: OffsetDateTime,
    pub last_id: Option<WebhookId>,
}

impl EventCursor {
    /// Events written from now on.
    pub fn now(core: &Services) -> Self {
        Self { since: core.clock.now(), last_id: None }
    }
}

/// The partner's webhooks written after `cursor` (oldest first, at most 100), signed now; moves
/// the cursor past them. Events whose body was deleted are skipped.
pub async fn events_after(
    core: &Services,
    partner: &Partner,
    cursor: &mut EventCursor,
) -> CoreResult<Vec<PreparedWebhook>> {
    require_dev(partner)?;
    let found = core
        .store
        .partner_events_since(partner.id, cursor.since, cursor.last_id.as_ref(), 100)
        .await?;
    let mut out = Vec::with_capacity(found.len());
    for delivery in found {
        cursor.since = delivery.created_at;
        cursor.last_id = Some(delivery.id.clone());
        if delivery.payload.is_empty() {
            continue;
        }
        let prepared = kycd_webhooks::signer::prepare(
            partner.signing_key.as_bytes(),
            delivery.event_type.as_str(),
            delivery.id.as_str(),
            core.clock.now().unix_timestamp(),
            &delivery.payload,
            &delivery.chaos,
        );
        out.push(PreparedWebhook {
            id: delivery.id,
            event_type: delivery.event_type.as_str(),
            scan_ref: delivery.scan_ref,
            headers: prepared.headers,
            body: prepared.body,
            send_twice: prepared.send_twice,
        });
    }
    Ok(out)
}
