//! Runs the shared store conformance suite (one test per check), and the checks only a shared server needs (sealed
//! columns, concurrent spenders and claimers), against PostgreSQL when `KYCD_TEST_POSTGRES_URL` is
//! set; each store gets its own fresh database. Without the variable every test says it skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kycd_domain::{Environment, fair_share::FairShare, vocabulary::EventType};
use kycd_store::{
    ChaosSet, DeliveryAttempt, NewWebhookEvent, NextStep, StoreError,
    conformance::{self, webhook_id},
    crypto::MasterKey,
    prelude::*,
};
use kycd_store_postgres::{PostgresStore, testing};
use std::{collections::HashSet, sync::Arc};
use time::{Duration, OffsetDateTime, macros::datetime};

const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

/// The test server's URL, or `None` after printing why the test does not run.
fn server_url() -> Option<String> {
    let url = testing::server_url();
    if url.is_none() {
        eprintln!("SKIPPED: {} is not set; PostgreSQL store test not run", testing::URL_VAR);
    }
    url
}

async fn fresh_url(server: &str) -> String {
    testing::fresh_database(server).await.unwrap()
}

/// A fresh store on its own new database, or `None` (having said why) without a server.
async fn fresh_store() -> Option<(PostgresStore, ())> {
    let server = server_url()?;
    let url = fresh_url(&server).await;
    Some((PostgresStore::open(&url, &MasterKey::generate()).await.unwrap(), ()))
}

/// The shared store conformance suite, one test per check.
mod conformance_suite {
    kycd_store::conformance_tests!(super::fresh_store());
}

#[tokio::test]
async fn personal_data_is_sealed_in_the_database_and_master_keys_rotate() {
    let Some(server) = server_url() else { return };
    let url = fresh_url(&server).await;
    let master = MasterKey::generate();
    let store = PostgresStore::open(&url, &master).await.unwrap();
    let partner = conformance::sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let verification = conformance::sample_verification(&partner, "c");
    store.create_verification(&verification, &[]).await.unwrap();

    // The raw column bytes hold no plaintext, and open with the SQLite backend's contexts.
    let (request, signing_key): (Vec<u8>, Vec<u8>) = sqlx::query_as(
        "SELECT v.request, p.signing_key FROM verifications v JOIN partners p ON p.id = v.partner_id",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    for (raw, needles) in
        [(&request, &[&b"JONAS"[..], b"1990-01-02"][..]), (&signing_key, &[&b"signing-p"[..]][..])]
    {
        for needle in needles {
            assert!(
                !raw.windows(needle.len()).any(|w| w == *needle),
                "{} in plaintext",
                String::from_utf8_lossy(needle)
            );
        }
    }
    let ring = store.key_ring();
    let opened =
        ring.open(&request, &format!("verifications.request:{}", verification.scan_ref)).unwrap();
    assert!(String::from_utf8(opened).unwrap().contains("JONAS"));
    let opened = ring.open(&signing_key, &format!("partners.signing_key:{}", partner.id)).unwrap();
    assert_eq!(opened, b"signing-p");
    store.pool().close().await;

    // Another master key cannot open it; after re-wrapping, only the new one can.
    let wrong = MasterKey::generate();
    let refused = PostgresStore::open(&url, &wrong).await.unwrap_err().to_string();
    assert!(refused.contains("does not open"), "{refused}");
    let store = PostgresStore::open(&url, &master).await.unwrap();
    let new_master = MasterKey::generate();
    assert_eq!(store.rewrap_data_keys(&new_master).await.unwrap(), 1);
    store.pool().close().await;
    assert!(PostgresStore::open(&url, &master).await.is_err());
    let store = PostgresStore::open(&url, &new_master).await.unwrap();
    let read = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(read.request.first_name.as_deref(), Some("JONAS"));
    store.pool().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_starting_together_share_one_data_key() {
    let Some(server) = server_url() else { return };
    let url = fresh_url(&server).await;
    let master = MasterKey::generate();
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let (url, master) = (url.clone(), master.clone());
            tokio::spawn(async move { PostgresStore::open(&url, &master).await.unwrap() })
        })
        .collect();
    let mut active = HashSet::new();
    for open in opens {
        let store = open.await.unwrap();
        active.insert(store.key_ring().active_key_id().to_owned());
        store.pool().close().await;
    }
    assert_eq!(active.len(), 1, "every node seals with the same data key: {active:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_spenders_on_several_nodes_spend_credits_exactly() {
    let Some(server) = server_url() else { return };
    let url = fresh_url(&server).await;
    let master = MasterKey::generate();
    // Two stores = two nodes, each with its own connection pool.
    let nodes = [
        Arc::new(PostgresStore::open(&url, &master).await.unwrap()),
        Arc::new(PostgresStore::open(&url, &master).await.unwrap()),
    ];
    let partner = conformance::sample_partner("metered", Environment::Test, Some(5));
    nodes[0].create_partner(&partner).await.unwrap();
    let tasks: Vec<_> = (0..24)
        .map(|n| {
            let node = nodes[n % 2].clone();
            let verification = conformance::sample_verification(&partner, &format!("c{n}"));
            tokio::spawn(async move { node.create_verification(&verification, &[]).await })
        })
        .collect();
    let (mut created, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => created += 1,
            Err(StoreError::NoCredits) => refused += 1,
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!((created, refused), (5, 19));
    assert_eq!(nodes[1].count_verifications(partner.id).await.unwrap(), 5);
    assert_eq!(nodes[1].partner_by_id(partner.id).await.unwrap().unwrap().credits, Some(0));
    for node in nodes {
        node.pool().close().await;
    }
}

/// Two store nodes on one fresh database, with `count` due deliveries of one partner to `target`.
async fn two_nodes_with_deliveries(
    server: &str,
    count: usize,
    target: &str,
) -> [Arc<PostgresStore>; 2] {
    let url = fresh_url(server).await;
    let master = MasterKey::generate();
    let nodes = [
        Arc::new(PostgresStore::open(&url, &master).await.unwrap()),
        Arc::new(PostgresStore::open(&url, &master).await.unwrap()),
    ];
    let partner = conformance::sample_partner("p", Environment::Dev, None);
    nodes[0].create_partner(&partner).await.unwrap();
    let verification = conformance::sample_verification(&partner, "c");
    nodes[0].create_verification(&verification, &[]).await.unwrap();
    let events: Vec<_> = (0..count)
        .map(|n| NewWebhookEvent {
            id: webhook_id(&format!("msg_{n:02}")),
            partner_id: partner.id,
            scan_ref: verification.scan_ref.clone(),
            event_type: EventType::AutoFinished,
            payload: b"{}".to_vec(),
            target_url: Some(target.to_owned()),
            created_at: T0,
            chaos: ChaosSet::new(),
            deliver_after: None,
        })
        .collect();
    let change = conformance::approval(&partner, &verification.scan_ref);
    assert!(nodes[0].change_verification(&change, &events).await.unwrap());
    nodes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claimers_never_get_the_same_delivery() {
    let Some(server) = server_url() else { return };
    let nodes = two_nodes_with_deliveries(&server, 20, "http://127.0.0.1:1/h").await;

    // Four workers on two nodes claim small batches until nothing is left.
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let node = nodes[w % 2].clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let lease = T0 + Duration::seconds(60);
                    let batch = node
                        .claim_deliveries(T0, lease, &format!("w{w}"), 3, UNCAPPED)
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|d| d.id));
                }
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for worker in workers {
        for id in worker.await.unwrap() {
            assert!(seen.insert(id.clone()), "{id} was claimed twice while its lease held");
        }
    }
    assert_eq!(seen.len(), 20, "every due delivery was claimed once");
    for node in nodes {
        node.pool().close().await;
    }
}

/// Caps that a test's handful of deliveries never reaches.
const UNCAPPED: FairShare = FairShare { per_receiver: 1000, per_partner: 1000 };

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receivers_cap_holds_across_nodes_claiming_at_once() {
    let Some(server) = server_url() else { return };
    let nodes = two_nodes_with_deliveries(&server, 60, "http://slow.test/h").await;

    // Eight workers on two nodes each claim as much as they may, at the same moment.
    let share = FairShare { per_receiver: 5, per_partner: 50 };
    let claims: Vec<_> = (0..8)
        .map(|w| {
            let node = nodes[w % 2].clone();
            tokio::spawn(async move {
                let lease = T0 + Duration::seconds(60);
                node.claim_deliveries(T0, lease, &format!("w{w}"), 10, share).await.unwrap().len()
            })
        })
        .collect();
    let mut claimed = 0;
    for claim in claims {
        claimed += claim.await.unwrap();
    }
    assert_eq!(claimed, 5, "all nodes together hold the receiver's cap, never more");
    for node in nodes {
        node.pool().close().await;
    }
}

#[tokio::test]
async fn text_postgres_cannot_store_does_not_fail_writes_or_lookups() {
    let Some(server) = server_url() else { return };
    let url = fresh_url(&server).await;
    let store = PostgresStore::open(&url, &MasterKey::generate()).await.unwrap();
    let partner = conformance::sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let verification = conformance::sample_verification(&partner, "c");
    let event = NewWebhookEvent {
        id: webhook_id("msg_nul"),
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        event_type: EventType::AutoFinished,
        payload: b"{\"a\":\"\0\"}".to_vec(),
        target_url: Some("http://127.0.0.1:1/h\0".into()),
        created_at: T0,
        chaos: ChaosSet::new(),
        deliver_after: None,
    };
    store.create_verification(&verification, &[event]).await.unwrap();
    // A receiver may answer with any bytes; the attempt is still recorded.
    let attempt = DeliveryAttempt {
        event_id: webhook_id("msg_nul"),
        attempt: 1,
        attempted_at: T0,
        target_url: "http://127.0.0.1:1/h%00".into(),
        request_headers: "{}".into(),
        status_code: Some(500),
        latency_ms: 1,
        error: Some("bad\0".into()),
        response_excerpt: Some("\0binary\0".into()),
    };
    store.record_attempt(&attempt, NextStep::RetryAt(T0)).await.unwrap();
    let delivery = store.delivery(&webhook_id("msg_nul")).await.unwrap().unwrap();
    assert_eq!(delivery.payload, b"{\"a\":\"\0\"}", "sealed bodies keep every byte");
    assert_eq!(delivery.target_url.as_deref(), Some("http://127.0.0.1:1/h%00"));
    assert_eq!(delivery.last_error.as_deref(), Some("bad\u{FFFD}"));
    let recorded = store.attempts(&webhook_id("msg_nul")).await.unwrap();
    assert_eq!(recorded[0].response_excerpt.as_deref(), Some("\u{FFFD}binary\u{FFFD}"));
    // Lookups by a value holding NUL find nothing instead of failing.
    assert!(store.partner_by_api_key("key\0").await.unwrap().is_none());
    assert!(store.partner_by_name("p\0").await.unwrap().is_none());
    let odd = kycd_domain::ScanRef::from_trusted("scan\0ref");
    assert!(store.verification(partner.id, &odd).await.unwrap().is_none());
    assert!(store.delivery(&webhook_id("msg\0")).await.unwrap().is_none());
    assert_eq!(store.bump_counter("status:\0", T0).await.unwrap(), 1);
    store.pool().close().await;
}

#[tokio::test]
async fn chaos_and_results_keep_their_column_formats() {
    use kycd_domain::{result::VerificationResult, sandbox::Chaos};
    let Some((store, ())) = fresh_store().await else { return };
    let partner = conformance::sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let mut verification = conformance::sample_verification(&partner, "c");
    let result = VerificationResult { platform: Some("PC".into()), ..Default::default() };
    verification.result = Some(result.clone());
    let event = |id: &str, chaos: ChaosSet| NewWebhookEvent {
        id: webhook_id(id),
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        event_type: EventType::AutoFinished,
        payload: b"{}".to_vec(),
        target_url: None,
        created_at: T0,
        deliver_after: None,
        chaos,
    };
    let events = [
        event("msg_1", [Chaos::OutOfOrder, Chaos::Duplicate].into_iter().collect()),
        event("msg_2", ChaosSet::new()),
    ];
    store.create_verification(&verification, &events).await.unwrap();
    let chaos: Vec<Option<String>> =
        sqlx::query_scalar("SELECT chaos FROM webhook_events ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(chaos, [Some("DUPLICATE,OUT_OF_ORDER".to_owned()), None]);
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT result FROM verifications")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let context = format!("verifications.result:{}", verification.scan_ref);
    let json = store.key_ring().open(&sealed, &context).unwrap();
    assert_eq!(json, serde_json::to_vec(&result).unwrap());

    // Stored JSON that is not a result reads as corrupt, not as a panic or a default.
    let bad = store.key_ring().seal(b"[1, 2]", &context);
    sqlx::query("UPDATE verifications SET result = $1")
        .bind(bad)
        .execute(store.pool())
        .await
        .unwrap();
    let read = store.verification(partner.id, &verification.scan_ref).await;
    assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
    store.pool().close().await;
}
