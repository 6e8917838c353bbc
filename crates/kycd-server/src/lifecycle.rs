//! Applying lifecycle events: every status change goes through the domain's state machine and is
//! written together with its webhook events in one store transaction (the outbox), then the
//! delivery worker is woken. Also the expiry sweeper.

use crate::{AppState, error::ApiError};
use anyhow::Context;
use kycd_domain::{
    AuthToken, DigitString, ScanRef,
    dummy::{self, DummyPlan},
    lifecycle::{self, LifecycleEvent},
    result::PendingReview,
    result::VerificationResult,
    sandbox::Chaos,
    token_request::TokenRequest,
    vocabulary::{EventType, OverallStatus},
};
use kycd_store::{NewWebhookEvent, Partner, Verification, VerificationChange};
use kycd_webhooks::payload::{self, WebhookInput};
use serde_json::{Map, Value};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::watch;
use tracing::Instrument;

/// A new webhook-id (Standard Webhooks style `msg_…`), stable across retries of the event.
pub fn new_webhook_id() -> String {
    format!("msg_{}", uuid::Uuid::now_v7().simple())
}

/// Signed, expiring links to the verification's stored images.
pub fn file_urls(
    state: &AppState,
    verification: &Verification,
    result: Option<&VerificationResult>,
    now: OffsetDateTime,
) -> Map<String, Value> {
    result
        .map(|r| {
            r.files
                .iter()
                .map(|kind| {
                    let url = state.links.link(
                        &state.public_url,
                        verification.partner_id,
                        &verification.scan_ref,
                        kind,
                        now,
                    );
                    (kind.clone(), Value::String(url))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The webhook for `verification` as it stands after a change.
#[allow(clippy::too_many_arguments)]
pub fn webhook_event(
    state: &AppState,
    partner: &Partner,
    verification: &Verification,
    event_type: EventType,
    overall: OverallStatus,
    is_final: bool,
    result: Option<&VerificationResult>,
    now: OffsetDateTime,
) -> NewWebhookEvent {
    let body = payload::identification_webhook(&WebhookInput {
        scan_ref: verification.scan_ref.as_str(),
        client_id: verification.client_id.as_str(),
        external_ref: verification.request.external_ref.as_deref(),
        overall,
        is_final,
        result,
        start_time: verification.created_at.unix_timestamp(),
        finish_time: now.unix_timestamp(),
        file_urls: file_urls(state, verification, result, now),
    });
    NewWebhookEvent {
        id: new_webhook_id(),
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        event_type,
        payload: payload::to_bytes(&body),
        target_url: verification
            .request
            .callback_url
            .clone()
            .or_else(|| partner.webhook_url.clone()),
        // Insertion time, whatever moment the body describes (expiry may be dated earlier).
        created_at: state.clock.now(),
        deliver_after: None,
        chaos: chaos_labels(partner, verification),
    }
}

/// Sandbox chaos for this verification's webhooks (DEV partners only): the token's
/// `dummyResult.webhookChaos` plus the partner's standing setting.
fn chaos_labels(partner: &Partner, verification: &Verification) -> Option<String> {
    if !partner.environment.is_sandbox() {
        return None;
    }
    let mut labels: Vec<&str> =
        partner.token_defaults.webhook_chaos.iter().map(|c| c.as_str()).collect();
    if let Some(wanted) = &verification.request.dummy_result {
        labels.extend(wanted.webhook_chaos.iter().map(|c| c.as_str()));
    }
    labels.sort_unstable();
    labels.dedup();
    (!labels.is_empty()).then(|| labels.join(","))
}

fn has_chaos(partner: &Partner, verification: &Verification, chaos: Chaos) -> bool {
    chaos_labels(partner, verification)
        .is_some_and(|labels| labels.split(',').any(|l| l == chaos.as_str()))
}

pub fn parse_result(verification: &Verification) -> Result<Option<VerificationResult>, ApiError> {
    verification
        .result
        .clone()
        .map(serde_json::from_value)
        .transpose()
        .context("stored verification result does not parse")
        .map_err(ApiError::Internal)
}

/// Creates the verification for a validated token request: ACTIVE, or, for a DEV `dummyStatus`,
/// already finished/expired with its webhook queued in the same transaction.
pub async fn create(
    state: &AppState,
    partner: &Partner,
    request: TokenRequest,
) -> Result<Verification, ApiError> {
    let now = state.clock.now();
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
    };
    tracing::Span::current().record("scan_ref", verification.scan_ref.as_str());
    let plan = dummy::plan_for(&verification.request, now.unix_timestamp());
    let events = match plan {
        DummyPlan::StayActive => vec![],
        DummyPlan::Finish { result, event } => {
            // The dummy's images are stored like real ones (sealed), before the commit that
            // announces them.
            // Written side by side: each put is a round trip to the blocking pool (or to S3).
            futures::future::try_join_all(result.files.iter().map(|kind| {
                let bytes = crate::sample_images::sample(kind).unwrap_or_default();
                state.files.put(&verification.scan_ref, kind, bytes)
            }))
            .await?;
            let LifecycleEvent::AutoFinished { outcome, manual_review_follows } = event else {
                return Err(ApiError::Internal(anyhow::anyhow!("dummy plan gave {event:?}")));
            };
            verification.status = lifecycle::transition(OverallStatus::Active, event)
                .map_err(|e| ApiError::Internal(e.into()))?;
            let auto = webhook_event(
                state,
                partner,
                &verification,
                EventType::AutoFinished,
                outcome.status(),
                !manual_review_follows,
                Some(&result),
                now,
            );
            match &result.pending_review {
                // OUT_OF_ORDER chaos: the review happens at once and its webhook goes first;
                // the automatic one follows a second later.
                Some(review) if has_chaos(partner, &verification, Chaos::OutOfOrder) => {
                    let reviewed =
                        reviewed_result(&verification, Some((*result).clone()), review, now);
                    let verdict = reviewed.outcome();
                    verification.status = lifecycle::transition(
                        verification.status,
                        LifecycleEvent::ManualFinished { outcome: verdict },
                    )
                    .map_err(|e| ApiError::Internal(e.into()))?;
                    let manual = webhook_event(
                        state,
                        partner,
                        &verification,
                        EventType::ManualFinished,
                        verdict.status(),
                        true,
                        Some(&reviewed),
                        now,
                    );
                    verification.result =
                        Some(serde_json::to_value(&reviewed).context("result to JSON")?);
                    let late_auto = NewWebhookEvent {
                        deliver_after: Some(now + time::Duration::seconds(1)),
                        ..auto
                    };
                    vec![manual, late_auto]
                }
                _ => {
                    verification.result =
                        Some(serde_json::to_value(&*result).context("result to JSON")?);
                    vec![auto]
                }
            }
        }
        DummyPlan::Expire => {
            verification.status =
                lifecycle::transition(OverallStatus::Active, LifecycleEvent::Expire)
                    .map_err(|e| ApiError::Internal(e.into()))?;
            vec![webhook_event(
                state,
                partner,
                &verification,
                EventType::Expired,
                OverallStatus::Expired,
                true,
                None,
                now,
            )]
        }
    };
    if let Err(error) = state.store.create_verification(&verification, &events).await {
        if !events.is_empty() {
            let _ = state.files.delete_all(&verification.scan_ref).await;
        }
        return Err(error.into());
    }
    if !events.is_empty() {
        state.webhook_wake.notify_one();
    }
    Ok(verification)
}

/// Applies a status change with its webhook, if the verification still has the status it was
/// read with. Returns false when it changed meanwhile.
pub async fn apply(
    state: &AppState,
    verification: &Verification,
    new_status: OverallStatus,
    result: Option<&VerificationResult>,
    webhook: NewWebhookEvent,
) -> Result<bool, ApiError> {
    let change = VerificationChange {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: verification.status,
        new_status,
        result: result.map(serde_json::to_value).transpose().context("result to JSON")?,
        updated_at: webhook.created_at,
    };
    let applied = state.store.change_verification(&change, &[webhook]).await?;
    if applied {
        state.webhook_wake.notify_one();
    }
    Ok(applied)
}

/// Expires one ACTIVE verification whose token ran out, sending IDENTIFICATION_EXPIRED.
pub async fn expire(state: &AppState, verification: &Verification) -> Result<bool, ApiError> {
    let Some(partner) = state.store.partner_by_id(verification.partner_id).await? else {
        return Ok(false);
    };
    let Ok(new_status) = lifecycle::transition(verification.status, LifecycleEvent::Expire) else {
        return Ok(false);
    };
    let at = verification.token_expires_at.max(verification.created_at);
    let webhook = webhook_event(
        state,
        &partner,
        verification,
        EventType::Expired,
        OverallStatus::Expired,
        true,
        None,
        at,
    );
    apply(state, verification, new_status, None, webhook).await
}

/// Expires due tokens every `interval` until `stop`. Safe to run on several nodes: each change is
/// compare-and-set, so a token expires (and its webhook is queued) once.
pub async fn run_expiry_sweeper(
    state: AppState,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        sweep_retention(&state).await;
        sweep_reviews(&state).await;
        match state.store.due_expirations(state.clock.now(), 500).await {
            Ok(due) => {
                for verification in due {
                    let span = tracing::info_span!("expire", scan_ref = %verification.scan_ref);
                    if let Err(error) = expire(&state, &verification).instrument(span).await {
                        tracing::warn!(%error, "expiring a verification failed");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "looking for expired tokens failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Deletes the data of verifications past their environment's retention, as /api/v2/delete would.
async fn sweep_retention(state: &AppState) {
    let now = state.clock.now();
    for (environment, keep) in state.policy.retention.clone() {
        let Some(keep) = keep else { continue };
        let due = match state.store.retention_candidates(environment, now - keep, 200).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, %environment, "looking for verifications past retention failed");
                continue;
            }
        };
        for verification in due {
            let span = tracing::info_span!("retention", scan_ref = %verification.scan_ref);
            match delete_data(state, &verification).instrument(span).await {
                Ok(_) => {
                    tracing::info!(scan_ref = %verification.scan_ref, %environment, "retention deleted verification data")
                }
                Err(error) => tracing::warn!(%error, "retention delete failed"),
            }
        }
    }
}

/// Removes a verification's images and personal data for good: DELETED, or EXPIRED-DELETED for
/// an expired one. False if it changed meanwhile (or cannot be deleted).
pub async fn delete_data(state: &AppState, verification: &Verification) -> Result<bool, ApiError> {
    let Ok(new_status) = lifecycle::transition(verification.status, LifecycleEvent::Delete) else {
        return Ok(false);
    };
    // Images first: if the database step fails, a retry finds the verification still there.
    state.files.delete_all(&verification.scan_ref).await.map_err(ApiError::Internal)?;
    let purge = kycd_store::VerificationPurge {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: verification.status,
        new_status,
        redacted_request: verification.request.redacted(),
        at: state.clock.now(),
    };
    Ok(state.store.purge_verification(&purge).await?)
}

/// The result once a scheduled review has been applied.
fn reviewed_result(
    verification: &Verification,
    previous: Option<VerificationResult>,
    review: &PendingReview,
    now: OffsetDateTime,
) -> VerificationResult {
    let base = previous.clone().unwrap_or_default();
    dummy::manual(
        &verification.request,
        previous,
        review
            .face
            .or(base.auto_face)
            .unwrap_or(kycd_domain::vocabulary::FaceStatus::FaceNotChecked),
        review
            .document
            .or(base.auto_document)
            .unwrap_or(kycd_domain::vocabulary::DocumentStatus::DocNotAnalysed),
        now.unix_timestamp(),
    )
}

/// Applies scheduled manual reviews whose time has come (sandbox scenarios), sending
/// IDENTIFICATION_MANUAL_FINISHED. Compare-and-set, so safe on several nodes.
async fn sweep_reviews(state: &AppState) {
    let reviewing = match state.store.verifications_with_status(OverallStatus::Reviewing, 500).await
    {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(%error, "looking for scheduled reviews failed");
            return;
        }
    };
    let now = state.clock.now();
    for verification in reviewing {
        let Ok(Some(result)) = parse_result(&verification) else { continue };
        let Some(review) = result.pending_review.clone() else { continue };
        if now.unix_timestamp() < review.due_at {
            continue;
        }
        let span = tracing::info_span!("review", scan_ref = %verification.scan_ref);
        if let Err(error) =
            apply_review(state, &verification, result, &review, now).instrument(span).await
        {
            tracing::warn!(%error, "applying a scheduled review failed");
        }
    }
}

async fn apply_review(
    state: &AppState,
    verification: &Verification,
    result: VerificationResult,
    review: &PendingReview,
    now: OffsetDateTime,
) -> Result<bool, ApiError> {
    let Some(partner) = state.store.partner_by_id(verification.partner_id).await? else {
        return Ok(false);
    };
    let reviewed = reviewed_result(verification, Some(result), review, now);
    let outcome = reviewed.outcome();
    let Ok(new_status) =
        lifecycle::transition(verification.status, LifecycleEvent::ManualFinished { outcome })
    else {
        return Ok(false);
    };
    let webhook = webhook_event(
        state,
        &partner,
        verification,
        EventType::ManualFinished,
        outcome.status(),
        true,
        Some(&reviewed),
        now,
    );
    apply(state, verification, new_status, Some(&reviewed), webhook).await
}

/// Moves one verification's clock forward by `by` (sandbox time control): its deadlines and
/// scheduled review come `by` earlier, then whatever is now due happens at once.
pub async fn advance(
    state: &AppState,
    verification: &Verification,
    by: time::Duration,
) -> Result<bool, ApiError> {
    let mut result = parse_result(verification)?;
    if let Some(review) = result.as_mut().and_then(|r| r.pending_review.as_mut()) {
        review.due_at -= by.whole_seconds();
    }
    let result_json =
        result.as_ref().map(serde_json::to_value).transpose().context("result to JSON")?;
    let shifted = state
        .store
        .shift_verification_times(verification.partner_id, &verification.scan_ref, by, result_json)
        .await?;
    if shifted {
        catch_up(state, verification).await?;
    }
    Ok(shifted)
}

/// Applies what is due for one verification now (expiry, scheduled review).
pub async fn catch_up(state: &AppState, verification: &Verification) -> Result<(), ApiError> {
    let Some(current) =
        state.store.verification(verification.partner_id, &verification.scan_ref).await?
    else {
        return Ok(());
    };
    let now = state.clock.now();
    if current.status == OverallStatus::Active && current.token_expires_at <= now {
        expire(state, &current).await?;
        return Ok(());
    }
    let due_review = match current.status {
        OverallStatus::Reviewing => parse_result(&current)?.and_then(|result| {
            let review = result.pending_review.clone()?;
            (review.due_at <= now.unix_timestamp()).then_some((result, review))
        }),
        _ => None,
    };
    if let Some((result, review)) = due_review {
        apply_review(state, &current, result, &review, now).await?;
    }
    Ok(())
}

/// Deletes every verification of a DEV partner with its images and webhook events.
pub async fn reset_partner(state: &AppState, partner: &Partner) -> Result<usize, ApiError> {
    let removed = state.store.delete_partner_verifications(partner.id).await?;
    for scan_ref in &removed {
        state.files.delete_all(scan_ref).await.map_err(ApiError::Internal)?;
    }
    Ok(removed.len())
}
