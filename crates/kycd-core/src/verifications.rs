//! Verifications from token to deletion: creating one (a DEV dummy finishes at once), status
//! changes through the domain's state machine written together with their webhooks in one store
//! transaction (the outbox), expiry, the partner's reads (status with its polling guard, data) and
//! deletion. Every change is compare-and-set, so concurrent callers and several nodes agree.

use crate::{CoreError, CoreResult, Services, audit, files};
use kycd_domain::{
    AuthToken, DigitString, Identifier, Rejection, ScanRef,
    dummy::{self, DummyPlan},
    lifecycle::{self, LifecycleEvent, is_deleted},
    result::VerificationResult,
    sandbox::Chaos,
    token_request::TokenRequest,
    vocabulary::OverallStatus,
};
use kycd_store::{NewWebhookEvent, Partner, Verification, VerificationChange, VerificationPurge};
use kycd_webhooks::outbox::{self, Announcement, EventInput};
use time::OffsetDateTime;

/// How often a compare-and-set change is retried when the verification changed meanwhile.
const RETRIES: usize = 3;

/// The partner's verification with this scanRef: [`CoreError::ScanRefNotFound`] for an unknown
/// one and for another partner's alike.
pub async fn owned(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
) -> CoreResult<Verification> {
    tracing::Span::current().record("scan_ref", scan_ref.as_str());
    core.store.verification(partner.id, scan_ref).await?.ok_or(CoreError::ScanRefNotFound)
}

/// The webhook for `verification` as it stands after a change, with fresh file links.
pub(crate) fn webhook(
    core: &Services,
    partner: &Partner,
    verification: &Verification,
    announcement: Announcement,
    result: Option<&VerificationResult>,
    at: OffsetDateTime,
) -> NewWebhookEvent {
    outbox::event(EventInput {
        partner,
        verification,
        announcement,
        result,
        at,
        created_at: core.clock.now(),
        file_urls: files::links(core, verification, result, at),
    })
}

/// Creates the verification for a validated token request: ACTIVE, or, for a DEV `dummyStatus`
/// / `dummyResult`, already finished or expired with its webhooks queued in the same transaction.
pub async fn create(
    core: &Services,
    partner: &Partner,
    request: TokenRequest,
) -> CoreResult<Verification> {
    let now = core.clock.now();
    let mut verification = Verification {
        scan_ref: ScanRef::generate(),
        partner_id: partner.id,
        client_id: request.client_id.clone(),
        auth_token: AuthToken::generate(),
        digit_string: request.generate_digit_string.then(DigitString::generate),
        status: OverallStatus::Active,
        token_expires_at: now + time::Duration::seconds(request.expiry_time),
        request,
        created_at: now,
        result: None,
        updated_at: now,
        submitted_at: None,
        opened_at: None,
        attempts_used: 0,
        last_attempt: None,
    };
    tracing::Span::current().record("scan_ref", verification.scan_ref.as_str());
    let events = match dummy::plan_for(&verification.request, now.unix_timestamp()) {
        DummyPlan::StayActive => vec![],
        DummyPlan::Finish { result, event } => {
            finish_dummy(core, partner, &mut verification, *result, event, now).await?
        }
        DummyPlan::Expire => {
            verification.status = transition(verification.status, LifecycleEvent::Expire)?;
            vec![webhook(core, partner, &verification, Announcement::expired(), None, now)]
        }
    };
    if let Err(error) = core.store.create_verification(&verification, &events).await {
        if !events.is_empty() {
            let _ = core.files.delete_all(&verification.scan_ref).await;
        }
        return Err(error.into());
    }
    if !events.is_empty() {
        core.wake_worker();
    }
    Ok(verification)
}

/// Finishes an ACTIVE verification as the DEV `dummyResult` `wanted` would have at creation
/// (the sandbox panel of the hosted flow): the same results and webhooks. False when it had
/// moved on meanwhile.
pub(crate) async fn finish_as(
    core: &Services,
    partner: &Partner,
    verification: &Verification,
    wanted: &kycd_domain::sandbox::DummyResult,
) -> CoreResult<bool> {
    let now = core.clock.now();
    let mut finished = verification.clone();
    let events = match dummy::plan_result(&verification.request, wanted, now.unix_timestamp()) {
        DummyPlan::StayActive => return Ok(false),
        DummyPlan::Finish { result, event } => {
            finish_dummy(core, partner, &mut finished, *result, event, now).await?
        }
        DummyPlan::Expire => {
            finished.status = transition(verification.status, LifecycleEvent::Expire)?;
            vec![webhook(core, partner, &finished, Announcement::expired(), None, now)]
        }
    };
    let change = VerificationChange {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: verification.status,
        new_status: finished.status,
        result: finished.result.clone(),
        updated_at: now,
    };
    let applied = core.store.change_verification(&change, &events).await?;
    if applied {
        core.wake_worker();
    }
    Ok(applied)
}

/// A dummy's automatic result: its sample images stored (sealed) before the commit that
/// announces them, the status moved on, and the webhooks to queue.
async fn finish_dummy(
    core: &Services,
    partner: &Partner,
    verification: &mut Verification,
    result: VerificationResult,
    event: LifecycleEvent,
    now: OffsetDateTime,
) -> CoreResult<Vec<NewWebhookEvent>> {
    crate::sample_images::store(core, &verification.scan_ref, &result.files).await?;
    let LifecycleEvent::AutoFinished { outcome, manual_review_follows } = event else {
        return Err(CoreError::Internal(format!("dummy plan gave {event:?}")));
    };
    verification.status = transition(OverallStatus::Active, event)?;
    let auto = webhook(
        core,
        partner,
        verification,
        Announcement::auto(outcome, manual_review_follows),
        Some(&result),
        now,
    );
    let out_of_order = outbox::chaos_for(partner, verification).contains(Chaos::OutOfOrder);
    match &result.pending_review {
        // OUT_OF_ORDER chaos: the review happens at once and its webhook goes first; the
        // automatic one follows a second later.
        Some(review) if out_of_order => {
            let reviewed =
                crate::sandbox::reviewed_result(verification, Some(result.clone()), review, now);
            let verdict = reviewed.outcome();
            verification.status = transition(
                verification.status,
                LifecycleEvent::ManualFinished { outcome: verdict },
            )?;
            let manual = webhook(
                core,
                partner,
                verification,
                Announcement::manual(verdict),
                Some(&reviewed),
                now,
            );
            verification.result = Some(reviewed);
            let late_auto =
                NewWebhookEvent { deliver_after: Some(now + time::Duration::seconds(1)), ..auto };
            Ok(vec![manual, late_auto])
        }
        _ => {
            verification.result = Some(result);
            Ok(vec![auto])
        }
    }
}

fn transition(from: OverallStatus, event: LifecycleEvent) -> CoreResult<OverallStatus> {
    lifecycle::transition(from, event).map_err(|e| CoreError::Internal(e.to_string()))
}

/// Applies a status change with its webhook, if the verification still has the status it was
/// read with. Returns false when it changed meanwhile.
pub(crate) async fn apply(
    core: &Services,
    verification: &Verification,
    new_status: OverallStatus,
    result: Option<&VerificationResult>,
    webhook: NewWebhookEvent,
) -> CoreResult<bool> {
    let change = VerificationChange {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: verification.status,
        new_status,
        result: result.cloned(),
        updated_at: webhook.created_at,
    };
    let applied = core.store.change_verification(&change, &[webhook]).await?;
    if applied {
        core.wake_worker();
    }
    Ok(applied)
}

/// Expires one ACTIVE verification whose token ran out, sending IDENTIFICATION_EXPIRED (dated
/// when the token ran out). A hosted-flow session that ran out after a failed attempt ends with
/// that attempt's result instead (IDENTIFICATION_AUTO_FINISHED, DECISIONS.md). False when it is
/// not ACTIVE any more.
pub async fn expire(core: &Services, verification: &Verification) -> CoreResult<bool> {
    if verification.submitted_at.is_some() {
        // Submitted in time: it waits for its analysis, whenever the token runs out.
        return Ok(false);
    }
    let Some(partner) = core.store.partner_by_id(verification.partner_id).await? else {
        return Ok(false);
    };
    let at = verification.token_expires_at.max(verification.created_at);
    if verification.last_attempt.is_some() {
        return finish_last_attempt(core, &partner, verification, at).await;
    }
    let Ok(new_status) = lifecycle::transition(verification.status, LifecycleEvent::Expire) else {
        return Ok(false);
    };
    let webhook = webhook(core, &partner, verification, Announcement::expired(), None, at);
    apply(core, verification, new_status, None, webhook).await
}

/// Makes the last failed hosted-flow attempt the final automatic result (the session ended
/// without another: timeout or cancel). False when there is none or it changed meanwhile.
pub(crate) async fn finish_last_attempt(
    core: &Services,
    partner: &Partner,
    verification: &Verification,
    at: OffsetDateTime,
) -> CoreResult<bool> {
    let Some(result) = &verification.last_attempt else { return Ok(false) };
    let outcome = result.outcome();
    let event = LifecycleEvent::AutoFinished { outcome, manual_review_follows: false };
    let Ok(new_status) = lifecycle::transition(verification.status, event) else {
        return Ok(false);
    };
    let mut decided = verification.clone();
    decided.status = new_status;
    let announcement = Announcement::auto(outcome, false);
    let webhook = webhook(core, partner, &decided, announcement, Some(result), at);
    apply(core, verification, new_status, Some(result), webhook).await
}

/// The status and check results (POST /api/v2/status), within the polling guard.
pub async fn status(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
) -> CoreResult<(Verification, VerificationResult)> {
    let verification = owned(core, partner, scan_ref).await?;
    guard_polling(core, scan_ref).await?;
    let result = verification.result.clone().unwrap_or_default();
    Ok((verification, result))
}

/// /api/v2/status is a fallback for missed webhooks, not for polling: a fixed number of calls per
/// verification and window, counted in the store so the limit holds across nodes.
async fn guard_polling(core: &Services, scan_ref: &ScanRef) -> CoreResult<()> {
    let limit = core.policy.status_poll_limit;
    let window = core.policy.status_poll_window.whole_seconds();
    let key = format!("status:{scan_ref}");
    match over_limit(core, &key, limit, window).await? {
        None => Ok(()),
        Some(retry_after) => {
            let window = window.max(1);
            let message = format!(
                "Polling /api/v2/status is not supported: at most {limit} calls per {window} s for one verification. \
                 Receive results by webhook (see /docs and docs/webhooks.md); retry after {retry_after} s."
            );
            Err(CoreError::Throttled {
                retry_after_secs: retry_after,
                rejection: Rejection::new(Identifier::TooManyRequests, message),
            })
        }
    }
}

/// Counts one call against `key`'s fixed window of `window_seconds`; the seconds until the
/// window ends once more than `limit` calls were counted in it (`limit` 0: no limit).
pub(crate) async fn over_limit(
    core: &Services,
    key: &str,
    limit: i64,
    window_seconds: i64,
) -> CoreResult<Option<u64>> {
    if limit <= 0 {
        return Ok(None);
    }
    let window = window_seconds.max(1);
    let now = core.clock.now().unix_timestamp();
    let start = now - now.rem_euclid(window);
    let window_start = OffsetDateTime::from_unix_timestamp(start).unwrap_or(core.clock.now());
    let count = core.store.bump_counter(key, window_start).await?;
    Ok((count > limit).then(|| u64::try_from((start + window - now).max(1)).unwrap_or(1)))
}

/// The document data (POST /api/v2/data), audited as `data.read`.
pub async fn data(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
) -> CoreResult<(Verification, VerificationResult)> {
    let verification = owned(core, partner, scan_ref).await?;
    let result = verification.result.clone().unwrap_or_default();
    audit::partner_read(core, partner, "data.read", &verification.scan_ref, None).await?;
    Ok((verification, result))
}

/// Deletes the partner's verification for good (POST /api/v2/delete): refused while its token can
/// still be used; an expired token not yet swept is expired first (sending
/// IDENTIFICATION_EXPIRED). Deleting a deleted verification is harmless.
pub async fn delete(core: &Services, partner: &Partner, scan_ref: &ScanRef) -> CoreResult<()> {
    for _ in 0..RETRIES {
        let verification = owned(core, partner, scan_ref).await?;
        if is_deleted(verification.status) {
            return Ok(());
        }
        if verification.status == OverallStatus::Active {
            if core.clock.now() < verification.token_expires_at {
                return Err(CoreError::TokenNotExpired);
            }
            if verification.submitted_at.is_some() {
                return Err(CoreError::BeingAnalysed);
            }
            expire(core, &verification).await?;
            continue;
        }
        if delete_data(core, &verification).await? {
            return Ok(());
        }
    }
    Err(CoreError::Internal(format!("verification {scan_ref} kept changing during delete")))
}

/// Removes a verification's images and personal data for good: DELETED, or EXPIRED-DELETED for
/// an expired one. False if it changed meanwhile (or cannot be deleted).
pub async fn delete_data(core: &Services, verification: &Verification) -> CoreResult<bool> {
    let Ok(new_status) = lifecycle::transition(verification.status, LifecycleEvent::Delete) else {
        return Ok(false);
    };
    // Images first: if the database step fails, a retry finds the verification still there.
    core.files.delete_all(&verification.scan_ref).await?;
    let purge = VerificationPurge {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: verification.status,
        new_status,
        redacted_request: verification.request.redacted(),
        at: core.clock.now(),
    };
    Ok(core.store.purge_verification(&purge).await?)
}

/// Runs `attempt` on a freshly read verification until its compare-and-set change applies.
pub(crate) async fn with_retries<F, Fut>(scan_ref: &ScanRef, mut attempt: F) -> CoreResult<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = CoreResult<bool>>,
{
    for _ in 0..RETRIES {
        if attempt().await? {
            return Ok(());
        }
    }
    Err(CoreError::Internal(format!("verification {scan_ref} kept changing; giving up")))
}

/// One verification of the named partner for an operator (`kycd verifications export`), audited
/// as `cli.export`.
pub async fn export(
    core: &Services,
    partner_name: &str,
    scan_ref: &ScanRef,
) -> CoreResult<Verification> {
    let owner = crate::partners::named(core, partner_name).await?;
    let verification = core.store.verification(owner.id, scan_ref).await?.ok_or_else(|| {
        CoreError::NotFound(format!("partner '{partner_name}' has no verification {scan_ref}"))
    })?;
    audit::record(core, Some(owner.id), "cli".into(), "cli.export", scan_ref, None).await?;
    Ok(verification)
}
