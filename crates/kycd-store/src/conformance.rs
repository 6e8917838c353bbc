//! The behaviour every Store backend must show. A backend's test calls [`run_all`] with a factory
//! that returns a fresh, empty, migrated store; each check gets its own store.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should panic loudly

use crate::{
    AuditFilter, AuditRecord, DeliveryAttempt, DeliveryFilter, DeliveryState, NewWebhookEvent,
    NextStep, Partner, PartnerUpdate, Store, StoreError, Verification, VerificationChange,
    VerificationPurge,
};
use kycd_domain::{
    AuthToken, ClientId, Environment, PartnerId, ScanRef,
    token_request::{self, TokenDefaults},
    vocabulary::{EventType, OverallStatus},
};
use std::{future::Future, pin::Pin, sync::Arc};
use time::{Duration, OffsetDateTime, macros::datetime};

pub type StoreFactory =
    Box<dyn Fn() -> Pin<Box<dyn Future<Output = Arc<dyn Store>> + Send>> + Send + Sync>;

const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

/// Runs every conformance check, each on a fresh store, panicking on the first failure with the
/// check's name.
pub async fn run_all(factory: StoreFactory) {
    macro_rules! check {
        ($($name:ident),+ $(,)?) => {$(
            eprintln!("store conformance: {}", stringify!($name));
            $name(factory().await.as_ref()).await;
        )+};
    }
    check!(
        partners_round_trip,
        partner_names_and_keys_are_unique,
        partner_updates_change_only_what_is_named,
        rate_windows_count_per_partner_and_window,
        verification_round_trip_and_isolation,
        credits_are_spent_exactly_and_exhaustion_changes_nothing,
        concurrent_writes_each_commit_or_fail_alone,
        status_changes_are_compare_and_set_with_their_events,
        due_expirations_lists_only_expired_active_tokens,
        claims_lease_each_delivery_to_one_worker_until_the_lease_ends,
        attempts_are_recorded_and_move_deliveries_on,
        resend_queues_the_same_event_again,
        purge_removes_personal_data_and_stops_deliveries,
        retention_candidates_are_old_finished_verifications_of_one_environment,
        counters_count_per_key_and_window,
        audit_records_are_appended_and_listed_newest_first,
        sealed_columns_round_trip_through_the_key_ring,
        sandbox_queries_shift_list_stream_and_reset,
    );
}

pub fn sample_partner(name: &str, environment: Environment, credits: Option<i64>) -> Partner {
    Partner {
        id: PartnerId::generate(),
        name: name.to_owned(),
        environment,
        api_key: format!("key-{name}"),
        api_secret_sha256: [7; 32],
        signing_key: format!("signing-{name}"),
        webhook_url: None,
        credits,
        rate_limit_per_hour: 10_000,
        enabled: true,
        token_defaults: TokenDefaults::default(),
        created_at: T0,
    }
}

pub fn sample_verification(partner: &Partner, client: &str) -> Verification {
    let body =
        serde_json::json!({"clientId": client, "firstName": "Jonas", "dateOfBirth": "1990-01-02"});
    let serde_json::Value::Object(body) = body else { unreachable!("object literal") };
    let request = token_request::parse(&body, &partner.token_defaults, partner.environment)
        .expect("sample request is valid");
    Verification {
        scan_ref: ScanRef::generate(),
        partner_id: partner.id,
        client_id: ClientId::from_trusted(client),
        auth_token: AuthToken::generate(),
        digit_string: None,
        status: OverallStatus::Active,
        request,
        created_at: T0,
        token_expires_at: T0 + Duration::days(1),
        result: None,
        updated_at: T0,
    }
}

async fn partners_round_trip(store: &dyn Store) {
    assert_eq!(store.count_partners().await.unwrap(), 0);
    let partner = sample_partner("alpha", Environment::Test, Some(5));
    store.create_partner(&partner).await.unwrap();
    let by_name = store.partner_by_name("alpha").await.unwrap().expect("stored");
    assert_eq!(by_name, partner);
    let by_key = store.partner_by_api_key("key-alpha").await.unwrap().expect("stored");
    assert_eq!(by_key, partner);
    assert!(store.partner_by_name("nobody").await.unwrap().is_none());
    assert!(store.partner_by_api_key("nokey").await.unwrap().is_none());
    store.create_partner(&sample_partner("beta", Environment::Dev, None)).await.unwrap();
    let names: Vec<_> = store.list_partners().await.unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(store.count_partners().await.unwrap(), 2);
}

async fn partner_names_and_keys_are_unique(store: &dyn Store) {
    store.create_partner(&sample_partner("alpha", Environment::Dev, None)).await.unwrap();
    let same_name = sample_partner("alpha", Environment::Dev, None);
    assert!(matches!(store.create_partner(&same_name).await, Err(StoreError::Conflict(_))));
    let mut same_key = sample_partner("gamma", Environment::Dev, None);
    same_key.api_key = "key-alpha".into();
    assert!(matches!(store.create_partner(&same_key).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.count_partners().await.unwrap(), 1);
}

async fn partner_updates_change_only_what_is_named(store: &dyn Store) {
    let mut partner = sample_partner("alpha", Environment::Dev, Some(3));
    partner.webhook_url = Some("http://127.0.0.1:9/hook".into());
    store.create_partner(&partner).await.unwrap();

    let disabled = store
        .update_partner("alpha", &PartnerUpdate { enabled: Some(false), ..Default::default() })
        .await
        .unwrap();
    assert!(!disabled.enabled);
    assert_eq!(disabled.credits, Some(3));
    assert_eq!(disabled.webhook_url, partner.webhook_url);

    let changed = store
        .update_partner(
            "alpha",
            &PartnerUpdate {
                credits: Some(None),
                webhook_url: Some(None),
                api_secret_sha256: Some([9; 32]),
                rate_limit_per_hour: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.credits, None);
    assert_eq!(changed.webhook_url, None);
    assert_eq!(changed.api_secret_sha256, [9; 32]);
    assert_eq!(changed.rate_limit_per_hour, 0);
    assert!(!changed.enabled);
    assert_eq!(changed.signing_key, partner.signing_key);
    assert_eq!(store.partner_by_name("alpha").await.unwrap(), Some(changed));

    let missing = store.update_partner("nobody", &PartnerUpdate::default()).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
}

async fn rate_windows_count_per_partner_and_window(store: &dyn Store) {
    let a = sample_partner("alpha", Environment::Dev, None);
    let b = sample_partner("beta", Environment::Dev, None);
    store.create_partner(&a).await.unwrap();
    store.create_partner(&b).await.unwrap();
    for expected in 1..=3 {
        assert_eq!(store.count_request(a.id, T0).await.unwrap(), expected);
    }
    assert_eq!(store.count_request(b.id, T0).await.unwrap(), 1);
    let next_hour = T0 + Duration::hours(1);
    assert_eq!(store.count_request(a.id, next_hour).await.unwrap(), 1);
    assert_eq!(store.count_request(a.id, next_hour).await.unwrap(), 2);
}

async fn verification_round_trip_and_isolation(store: &dyn Store) {
    let owner = sample_partner("owner", Environment::Dev, None);
    let other = sample_partner("other", Environment::Dev, None);
    store.create_partner(&owner).await.unwrap();
    store.create_partner(&other).await.unwrap();
    let verification = sample_verification(&owner, "client-1");
    let event = NewWebhookEvent {
        id: "msg_1".into(),
        partner_id: owner.id,
        scan_ref: verification.scan_ref.clone(),
        event_type: EventType::AutoFinished,
        payload: br#"{"final":true}"#.to_vec(),
        target_url: None,
        created_at: T0,
        chaos: None,
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
    assert_eq!(store.count_verifications(owner.id).await.unwrap(), 1);
    assert_eq!(store.count_verifications(other.id).await.unwrap(), 0);
    let unknown = ScanRef::from_trusted("00000000-0000-0000-0000-000000000000");
    assert_eq!(store.verification(owner.id, &unknown).await.unwrap(), None);
}

async fn credits_are_spent_exactly_and_exhaustion_changes_nothing(store: &dyn Store) {
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
async fn concurrent_writes_each_commit_or_fail_alone(store: &dyn Store) {
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

fn event(partner: &Partner, scan_ref: &ScanRef, id: &str, target: Option<&str>) -> NewWebhookEvent {
    NewWebhookEvent {
        id: id.to_owned(),
        partner_id: partner.id,
        scan_ref: scan_ref.clone(),
        event_type: EventType::AutoFinished,
        payload: format!("{{\"id\":\"{id}\"}}").into_bytes(),
        target_url: target.map(str::to_owned),
        created_at: T0,
        chaos: (id == "msg_a").then(|| "DUPLICATE".to_owned()),
        deliver_after: None,
    }
}

async fn setup_one(store: &dyn Store) -> (Partner, Verification) {
    let partner = sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let verification = sample_verification(&partner, "c");
    store.create_verification(&verification, &[]).await.unwrap();
    (partner, verification)
}

async fn status_changes_are_compare_and_set_with_their_events(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    assert_eq!(store.partner_by_id(partner.id).await.unwrap().as_ref(), Some(&partner));
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Approved,
        result: Some(serde_json::json!({"autoFace": "FACE_MATCH"})),
        updated_at: T0 + Duration::seconds(5),
    };
    let events = [event(&partner, &verification.scan_ref, "msg_a", Some("http://127.0.0.1:1/h"))];
    assert!(store.change_verification(&change, &events).await.unwrap());
    let stored = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(stored.status, OverallStatus::Approved);
    assert_eq!(stored.result, Some(serde_json::json!({"autoFace": "FACE_MATCH"})));
    assert_eq!(stored.updated_at, T0 + Duration::seconds(5));
    // The same change again no longer matches: nothing is written, not even its events.
    let again = [event(&partner, &verification.scan_ref, "msg_b", Some("http://127.0.0.1:1/h"))];
    assert!(!store.change_verification(&change, &again).await.unwrap());
    assert!(store.delivery("msg_b").await.unwrap().is_none());
    let delivery = store.delivery("msg_a").await.unwrap().unwrap();
    assert_eq!(delivery.state, DeliveryState::Pending);
    assert_eq!(delivery.chaos.as_deref(), Some("DUPLICATE"));
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

async fn due_expirations_lists_only_expired_active_tokens(store: &dyn Store) {
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

async fn claims_lease_each_delivery_to_one_worker_until_the_lease_ends(store: &dyn Store) {
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
    assert_eq!(store.delivery("msg_none").await.unwrap().unwrap().state, DeliveryState::NoTarget);
    let lease = T0 + Duration::seconds(60);
    assert!(
        store
            .claim_deliveries(T0 - Duration::seconds(1), lease, "w0", 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let first = store.claim_deliveries(T0, lease, "w1", 1).await.unwrap();
    let second = store.claim_deliveries(T0, lease, "w2", 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(second.len(), 1);
    assert_ne!(first[0].id, second[0].id);
    assert!(
        store
            .claim_deliveries(T0 + Duration::seconds(59), lease, "w3", 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A crashed worker's lease ends: the delivery is claimable again.
    let reclaimed =
        store.claim_deliveries(lease, lease + Duration::seconds(60), "w3", 10).await.unwrap();
    assert_eq!(reclaimed.len(), 2);
    assert_eq!(reclaimed.iter().filter(|d| d.id == "msg_none").count(), 0);
}

async fn attempts_are_recorded_and_move_deliveries_on(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Approved,
        result: None,
        updated_at: T0,
    };
    let events = [event(&partner, &verification.scan_ref, "msg_r", Some("http://127.0.0.1:1/h"))];
    store.change_verification(&change, &events).await.unwrap();
    let lease = T0 + Duration::seconds(60);
    store.claim_deliveries(T0, lease, "w", 10).await.unwrap();
    let attempt = DeliveryAttempt {
        event_id: "msg_r".into(),
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
    let pending = store.delivery("msg_r").await.unwrap().unwrap();
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
        store.claim_deliveries(T0 + Duration::seconds(4), lease, "w", 10).await.unwrap().is_empty()
    );
    assert_eq!(
        store.claim_deliveries(retry_at, lease, "w", 10).await.unwrap().len(),
        1,
        "the lease was released"
    );
    let second =
        DeliveryAttempt { attempt: 2, status_code: Some(200), attempted_at: retry_at, ..attempt };
    store.record_attempt(&second, NextStep::Done(DeliveryState::Delivered)).await.unwrap();
    let done = store.delivery("msg_r").await.unwrap().unwrap();
    assert_eq!(
        (done.state, done.attempts, done.next_attempt_at),
        (DeliveryState::Delivered, 2, None)
    );
    let attempts = store.attempts("msg_r").await.unwrap();
    assert_eq!(attempts.iter().map(|a| a.status_code).collect::<Vec<_>>(), [Some(500), Some(200)]);
    assert!(
        store
            .claim_deliveries(retry_at + Duration::days(1), lease, "w", 10)
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

async fn resend_queues_the_same_event_again(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Approved,
        result: None,
        updated_at: T0,
    };
    let events = [
        event(&partner, &verification.scan_ref, "msg_s", Some("http://127.0.0.1:1/h")),
        event(&partner, &verification.scan_ref, "msg_t", None),
    ];
    store.change_verification(&change, &events).await.unwrap();
    let attempt = DeliveryAttempt {
        event_id: "msg_s".into(),
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
    assert!(store.resend_delivery("msg_s", later).await.unwrap());
    assert!(!store.resend_delivery("msg_t", later).await.unwrap(), "no target to send to");
    assert!(!store.resend_delivery("msg_unknown", later).await.unwrap());
    let claimed =
        store.claim_deliveries(later, later + Duration::seconds(60), "w", 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id.as_str(), claimed[0].attempts), ("msg_s", 1));
}

async fn purge_removes_personal_data_and_stops_deliveries(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Approved,
        result: Some(serde_json::json!({"data": {"docFirstName": "JONAS"}})),
        updated_at: T0,
    };
    let events = [event(&partner, &verification.scan_ref, "msg_p", Some("http://127.0.0.1:1/h"))];
    store.change_verification(&change, &events).await.unwrap();
    let purge = VerificationPurge {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Approved,
        new_status: OverallStatus::Deleted,
        redacted_request: verification.request.redacted(),
        at: T0 + Duration::hours(1),
    };
    let wrong = VerificationPurge { expected_status: OverallStatus::Denied, ..purge.clone() };
    assert!(!store.purge_verification(&wrong).await.unwrap());
    assert!(store.purge_verification(&purge).await.unwrap());
    let stored = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(stored.status, OverallStatus::Deleted);
    assert_eq!(stored.result, None);
    assert_eq!(stored.request.first_name, None);
    assert_eq!(stored.request.date_of_birth, None);
    assert_eq!(stored.request.client_id, verification.request.client_id);
    let delivery = store.delivery("msg_p").await.unwrap().unwrap();
    assert!(delivery.payload.is_empty());
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert!(
        store
            .claim_deliveries(T0 + Duration::days(1), T0 + Duration::days(2), "w", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!store.purge_verification(&purge).await.unwrap(), "already purged");
    assert!(
        !store.resend_delivery("msg_p", T0 + Duration::days(1)).await.unwrap(),
        "nothing left to resend"
    );
    // An attempt that was in flight during the purge does not revive the delivery.
    let late = DeliveryAttempt {
        event_id: "msg_p".into(),
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
    assert_eq!(store.delivery("msg_p").await.unwrap().unwrap().state, DeliveryState::Failed);
}

async fn retention_candidates_are_old_finished_verifications_of_one_environment(store: &dyn Store) {
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

async fn counters_count_per_key_and_window(store: &dyn Store) {
    assert_eq!(store.bump_counter("status:a", T0).await.unwrap(), 1);
    assert_eq!(store.bump_counter("status:a", T0).await.unwrap(), 2);
    assert_eq!(store.bump_counter("status:b", T0).await.unwrap(), 1);
    assert_eq!(store.bump_counter("status:a", T0 + Duration::minutes(1)).await.unwrap(), 1);
}

async fn audit_records_are_appended_and_listed_newest_first(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    for (n, action) in ["data.read", "files.list", "file.download"].iter().enumerate() {
        let record = AuditRecord {
            at: T0 + Duration::seconds(n as i64),
            partner_id: Some(partner.id),
            actor: "partner:p".into(),
            action: (*action).into(),
            scan_ref: Some(verification.scan_ref.clone()),
            detail: None,
        };
        store.append_audit(&record).await.unwrap();
    }
    let cli = AuditRecord {
        at: T0,
        partner_id: None,
        actor: "cli".into(),
        action: "cli.export".into(),
        scan_ref: None,
        detail: Some("all".into()),
    };
    store.append_audit(&cli).await.unwrap();
    let filter = AuditFilter { scan_ref: Some(verification.scan_ref.clone()), limit: 10 };
    let records = store.audit_records(&filter).await.unwrap();
    assert_eq!(
        records.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
        ["file.download", "files.list", "data.read"]
    );
    assert_eq!(store.audit_records(&AuditFilter::default()).await.unwrap().len(), 4);
}

async fn sealed_columns_round_trip_through_the_key_ring(store: &dyn Store) {
    let ring = store.key_ring();
    let sealed = ring.seal(b"image bytes", "files:x/FRONT");
    assert_eq!(ring.open(&sealed, "files:x/FRONT").unwrap(), b"image bytes");
    let mut partner = sample_partner("sealed", Environment::Dev, None);
    partner.signing_key = "s3cr3t-signing-key".into();
    store.create_partner(&partner).await.unwrap();
    assert_eq!(
        store.partner_by_api_key("key-sealed").await.unwrap().unwrap().signing_key,
        "s3cr3t-signing-key"
    );
    let update =
        PartnerUpdate { signing_key: Some("rotated-signing-key".into()), ..Default::default() };
    assert_eq!(
        store.update_partner("sealed", &update).await.unwrap().signing_key,
        "rotated-signing-key"
    );
}

async fn sandbox_queries_shift_list_stream_and_reset(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let other = sample_partner("other", Environment::Dev, None);
    store.create_partner(&other).await.unwrap();
    let theirs = sample_verification(&other, "theirs");
    store.create_verification(&theirs, &[]).await.unwrap();

    let by = Duration::hours(2);
    assert!(
        store
            .shift_verification_times(
                partner.id,
                &verification.scan_ref,
                by,
                Some(serde_json::json!({"x": 1}))
            )
            .await
            .unwrap()
    );
    assert!(
        !store.shift_verification_times(other.id, &verification.scan_ref, by, None).await.unwrap(),
        "not theirs"
    );
    let shifted = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(shifted.created_at, verification.created_at - by);
    assert_eq!(shifted.token_expires_at, verification.token_expires_at - by);
    assert_eq!(shifted.result, Some(serde_json::json!({"x": 1})));

    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Reviewing,
        result: None,
        updated_at: T0,
    };
    let mut late = event(&partner, &verification.scan_ref, "msg_late", None);
    late.created_at = T0 + Duration::seconds(5);
    let early = event(&partner, &verification.scan_ref, "msg_early", None);
    store.change_verification(&change, &[late, early]).await.unwrap();
    let reviewing = store.verifications_with_status(OverallStatus::Reviewing, 10).await.unwrap();
    assert_eq!(reviewing.iter().map(|v| &v.scan_ref).collect::<Vec<_>>(), [&verification.scan_ref]);
    let events = store.partner_events_since(partner.id, T0, None, 10).await.unwrap();
    assert_eq!(events.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["msg_early", "msg_late"]);
    let later = store.partner_events_since(partner.id, T0 + Duration::seconds(1), None, 10);
    assert_eq!(later.await.unwrap().len(), 1);
    assert!(store.partner_events_since(other.id, T0, None, 10).await.unwrap().is_empty());
    // Paging on the (created_at, id) cursor: nothing is skipped or repeated.
    let page = store.partner_events_since(partner.id, T0, None, 1).await.unwrap();
    assert_eq!(page[0].id, "msg_early");
    let next = store.partner_events_since(partner.id, page[0].created_at, Some(&page[0].id), 1);
    let next = next.await.unwrap();
    assert_eq!(next[0].id, "msg_late");
    let end = store.partner_events_since(partner.id, next[0].created_at, Some(&next[0].id), 1);
    assert!(end.await.unwrap().is_empty());

    let removed = store.delete_partner_verifications(partner.id).await.unwrap();
    assert_eq!(removed.iter().collect::<Vec<_>>(), [&verification.scan_ref]);
    assert_eq!(store.count_verifications(partner.id).await.unwrap(), 0);
    assert!(store.delivery("msg_early").await.unwrap().is_none());
    assert_eq!(store.count_verifications(other.id).await.unwrap(), 1, "other partners untouched");
}
