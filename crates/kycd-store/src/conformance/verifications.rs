//! Conformance of [`crate::VerificationStore`]: creation with credits, isolation, compare-and-set
//! changes with their events, expiry, purge and retention.

use super::*;

pub async fn verification_round_trip_and_isolation(store: &dyn Store) {
    let owner = sample_partner("owner", Environment::Dev, None);
    let other = sample_partner("other", Environment::Dev, None);
    store.create_partner(&owner).await.unwrap();
    store.create_partner(&other).await.unwrap();
    let verification = sample_verification(&owner, "client-1");
    let event = NewWebhookEvent {
        id: webhook_id("msg_1"),
        partner_id: owner.id,
        scan_ref: verification.scan_ref.clone(),
        event_type: EventType::AutoFinished,
        payload: br#"{"final":true}"#.to_vec(),
        target_url: None,
        created_at: T0,
        chaos: ChaosSet::new(),
        deliver_after: None,
    };
    store.create_verification(&verification, &[event]).await.unwrap();
    let read = store.verification(owner.id, &verification.scan_ref).await.unwrap();
    assert_eq!(read.as_ref(), Some(&verification));
    assert_eq!(
        store.verification(other.id, &verification.scan_ref).await.unwrap(),
        None,
        "another partner must not see the verification"
    );
    assert_eq!(
        store.verification_by_token(&verification.auth_token).await.unwrap(),
        Some(verification.clone()),
        "found by its auth token"
    );
    assert_eq!(store.verification_by_token(&AuthToken::generate()).await.unwrap(), None);
    assert_eq!(store.count_verifications(owner.id).await.unwrap(), 1);
    assert_eq!(store.count_verifications(other.id).await.unwrap(), 0);
    let unknown = ScanRef::from_trusted("00000000-0000-0000-0000-000000000000");
    assert_eq!(store.verification(owner.id, &unknown).await.unwrap(), None);
}

pub async fn credits_are_spent_exactly_and_exhaustion_changes_nothing(store: &dyn Store) {
    let partner = sample_partner("metered", Environment::Test, Some(2));
    store.create_partner(&partner).await.unwrap();
    let first = sample_verification(&partner, "c1");
    let second = sample_verification(&partner, "c2");
    let third = sample_verification(&partner, "c3");
    store.create_verification(&first, &[]).await.unwrap();
    store.create_verification(&second, &[]).await.unwrap();
    assert!(matches!(store.create_verification(&third, &[]).await, Err(StoreError::NoCredits)));
    assert_eq!(store.verification(partner.id, &third.scan_ref).await.unwrap(), None);
    assert_eq!(store.count_verifications(partner.id).await.unwrap(), 2);
    let after = store.partner_by_name("metered").await.unwrap().unwrap();
    assert_eq!(after.credits, Some(0));

    let unlimited = sample_partner("unlimited", Environment::Dev, None);
    store.create_partner(&unlimited).await.unwrap();
    for n in 0..5 {
        let v = sample_verification(&unlimited, &format!("u{n}"));
        store.create_verification(&v, &[]).await.unwrap();
    }
    assert_eq!(store.partner_by_name("unlimited").await.unwrap().unwrap().credits, None);
}

/// Many token writes at once, some bound to fail (a reused scanRef, credits running out): each
/// one succeeds or fails on its own, with its outbox row, whatever the backend batches together.
pub async fn concurrent_writes_each_commit_or_fail_alone(store: &dyn Store) {
    let partner = sample_partner("burst", Environment::Test, Some(25));
    store.create_partner(&partner).await.unwrap();
    let taken = sample_verification(&partner, "taken");
    store.create_verification(&taken, &[]).await.unwrap();
    let attempts: Vec<(Verification, NewWebhookEvent)> = (0..50)
        .map(|n| {
            let mut v = sample_verification(&partner, &format!("c{n}"));
            if n % 5 == 0 {
                v.scan_ref = taken.scan_ref.clone();
            }
            let e =
                event(&partner, &v.scan_ref, &format!("burst_{n}"), Some("http://127.0.0.1:9/"));
            (v, e)
        })
        .collect();
    let outcomes = futures::future::join_all(
        attempts.iter().map(|(v, e)| store.create_verification(v, std::slice::from_ref(e))),
    )
    .await;
    let mut stored = 0;
    for ((v, e), outcome) in attempts.iter().zip(&outcomes) {
        let reused = v.scan_ref == taken.scan_ref;
        match outcome {
            Ok(()) => {
                assert!(!reused, "a reused scanRef was stored");
                stored += 1;
                assert!(store.delivery(&e.id).await.unwrap().is_some(), "{} lost", e.id);
            }
            Err(StoreError::Conflict(_)) => assert!(reused, "{}: unexpected conflict", v.client_id),
            Err(StoreError::NoCredits) => {}
            Err(other) => panic!("{}: {other}", v.client_id),
        }
        if outcome.is_err() {
            assert!(store.delivery(&e.id).await.unwrap().is_none(), "{} kept", e.id);
        }
    }
    assert_eq!(stored, 24, "24 credits were left after the first token");
    assert_eq!(store.count_verifications(partner.id).await.unwrap(), 25);
    assert_eq!(store.partner_by_name("burst").await.unwrap().unwrap().credits, Some(0));
}

pub async fn status_changes_are_compare_and_set_with_their_events(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    assert_eq!(store.partner_by_id(partner.id).await.unwrap().as_ref(), Some(&partner));
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Approved,
        result: Some(face_match()),
        updated_at: T0 + Duration::seconds(5),
    };
    let events = [event(&partner, &verification.scan_ref, "msg_a", Some("http://127.0.0.1:1/h"))];
    assert!(store.change_verification(&change, &events).await.unwrap());
    let stored = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(stored.status, OverallStatus::Approved);
    assert_eq!(stored.result, Some(face_match()));
    assert_eq!(stored.updated_at, T0 + Duration::seconds(5));
    // The same change again no longer matches: nothing is written, not even its events.
    let again = [event(&partner, &verification.scan_ref, "msg_b", Some("http://127.0.0.1:1/h"))];
    assert!(!store.change_verification(&change, &again).await.unwrap());
    assert!(store.delivery(&webhook_id("msg_b")).await.unwrap().is_none());
    let delivery = store.delivery(&webhook_id("msg_a")).await.unwrap().unwrap();
    assert_eq!(delivery.state, DeliveryState::Pending);
    assert_eq!(delivery.chaos, ChaosSet::from_iter([Chaos::Duplicate]));
    assert_eq!(delivery.next_attempt_at, Some(T0));
    // Another partner cannot change it.
    let other = sample_partner("other", Environment::Dev, None);
    store.create_partner(&other).await.unwrap();
    let foreign = VerificationChange {
        partner_id: other.id,
        expected_status: OverallStatus::Approved,
        ..change
    };
    assert!(!store.change_verification(&foreign, &[]).await.unwrap());
}

pub async fn due_expirations_lists_only_expired_active_tokens(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    assert!(store.due_expirations(T0, 10).await.unwrap().is_empty());
    let later = verification.token_expires_at;
    let due = store.due_expirations(later, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].scan_ref, verification.scan_ref);
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Expired,
        result: None,
        updated_at: later,
    };
    assert!(store.change_verification(&change, &[]).await.unwrap());
    assert!(store.due_expirations(later + Duration::days(1), 10).await.unwrap().is_empty());
}

pub async fn opening_the_flow_moves_the_deadline_once(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let scan = &verification.scan_ref;
    let opened_at = T0 + Duration::minutes(5);
    let deadline = opened_at + Duration::minutes(30);
    assert!(store.open_verification(scan, opened_at, deadline).await.unwrap());
    let stored = store.verification(partner.id, scan).await.unwrap().unwrap();
    assert_eq!((stored.opened_at, stored.token_expires_at), (Some(opened_at), deadline));
    assert!(
        !store
            .open_verification(scan, opened_at + Duration::minutes(1), T0 + Duration::days(9))
            .await
            .unwrap(),
        "the session starts at the first opening only"
    );
    assert_eq!(store.verification(partner.id, scan).await.unwrap().unwrap(), stored);
    assert!(store.due_expirations(deadline - Duration::seconds(1), 10).await.unwrap().is_empty());
    let due = store.due_expirations(deadline, 10).await.unwrap();
    assert_eq!(due.len(), 1, "the session deadline is the new expiry");

    let late = sample_verification(&partner, "late");
    store.create_verification(&late, &[]).await.unwrap();
    assert!(
        !store
            .open_verification(&late.scan_ref, late.token_expires_at, T0 + Duration::days(9))
            .await
            .unwrap(),
        "an expired token cannot be opened"
    );
    assert_eq!(
        store.verification(partner.id, &late.scan_ref).await.unwrap().unwrap().opened_at,
        None
    );
}

pub async fn a_handoff_code_works_once_until_it_expires(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let other = sample_verification(&partner, "other");
    store.create_verification(&other, &[]).await.unwrap();
    let scan = &verification.scan_ref;
    let until = T0 + Duration::minutes(15);
    let redeemed = |found: Option<Verification>| found.map(|v| v.scan_ref);

    assert!(store.set_handoff_code(scan, &[1; 32], until).await.unwrap());
    assert!(store.set_handoff_code(&other.scan_ref, &[9; 32], until).await.unwrap());
    assert_eq!(store.redeem_handoff_code(&[7; 32], T0).await.unwrap(), None, "unknown code");
    assert!(store.set_handoff_code(scan, &[2; 32], until).await.unwrap());
    assert_eq!(
        store.redeem_handoff_code(&[1; 32], T0).await.unwrap(),
        None,
        "a newer code replaces the one shown before"
    );
    let first = store.redeem_handoff_code(&[2; 32], T0 + Duration::minutes(1)).await.unwrap();
    assert_eq!(redeemed(first), Some(scan.clone()));
    assert_eq!(store.redeem_handoff_code(&[2; 32], T0).await.unwrap(), None, "used once");
    let theirs = store.redeem_handoff_code(&[9; 32], T0).await.unwrap();
    assert_eq!(redeemed(theirs), Some(other.scan_ref.clone()), "each session its own code");

    assert!(store.set_handoff_code(scan, &[3; 32], until).await.unwrap());
    assert_eq!(store.redeem_handoff_code(&[3; 32], until).await.unwrap(), None, "expired");
    assert_eq!(
        store.redeem_handoff_code(&[3; 32], T0).await.unwrap(),
        None,
        "an expired code is removed when tried"
    );

    assert!(store.set_handoff_code(scan, &[4; 32], until).await.unwrap());
    let change = approval(&partner, scan);
    assert!(store.change_verification(&change, &[]).await.unwrap());
    assert_eq!(
        store.redeem_handoff_code(&[4; 32], T0).await.unwrap(),
        None,
        "a finished verification cannot be continued"
    );
    assert!(
        !store.set_handoff_code(scan, &[5; 32], until).await.unwrap(),
        "no code for a finished verification"
    );
    let unknown = ScanRef::from_trusted("00000000-0000-0000-0000-000000000000");
    assert!(!store.set_handoff_code(&unknown, &[6; 32], until).await.unwrap());
}

pub async fn purge_removes_personal_data_and_stops_deliveries(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Approved,
        result: Some(with_first_name("JONAS")),
        updated_at: T0,
    };
    let events = [event(&partner, &verification.scan_ref, "msg_p", Some("http://127.0.0.1:1/h"))];
    store.change_verification(&change, &events).await.unwrap();
    let purge = deletion(&verification, OverallStatus::Approved, T0 + Duration::hours(1));
    let wrong = VerificationPurge { expected_status: OverallStatus::Denied, ..purge.clone() };
    assert!(!store.purge_verification(&wrong).await.unwrap());
    assert!(store.purge_verification(&purge).await.unwrap());
    let stored = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(stored.status, OverallStatus::Deleted);
    assert_eq!(stored.result, None);
    assert_eq!(stored.request.first_name, None);
    assert_eq!(stored.request.date_of_birth, None);
    assert_eq!(stored.request.client_id, verification.request.client_id);
    let delivery = store.delivery(&webhook_id("msg_p")).await.unwrap().unwrap();
    assert!(delivery.payload.is_empty());
    assert_eq!(delivery.state, DeliveryState::Failed);
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
            .is_empty()
    );
    assert!(!store.purge_verification(&purge).await.unwrap(), "already purged");
    assert!(
        !store.resend_delivery(&webhook_id("msg_p"), T0 + Duration::days(1)).await.unwrap(),
        "nothing left to resend"
    );
    // An attempt that was in flight during the purge does not revive the delivery.
    let late = DeliveryAttempt {
        event_id: webhook_id("msg_p"),
        attempt: 1,
        attempted_at: T0 + Duration::hours(1),
        target_url: "http://127.0.0.1:1/h".into(),
        request_headers: "{}".into(),
        status_code: Some(500),
        latency_ms: 1,
        error: None,
        response_excerpt: None,
    };
    store.record_attempt(&late, NextStep::RetryAt(T0 + Duration::hours(2))).await.unwrap();
    assert_eq!(
        store.delivery(&webhook_id("msg_p")).await.unwrap().unwrap().state,
        DeliveryState::Failed
    );
}

pub async fn retention_candidates_are_old_finished_verifications_of_one_environment(
    store: &dyn Store,
) {
    let dev = sample_partner("dev", Environment::Dev, None);
    let prod = sample_partner("prod", Environment::Prod, None);
    store.create_partner(&dev).await.unwrap();
    store.create_partner(&prod).await.unwrap();
    let mut finished = Vec::new();
    for partner in [&dev, &prod] {
        let active = sample_verification(partner, "active");
        store.create_verification(&active, &[]).await.unwrap();
        let done = sample_verification(partner, "done");
        store.create_verification(&done, &[]).await.unwrap();
        let change = VerificationChange {
            partner_id: partner.id,
            scan_ref: done.scan_ref.clone(),
            expected_status: OverallStatus::Active,
            new_status: OverallStatus::Denied,
            result: None,
            updated_at: T0,
        };
        store.change_verification(&change, &[]).await.unwrap();
        finished.push(done);
    }
    assert!(
        store.retention_candidates(Environment::Dev, T0, 10).await.unwrap().is_empty(),
        "created at T0, not before"
    );
    let due =
        store.retention_candidates(Environment::Dev, T0 + Duration::seconds(1), 10).await.unwrap();
    assert_eq!(
        due.iter().map(|v| v.scan_ref.clone()).collect::<Vec<_>>(),
        [finished[0].scan_ref.clone()]
    );
    let due =
        store.retention_candidates(Environment::Prod, T0 + Duration::seconds(1), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].partner_id, prod.id);
}

/// The review queue lists REVIEWING verifications only, the longest waiting first, within the
/// partners asked for.
pub async fn the_review_queue_lists_waiting_verifications_oldest_first_by_partner(
    store: &dyn Store,
) {
    let a = sample_partner("a", Environment::Dev, None);
    let b = sample_partner("b", Environment::Dev, None);
    for p in [&a, &b] {
        store.create_partner(p).await.unwrap();
    }
    let mut waiting = Vec::new();
    for (i, partner) in [&a, &b, &a].into_iter().enumerate() {
        let v = sample_verification(partner, "c");
        store.create_verification(&v, &[]).await.unwrap();
        let to_review = VerificationChange {
            new_status: OverallStatus::Reviewing,
            // Entered the queue in reverse order of creation.
            updated_at: T0 + Duration::minutes(10 - i as i64),
            ..approval(partner, &v.scan_ref)
        };
        assert!(store.change_verification(&to_review, &[]).await.unwrap());
        waiting.push(v.scan_ref);
    }
    let decided = sample_verification(&a, "c");
    store.create_verification(&decided, &[]).await.unwrap();
    store.change_verification(&approval(&a, &decided.scan_ref), &[]).await.unwrap();

    let names = |list: Vec<Verification>| list.into_iter().map(|v| v.scan_ref).collect::<Vec<_>>();
    let all = names(store.reviewing_verifications(&[], 10).await.unwrap());
    assert_eq!(all, [waiting[2].clone(), waiting[1].clone(), waiting[0].clone()]);
    let only_a = names(store.reviewing_verifications(&[a.id], 10).await.unwrap());
    assert_eq!(only_a, [waiting[2].clone(), waiting[0].clone()]);
    let both = names(store.reviewing_verifications(&[a.id, b.id], 1).await.unwrap());
    assert_eq!(both, [waiting[2].clone()], "at most the limit");
    assert!(store.reviewing_verifications(&[PartnerId::generate()], 10).await.unwrap().is_empty());
}

/// The console's search: each condition narrows, newest first, never beyond the partners named.
pub async fn the_search_finds_by_each_condition_within_the_partners_named(store: &dyn Store) {
    let (a, b) =
        (sample_partner("a", Environment::Dev, None), sample_partner("b", Environment::Dev, None));
    for p in [&a, &b] {
        store.create_partner(p).await.unwrap();
    }
    let made = |partner: &Partner, client: &str, day: i64| {
        let mut v = sample_verification(partner, client);
        v.created_at = T0 + Duration::days(day);
        v.updated_at = v.created_at;
        v
    };
    let (first, second, third) = (made(&a, "alice", 0), made(&a, "bob", 1), made(&b, "alice", 2));
    for v in [&first, &second, &third] {
        store.create_verification(v, &[]).await.unwrap();
    }
    store.change_verification(&approval(&a, &second.scan_ref), &[]).await.unwrap();
    let found = async |search: crate::VerificationSearch| {
        let found = store.search_verifications(&search).await.unwrap();
        found.into_iter().map(|v| v.scan_ref).collect::<Vec<_>>()
    };
    let all = crate::VerificationSearch::default();
    assert_eq!(
        found(all.clone()).await,
        vec![third.scan_ref.clone(), second.scan_ref.clone(), first.scan_ref.clone()],
        "newest first"
    );
    let of_a = crate::VerificationSearch { partners: vec![a.id], ..all.clone() };
    assert_eq!(found(of_a.clone()).await, vec![second.scan_ref.clone(), first.scan_ref.clone()]);
    let alice_of_a = crate::VerificationSearch { client_id: Some("alice".into()), ..of_a.clone() };
    assert_eq!(found(alice_of_a).await, vec![first.scan_ref.clone()]);
    let third_by_a =
        crate::VerificationSearch { scan_ref: Some(third.scan_ref.clone()), ..of_a.clone() };
    assert!(found(third_by_a).await.is_empty(), "another partner's is not found");
    let approved =
        crate::VerificationSearch { status: Some(OverallStatus::Approved), ..all.clone() };
    assert_eq!(found(approved).await, vec![second.scan_ref.clone()]);
    let day_one = crate::VerificationSearch {
        created_from: Some(T0 + Duration::days(1)),
        created_before: Some(T0 + Duration::days(2)),
        ..all.clone()
    };
    assert_eq!(found(day_one).await, vec![second.scan_ref.clone()]);
    let one = crate::VerificationSearch { limit: 1, ..all };
    assert_eq!(found(one).await, vec![third.scan_ref.clone()]);
}

/// The dashboard counts per UTC day and status within the partners named, and measures each
/// decided verification from its submission to its decision.
pub async fn the_dashboard_counts_per_day_and_status_and_times_decisions(store: &dyn Store) {
    let (a, b) =
        (sample_partner("a", Environment::Dev, None), sample_partner("b", Environment::Dev, None));
    for p in [&a, &b] {
        store.create_partner(p).await.unwrap();
    }
    let day = |n: i64| T0 + Duration::days(n);
    let made = |partner: &Partner, created: OffsetDateTime| {
        let mut v = sample_verification(partner, "c");
        v.created_at = created;
        v.updated_at = created;
        v.token_expires_at = created + Duration::days(30);
        v
    };
    let submission = crate::Submission {
        country: None,
        document_type: None,
        files: vec![],
        platform: None,
        hosted: false,
    };
    let (old, waiting, decided, other) =
        (made(&a, day(-1)), made(&a, day(0)), made(&a, day(0)), made(&b, day(1)));
    for v in [&old, &waiting, &decided, &other] {
        store.create_verification(v, &[]).await.unwrap();
    }
    assert!(store.submit_verification(a.id, &decided.scan_ref, &submission, day(0)).await.unwrap());
    let mut approval = approval(&a, &decided.scan_ref);
    approval.updated_at = day(0) + Duration::minutes(7);
    assert!(store.change_verification(&approval, &[]).await.unwrap());

    let of_a = store.verification_stats(&[a.id], day(0)).await.unwrap();
    let today = day(0).unix_timestamp() / 86_400;
    assert_eq!(
        of_a.per_day,
        vec![(today, OverallStatus::Active, 1), (today, OverallStatus::Approved, 1)],
        "one day of partner a, the day before left out"
    );
    assert_eq!(of_a.decision_ms, vec![7 * 60 * 1000]);
    let all = store.verification_stats(&[], day(0)).await.unwrap();
    assert_eq!(all.per_day.last(), Some(&(today + 1, OverallStatus::Active, 1)));
    assert_eq!(all.per_day.iter().map(|(_, _, n)| n).sum::<i64>(), 3);
}
