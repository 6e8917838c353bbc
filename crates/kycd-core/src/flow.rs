//! The hosted flow's services: the session a link opens (the first opening starts
//! `sessionLength`), photos checked and stored sealed as the person takes them, the submission
//! that queues the same analysis job as `/api/v2/process`, cancelling, and the DEV sandbox
//! panel's outcomes. The pages call these; the rules are kycd-domain's `flow`.

use crate::{CoreError, CoreResult, Services, analysis, verifications};
pub use kycd_analysis::capture::CaptureProblem;
use kycd_analysis::capture::{self, Subject};
pub use kycd_analysis::quality::Quality;
use kycd_domain::{
    AuthToken, Environment,
    flow::{self, Facts, Stage},
    handoff::{self, HandoffCode},
    lifecycle::{self, LifecycleEvent},
    sandbox,
    vocabulary::{DocumentKind, FileKind, OverallStatus},
};
use kycd_store::{Partner, Submission, Verification};
use kycd_webhooks::outbox::Announcement;

/// A link's session: its partner, its verification as stored, and where it stands now.
#[derive(Debug, Clone)]
pub struct Session {
    pub partner: Partner,
    pub verification: Verification,
    pub stage: Stage,
}

impl Session {
    /// True for DEV partners: the sandbox panel is shown and may finish the verification.
    pub fn is_sandbox(&self) -> bool {
        self.partner.environment == Environment::Dev
    }
}

/// The session of the link holding `token`, opening it the first time (which moves the token's
/// deadline to the session's). None when the link is not valid: unknown token, disabled
/// partner, deleted or expired verification.
pub async fn session(core: &Services, token: &str) -> CoreResult<Option<Session>> {
    if token.is_empty() || token.len() > 200 {
        return Ok(None);
    }
    let token = AuthToken::from_trusted(token);
    let Some(verification) = core.store.verification_by_token(&token).await? else {
        return Ok(None);
    };
    tracing::Span::current().record("scan_ref", verification.scan_ref.as_str());
    let Some(partner) = core.store.partner_by_id(verification.partner_id).await? else {
        return Ok(None);
    };
    if !partner.enabled {
        return Ok(None);
    }
    let now = core.clock.now();
    let mut verification = verification;
    if matches!(stage_of(&verification, now), Stage::Capturing { .. })
        && verification.opened_at.is_none()
    {
        let deadline = flow::session_deadline(&verification.request, now);
        if core.store.open_verification(&verification.scan_ref, now, deadline).await? {
            tracing::info!(%deadline, "hosted flow opened");
        }
        // Whoever opened it first set the deadline; read it back.
        verification = core
            .store
            .verification(partner.id, &verification.scan_ref)
            .await?
            .ok_or_else(|| CoreError::Internal("verification vanished while opening".into()))?;
    }
    let stage = stage_of(&verification, now);
    if stage == Stage::NotValid {
        return Ok(None);
    }
    Ok(Some(Session { partner, verification, stage }))
}

fn stage_of(verification: &Verification, now: time::OffsetDateTime) -> Stage {
    flow::stage(
        Facts {
            status: verification.status,
            submitted: verification.submitted_at.is_some(),
            deadline: verification.token_expires_at,
        },
        now,
    )
}

/// Hand-off codes tried per minute, all sessions together. kycd does not know the person's
/// address behind a proxy, so the limit is global: with N live codes a guess succeeds with
/// probability N / 2⁴⁰, and at this rate 1,000 live codes take about 17 years of guessing on
/// average. A flood can block typing codes for a minute; the QR code and the link still work.
pub const CODE_TRIES_PER_MINUTE: i64 = 120;

/// A new short code for continuing the session on a phone, replacing the one shown before, and
/// when it stops working. None when the session can no longer be continued.
pub async fn handoff_code(
    core: &Services,
    session: &Session,
) -> CoreResult<Option<(HandoffCode, time::OffsetDateTime)>> {
    require_capturing(session)?;
    let code = HandoffCode::generate();
    let until = handoff::code_deadline(core.clock.now(), session.verification.token_expires_at);
    let digest = core.links.handoff_digest(&code);
    let stored =
        core.store.set_handoff_code(&session.verification.scan_ref, &digest, until).await?;
    Ok(stored.then_some((code, until)))
}

/// The link token of the session a typed hand-off code continues, using the code up; None for
/// anything that is not a live code. Guessing is `Throttled` ([`CODE_TRIES_PER_MINUTE`]).
pub async fn redeem_handoff_code(core: &Services, typed: &str) -> CoreResult<Option<AuthToken>> {
    let Some(code) = HandoffCode::parse(typed) else { return Ok(None) };
    if let Some(retry_after) =
        verifications::over_limit(core, "handoff-code", CODE_TRIES_PER_MINUTE, 60).await?
    {
        return Err(CoreError::Throttled {
            retry_after_secs: retry_after,
            rejection: kycd_domain::Rejection::new(
                kycd_domain::Identifier::TooManyRequests,
                format!("Too many hand-off codes tried; retry after {retry_after} s."),
            ),
        });
    }
    let digest = core.links.handoff_digest(&code);
    let Some(verification) = core.store.redeem_handoff_code(&digest, core.clock.now()).await?
    else {
        tracing::info!("hand-off code refused");
        return Ok(None);
    };
    tracing::Span::current().record("scan_ref", verification.scan_ref.as_str());
    tracing::info!("hand-off code used");
    Ok(Some(verification.auth_token))
}

/// How often a photo in which no document (or, for the selfie, no face) is seen is refused
/// before it is accepted anyway: the finders can miss a real document (a card front without a
/// zone, an odd background) or face, and a person must never be stuck; the analysis then
/// decides.
pub const NO_DOCUMENT_REFUSALS: i64 = 2;

/// Photos one verification may upload per window: generous for retakes, but a script cannot
/// make kycd decode images without end.
pub const UPLOADS_PER_WINDOW: i64 = 40;
pub const UPLOAD_WINDOW_SECONDS: i64 = 600;

/// Checks one photo the person took and, when it can be used, stores it sealed for the
/// submission (replacing an earlier one of the same kind). A problem the person can fix comes
/// back as `Err` inside `Ok`, and nothing is stored; more than [`UPLOADS_PER_WINDOW`] uploads
/// in a window are `Throttled`.
pub async fn upload(
    core: &Services,
    session: &Session,
    kind: FileKind,
    bytes: Vec<u8>,
) -> CoreResult<Result<Quality, CaptureProblem>> {
    require_capturing(session)?;
    let key = format!("upload:{}", session.verification.scan_ref);
    if let Some(retry_after) =
        verifications::over_limit(core, &key, UPLOADS_PER_WINDOW, UPLOAD_WINDOW_SECONDS).await?
    {
        return Err(CoreError::Throttled {
            retry_after_secs: retry_after,
            rejection: kycd_domain::Rejection::new(
                kycd_domain::Identifier::TooManyRequests,
                format!(
                    "At most {UPLOADS_PER_WINDOW} photos per {UPLOAD_WINDOW_SECONDS} s for one verification; retry after {retry_after} s."
                ),
            ),
        });
    }
    let subject = if kind == FileKind::Face { Subject::Selfie } else { Subject::Document };
    let (bytes, checked) = tokio::task::spawn_blocking(move || {
        let checked = capture::check(&bytes, &analysis::submission_limits(), subject);
        (bytes, checked)
    })
    .await
    .map_err(|e| CoreError::Internal(format!("photo check failed: {e}")))?;
    let checked = match checked {
        Err(problem) if problem.unseen_subject().is_some() => {
            let key = format!("nodoc:{}:{kind}", session.verification.scan_ref);
            match verifications::over_limit(core, &key, NO_DOCUMENT_REFUSALS, 86_400).await? {
                // Refused often enough: accept it as a photo; the analysis decides.
                Some(_) => {
                    tracing::info!(%kind, %problem, "seen again; accepted for the analysis");
                    problem.unseen_subject().ok_or(problem)
                }
                None => Err(problem),
            }
        }
        other => other,
    };
    match checked {
        Ok(quality) => {
            core.files.put(&session.verification.scan_ref, kind, &bytes).await?;
            tracing::info!(%kind, width = quality.width, height = quality.height, "photo stored");
            Ok(Ok(quality))
        }
        Err(problem) => {
            tracing::info!(%kind, %problem, "photo refused");
            Ok(Err(problem))
        }
    }
}

/// The partner's logo (a PNG kycd made, `partners::change`), if it has one.
pub fn logo(partner: &Partner) -> Option<Vec<u8>> {
    use base64::Engine;
    let encoded = partner.token_defaults.brand_logo.as_deref()?;
    base64::engine::general_purpose::STANDARD.decode(encoded).ok()
}

/// The photos of `kinds` the session already holds.
pub async fn stored_photos(
    core: &Services,
    session: &Session,
    kinds: &[FileKind],
) -> CoreResult<Vec<FileKind>> {
    let mut present = Vec::new();
    for &kind in kinds {
        if core.files.get(&session.verification.scan_ref, kind).await?.is_some() {
            present.push(kind);
        }
    }
    Ok(present)
}

/// One stored photo (for the person's own preview on the review page).
pub async fn photo(
    core: &Services,
    session: &Session,
    kind: FileKind,
) -> CoreResult<Option<Vec<u8>>> {
    require_capturing(session)?;
    Ok(core.files.get(&session.verification.scan_ref, kind).await?)
}

/// Why a submission cannot go ahead yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// These photos are still to be taken.
    Missing(Vec<FileKind>),
    /// The document is not one the person may choose.
    DocumentNotAllowed,
}

/// Submits the session's photos of `document` (issued by `country`) for analysis: the same
/// durable job as `/api/v2/process`, queued with the token's use in one transaction.
pub async fn submit(
    core: &Services,
    session: &Session,
    document: DocumentKind,
    country: Option<String>,
    platform: &str,
) -> CoreResult<Result<(), NotReady>> {
    require_capturing(session)?;
    let request = &session.verification.request;
    if !flow::document_choices(request).contains(&document) {
        return Ok(Err(NotReady::DocumentNotAllowed));
    }
    let needed = flow::captures(request, document);
    let present = stored_photos(core, session, &needed).await?;
    let missing: Vec<FileKind> = needed.iter().copied().filter(|k| !present.contains(k)).collect();
    if !missing.is_empty() {
        return Ok(Err(NotReady::Missing(missing)));
    }
    let submission = Submission {
        country: country.filter(|c| kycd_domain::countries::is_alpha2(c)),
        document_type: Some(document),
        files: needed,
        platform: Some(platform.to_owned()),
        hosted: true,
    };
    let now = core.clock.now();
    let verification = &session.verification;
    if !core
        .store
        .submit_verification(session.partner.id, &verification.scan_ref, &submission, now)
        .await?
    {
        return Err(CoreError::LinkNotValid);
    }
    core.wake_analysis();
    tracing::info!(document = %document, "hosted flow submitted");
    Ok(Ok(()))
}

/// The person cancels before submitting: the verification ends EXPIRED and the partner gets
/// IDENTIFICATION_CANCELLED (DECISIONS.md); after a failed attempt that attempt's result is
/// final instead. False when it had moved on meanwhile.
pub async fn cancel(core: &Services, session: &Session) -> CoreResult<bool> {
    require_capturing(session)?;
    let verification = &session.verification;
    let now = core.clock.now();
    if verification.last_attempt.is_some() {
        // Cancelled after a failed attempt: that attempt's result is final (DECISIONS.md).
        return verifications::finish_last_attempt(core, &session.partner, verification, now).await;
    }
    let Ok(new_status) = lifecycle::transition(verification.status, LifecycleEvent::Expire) else {
        return Ok(false);
    };
    let webhook = verifications::webhook(
        core,
        &session.partner,
        verification,
        Announcement::cancelled(),
        None,
        now,
    );
    let cancelled = verifications::apply(core, verification, new_status, None, webhook).await?;
    if cancelled {
        tracing::info!("hosted flow cancelled by the person");
    }
    Ok(cancelled)
}

/// DEV sandbox panel: finishes the verification as the named `dummyResult` scenario would,
/// with the same webhooks. Refused outside DEV.
pub async fn finish_as_scenario(
    core: &Services,
    session: &Session,
    name: &str,
) -> CoreResult<bool> {
    crate::sandbox::require_dev(&session.partner)?;
    require_capturing(session)?;
    let scenario = sandbox::known_scenario(name).map_err(CoreError::Invalid)?;
    verifications::finish_as(core, &session.partner, &session.verification, &scenario.result())
        .await
}

fn require_capturing(session: &Session) -> CoreResult<()> {
    match session.stage {
        Stage::Capturing { .. } => Ok(()),
        _ => Err(CoreError::LinkNotValid),
    }
}

/// The status a finished session shows (REVIEWING included).
pub fn finished_status(session: &Session) -> Option<OverallStatus> {
    match session.stage {
        Stage::Finished(status) => Some(status),
        _ => None,
    }
}
