//! Conformance of [`crate::OutboxStore`]: leased claims, recorded attempts, resends.

use super::*;

pub async fn claims_lease_each_delivery_to_one_worker_until_the_lease_ends(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let scan = &verification.scan_ref;
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: scan.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Denied,
        result: None,
        updated_at: T0,
    };
    let events = [
        event(&partner, scan, "msg_1", Some("http://127.0.0.1:1/h")),
        event(&partner, scan, "msg_2", Some("http://127.0.0.1:1/h")),
        event(&partner, scan, "msg_none", None),
    ];
    assert!(store.change_verification(&change, &events).await.unwrap());
    assert_eq!(
        store.delivery(&webhook_id("msg_none")).await.unwrap().unwrap().state,
        DeliveryState::NoTarget
    );
    let lease = T0 + Duration::seconds(60);
    assert!(
        store
            .claim_deliveries(T0 - Duration::seconds(1), lease, "w0", 10, FairShare::default())
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let first = store.claim_deliveries(T0, lease, "w1", 1, FairShare::default()).await.unwrap();
    let second = store.claim_deliveries(T0, lease, "w2", 10, FairShare::default()).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(second.len(), 1);
    assert_ne!(first[0].id, second[0].id);
    assert!(
        store
            .claim_deliveries(T0 + Duration::seconds(59), lease, "w3", 10, FairShare::default())
            .await
            .unwrap()
            .is_empty()
    );
    // A crashed worker's lease ends: the delivery is claimable again.
    let reclaimed = store
        .claim_deliveries(lease, lease + Duration::seconds(60), "w3", 10, FairShare::default())
        .await
        .unwrap();
    assert_eq!(reclaimed.len(), 2);
    assert_eq!(reclaimed.iter().filter(|d| d.id.as_str() == "msg_none").count(), 0);
}

pub async fn claims_share_slots_fairly_between_receivers_and_partners(store: &dyn Store) {
    let slow = sample_partner("slow", Environment::Dev, None);
    let fast = sample_partner("fast", Environment::Dev, None);
    for (partner, targets) in [
        (&slow, vec![("http://slow.test/h", 30), ("http://slow-too.test/h", 10)]),
        (&fast, vec![("http://fast.test/h", 5)]),
    ] {
        store.create_partner(partner).await.unwrap();
        let verification = sample_verification(partner, "c");
        store.create_verification(&verification, &[]).await.unwrap();
        let mut events = Vec::new();
        for (target, count) in targets {
            for n in 0..count {
                let id = format!("msg_{}_{}_{n:02}", partner.name, target.len());
                events.push(NewWebhookEvent {
                    // The backlog is older than the other partner's events.
                    created_at: T0 - Duration::seconds(if partner.id == slow.id { 60 } else { 0 }),
                    ..event(partner, &verification.scan_ref, &id, Some(target))
                });
            }
        }
        let change = approval(partner, &verification.scan_ref);
        assert!(store.change_verification(&change, &events).await.unwrap());
    }
    let share = FairShare { per_receiver: 4, per_partner: 6 };
    let lease = T0 + Duration::seconds(60);
    let by_receiver = |claimed: &[crate::Delivery]| {
        let mut counts = std::collections::BTreeMap::new();
        for delivery in claimed {
            *counts.entry(delivery.target_url.clone().unwrap_or_default()).or_insert(0) += 1;
        }
        counts.into_iter().collect::<Vec<_>>()
    };

    let first = store.claim_deliveries(T0, lease, "w1", 20, share).await.unwrap();
    assert_eq!(
        by_receiver(&first),
        [
            ("http://fast.test/h".to_owned(), 4),
            ("http://slow-too.test/h".to_owned(), 3),
            ("http://slow.test/h".to_owned(), 3)
        ],
        "the slow partner gets its cap of 6, its two receivers taking turns; the other partner \
         its receiver's cap of 4"
    );
    let fast_turn = first.iter().position(|d| d.partner_id == fast.id).unwrap();
    assert!(fast_turn <= 1, "the backlog goes no further ahead than one delivery: {fast_turn}");

    // What is in flight counts, whichever worker holds it.
    assert!(store.claim_deliveries(T0, lease, "w2", 20, share).await.unwrap().is_empty());

    // One of the slow partner's deliveries finishes: exactly one more of its may go.
    let done = first.iter().find(|d| d.partner_id == slow.id).unwrap();
    let attempt = DeliveryAttempt {
        event_id: done.id.clone(),
        attempt: 1,
        attempted_at: T0,
        target_url: done.target_url.clone().unwrap(),
        request_headers: "{}".into(),
        status_code: Some(200),
        latency_ms: 9_000,
        error: None,
        response_excerpt: None,
    };
    store.record_attempt(&attempt, NextStep::Done(DeliveryState::Delivered)).await.unwrap();
    let next = store.claim_deliveries(T0, lease, "w3", 20, share).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].partner_id, slow.id);

    // Leases that ran out no longer count: each partner gets its whole share again.
    let later = store.claim_deliveries(lease, lease + Duration::seconds(60), "w4", 20, share);
    let later = later.await.unwrap();
    assert_eq!(later.iter().filter(|d| d.partner_id == slow.id).count(), 6);
    assert_eq!(later.iter().filter(|d| d.partner_id == fast.id).count(), 4);
    assert!(by_receiver(&later).iter().all(|(_, count)| *count <= 4));
}

pub async fn attempts_are_recorded_and_move_deliveries_on(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let change = approval(&partner, &verification.scan_ref);
    let events = [event(&partner, &verification.scan_ref, "msg_r", Some("http://127.0.0.1:1/h"))];
    store.change_verification(&change, &events).await.unwrap();
    let lease = T0 + Duration::seconds(60);
    store.claim_deliveries(T0, lease, "w", 10, FairShare::default()).await.unwrap();
    let attempt = DeliveryAttempt {
        event_id: webhook_id("msg_r"),
        attempt: 1,
        attempted_at: T0,
        target_url: "http://127.0.0.1:1/h".into(),
        request_headers: "{}".into(),
        status_code: Some(500),
        latency_ms: 12,
        error: None,
        response_excerpt: Some("oops".into()),
    };
    let retry_at = T0 + Duration::seconds(5);
    store.record_attempt(&attempt, NextStep::RetryAt(retry_at)).await.unwrap();
    let pending = store.delivery(&webhook_id("msg_r")).await.unwrap().unwrap();
    assert_eq!(
        (pending.state, pending.attempts, pending.next_attempt_at, pending.last_status),
        (DeliveryState::Pending, 1, Some(retry_at), Some(500))
    );
    let failed = store
        .deliveries(&DeliveryFilter { failed_only: true, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(failed.len(), 1, "a pending delivery whose last attempt failed counts as failed");
    assert!(
        store
            .claim_deliveries(T0 + Duration::seconds(4), lease, "w", 10, FairShare::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.claim_deliveries(retry_at, lease, "w", 10, FairShare::default()).await.unwrap().len(),
        1,
        "the lease was released"
    );
    let second =
        DeliveryAttempt { attempt: 2, status_code: Some(200), attempted_at: retry_at, ..attempt };
    store.record_attempt(&second, NextStep::Done(DeliveryState::Delivered)).await.unwrap();
    let done = store.delivery(&webhook_id("msg_r")).await.unwrap().unwrap();
    assert_eq!(
        (done.state, done.attempts, done.next_attempt_at),
        (DeliveryState::Delivered, 2, None)
    );
    let attempts = store.attempts(&webhook_id("msg_r")).await.unwrap();
    assert_eq!(attempts.iter().map(|a| a.status_code).collect::<Vec<_>>(), [Some(500), Some(200)]);
    assert!(
        store
            .claim_deliveries(retry_at + Duration::days(1), lease, "w", 10, FairShare::default())
            .await
            .unwrap()
            .is_empty()
    );
    let by_scan = DeliveryFilter {
        scan_ref: Some(verification.scan_ref.clone()),
        partner_id: Some(partner.id),
        ..Default::default()
    };
    assert_eq!(store.deliveries(&by_scan).await.unwrap().len(), 1);
    let other_partner =
        DeliveryFilter { partner_id: Some(PartnerId::generate()), ..Default::default() };
    assert!(store.deliveries(&other_partner).await.unwrap().is_empty());
    assert!(
        store
            .deliveries(&DeliveryFilter { failed_only: true, ..Default::default() })
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn resend_queues_the_same_event_again(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let change = approval(&partner, &verification.scan_ref);
    let events = [
        event(&partner, &verification.scan_ref, "msg_s", Some("http://127.0.0.1:1/h")),
        event(&partner, &verification.scan_ref, "msg_t", None),
    ];
    store.change_verification(&change, &events).await.unwrap();
    let attempt = DeliveryAttempt {
        event_id: webhook_id("msg_s"),
        attempt: 1,
        attempted_at: T0,
        target_url: "http://127.0.0.1:1/h".into(),
        request_headers: "{}".into(),
        status_code: Some(410),
        latency_ms: 1,
        error: None,
        response_excerpt: None,
    };
    store.record_attempt(&attempt, NextStep::Done(DeliveryState::Gone)).await.unwrap();
    let later = T0 + Duration::minutes(3);
    assert!(store.resend_delivery(&webhook_id("msg_s"), later).await.unwrap());
    assert!(
        !store.resend_delivery(&webhook_id("msg_t"), later).await.unwrap(),
        "no target to send to"
    );
    assert!(!store.resend_delivery(&webhook_id("msg_unknown"), later).await.unwrap());
    let claimed = store
        .claim_deliveries(later, later + Duration::seconds(60), "w", 10, FairShare::default())
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id.as_str(), claimed[0].attempts), ("msg_s", 1));
}

pub async fn backlog_counts_pending_deliveries_and_the_longest_overdue(store: &dyn Store) {
    assert_eq!(store.outbox_backlog(T0).await.unwrap(), OutboxBacklog::default());
    let (partner, verification) = setup_one(store).await;
    let scan = &verification.scan_ref;
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: scan.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Denied,
        result: None,
        updated_at: T0,
    };
    let later = T0 + Duration::minutes(10);
    let events = [
        event(&partner, scan, "msg_now", Some("http://127.0.0.1:1/h")),
        NewWebhookEvent {
            deliver_after: Some(later),
            ..event(&partner, scan, "msg_later", Some("http://127.0.0.1:1/h"))
        },
        event(&partner, scan, "msg_none", None),
    ];
    assert!(store.change_verification(&change, &events).await.unwrap());
    let before = store.outbox_backlog(T0 - Duration::seconds(1)).await.unwrap();
    assert_eq!(before, OutboxBacklog { pending: 2, oldest_due_at: None }, "nothing due yet");
    let at_t0 = store.outbox_backlog(T0).await.unwrap();
    assert_eq!(at_t0, OutboxBacklog { pending: 2, oldest_due_at: Some(T0) });
    // Leased deliveries are still pending: the backlog does not hide work in flight.
    let claimed = store
        .claim_deliveries(T0, T0 + Duration::seconds(60), "w", 10, FairShare::default())
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(store.outbox_backlog(T0).await.unwrap().pending, 2);
    let attempt = DeliveryAttempt {
        event_id: webhook_id("msg_now"),
        attempt: 1,
        attempted_at: T0,
        target_url: "http://127.0.0.1:1/h".into(),
        request_headers: "{}".into(),
        status_code: Some(200),
        latency_ms: 3,
        error: None,
        response_excerpt: None,
    };
    store.record_attempt(&attempt, NextStep::Done(DeliveryState::Delivered)).await.unwrap();
    let after = store.outbox_backlog(later + Duration::minutes(1)).await.unwrap();
    assert_eq!(after, OutboxBacklog { pending: 1, oldest_due_at: Some(later) });
}
