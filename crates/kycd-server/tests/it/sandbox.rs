//! Sandbox power tools: scenarios and their webhooks, dummyResult, per-verification time control,
//! the delivery log and replay, each chaos kind, reset, and the refusals outside DEV.

use crate::webhooks_support::{WAIT, assert_signed};
use hmac::{Hmac, Mac};
use kycd_domain::{Environment, sandbox::SCENARIOS};
use kycd_testkit::{Received, TestApp, WebhookReceiver, spawn_app};
use serde_json::{Value, json};
use sha2::Sha256;
use std::time::Duration;

async fn token(app: &TestApp, receiver: &WebhookReceiver, dummy_result: Value) -> String {
    let body = json!({"clientId": "sb", "expiryTime": 3600, "dummyResult": dummy_result, "callbackUrl": receiver.url("/hook")});
    let reply = app.sandbox_client().post_json("/api/v2/token", &body).await.expect(201).json();
    assert_eq!(reply["message"], "Dummy token and verification created successfully");
    reply["scanRef"].as_str().unwrap().to_owned()
}

async fn advance(app: &TestApp, scan_ref: &str, seconds: i64) -> Value {
    app.sandbox_client()
        .post_json("/api/v2/sandbox/advance", &json!({"scanRef": scan_ref, "seconds": seconds}))
        .await
        .expect(200)
        .json()
}

fn idenfy_signature(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn summary(r: &Received) -> (String, String, bool) {
    let body = r.json();
    (
        r.header("idenfy-event-type").unwrap().to_owned(),
        body["status"]["overall"].as_str().unwrap().to_owned(),
        body["final"].as_bool().unwrap(),
    )
}

#[tokio::test]
async fn every_scenario_sends_the_webhooks_it_declares() {
    let app = spawn_app().await;
    let listed = app.sandbox_client().get("/api/v2/sandbox/scenarios").await.expect(200).json();
    assert_eq!(listed["scenarios"].as_array().unwrap().len(), SCENARIOS.len());
    for scenario in SCENARIOS {
        let receiver = WebhookReceiver::start().await;
        let scan_ref = token(&app, &receiver, json!({"scenario": scenario.name})).await;
        let first_is_immediate =
            scenario.expected[0].0 != kycd_domain::vocabulary::EventType::Expired;
        if first_is_immediate {
            receiver.wait_for(1, WAIT).await;
        }
        if scenario.expected.len() > 1 || !first_is_immediate {
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(
                receiver.received().len(),
                usize::from(first_is_immediate),
                "{}: nothing else yet",
                scenario.name
            );
            advance(&app, &scan_ref, 3601).await;
        }
        let received = receiver.wait_for(scenario.expected.len(), WAIT).await;
        let got: Vec<_> = received.iter().map(summary).collect();
        let want: Vec<_> = scenario
            .expected
            .iter()
            .map(|(event, overall, is_final)| {
                (event.as_str().to_owned(), overall.as_str().to_owned(), *is_final)
            })
            .collect();
        assert_eq!(got, want, "scenario {}", scenario.name);
        for r in &received {
            assert_signed(r, &app.sandbox.signing_key);
        }
    }
    // The scenario under-age reports a young date of birth and the tag.
    let receiver = WebhookReceiver::start().await;
    token(&app, &receiver, json!({"scenario": "under-age"})).await;
    let body = receiver.wait_for(1, WAIT).await[0].json();
    assert_eq!(body["status"]["mismatchTags"], json!(["UNDER_AGE"]));
    assert_eq!(body["data"]["docDob"], "2012-03-04");
}

#[tokio::test]
async fn dummy_result_sets_any_outcome_and_the_rule_derives_overall() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    token(
        &app,
        &receiver,
        json!({
            "autoFace": "FACE_MATCH", "autoDocument": "DOC_VALIDATED", "mismatchTags": ["NAME"],
            "data": {"docFirstName": "MARIJA", "docNationality": "LV", "duplicateFaces": ["x"]},
        }),
    )
    .await;
    let body = receiver.wait_for(1, WAIT).await[0].json();
    assert_eq!(body["status"]["overall"], "SUSPECTED", "a mismatch tag makes it SUSPECTED");
    assert_eq!(body["data"]["docFirstName"], "MARIJA");
    assert_eq!(body["data"]["docNationality"], "LV");
    let refused = app.sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "x", "dummyResult": {"autoFace": "FACE_MATCH", "fraudTags": ["BAD_VIBES"]}}))
        .await
        .expect(400);
    assert!(refused.error().1.contains("dummyResult.fraudTags"));
    let both = app.sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "x", "dummyStatus": "APPROVED", "dummyResult": {"scenario": "approved"}}))
        .await
        .expect(400);
    assert!(both.error().1.contains("dummyResult"));
}

#[tokio::test]
async fn dummy_status_is_the_base_that_dummy_result_overrides() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let client = app.sandbox_client();
    client
        .post_json(
            "/api/v2/token",
            &json!({"clientId": "u", "dummyStatus": "APPROVED", "callbackUrl": receiver.url("/u"),
                "dummyResult": {"mismatchTags": ["UNDER_AGE"]}}),
        )
        .await
        .expect(201);
    let body = receiver.wait_for(1, WAIT).await[0].json();
    assert_eq!(body["status"]["overall"], "SUSPECTED", "a mismatch tag over APPROVED");
    assert_eq!(body["status"]["autoFace"], "FACE_MATCH", "from dummyStatus APPROVED");
    assert_eq!(body["status"]["autoDocument"], "DOC_VALIDATED", "from dummyStatus APPROVED");
    assert_eq!(body["status"]["mismatchTags"], json!(["UNDER_AGE"]));
    for status in ["ACTIVE", "EXPIRED"] {
        let refused = client
            .post_json(
                "/api/v2/token",
                &json!({"clientId": "u", "dummyStatus": status, "dummyResult": {"mismatchTags": ["NAME"]}}),
            )
            .await
            .expect(400);
        assert_eq!(refused.error().0, "BAD_VALUE");
        assert!(refused.error().1.contains(&format!("'dummyStatus' {status}")), "{status}");
    }
}

#[tokio::test]
async fn advance_moves_one_verifications_clock_only() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let client = app.sandbox_client();
    let mine = client
        .post_json(
            "/api/v2/token",
            &json!({"clientId": "a", "expiryTime": 3600, "callbackUrl": receiver.url("/a")}),
        )
        .await
        .expect(201)
        .json();
    let other = client
        .post_json(
            "/api/v2/token",
            &json!({"clientId": "b", "expiryTime": 3600, "callbackUrl": receiver.url("/b")}),
        )
        .await
        .expect(201)
        .json();
    let scan = mine["scanRef"].as_str().unwrap();
    assert_eq!(advance(&app, scan, 1800).await["status"], "ACTIVE");
    let after = advance(&app, scan, 1800).await;
    assert_eq!(after["status"], "EXPIRED");
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].path, "/a");
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_EXPIRED"));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(receiver.received().len(), 1, "the other verification did not move");
    let status = client
        .post_json("/api/v2/status", &json!({"scanRef": other["scanRef"]}))
        .await
        .expect(200)
        .json();
    assert_eq!(status["status"], "ACTIVE");
    for (body, status) in [
        (json!({"scanRef": scan}), 400),
        (json!({"scanRef": scan, "seconds": 0}), 400),
        (json!({"scanRef": scan, "seconds": "60"}), 400),
        (json!({"scanRef": "00000000-0000-0000-0000-000000000000", "seconds": 60}), 404),
    ] {
        client.post_json("/api/v2/sandbox/advance", &body).await.expect(status);
    }
}

#[tokio::test]
async fn the_delivery_log_shows_what_was_sent_and_resend_keeps_the_webhook_id() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    receiver.script([kycd_testkit::receiver::Answer::StatusWithBody(200, 10)]);
    let scan_ref = token(&app, &receiver, json!({"scenario": "approved"})).await;
    let first = receiver.wait_for(1, WAIT).await;
    let client = app.sandbox_client();
    let deadline = std::time::Instant::now() + WAIT;
    let log = loop {
        let log = client
            .get(&format!("/api/v2/sandbox/webhooks?scanRef={scan_ref}"))
            .await
            .expect(200)
            .json();
        if log["webhooks"][0]["attempts"].as_array().is_some_and(|a| !a.is_empty()) {
            break log;
        }
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let event = &log["webhooks"][0];
    assert_eq!(event["id"].as_str(), first[0].header("webhook-id"));
    assert_eq!(
        event["body"].as_str().unwrap().as_bytes(),
        first[0].body.as_slice(),
        "the exact body"
    );
    let attempt = &event["attempts"][0];
    assert_eq!(
        attempt["requestHeaders"]["idenfy-signature"].as_str(),
        first[0].header("idenfy-signature"),
        "the exact headers"
    );
    assert_eq!(
        (attempt["statusCode"].as_i64(), attempt["responseExcerpt"].as_str()),
        (Some(200), Some("xxxxxxxxxx"))
    );

    app.clock.advance(time::Duration::seconds(5));
    let id = event["id"].as_str().unwrap();
    client
        .post_json(&format!("/api/v2/sandbox/webhooks/{id}/resend"), &json!({}))
        .await
        .expect(200);
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[1].header("webhook-id"), Some(id));
    assert_ne!(received[1].header("webhook-timestamp"), received[0].header("webhook-timestamp"));
    assert_signed(&received[1], &app.sandbox.signing_key);

    let other = app.create_partner("other", Environment::Dev, None, 0).await;
    app.client_for(&other)
        .post_json(&format!("/api/v2/sandbox/webhooks/{id}/resend"), &json!({}))
        .await
        .expect(404);
    let theirs = app
        .client_for(&other)
        .get(&format!("/api/v2/sandbox/webhooks?scanRef={scan_ref}"))
        .await
        .expect(200)
        .json();
    assert_eq!(theirs["webhooks"], json!([]), "another partner sees nothing");
    client.get("/api/v2/sandbox/webhooks?limit=lots").await.expect(400);
}

async fn chaos_delivery(chaos: &str, scenario: &str) -> (TestApp, WebhookReceiver, String) {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let scan_ref =
        token(&app, &receiver, json!({"scenario": scenario, "webhookChaos": [chaos]})).await;
    (app, receiver, scan_ref)
}

async fn labels(app: &TestApp, scan_ref: &str) -> Vec<String> {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let log = app
            .sandbox_client()
            .get(&format!("/api/v2/sandbox/webhooks?scanRef={scan_ref}"))
            .await
            .expect(200)
            .json();
        let found: Vec<String> = log["webhooks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|w| w["attempts"].as_array().cloned().unwrap_or_default())
            .flat_map(|a| a["chaos"].as_array().cloned().unwrap_or_default())
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect();
        if !found.is_empty() {
            return found;
        }
        assert!(std::time::Instant::now() < deadline, "no labelled attempt");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn each_chaos_kind_is_delivered_and_labelled() {
    // DUPLICATE: the same webhook twice.
    let (app, receiver, scan_ref) = chaos_delivery("DUPLICATE", "approved").await;
    let got = receiver.wait_for(2, WAIT).await;
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(labels(&app, &scan_ref).await, ["DUPLICATE"]);

    // STALE_TIMESTAMP: validly signed, ten minutes old.
    let (app, receiver, scan_ref) = chaos_delivery("STALE_TIMESTAMP", "approved").await;
    let got = receiver.wait_for(1, WAIT).await;
    assert_signed(&got[0], &app.sandbox.signing_key);
    let sent: i64 = got[0].header("webhook-timestamp").unwrap().parse().unwrap();
    assert_eq!(app.clock_now().unix_timestamp() - sent, 600);
    assert_eq!(labels(&app, &scan_ref).await, ["STALE_TIMESTAMP"]);

    // WRONG_SIGNATURE: neither signature verifies with the partner's key.
    let (app, receiver, scan_ref) = chaos_delivery("WRONG_SIGNATURE", "approved").await;
    let got = receiver.wait_for(1, WAIT).await;
    assert_ne!(
        got[0].header("idenfy-signature").unwrap(),
        idenfy_signature(&app.sandbox.signing_key, &got[0].body)
    );
    assert_eq!(labels(&app, &scan_ref).await, ["WRONG_SIGNATURE"]);

    // TRUNCATED_BODY: half the body, signatures of the whole.
    let (app, receiver, scan_ref) = chaos_delivery("TRUNCATED_BODY", "approved").await;
    let got = receiver.wait_for(1, WAIT).await;
    assert!(serde_json::from_slice::<Value>(&got[0].body).is_err());
    assert_ne!(
        got[0].header("idenfy-signature").unwrap(),
        idenfy_signature(&app.sandbox.signing_key, &got[0].body)
    );
    assert_eq!(labels(&app, &scan_ref).await, ["TRUNCATED_BODY"]);

    // OUT_OF_ORDER: the manual webhook arrives before the automatic one.
    let (app, receiver, scan_ref) =
        chaos_delivery("OUT_OF_ORDER", "manual-review-then-approved").await;
    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(got[0].header("idenfy-event-type"), Some("IDENTIFICATION_MANUAL_FINISHED"));
    app.clock.advance(time::Duration::seconds(2));
    let got = receiver.wait_for(2, WAIT).await;
    assert_eq!(got[1].header("idenfy-event-type"), Some("IDENTIFICATION_AUTO_FINISHED"));
    assert_eq!(got[1].json()["final"], false);
    let log = app
        .sandbox_client()
        .get(&format!("/api/v2/sandbox/webhooks?scanRef={scan_ref}"))
        .await
        .expect(200)
        .json();
    assert!(
        log["webhooks"].as_array().unwrap().iter().all(|w| w["chaos"] == json!(["OUT_OF_ORDER"]))
    );

    // Per partner, standing: every webhook of the partner gets the chaos.
    let app = spawn_app().await;
    let defaults = kycd_domain::token_request::TokenDefaults {
        webhook_chaos: vec![kycd_domain::sandbox::Chaos::Duplicate],
        ..Default::default()
    };
    app.store
        .update_partner(
            "sandbox",
            &kycd_store::PartnerUpdate { token_defaults: Some(defaults), ..Default::default() },
        )
        .await
        .unwrap();
    let receiver = WebhookReceiver::start().await;
    app.sandbox_client()
        .post_json(
            "/api/v2/token",
            &json!({"clientId": "p", "dummyStatus": "APPROVED", "callbackUrl": receiver.url("/h")}),
        )
        .await
        .expect(201);
    receiver.wait_for(2, WAIT).await;
}

#[tokio::test]
async fn reset_deletes_only_the_callers_verifications() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let a = token(&app, &receiver, json!({"scenario": "approved"})).await;
    let b = token(&app, &receiver, json!({"scenario": "abandoned-expired"})).await;
    receiver.wait_for(1, WAIT).await;
    let other = app.create_partner("other", Environment::Dev, None, 0).await;
    let theirs = app
        .client_for(&other)
        .post_json("/api/v2/token", &json!({"clientId": "o"}))
        .await
        .expect(201)
        .json();
    let reply = app
        .sandbox_client()
        .post_json("/api/v2/sandbox/reset", &json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(reply["deleted"], 2);
    for scan in [a, b] {
        app.sandbox_client()
            .post_json("/api/v2/status", &json!({"scanRef": scan}))
            .await
            .expect(404);
    }
    app.client_for(&other)
        .post_json("/api/v2/status", &json!({"scanRef": theirs["scanRef"]}))
        .await
        .expect(200);
    let images = crate::retrieval::walk(&app.data_dir.path().join("files"));
    assert!(images.is_empty(), "images removed: {images:?}");
}

#[tokio::test]
async fn sandbox_tools_are_refused_outside_dev() {
    let app = spawn_app().await;
    for (env, message) in [
        (Environment::Demo, "This endpoint is not available for DEMO partners."),
        (Environment::Prod, "This endpoint is not available for TESTING/PRODUCTION partners."),
    ] {
        let partner = app.create_partner(&format!("p-{env}"), env, None, 0).await;
        let client = app.client_for(&partner);
        let replies = [
            client.get("/api/v2/sandbox/scenarios").await,
            client
                .post_json("/api/v2/sandbox/advance", &json!({"scanRef": "x", "seconds": 1}))
                .await,
            client.get("/api/v2/sandbox/webhooks").await,
            client.post_json("/api/v2/sandbox/webhooks/msg_x/resend", &json!({})).await,
            client.post_json("/api/v2/sandbox/reset", &json!({})).await,
            client.get("/api/v2/sandbox/events").await,
            client
                .post_json(
                    "/api/v2/token",
                    &json!({"clientId": "c", "dummyResult": {"scenario": "approved"}}),
                )
                .await,
        ];
        for reply in replies {
            assert_eq!(reply.status, 403, "{} {}", reply.method, reply.path);
            assert_eq!(reply.error(), ("PERMISSIONS_ERROR".into(), message.into()));
        }
    }
}

#[test]
fn docs_sandbox_md_lists_the_scenarios_from_the_same_source() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/sandbox.md");
    let table = kycd_domain::sandbox::scenarios_markdown();
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("UPDATE_SANDBOX_DOC").is_some() {
        let start = doc.find("<!-- scenarios -->").expect("marker in docs/sandbox.md")
            + "<!-- scenarios -->\n".len();
        let end = doc.find("<!-- /scenarios -->").expect("end marker");
        std::fs::write(&path, format!("{}{table}{}", &doc[..start], &doc[end..])).unwrap();
        return;
    }
    assert!(
        doc.contains(&format!("<!-- scenarios -->\n{table}<!-- /scenarios -->")),
        "docs/sandbox.md's scenario table is out of date: run UPDATE_SANDBOX_DOC=1 cargo test -p kycd-server --test it sandbox::docs"
    );
}

/// The event stream keeps up past its page size, includes expiries caused by `advance`, and
/// repeats DUPLICATE events, each exactly as it would be POSTed.
#[tokio::test]
async fn the_event_stream_sees_every_event_in_insertion_order() {
    use futures::StreamExt;
    let app = spawn_app().await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v2/sandbox/events", app.base_url))
        .basic_auth(&app.sandbox.api_key, Some(&app.sandbox.api_secret))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    let client = app.sandbox_client();
    const BURST: usize = 105;
    for n in 0..BURST {
        client
            .post_json(
                "/api/v2/token",
                &json!({"clientId": format!("e{n}"), "dummyStatus": "APPROVED"}),
            )
            .await
            .expect(201);
    }
    let unused = client
        .post_json("/api/v2/token", &json!({"clientId": "late", "expiryTime": 600}))
        .await
        .expect(201)
        .json();
    advance(&app, unused["scanRef"].as_str().unwrap(), 601).await;
    client
        .post_json("/api/v2/token", &json!({"clientId": "dup", "dummyResult": {"scenario": "approved", "webhookChaos": ["DUPLICATE"]}}))
        .await
        .expect(201);
    let mut text = String::new();
    let mut events: Vec<Value> = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while events.len() < BURST + 3 {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "stream stalled after {} events: {:?}",
                    events.len(),
                    events
                        .iter()
                        .rev()
                        .take(3)
                        .map(|e| (e["eventType"].clone(), e["id"].clone(), e["scanRef"].clone()))
                        .collect::<Vec<_>>()
                )
            })
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block.contains("event: webhook") {
                let data = block.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
                events.push(serde_json::from_str(data).unwrap());
            }
        }
    }
    let expired = events
        .iter()
        .find(|e| e["eventType"] == "IDENTIFICATION_EXPIRED")
        .expect("expiry via advance streamed");
    assert_eq!(expired["scanRef"], unused["scanRef"]);
    let last_two = &events[events.len() - 2..];
    assert_eq!(last_two[0]["id"], last_two[1]["id"], "DUPLICATE streamed twice");
    let mut ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), BURST + 2, "every event once (the duplicate aside)");
    let body = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        events[0]["body"].as_str().unwrap(),
    )
    .unwrap();
    let signature = idenfy_signature(&app.sandbox.signing_key, &body);
    assert_eq!(events[0]["headers"]["idenfy-signature"].as_str(), Some(signature.as_str()));
}
