//! Automatic analysis: a submission (from `/api/v2/process`, later the hosted flow) stores the
//! images sealed, marks the token used and queues a durable job in one transaction; the runner
//! (in `serve` and `kycd worker`, on any node) claims jobs with a lease, analyses the document off
//! the async runtime and applies the result through the same compare-and-set path as every other
//! result, with IDENTIFICATION_AUTO_FINISHED written in the same transaction as the job's removal.
//! `kycd analyze` calls [`check_document`] directly.

use crate::{CoreError, CoreResult, Services, screening, verifications};
pub use kycd_analysis::document::{DocumentAnalysis, Side};
pub use kycd_analysis::face::{Face, FaceComparison, FaceError};
use kycd_analysis::{
    decode::{self, DecodeLimits},
    document::{self, AnalysisError},
    face,
};
use kycd_domain::{
    AuthToken, Identifier, Rejection,
    auto_result::{self, AutoResult, SubmissionFacts},
    countries,
    document_check::{self, Choice, DocumentDecision},
    face_check::{self, FaceDecision},
    flow,
    lifecycle::{self, LifecycleEvent},
    token_request::TokenRequest,
    vocabulary::{DocumentKind, DocumentStatus, FileKind, OverallStatus},
};
use kycd_store::{AnalysisJob, Partner, Submission, Verification, VerificationChange};
use kycd_webhooks::outbox::Announcement;
use std::{sync::Arc, time::Duration};
use time::{Date, OffsetDateTime};
use tokio::sync::watch;

/// Largest image a submission may carry, decoded from base64 (iDenfy's limit: 2 MB each).
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The image kinds a submission may carry, in the order the API names them.
pub const SUBMITTED_KINDS: [FileKind; 3] = [FileKind::Front, FileKind::Back, FileKind::Face];

/// Limits for submitted images.
pub fn submission_limits() -> DecodeLimits {
    DecodeLimits { max_bytes: MAX_IMAGE_BYTES, ..DecodeLimits::default() }
}

/// One document checked: what the analysis found and what was decided from it.
#[derive(Debug, Clone)]
pub struct DocumentCheck {
    pub analysis: DocumentAnalysis,
    pub decision: DocumentDecision,
}

/// Analyses the document photos (front first) on a blocking thread and decides the document
/// for `request` as of `today`.
pub async fn check_document(
    request: &TokenRequest,
    chosen: &Choice,
    images: Vec<(Side, Vec<u8>)>,
    limits: DecodeLimits,
    today: Date,
) -> CoreResult<Result<DocumentCheck, AnalysisError>> {
    let analysis = analyse_document(images, limits, today).await?;
    Ok(analysis.map(|analysis| {
        let decision = document_check::decide(request, chosen, &analysis.reading, today);
        DocumentCheck { analysis, decision }
    }))
}

/// Analyses the document photos (front first) on a blocking thread, deciding nothing.
pub async fn analyse_document(
    images: Vec<(Side, Vec<u8>)>,
    limits: DecodeLimits,
    today: Date,
) -> CoreResult<Result<DocumentAnalysis, AnalysisError>> {
    tokio::task::spawn_blocking(move || {
        let borrowed: Vec<(Side, &[u8])> =
            images.iter().map(|(side, bytes)| (*side, bytes.as_slice())).collect();
        document::analyse(&borrowed, &limits, today)
    })
    .await
    .map_err(|e| CoreError::Internal(format!("analysis task failed: {e}")))
}

/// The main face in `image`, cut out as PNG (at most `max_side` pixels), on a blocking thread;
/// `None` when the image holds no face.
pub async fn face_crop(image: Vec<u8>, max_side: u32) -> CoreResult<Option<Vec<u8>>> {
    tokio::task::spawn_blocking(move || {
        let decoded = decode::decode(&image, &submission_limits())
            .map_err(|e| CoreError::Internal(format!("a stored image does not decode: {e}")))?;
        let found = face::find(&decoded)
            .map_err(|e| CoreError::Internal(format!("face detection failed: {e}")))?;
        Ok(found.main.map(|main| face::crop_png(&decoded, &main, max_side)))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("face crop task failed: {e}")))?
}

/// The faces compared: what the analysis measured and what was decided from it.
#[derive(Debug, Clone)]
pub struct FaceCheck {
    pub comparison: FaceComparison,
    pub decision: FaceDecision,
}

/// Compares the face on the document photo with the selfie on a blocking thread.
pub async fn check_faces(
    document: Vec<u8>,
    selfie: Vec<u8>,
    limits: DecodeLimits,
) -> CoreResult<Result<FaceCheck, FaceError>> {
    let comparison =
        tokio::task::spawn_blocking(move || face::compare(&document, &selfie, &limits))
            .await
            .map_err(|e| CoreError::Internal(format!("face check task failed: {e}")))?;
    Ok(comparison.map(|comparison| {
        let decision = face_check::decide(&comparison.evidence());
        FaceCheck { comparison, decision }
    }))
}

/// Whether the document decision leaves the face to be checked (reference §5.7 rule 5: a
/// failed document's face is not analysed).
pub fn face_follows(document: &DocumentDecision) -> bool {
    matches!(document.status, Some(DocumentStatus::DocValidated | DocumentStatus::AutoUnverifiable))
}

/// What a caller submits: the person's choices and the images by kind.
#[derive(Debug, Clone, Default)]
pub struct SubmissionInput {
    /// ISO 3166-1 alpha-2 as given (checked here).
    pub country: Option<String>,
    /// As given (checked here).
    pub document_type: Option<String>,
    pub images: Vec<(FileKind, Vec<u8>)>,
    pub platform: Option<String>,
}

/// Submits the verification of `token` for analysis: the token must be the partner's, unused
/// and unexpired (`TOKEN_NOT_VALID` otherwise), the images decodable within
/// [`submission_limits`] (`BAD_VALUE` naming `images.KIND` otherwise) and at least the front
/// given. Stores the images sealed, uses the token and queues the job.
pub async fn submit(
    core: &Services,
    partner: &Partner,
    token: &AuthToken,
    input: SubmissionInput,
) -> CoreResult<Verification> {
    let now = core.clock.now();
    let verification = core
        .store
        .verification_by_token(token)
        .await?
        .filter(|v| v.partner_id == partner.id)
        .filter(|v| token_usable(v, now))
        .ok_or_else(token_not_valid)?;
    tracing::Span::current().record("scan_ref", verification.scan_ref.as_str());
    let submission = check_submission(&verification.request, &input)?;
    let images = check_images(input.images).await?;
    // The images are stored before the commit that queues their analysis, so a job never
    // finds them missing; a submission that then loses a race for the token leaves the other's
    // files in place (the same token holder sent both).
    for (kind, bytes) in &images {
        core.files.put(&verification.scan_ref, *kind, bytes).await?;
    }
    let submitted = core
        .store
        .submit_verification(partner.id, &verification.scan_ref, &submission, now)
        .await?;
    if !submitted {
        return Err(token_not_valid());
    }
    core.wake_analysis();
    tracing::info!(files = ?submission.files, "submitted for analysis");
    Ok(Verification { submitted_at: Some(now), ..verification })
}

fn token_not_valid() -> CoreError {
    Rejection::new(Identifier::TokenNotValid, "Token is not valid: unknown, used or expired.")
        .into()
}

/// An ACTIVE verification whose token has not been used and has not run out.
pub fn token_usable(verification: &Verification, now: OffsetDateTime) -> bool {
    verification.status == OverallStatus::Active
        && verification.submitted_at.is_none()
        && now < verification.token_expires_at
}

fn check_submission(request: &TokenRequest, input: &SubmissionInput) -> CoreResult<Submission> {
    let country = input
        .country
        .as_deref()
        .map(|code| {
            let upper = code.to_ascii_uppercase();
            if countries::is_alpha2(&upper) {
                Ok(upper)
            } else {
                Err(Rejection::bad_value(
                    "Field 'country' must be a valid ISO 3166-1 alpha-2 code.",
                ))
            }
        })
        .transpose()?;
    let document_type = input
        .document_type
        .as_deref()
        .map(|name| {
            let kind = DocumentKind::parse(name).ok_or_else(|| {
                Rejection::bad_value(format!(
                    "Field 'documentType' must be one of {}.",
                    DocumentKind::allowed()
                ))
            })?;
            if !request.documents.is_empty() && !request.documents.contains(&kind) {
                return Err(Rejection::bad_value(format!(
                    "Field 'documentType' is {name}, which this verification's documents do not allow."
                )));
            }
            Ok(kind)
        })
        .transpose()?;
    if !input.images.iter().any(|(kind, _)| *kind == FileKind::Front) {
        return Err(
            Rejection::new(Identifier::MissingValue, "No image provided for step 'FRONT'").into()
        );
    }
    Ok(Submission {
        country,
        document_type,
        files: input.images.iter().map(|(kind, _)| *kind).collect(),
        platform: input.platform.clone(),
        hosted: false,
    })
}

/// Decodes every image (off the runtime), so a broken upload is refused now, naming its field,
/// rather than failing the analysis later. Gives the images back.
async fn check_images(images: Vec<(FileKind, Vec<u8>)>) -> CoreResult<Vec<(FileKind, Vec<u8>)>> {
    let (images, refused) = tokio::task::spawn_blocking(move || {
        let limits = submission_limits();
        let refused = images.iter().find_map(|(kind, bytes)| {
            decode::decode(bytes, &limits).err().map(|error| (*kind, error))
        });
        (images, refused)
    })
    .await
    .map_err(|e| CoreError::Internal(format!("image check failed: {e}")))?;
    match refused {
        None => Ok(images),
        Some((kind, error)) => {
            Err(Rejection::bad_value(format!("Field 'images.{kind}' is refused: {error}.")).into())
        }
    }
}

/// How the runner works.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Jobs analysed at once by this node (each uses one core while it runs).
    pub concurrency: usize,
    /// How long a claimed job is this node's before another may take it over.
    pub lease: Duration,
    /// How often to look for jobs when not woken.
    pub poll_interval: Duration,
    /// Attempts before a job that keeps failing is handed to a person (DOC_ERROR).
    pub max_attempts: i64,
    /// Wait before a failed attempt is retried.
    pub retry_after: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            concurrency: 1,
            lease: Duration::from_secs(120),
            poll_interval: Duration::from_secs(1),
            max_attempts: 3,
            retry_after: Duration::from_secs(10),
        }
    }
}

/// Runs analysis jobs until `stopped` turns true.
pub async fn run(core: Services, config: RunnerConfig, mut stopped: watch::Receiver<bool>) {
    let owner: Arc<str> = format!("analysis-{}", uuid::Uuid::new_v4()).into();
    loop {
        if *stopped.borrow() {
            return;
        }
        let worked = match run_once(&core, &config, &owner).await {
            Ok(count) => count > 0,
            Err(error) => {
                tracing::warn!(%error, "claiming analysis jobs failed");
                false
            }
        };
        if worked {
            continue;
        }
        tokio::select! {
            _ = core.analysis_wake.notified() => {}
            _ = tokio::time::sleep(config.poll_interval) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// Claims and runs one batch of jobs; returns how many it claimed.
pub async fn run_once(core: &Services, config: &RunnerConfig, owner: &str) -> CoreResult<usize> {
    let now = core.clock.now();
    let lease_until = now + config.lease;
    let jobs = core
        .store
        .claim_analysis_jobs(now, lease_until, owner, config.concurrency.max(1) as i64)
        .await?;
    let count = jobs.len();
    let runs = jobs.into_iter().map(|job| async move {
        let scan_ref = job.scan_ref.clone();
        let span =
            tracing::info_span!("analysis", scan_ref = scan_ref.as_str(), attempt = job.attempts);
        let outcome = tracing::Instrument::instrument(run_job(core, config, &job), span).await;
        if let Err(error) = outcome {
            tracing::warn!(scan_ref = scan_ref.as_str(), %error, "analysis attempt failed");
            let retry_at = core.clock.now() + config.retry_after;
            if let Err(error) =
                core.store.retry_analysis_job(&scan_ref, &error.to_string(), retry_at).await
            {
                tracing::warn!(scan_ref = scan_ref.as_str(), %error, "releasing the job failed");
            }
        }
    });
    futures::future::join_all(runs).await;
    Ok(count)
}

/// Analyses one claimed job and applies its result.
async fn run_job(core: &Services, config: &RunnerConfig, job: &AnalysisJob) -> CoreResult<()> {
    for _ in 0..3 {
        let Some(verification) = core.store.verification(job.partner_id, &job.scan_ref).await?
        else {
            core.store.finish_analysis_job(&job.scan_ref, None, &[]).await?;
            return Ok(());
        };
        if verification.status != OverallStatus::Active {
            // Decided meanwhile (a reviewer, the sandbox): nothing is left to do.
            core.store.finish_analysis_job(&job.scan_ref, None, &[]).await?;
            return Ok(());
        }
        let auto = match analyse_job(core, &verification, job).await {
            Ok(auto) => auto,
            Err(error) if job.attempts < config.max_attempts => return Err(error),
            Err(error) => {
                tracing::error!(%error, attempts = job.attempts, "analysis keeps failing; a person decides");
                auto_result::analysis_failed(facts(core, &verification, job))
            }
        };
        if job.submission.hosted
            && flow::retry_after(
                auto.outcome,
                auto.manual_review_follows,
                auto.undecided,
                verification.attempts_used + 1,
                flow::max_attempts(&verification.request),
            )
        {
            let now = core.clock.now();
            if core.store.return_analysis_attempt(&job.scan_ref, &auto.result, now).await? {
                tracing::info!(
                    auto_document = ?auto.result.auto_document,
                    attempt = verification.attempts_used + 1,
                    "attempt failed; the person may try again"
                );
                return Ok(());
            }
            continue;
        }
        if apply(core, &verification, job, &auto).await? {
            tracing::info!(
                auto_document = ?auto.result.auto_document,
                auto_face = ?auto.result.auto_face,
                outcome = ?auto.outcome,
                review = auto.manual_review_follows,
                "analysis finished"
            );
            return Ok(());
        }
    }
    Err(CoreError::Internal("the verification kept changing while its result was applied".into()))
}

fn facts(core: &Services, verification: &Verification, job: &AnalysisJob) -> SubmissionFacts {
    SubmissionFacts {
        files: job.submission.files.clone(),
        platform: job.submission.platform.clone(),
        submitted_at: verification.submitted_at.unwrap_or(job.queued_at).unix_timestamp(),
        decided_at: core.clock.now().unix_timestamp(),
    }
}

async fn analyse_job(
    core: &Services,
    verification: &Verification,
    job: &AnalysisJob,
) -> CoreResult<AutoResult> {
    let load = |kind: FileKind| async move {
        core.files.get(&verification.scan_ref, kind).await?.ok_or_else(|| {
            CoreError::Internal(format!(
                "the submitted {kind} image is missing from the file store"
            ))
        })
    };
    let mut images = Vec::new();
    for (kind, side) in [(FileKind::Front, Side::Front), (FileKind::Back, Side::Back)] {
        if job.submission.files.contains(&kind) {
            images.push((side, load(kind).await?));
        }
    }
    let front = images.first().map(|(_, bytes)| bytes.clone());
    let chosen =
        Choice { country: job.submission.country.clone(), document: job.submission.document_type };
    let today = core.clock.now().date();
    let check = check_document(&verification.request, &chosen, images, submission_limits(), today)
        .await?
        .map_err(|e| CoreError::Internal(format!("analysis failed: {e}")))?;
    let face = match front {
        Some(front)
            if face_follows(&check.decision) && job.submission.files.contains(&FileKind::Face) =>
        {
            let selfie = load(FileKind::Face).await?;
            let faces = check_faces(front, selfie, submission_limits())
                .await?
                .map_err(|e| CoreError::Internal(format!("face check failed: {e}")))?;
            tracing::debug!(
                distance = ?faces.comparison.distance,
                selfie_faces = faces.comparison.selfie.clear_faces,
                status = ?faces.decision.status,
                "faces compared"
            );
            Some(faces)
        }
        _ => None,
    };
    let seen = face.as_ref().map(|f| screening::faces_of(&f.comparison)).unwrap_or_default();
    let found = screening::screen(core, verification, seen, &check.decision.data).await?;
    Ok(auto_result::from_analysis(
        &verification.request,
        check.decision,
        face.map(|f| f.decision),
        &found,
        facts(core, verification, job),
    ))
}

/// Writes the result with its webhook and removes the job; false when the verification changed
/// meanwhile.
async fn apply(
    core: &Services,
    verification: &Verification,
    job: &AnalysisJob,
    auto: &AutoResult,
) -> CoreResult<bool> {
    let Some(partner) = core.store.partner_by_id(verification.partner_id).await? else {
        core.store.finish_analysis_job(&job.scan_ref, None, &[]).await?;
        return Ok(true);
    };
    let event = LifecycleEvent::AutoFinished {
        outcome: auto.outcome,
        manual_review_follows: auto.manual_review_follows,
    };
    let new_status = lifecycle::transition(verification.status, event)
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    let announcement = if auto.undecided {
        Announcement::auto_undecided()
    } else {
        Announcement::auto(auto.outcome, auto.manual_review_follows)
    };
    let now = core.clock.now();
    let mut decided = verification.clone();
    decided.status = new_status;
    let webhook =
        verifications::webhook(core, &partner, &decided, announcement, Some(&auto.result), now);
    let change = VerificationChange {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: verification.status,
        new_status,
        result: Some(auto.result.clone()),
        updated_at: now,
    };
    let applied = core.store.finish_analysis_job(&job.scan_ref, Some(&change), &[webhook]).await?;
    if applied {
        core.wake_worker();
    }
    Ok(applied)
}

/// What front ends need from the analysis crate, so they depend on kycd-core alone.
pub use kycd_analysis::{
    decode::{DecodeError, DecodeLimits as ImageLimits},
    mrz::MrzReading,
};

/// Decodes an image within `limits`, only to say whether it is one.
pub fn decode_image(bytes: &[u8], limits: &DecodeLimits) -> Result<(), DecodeError> {
    decode::decode(bytes, limits).map(drop)
}
