//! Conformance of [`crate::AnalysisStore`]: submissions use the token once and queue one job;
//! jobs are leased to one worker at a time; a result commits with its webhooks and the job's
//! removal, or not at all.

use super::*;
use crate::Submission;
use kycd_domain::vocabulary::{DocumentKind, FileKind};

fn submission() -> Submission {
    Submission {
        country: Some("LT".into()),
        document_type: Some(DocumentKind::Passport),
        files: vec![FileKind::Front, FileKind::Face],
        platform: Some("API".into()),
        hosted: false,
    }
}

fn to_reviewing(partner: &Partner, verification: &Verification) -> VerificationChange {
    VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Reviewing,
        result: Some(face_match()),
        updated_at: T0 + Duration::seconds(5),
    }
}

pub async fn a_submission_uses_the_token_once_and_queues_one_job(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let scan = &verification.scan_ref;
    let other = sample_partner("other", Environment::Dev, None);
    store.create_partner(&other).await.unwrap();
    assert!(
        !store.submit_verification(other.id, scan, &submission(), T0).await.unwrap(),
        "another partner cannot submit it"
    );
    assert!(store.submit_verification(partner.id, scan, &submission(), T0).await.unwrap());
    assert!(
        !store.submit_verification(partner.id, scan, &submission(), T0).await.unwrap(),
        "a used token cannot be submitted again"
    );
    let stored = store.verification(partner.id, scan).await.unwrap().unwrap();
    assert_eq!(stored.submitted_at, Some(T0));
    assert_eq!(stored.status, OverallStatus::Active, "ACTIVE until the result is applied");
    let job = store.analysis_job(partner.id, scan).await.unwrap().unwrap();
    assert_eq!((job.submission, job.queued_at, job.attempts), (submission(), T0, 0));
    assert_eq!(store.analysis_job(other.id, scan).await.unwrap(), None);
    assert!(
        store.due_expirations(T0 + Duration::days(2), 10).await.unwrap().is_empty(),
        "a submitted verification waits for its analysis, it does not expire"
    );

    let late = sample_verification(&partner, "late");
    store.create_verification(&late, &[]).await.unwrap();
    assert!(
        !store
            .submit_verification(partner.id, &late.scan_ref, &submission(), late.token_expires_at)
            .await
            .unwrap(),
        "an expired token cannot be submitted"
    );
    assert_eq!(store.analysis_job(partner.id, &late.scan_ref).await.unwrap(), None);
    assert_eq!(
        store.verification(partner.id, &late.scan_ref).await.unwrap().unwrap().submitted_at,
        None
    );
}

pub async fn analysis_jobs_are_leased_to_one_worker_until_the_lease_ends(store: &dyn Store) {
    let (partner, first) = setup_one(store).await;
    let second = sample_verification(&partner, "second");
    store.create_verification(&second, &[]).await.unwrap();
    store.submit_verification(partner.id, &first.scan_ref, &submission(), T0).await.unwrap();
    let later = T0 + Duration::seconds(1);
    store.submit_verification(partner.id, &second.scan_ref, &submission(), later).await.unwrap();
    let lease = T0 + Duration::seconds(60);
    let a = store.claim_analysis_jobs(later, lease, "w1", 1).await.unwrap();
    let b = store.claim_analysis_jobs(later, lease, "w2", 10).await.unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_eq!(a[0].scan_ref, first.scan_ref, "oldest first");
    assert_eq!(b[0].scan_ref, second.scan_ref);
    assert_eq!(a[0].attempts, 1);
    assert!(
        store
            .claim_analysis_jobs(lease - Duration::seconds(1), lease, "w3", 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A crashed worker's lease ends: its job is claimable again, as a second attempt.
    let again =
        store.claim_analysis_jobs(lease, lease + Duration::seconds(60), "w3", 10).await.unwrap();
    assert_eq!(again.len(), 2);
    assert!(again.iter().all(|job| job.attempts == 2));
    let backlog = store.analysis_backlog().await.unwrap();
    assert_eq!(backlog, crate::AnalysisBacklog { queued: 2, oldest_queued_at: Some(T0) });
}

pub async fn a_result_commits_with_its_webhooks_and_the_jobs_removal(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let scan = &verification.scan_ref;
    store.submit_verification(partner.id, scan, &submission(), T0).await.unwrap();
    let change = to_reviewing(&partner, &verification);
    let stale = VerificationChange { expected_status: OverallStatus::Denied, ..change.clone() };
    let events = [event(&partner, scan, "msg_result", Some("http://127.0.0.1:1/h"))];
    assert!(
        !store.finish_analysis_job(scan, Some(&stale), &events).await.unwrap(),
        "a stale result is refused"
    );
    assert!(store.analysis_job(partner.id, scan).await.unwrap().is_some(), "and the job stays");
    assert_eq!(store.delivery(&webhook_id("msg_result")).await.unwrap(), None);

    assert!(store.finish_analysis_job(scan, Some(&change), &events).await.unwrap());
    let stored = store.verification(partner.id, scan).await.unwrap().unwrap();
    assert_eq!(stored.status, OverallStatus::Reviewing);
    assert_eq!(stored.result, Some(face_match()));
    assert_eq!(store.analysis_job(partner.id, scan).await.unwrap(), None);
    assert_eq!(
        store.delivery(&webhook_id("msg_result")).await.unwrap().unwrap().state,
        DeliveryState::Pending
    );
    assert_eq!(store.analysis_backlog().await.unwrap().queued, 0);

    // A job whose verification moved on meanwhile is only removed.
    let other = sample_verification(&partner, "other");
    store.create_verification(&other, &[]).await.unwrap();
    store.submit_verification(partner.id, &other.scan_ref, &submission(), T0).await.unwrap();
    assert!(store.finish_analysis_job(&other.scan_ref, None, &[]).await.unwrap());
    assert_eq!(store.analysis_job(partner.id, &other.scan_ref).await.unwrap(), None);
    assert_eq!(
        store.verification(partner.id, &other.scan_ref).await.unwrap().unwrap().status,
        OverallStatus::Active
    );
}

pub async fn a_failed_attempt_waits_for_its_retry_and_keeps_its_error(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let scan = &verification.scan_ref;
    store.submit_verification(partner.id, scan, &submission(), T0).await.unwrap();
    let lease = T0 + Duration::seconds(60);
    assert_eq!(store.claim_analysis_jobs(T0, lease, "w1", 10).await.unwrap().len(), 1);
    let retry_at = T0 + Duration::seconds(30);
    store.retry_analysis_job(scan, "model failed: \u{0}odd", retry_at).await.unwrap();
    assert!(
        store
            .claim_analysis_jobs(retry_at - Duration::seconds(1), lease, "w2", 10)
            .await
            .unwrap()
            .is_empty(),
        "not before its retry time"
    );
    let again = store.claim_analysis_jobs(retry_at, lease, "w2", 10).await.unwrap();
    assert_eq!(again.len(), 1, "the lease was released");
    assert_eq!(again[0].attempts, 2);
    assert!(again[0].last_error.as_deref().is_some_and(|e| e.starts_with("model failed")));
}

pub async fn a_returned_attempt_reopens_the_link_without_a_webhook(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let scan = &verification.scan_ref;
    let denied = with_first_name("JONAS");
    assert!(
        !store.return_analysis_attempt(scan, &denied, T0).await.unwrap(),
        "nothing to return before a submission"
    );
    assert!(store.submit_verification(partner.id, scan, &submission(), T0).await.unwrap());
    assert!(store.return_analysis_attempt(scan, &denied, T0 + Duration::seconds(3)).await.unwrap());
    let stored = store.verification(partner.id, scan).await.unwrap().unwrap();
    assert_eq!(stored.status, OverallStatus::Active);
    assert_eq!(stored.submitted_at, None, "the link takes photos again");
    assert_eq!((stored.attempts_used, stored.last_attempt.as_ref()), (1, Some(&denied)));
    assert_eq!(store.analysis_job(partner.id, scan).await.unwrap(), None, "the job is done");
    assert!(
        store
            .claim_deliveries(
                T0 + Duration::days(1),
                T0 + Duration::days(2),
                "w",
                10,
                FairShare::default()
            )
            .await
            .unwrap()
            .is_empty(),
        "no webhook"
    );
    assert!(
        store
            .submit_verification(partner.id, scan, &submission(), T0 + Duration::seconds(9))
            .await
            .unwrap(),
        "the second attempt can be submitted"
    );
    assert!(
        store.return_analysis_attempt(scan, &denied, T0 + Duration::seconds(12)).await.unwrap()
    );
    assert_eq!(store.verification(partner.id, scan).await.unwrap().unwrap().attempts_used, 2);

    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: scan.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Denied,
        result: Some(denied.clone()),
        updated_at: T0 + Duration::minutes(1),
    };
    assert!(store.change_verification(&change, &[]).await.unwrap());
    let purge = deletion(&verification, OverallStatus::Denied, T0 + Duration::hours(1));
    assert!(store.purge_verification(&purge).await.unwrap());
    assert_eq!(
        store.verification(partner.id, scan).await.unwrap().unwrap().last_attempt,
        None,
        "deleted with the data"
    );
}
