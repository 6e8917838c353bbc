//! Dummy results (DEV): each dummyStatus and add-dummy-status send exactly the webhook iDenfy's DEV
//! environment would, correctly signed, to a real receiver.

use crate::webhooks_support::{WAIT, assert_signed, assert_valid_identification_webhook};
use kycd_domain::{ScanRef, vocabulary::OverallStatus};
use kycd_testkit::{TestApp, WebhookReceiver, spawn_app};
use serde_json::{Value, json};
use std::time::Duration;

async fn stored_status(app: &TestApp, scan_ref: &str) -> OverallStatus {
    let sandbox = app.store.partner_by_name("sandbox").await.unwrap().unwrap();
    app.store
        .verification(sandbox.id, &ScanRef::from_trusted(scan_ref))
        .await
        .unwrap()
        .unwrap()
        .status
}

fn redact(body: &Value) -> Value {
    let mut body = body.clone();
    body["scanRef"] = json!("[scanRef]");
    body["startTime"] = json!("[unix time]");
    body["finishTime"] = json!("[unix time]");
    if let Some(urls) = body["fileUrls"].as_object_mut() {
        for url in urls.values_mut() {
            *url = json!("[sample image url]");
        }
    }
    body
}

#[tokio::test]
async fn each_dummy_status_sends_the_documented_signed_webhook() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let client = app.sandbox_client();
    let cases = [
        (
            "APPROVED",
            "IDENTIFICATION_AUTO_FINISHED",
            "APPROVED",
            json!("FACE_MATCH"),
            json!("DOC_VALIDATED"),
            json!([]),
        ),
        (
            "DENIED",
            "IDENTIFICATION_AUTO_FINISHED",
            "DENIED",
            json!("FACE_NOT_ANALYSED"),
            json!("DOC_NOT_FOUND"),
            json!([]),
        ),
        (
            "SUSPECTED",
            "IDENTIFICATION_AUTO_FINISHED",
            "SUSPECTED",
            json!("FACE_MATCH"),
            json!("DOC_VALIDATED"),
            json!(["FACE_SUSPECTED"]),
        ),
        ("EXPIRED", "IDENTIFICATION_EXPIRED", "EXPIRED", Value::Null, Value::Null, json!([])),
    ];
    for (n, (dummy, event, overall, face, document, fraud)) in cases.into_iter().enumerate() {
        let token = client
            .post_json(
                "/api/v2/token",
                &json!({
                    "clientId": format!("client-{dummy}"), "firstName": "Ona", "lastName": "Onaite",
                    "dateOfBirth": "1991-04-05", "externalRef": "ext-1", "dummyStatus": dummy,
                    "callbackUrl": receiver.url(&format!("/hook/{dummy}")),
                }),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(token["message"], "Dummy token and verification created successfully");
        let received = receiver.wait_for(n + 1, WAIT).await;
        let hook = received.iter().find(|r| r.path == format!("/hook/{dummy}")).unwrap();
        assert_signed(hook, &app.sandbox.signing_key);
        assert_eq!(hook.header("idenfy-event-type"), Some(event), "{dummy}");
        let body = hook.json();
        assert_eq!(body["scanRef"], token["scanRef"]);
        assert_eq!(body["clientId"], format!("client-{dummy}"));
        assert_eq!(body["externalRef"], "ext-1");
        assert_eq!(body["final"], true);
        assert_eq!(body["status"]["overall"], overall);
        assert_eq!(body["status"]["autoFace"], face);
        assert_eq!(body["status"]["autoDocument"], document);
        assert_eq!(body["status"]["fraudTags"], fraud);
        assert_eq!(body["status"]["manualFace"], Value::Null);
        assert_eq!(body["status"]["suspicionReasons"], json!([]));
        assert!(body["startTime"].is_i64() && body["finishTime"].is_i64());
        if dummy == "EXPIRED" {
            assert_eq!(body["data"]["docFirstName"], Value::Null);
            assert_eq!(body["fileUrls"], json!({}));
        } else {
            assert_eq!(body["data"]["docFirstName"], "ONA", "data comes from the token");
            assert_eq!(body["data"]["docDob"], "1991-04-05");
            assert_eq!(body["data"]["docLastName"], "ONAITE");
            for kind in ["FRONT", "BACK", "FACE"] {
                let url = body["fileUrls"][kind].as_str().unwrap();
                let path = url.strip_prefix(&app.base_url).unwrap();
                let image = app.anonymous_client().get(path).await.expect(200);
                assert_eq!(image.header("content-type"), Some("image/png"));
                assert!(image.body.starts_with(b"\x89PNG") && image.body.len() > 200);
            }
        }
        assert_eq!(stored_status(&app, token["scanRef"].as_str().unwrap()).await.as_str(), overall);
        assert_valid_identification_webhook(&body);
        insta::assert_json_snapshot!(format!("dummy_{}", dummy.to_lowercase()), redact(&body));
    }
}

#[tokio::test]
async fn dummy_active_stays_active_and_sends_nothing_and_person_data_defaults_to_the_sample() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    app.set_webhook_url("sandbox", &receiver.url("/partner")).await;
    let client = app.sandbox_client();
    let active = client
        .post_json("/api/v2/token", &json!({"clientId": "a", "dummyStatus": "ACTIVE"}))
        .await
        .expect(201)
        .json();
    let approved = client
        .post_json("/api/v2/token", &json!({"clientId": "b", "dummyStatus": "APPROVED"}))
        .await
        .expect(201)
        .json();
    let received = receiver.wait_for(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1, "only the APPROVED token sent a webhook");
    assert_eq!(received[0].json()["scanRef"], approved["scanRef"]);
    assert_eq!(received[0].path, "/partner", "no callbackUrl: the partner's webhook URL is used");
    assert_eq!(received[0].json()["data"]["docFirstName"], "JONAS", "sample person");
    assert_eq!(
        stored_status(&app, active["scanRef"].as_str().unwrap()).await,
        OverallStatus::Active
    );
}

#[tokio::test]
async fn callback_url_wins_over_the_partner_webhook_url() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    app.set_webhook_url("sandbox", &receiver.url("/partner")).await;
    app.sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "a", "dummyStatus": "DENIED", "callbackUrl": receiver.url("/per-token")}))
        .await
        .expect(201);
    let received = receiver.wait_for(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(received[0].path, "/per-token");
}

#[tokio::test]
async fn add_dummy_status_sends_a_final_manual_webhook_with_the_rule_applied() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    app.set_webhook_url("sandbox", &receiver.url("/hook")).await;
    let client = app.sandbox_client();
    // Auto DENIED with reviewFailed: the auto webhook is not final and the verification waits.
    let token = client
        .post_json(
            "/api/v2/token",
            &json!({"clientId": "m", "dummyStatus": "DENIED", "reviewFailed": true}),
        )
        .await
        .expect(201)
        .json();
    let scan_ref = token["scanRef"].as_str().unwrap();
    let auto = receiver.wait_for(1, WAIT).await;
    assert_eq!(auto[0].json()["final"], false);
    assert_eq!(auto[0].json()["status"]["overall"], "DENIED");
    assert_eq!(stored_status(&app, scan_ref).await, OverallStatus::Reviewing);

    let approve = json!({"scanRef": scan_ref, "manualFaceMatchResult": "FACE_MATCH", "manualDocumentValidity": "DOC_VALIDATED"});
    let reply = client.post_json("/api/v2/add-dummy-status", &approve).await.expect(200);
    assert_eq!(reply.json(), json!({}));
    let received = receiver.wait_for(2, WAIT).await;
    let manual = &received[1];
    assert_signed(manual, &app.sandbox.signing_key);
    assert_eq!(manual.header("idenfy-event-type"), Some("IDENTIFICATION_MANUAL_FINISHED"));
    let body = manual.json();
    assert_eq!(body["final"], true);
    assert_eq!(body["status"]["overall"], "APPROVED");
    assert_eq!(body["status"]["manualFace"], "FACE_MATCH");
    assert_eq!(body["status"]["manualDocument"], "DOC_VALIDATED");
    assert_eq!(body["status"]["autoFace"], "FACE_NOT_ANALYSED", "auto values stay");
    assert_ne!(manual.header("webhook-id"), auto[0].header("webhook-id"), "a new event");
    assert_valid_identification_webhook(&body);
    insta::assert_json_snapshot!("manual_approved", redact(&body));
    assert_eq!(stored_status(&app, scan_ref).await, OverallStatus::Approved);

    // DENIED: any value other than FACE_MATCH + DOC_VALIDATED.
    let deny = json!({"scanRef": scan_ref, "manualFaceMatchResult": "FACE_MATCH", "manualDocumentValidity": "DOC_EXPIRED"});
    client.post_json("/api/v2/add-dummy-status", &deny).await.expect(200);
    let received = receiver.wait_for(3, WAIT).await;
    let body = received[2].json();
    assert_eq!(
        (body["status"]["overall"].as_str(), body["final"].as_bool()),
        (Some("DENIED"), Some(true))
    );
    assert_eq!(body["status"]["manualDocument"], "DOC_EXPIRED");
    assert_eq!(stored_status(&app, scan_ref).await, OverallStatus::Denied);

    // Also works on an ACTIVE token that was never used (FACE_NOT_CHECKED is accepted).
    let fresh =
        client.post_json("/api/v2/token", &json!({"clientId": "n"})).await.expect(201).json();
    let not_checked = json!({"scanRef": fresh["scanRef"], "manualFaceMatchResult": "FACE_NOT_CHECKED", "manualDocumentValidity": "DOC_VALIDATED"});
    client.post_json("/api/v2/add-dummy-status", &not_checked).await.expect(200);
    let received = receiver.wait_for(4, WAIT).await;
    assert_eq!(received[3].json()["status"]["overall"], "DENIED");
}

#[tokio::test]
async fn add_dummy_status_bad_input_and_refusals() {
    let app = spawn_app().await;
    let client = app.sandbox_client();
    let token = client
        .post_json("/api/v2/token", &json!({"clientId": "x", "dummyStatus": "APPROVED"}))
        .await
        .expect(201)
        .json();
    let scan_ref = token["scanRef"].as_str().unwrap();
    let ok_face = "FACE_MATCH";
    let cases = [
        (
            json!({"manualFaceMatchResult": ok_face, "manualDocumentValidity": "DOC_VALIDATED"}),
            400,
            "MISSING_VALUE",
            "scanRef",
        ),
        (
            json!({"scanRef": scan_ref, "manualDocumentValidity": "DOC_VALIDATED"}),
            400,
            "MISSING_VALUE",
            "manualFaceMatchResult",
        ),
        (
            json!({"scanRef": scan_ref, "manualFaceMatchResult": "SMILING", "manualDocumentValidity": "DOC_VALIDATED"}),
            400,
            "BAD_VALUE",
            "FACE_MATCH, FACE_MISMATCH",
        ),
        (
            json!({"scanRef": scan_ref, "manualFaceMatchResult": "FACE_GLARED", "manualDocumentValidity": "DOC_VALIDATED"}),
            400,
            "BAD_VALUE",
            "manualFaceMatchResult",
        ),
        (
            json!({"scanRef": scan_ref, "manualFaceMatchResult": ok_face, "manualDocumentValidity": "PASSPORT"}),
            400,
            "BAD_VALUE",
            "manualDocumentValidity",
        ),
        (
            json!({"scanRef": scan_ref, "manualFaceMatchResult": ok_face, "manualDocumentValidity": 3}),
            400,
            "BAD_VALUE",
            "manualDocumentValidity",
        ),
        (
            json!({"scanRef": ["x"], "manualFaceMatchResult": ok_face, "manualDocumentValidity": "DOC_VALIDATED"}),
            400,
            "BAD_VALUE",
            "scanRef",
        ),
        (
            json!({"scanRef": "00000000-0000-0000-0000-000000000000", "manualFaceMatchResult": ok_face, "manualDocumentValidity": "DOC_VALIDATED"}),
            404,
            "BAD_VALUE",
            "scanRef",
        ),
    ];
    for (body, status, identifier, words) in cases {
        let reply = client.post_json("/api/v2/add-dummy-status", &body).await;
        assert_eq!(reply.status, status, "{body}: {}", String::from_utf8_lossy(&reply.body));
        let (got, message) = reply.error();
        assert_eq!(got, identifier, "{message}");
        assert!(message.contains(words), "{message}");
    }

    // Another DEV partner's verification is 404 exactly like an unknown one.
    let other = app.create_partner("other-dev", kycd_domain::Environment::Dev, None, 0).await;
    let foreign = json!({"scanRef": scan_ref, "manualFaceMatchResult": ok_face, "manualDocumentValidity": "DOC_VALIDATED"});
    let reply =
        app.client_for(&other).post_json("/api/v2/add-dummy-status", &foreign).await.expect(404);
    let unknown = json!({"scanRef": "00000000-0000-0000-0000-000000000000", "manualFaceMatchResult": ok_face, "manualDocumentValidity": "DOC_VALIDATED"});
    let unknown_reply =
        app.client_for(&other).post_json("/api/v2/add-dummy-status", &unknown).await.expect(404);
    assert_eq!(reply.body, unknown_reply.body, "no hint that the scanRef exists");
    assert_eq!(stored_status(&app, scan_ref).await, OverallStatus::Approved, "nothing changed");

    // Outside DEV: 403 with the exact messages.
    for (name, env, message) in [
        (
            "demo",
            kycd_domain::Environment::Demo,
            "This endpoint is not available for DEMO partners.",
        ),
        (
            "test",
            kycd_domain::Environment::Test,
            "This endpoint is not available for TESTING/PRODUCTION partners.",
        ),
        (
            "prod",
            kycd_domain::Environment::Prod,
            "This endpoint is not available for TESTING/PRODUCTION partners.",
        ),
    ] {
        let partner = app.create_partner(name, env, None, 0).await;
        let reply = app
            .client_for(&partner)
            .post_json("/api/v2/add-dummy-status", &foreign)
            .await
            .expect(403);
        assert_eq!(reply.error(), ("PERMISSIONS_ERROR".into(), message.into()));
    }

    // A deleted verification: 400 with a clear message.
    let sandbox = app.store.partner_by_name("sandbox").await.unwrap().unwrap();
    let change = kycd_store::VerificationChange {
        partner_id: sandbox.id,
        scan_ref: ScanRef::from_trusted(scan_ref),
        expected_status: OverallStatus::Approved,
        new_status: OverallStatus::Deleted,
        result: None,
        updated_at: app.clock_now(),
    };
    assert!(app.store.change_verification(&change, &[]).await.unwrap());
    let reply = client.post_json("/api/v2/add-dummy-status", &foreign).await.expect(400);
    let (identifier, message) = reply.error();
    assert_eq!(identifier, "BAD_VALUE");
    assert!(message.contains("deleted"), "{message}");
}
