//! Durable delivery: expiry via the fake clock, retries (500, Retry-After), 410, receivers that
//! hang, redirect, reset or flood, and the network rules for non-DEV partners.

use crate::webhooks_support::{WAIT, assert_signed, assert_valid_identification_webhook};
use futures::StreamExt;
use kycd_domain::{Environment, ScanRef, vocabulary::OverallStatus};
use kycd_store::{DeliveryFilter, DeliveryState};
use kycd_testkit::{
    TestApp, TestOptions, WebhookReceiver, receiver::Answer, spawn_app, spawn_app_with,
};
use kycd_webhooks::RetrySchedule;
use serde_json::json;
use std::time::Duration;

fn fast_retries() -> TestOptions {
    TestOptions {
        retry_schedule: RetrySchedule::parse("1s,1s,1s").unwrap(),
        ..TestOptions::default()
    }
}

async fn only_delivery(app: &TestApp) -> kycd_store::Delivery {
    let all = app.store.deliveries(&DeliveryFilter::default()).await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().unwrap()
}

/// Polls until the only delivery reaches `state` (deliveries finish asynchronously).
async fn wait_for_state(app: &TestApp, state: DeliveryState) -> kycd_store::Delivery {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let delivery = only_delivery(app).await;
        if delivery.state == state {
            return delivery;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "delivery stuck in {:?}: {delivery:?}",
            delivery.state
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `n` attempts of the only delivery are recorded, so that advancing the fake clock
/// afterwards moves time past the retry the worker scheduled (not before it was scheduled).
async fn wait_for_attempts(app: &TestApp, n: i64) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while only_delivery(app).await.attempts < n {
        assert!(tokio::time::Instant::now() < deadline, "attempt {n} not recorded");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn dummy_token(app: &TestApp, receiver: &WebhookReceiver) -> serde_json::Value {
    app.sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "c", "dummyStatus": "APPROVED", "callbackUrl": receiver.url("/hook")}))
        .await
        .expect(201)
        .json()
}

#[tokio::test]
async fn an_unused_token_expires_on_the_fake_clock_and_sends_identification_expired() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    app.set_webhook_url("sandbox", &receiver.url("/hook")).await;
    let token = app
        .sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "late", "expiryTime": 60}))
        .await
        .expect(201)
        .json();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(receiver.received().is_empty(), "not expired yet");
    app.clock.advance(time::Duration::seconds(61));
    let received = receiver.wait_for(1, WAIT).await;
    assert_signed(&received[0], &app.sandbox.signing_key);
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_EXPIRED"));
    let body = received[0].json();
    assert_eq!(body["scanRef"], token["scanRef"]);
    assert_eq!(
        (body["status"]["overall"].as_str(), body["final"].as_bool()),
        (Some("EXPIRED"), Some(true))
    );
    assert_valid_identification_webhook(&body);
    let sandbox = app.store.partner_by_name("sandbox").await.unwrap().unwrap();
    let stored = app
        .store
        .verification(sandbox.id, &ScanRef::from_trusted(token["scanRef"].as_str().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OverallStatus::Expired);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 1, "expired once");
}

#[tokio::test]
async fn failed_deliveries_retry_with_the_same_webhook_id_until_a_2xx() {
    let app = spawn_app_with(fast_retries()).await;
    let receiver = WebhookReceiver::start().await;
    receiver.script([Answer::Status(500), Answer::StatusWithBody(502, 5000)]);
    dummy_token(&app, &receiver).await;
    receiver.wait_for(1, WAIT).await;
    for expected in 2..=3 {
        wait_for_attempts(&app, expected as i64 - 1).await;
        // Nothing happens until the (fake) retry time comes.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(receiver.received().len(), expected - 1);
        app.clock.advance(time::Duration::seconds(2));
        receiver.wait_for(expected, WAIT).await;
    }
    let delivery = wait_for_state(&app, DeliveryState::Delivered).await;
    let received = receiver.received();
    let ids: Vec<_> = received.iter().map(|r| r.header("webhook-id").unwrap().to_owned()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(received.iter().all(|r| r.body == received[0].body), "identical bodies");
    for r in &received {
        assert_signed(r, &app.sandbox.signing_key);
    }
    let attempts = app.store.attempts(&delivery.id).await.unwrap();
    assert_eq!(
        attempts.iter().map(|a| a.status_code).collect::<Vec<_>>(),
        [Some(500), Some(502), Some(200)]
    );
    assert_eq!(
        attempts[1].response_excerpt.as_ref().map(String::len),
        Some(1024),
        "only 1 KiB kept"
    );
    assert!(attempts[0].request_headers.contains("idenfy-signature"));
}

#[tokio::test]
async fn retry_after_is_honoured_and_410_stops_retrying() {
    let app = spawn_app_with(fast_retries()).await;
    let receiver = WebhookReceiver::start().await;
    receiver.script([Answer::StatusWithRetryAfter(503, 120), Answer::Status(410)]);
    dummy_token(&app, &receiver).await;
    receiver.wait_for(1, WAIT).await;
    wait_for_attempts(&app, 1).await;
    app.clock.advance(time::Duration::seconds(60));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 1, "Retry-After 120 s beats the 1 s schedule");
    app.clock.advance(time::Duration::seconds(61));
    receiver.wait_for(2, WAIT).await;
    let delivery = wait_for_state(&app, DeliveryState::Gone).await;
    assert_eq!(delivery.attempts, 2);
    app.clock.advance(time::Duration::hours(24));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 2, "410 Gone is never retried");

    // The schedule ends: after the last retry the delivery fails for good.
    let app = spawn_app_with(TestOptions {
        retry_schedule: RetrySchedule::parse("1s").unwrap(),
        ..TestOptions::default()
    })
    .await;
    let receiver = WebhookReceiver::start().await;
    receiver.script([Answer::Status(500), Answer::Status(500), Answer::Status(500)]);
    dummy_token(&app, &receiver).await;
    receiver.wait_for(1, WAIT).await;
    wait_for_attempts(&app, 1).await;
    app.clock.advance(time::Duration::seconds(2));
    receiver.wait_for(2, WAIT).await;
    wait_for_state(&app, DeliveryState::Failed).await;
    app.clock.advance(time::Duration::hours(1));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(receiver.received().len(), 2);
    let failed = app
        .store
        .deliveries(&DeliveryFilter { failed_only: true, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
}

/// Issue 15's scenario: 300 events to a receiver that never answers filled every delivery slot,
/// and another partner's 50 webhooks then waited 39 s. Now the dead receiver holds its cap of
/// 16 and the other partner's webhooks all arrive while it is still saturated, before the first
/// hanging attempt could time out and free a slot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saturated_receiver_leaves_slots_for_other_partners() {
    let hang = Duration::from_secs(120);
    let options = TestOptions { webhook_timeout: Duration::from_secs(40), ..fast_retries() };
    let app = spawn_app_with(options).await;
    let dead = WebhookReceiver::start().await;
    dead.script(std::iter::repeat_n(Answer::Hang(hang), 400));
    let healthy = WebhookReceiver::start().await;
    let other = app.create_partner("other", Environment::Dev, None, 100_000).await;
    app.set_webhook_url("other", &healthy.url("/hook")).await;

    let create = |client: kycd_testkit::Client, body: serde_json::Value, count: usize| {
        futures::stream::iter(0..count)
            .map(move |n| {
                let (client, mut body) = (client.clone(), body.clone());
                body["clientId"] = json!(format!("c{n}"));
                async move { client.post_json("/api/v2/token", &body).await.expect(201) }
            })
            .buffer_unordered(8)
            .collect::<Vec<_>>()
    };
    let backlog = json!({"dummyStatus": "APPROVED", "callbackUrl": dead.url("/hook")});
    create(app.sandbox_client(), backlog, 300).await;
    let first_hang = dead.wait_for(16, WAIT).await[0].at;

    let started = std::time::Instant::now();
    create(app.client_for(&other), json!({"dummyStatus": "APPROVED"}), 50).await;
    healthy.wait_for(50, WAIT).await;
    let elapsed = started.elapsed();
    assert_eq!(
        dead.received().len(),
        16,
        "the dead receiver held exactly its cap while the other partner was served"
    );
    assert!(
        first_hang.elapsed() < Duration::from_secs(40),
        "no hanging attempt had timed out, so no slot of the dead receiver had been freed"
    );
    eprintln!("50 webhooks of another partner in {elapsed:?} beside a saturated receiver");
}

#[tokio::test]
async fn hanging_redirecting_and_closed_receivers_do_not_block_others() {
    let options = TestOptions { webhook_timeout: Duration::from_secs(3), ..fast_retries() };
    let app = spawn_app_with(options).await;
    let slow = WebhookReceiver::start().await;
    slow.script([Answer::Hang(Duration::from_secs(5))]);
    let redirecting = WebhookReceiver::start().await;
    redirecting.script([Answer::Redirect(redirecting.url("/elsewhere"))]);
    let healthy = WebhookReceiver::start().await;
    let closed_port =
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = app.sandbox_client();
    for url in [
        slow.url("/hook"),
        redirecting.url("/hook"),
        format!("http://127.0.0.1:{closed_port}/hook"),
        healthy.url("/hook"),
    ] {
        client
            .post_json(
                "/api/v2/token",
                &json!({"clientId": "c", "dummyStatus": "APPROVED", "callbackUrl": url}),
            )
            .await
            .expect(201);
    }
    healthy.wait_for(1, WAIT).await;
    slow.wait_for(1, WAIT).await;
    let slow_delivery = app
        .store
        .deliveries(&DeliveryFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.target_url.as_deref() == Some(slow.url("/hook").as_str()))
        .unwrap();
    assert_eq!(
        slow_delivery.attempts, 0,
        "the healthy receiver got its webhook while the hanging attempt was still open"
    );
    redirecting.wait_for(1, WAIT).await;
    // Wait for the hanging attempt to time out and all three failures to be recorded.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let failed = app
            .store
            .deliveries(&DeliveryFilter { failed_only: true, ..Default::default() })
            .await
            .unwrap();
        if failed.len() == 3 {
            let errors: Vec<String> =
                failed.iter().map(|d| format!("{:?} {:?}", d.last_status, d.last_error)).collect();
            assert!(failed.iter().all(|d| d.state == DeliveryState::Pending), "{errors:?}");
            assert!(
                errors.iter().any(|e| e.contains("Some(302)")),
                "redirect recorded, not followed: {errors:?}"
            );
            assert!(
                errors.iter().filter(|e| e.contains("None Some(")).count() == 2,
                "timeout and refused connection are errors: {errors:?}"
            );
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "not all failures recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        redirecting.received().iter().all(|r| r.path == "/hook"),
        "the redirect was not followed"
    );
}

#[tokio::test]
async fn non_dev_partners_cannot_reach_private_addresses_unless_allow_listed() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let partner = app.create_partner("prod", Environment::Prod, None, 0).await;
    let port = receiver.addr.port();
    let client = app.client_for(&partner);
    // Only expiry can finish a PROD token here; each target is the partner's webhook URL in turn.
    for (target, why) in [
        (format!("https://127.0.0.1:{port}/hook"), "127.0.0.1 is not a public address"),
        (format!("https://localhost:{port}/hook"), "resolves only to non-public addresses"),
        (format!("https://[::1]:{port}/hook"), "is not a public address"),
        (format!("http://8.8.8.8:{port}/hook"), "must use https"),
    ] {
        let update = kycd_store::PartnerUpdate {
            webhook_url: Some(Some(target.clone())),
            ..Default::default()
        };
        app.store.update_partner("prod", &update).await.unwrap();
        client
            .post_json("/api/v2/token", &json!({"clientId": "c", "expiryTime": 1}))
            .await
            .expect(201);
        app.clock.advance(time::Duration::seconds(2));
        let deadline = tokio::time::Instant::now() + WAIT;
        let delivery = loop {
            let all = app.store.deliveries(&DeliveryFilter::default()).await.unwrap();
            if let Some(d) = all.into_iter().find(|d| {
                d.target_url.as_deref() == Some(target.as_str()) && d.state == DeliveryState::Failed
            }) {
                break d;
            }
            assert!(tokio::time::Instant::now() < deadline, "no blocked delivery for {target}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let error = delivery.last_error.unwrap_or_default();
        assert!(
            error.contains("blocked by network policy") && error.contains(why),
            "{target}: {error}"
        );
    }
    assert!(receiver.received().is_empty(), "nothing reached the private receiver");

    // With 127.0.0.0/8 allow-listed, the same target is attempted (and fails on TLS, not policy).
    let options =
        TestOptions { allowed_networks: vec!["127.0.0.0/8".into()], ..TestOptions::default() };
    let app = spawn_app_with(options).await;
    let partner = app.create_partner("prod", Environment::Prod, None, 0).await;
    let target = format!("https://127.0.0.1:{port}/hook");
    let update =
        kycd_store::PartnerUpdate { webhook_url: Some(Some(target)), ..Default::default() };
    app.store.update_partner("prod", &update).await.unwrap();
    app.client_for(&partner)
        .post_json("/api/v2/token", &json!({"clientId": "c", "expiryTime": 1}))
        .await
        .expect(201);
    app.clock.advance(time::Duration::seconds(2));
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let delivery = app.store.deliveries(&DeliveryFilter::default()).await.unwrap().pop();
        if let Some(d) = delivery.filter(|d| d.attempts > 0) {
            let error = d.last_error.unwrap_or_default();
            assert!(!error.contains("blocked"), "{error}");
            assert_eq!(d.state, DeliveryState::Pending, "a TLS failure is retried");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn resend_sends_the_same_event_again_with_fresh_signatures() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    dummy_token(&app, &receiver).await;
    receiver.wait_for(1, WAIT).await;
    let delivery = wait_for_state(&app, DeliveryState::Delivered).await;
    app.clock.advance(time::Duration::seconds(30));
    assert!(app.store.resend_delivery(&delivery.id, app.clock_now()).await.unwrap());
    app.sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "wake", "dummyStatus": "ACTIVE"}))
        .await
        .expect(201);
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[0].header("webhook-id"), received[1].header("webhook-id"));
    assert_eq!(received[0].body, received[1].body);
    assert_ne!(received[0].header("webhook-timestamp"), received[1].header("webhook-timestamp"));
    assert_signed(&received[1], &app.sandbox.signing_key);
}
