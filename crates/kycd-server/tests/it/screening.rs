//! Screening end to end (issue 13 points 4–5): duplicates among a partner's verifications and
//! its blocklists, over real HTTP, the real analysis and a real webhook receiver, on SQLite and
//! (scripts/test) PostgreSQL. obama2.jpg and obama3.jpg are two photos of the person printed on
//! the generated documents; biden.jpg is someone else.

use crate::analysis::{analysed, face, jonas, passport_with_selfie, token};
use kycd_domain::Environment;
use kycd_testkit::{TestApp, WebhookReceiver, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// Analyses the generated passport with `selfie` for `client_id` and the extra token `settings`;
/// returns the automatic webhook.
async fn verified(app: &TestApp, client_id: &str, selfie: &str, settings: Value) -> Value {
    let receiver = WebhookReceiver::start().await;
    let mut body = jonas(&receiver);
    body["clientId"] = json!(client_id);
    for (key, value) in settings.as_object().unwrap() {
        body[key] = value.clone();
    }
    analysed(app, &receiver, body, passport_with_selfie("passport-valid.jpg", &face(selfie))).await
}

fn blocklist_path(scan_ref: &Value, source: &str) -> String {
    format!("/kyc/identifications/{}/blocklists/{source}/", scan_ref.as_str().unwrap())
}

async fn blocklist(app: &TestApp, scan_ref: &Value, source: &str, body: &Value) -> Value {
    app.sandbox_client().post_json(&blocklist_path(scan_ref, source), body).await.expect(201).json()
}

async fn unblock(app: &TestApp, scan_ref: &Value, source: &str) -> kycd_testkit::Reply {
    app.sandbox_client().send(Method::DELETE, &blocklist_path(scan_ref, source), None, None).await
}

async fn fraud_tags(app: &TestApp, scan_ref: &Value) -> Value {
    let status = app
        .sandbox_client()
        .post_json("/api/v2/status", &json!({"scanRef": scan_ref}))
        .await
        .expect(200)
        .json();
    status["fraudTags"].clone()
}

#[tokio::test]
async fn the_same_face_in_another_clients_verification_is_a_duplicate_naming_the_earlier_ones() {
    let app = spawn_app().await;
    let check = json!({"checkDuplicateFaces": true, "checkDuplicateDocFaces": true});
    let first = verified(&app, "jonas", "obama2.jpg", check.clone()).await;
    assert_eq!(first["status"]["overall"], "APPROVED", "nothing earlier: {first}");
    assert_eq!(first["data"]["duplicateFaces"], Value::Null);

    // The same person again under the same clientId: their own earlier verification is no
    // duplicate.
    let again = verified(&app, "jonas", "obama3.jpg", check.clone()).await;
    assert_eq!(again["status"]["overall"], "APPROVED", "{again}");
    assert_eq!(again["status"]["fraudTags"], json!([]));

    // Someone else's verification that asks nothing is stored but not screened.
    let unasked = verified(&app, "unasked", "obama3.jpg", json!({})).await;
    assert_eq!(unasked["status"]["overall"], "APPROVED", "{unasked}");

    // Another clientId with the same face (another photo of it) and the same document.
    let other = verified(&app, "someone-else", "obama3.jpg", check.clone()).await;
    let status = &other["status"];
    assert_eq!(status["overall"], "SUSPECTED", "{other}");
    assert_eq!(status["autoFace"], "FACE_MATCH");
    assert_eq!(status["autoDocument"], "DOC_VALIDATED");
    assert_eq!(status["fraudTags"], json!(["DUPLICATE_FACE", "DUPLICATE_DOC_FACE"]));
    let earlier = json!([first["scanRef"], again["scanRef"], unasked["scanRef"]]);
    assert_eq!(other["data"]["duplicateFaces"], earlier, "earliest first");
    assert_eq!(other["data"]["duplicateDocFaces"], earlier);
    let data = app
        .sandbox_client()
        .post_json("/api/v2/data", &json!({"scanRef": other["scanRef"]}))
        .await
        .expect(200)
        .json();
    assert_eq!(data["duplicateFaces"], earlier, "/data answers the same");

    // A different person is no duplicate, whatever else is wrong with the verification.
    let stranger = verified(&app, "stranger", "biden.jpg", check).await;
    assert_eq!(stranger["status"]["autoFace"], "FACE_MISMATCH", "{stranger}");
    assert_eq!(stranger["status"]["fraudTags"], json!(["DUPLICATE_DOC_FACE"]), "same document");
    assert_eq!(stranger["data"]["duplicateFaces"], Value::Null);
}

#[tokio::test]
async fn a_blocklisted_selfie_seen_again_is_face_blacklisted_until_it_is_removed() {
    let app = spawn_app().await;
    let listed = verified(&app, "fraudster", "obama2.jpg", json!({})).await;
    let scan_ref = &listed["scanRef"];
    let entry = blocklist(&app, scan_ref, "SELFIE", &json!({"reason": "chargeback"})).await;
    assert_eq!(entry["id"], *scan_ref);
    assert_eq!(entry["reason"], "chargeback");
    assert!(
        time::OffsetDateTime::parse(
            entry["created"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok(),
        "{entry}"
    );
    let image = reqwest::get(entry["faceImageUrl"].as_str().unwrap()).await.unwrap();
    assert_eq!(image.bytes().await.unwrap().as_ref(), face("obama2.jpg").as_slice());
    // The listed verification carries the tag; its status and webhooks stay as they were.
    assert_eq!(fraud_tags(&app, scan_ref).await, json!(["FACE_IN_BLACKLIST"]));

    let check = json!({"checkFaceBlacklist": true});
    let seen = verified(&app, "new-name", "obama3.jpg", check.clone()).await;
    assert_eq!(seen["status"]["overall"], "SUSPECTED", "{seen}");
    assert_eq!(seen["status"]["fraudTags"], json!(["FACE_BLACKLISTED"]));
    let unasked = verified(&app, "new-name", "obama3.jpg", json!({})).await;
    assert_eq!(unasked["status"]["overall"], "APPROVED", "not asked, not screened: {unasked}");
    let stranger = verified(&app, "stranger", "biden.jpg", check.clone()).await;
    assert_eq!(stranger["status"]["fraudTags"], json!([]), "another face: {stranger}");

    assert_eq!(unblock(&app, scan_ref, "SELFIE").await.expect(204).body, b"");
    assert_eq!(fraud_tags(&app, scan_ref).await, json!([]));
    let (identifier, message) = unblock(&app, scan_ref, "SELFIE").await.expect(404).error();
    assert_eq!(identifier, "BAD_VALUE");
    assert!(message.contains("not on the SELFIE blocklist"), "{message}");
    let after = verified(&app, "new-name", "obama3.jpg", check).await;
    assert_eq!(after["status"]["overall"], "APPROVED", "off the list: {after}");
}

#[tokio::test]
async fn a_blocklisted_person_is_data_blacklisted_and_a_blocklisted_portrait_doc_face_blacklisted()
{
    let app = spawn_app().await;
    let listed = verified(&app, "fraudster", "obama2.jpg", json!({})).await;
    let scan_ref = &listed["scanRef"];
    let entry = blocklist(&app, scan_ref, "DOCUMENT_INFO", &json!({})).await;
    assert_eq!(entry["id"], *scan_ref);
    assert_eq!(entry["fullName"], "JONAS JONAITIS");
    assert_eq!(entry["documentNumber"], "LT1234567");
    assert_eq!(entry["dateOfBirth"], "1990-05-17");
    assert_eq!(entry["nationality"], "LT");
    assert_eq!(entry["reason"], Value::Null);
    // The body may be left out.
    let path = blocklist_path(scan_ref, "DOCUMENT");
    let portrait =
        app.sandbox_client().send(Method::POST, &path, None, None).await.expect(201).json();
    assert!(portrait["faceImageUrl"].as_str().unwrap().contains("/FRONT?"), "{portrait}");
    assert_eq!(
        fraud_tags(&app, scan_ref).await,
        json!(["DATA_IN_BLACKLIST", "DOC_FACE_IN_BLACKLIST"])
    );

    let check = json!({"checkPersonBlacklist": true, "checkDocFaceBlacklist": true});
    let seen = verified(&app, "someone", "obama3.jpg", check).await;
    assert_eq!(seen["status"]["overall"], "SUSPECTED", "{seen}");
    assert_eq!(seen["status"]["fraudTags"], json!(["DATA_BLACKLISTED", "DOC_FACE_BLACKLISTED"]));
}

#[tokio::test]
async fn a_deleted_verification_is_neither_a_duplicate_nor_on_a_blocklist_any_more() {
    let app = spawn_app().await;
    let gone = verified(&app, "gone", "obama2.jpg", json!({})).await;
    blocklist(&app, &gone["scanRef"], "SELFIE", &json!({})).await;
    blocklist(&app, &gone["scanRef"], "DOCUMENT_INFO", &json!({})).await;
    let client = app.sandbox_client();
    client.post_json("/api/v2/delete", &json!({"scanRef": gone["scanRef"]})).await.expect(200);
    let check = json!({"checkDuplicateFaces": true, "checkFaceBlacklist": true,
        "checkPersonBlacklist": true});
    let later = verified(&app, "later", "obama3.jpg", check).await;
    assert_eq!(later["status"]["overall"], "APPROVED", "{later}");
    assert_eq!(later["data"]["duplicateFaces"], Value::Null);
    let (_, message) = client
        .post_json(&blocklist_path(&gone["scanRef"], "SELFIE"), &json!({}))
        .await
        .expect(400)
        .error();
    assert!(message.contains("was deleted"), "{message}");
}

#[tokio::test]
async fn blocklist_requests_that_cannot_be_served_get_a_clear_error() {
    let app = spawn_app().await;
    let client = app.sandbox_client();
    let receiver = WebhookReceiver::start().await;
    let active = token(&app, &jonas(&receiver)).await;
    let unknown = json!("00000000-0000-0000-0000-000000000000");
    let refused = |reply: kycd_testkit::Reply, status: u16| {
        let (identifier, message) = reply.expect(status).error();
        (identifier, message)
    };

    let (identifier, _) =
        refused(client.post_json(&blocklist_path(&unknown, "SELFIE"), &json!({})).await, 404);
    assert_eq!(identifier, "BAD_VALUE");
    let (identifier, message) = refused(
        client.post_json(&blocklist_path(&active["scanRef"], "FACE"), &json!({})).await,
        400,
    );
    assert_eq!(identifier, "BAD_VALUE");
    assert!(message.contains("'blocklistSource'") && message.contains("SELFIE"), "{message}");
    let (_, message) = refused(
        client.post_json(&blocklist_path(&active["scanRef"], "SELFIE"), &json!({})).await,
        400,
    );
    assert!(message.contains("no result yet"), "{message}");

    // A DEV dummy result has data but no analysed face.
    let dummy = token(&app, &json!({"clientId": "d", "dummyStatus": "APPROVED"})).await;
    let (_, message) = refused(
        client.post_json(&blocklist_path(&dummy["scanRef"], "SELFIE"), &json!({})).await,
        400,
    );
    assert!(message.contains("no analysed selfie face"), "{message}");
    let (_, message) = refused(
        client
            .post_json(
                &blocklist_path(&dummy["scanRef"], "DOCUMENT_INFO"),
                &json!({"reason": "x".repeat(501)}),
            )
            .await,
        400,
    );
    assert!(message.contains("'reason'") && message.contains("500"), "{message}");
    let (identifier, message) = refused(
        client
            .post_json(&blocklist_path(&dummy["scanRef"], "DOCUMENT_INFO"), &json!({"reason": 7}))
            .await,
        400,
    );
    assert!(identifier == "BAD_VALUE" && message.contains("'reason'"), "{identifier} {message}");
    let (identifier, _) = refused(
        client
            .post_raw(
                &blocklist_path(&dummy["scanRef"], "SELFIE"),
                b"{no".to_vec(),
                Some("application/json"),
            )
            .await,
        400,
    );
    assert_eq!(identifier, "JSON_ERROR");
    let (identifier, _) = refused(unblock(&app, &dummy["scanRef"], "DOCUMENT").await, 404);
    assert_eq!(identifier, "BAD_VALUE");

    // Another partner reaches neither the verification nor its entry.
    let other = app.create_partner("other", Environment::Dev, None, 0).await;
    let theirs = app.client_for(&other);
    let path = blocklist_path(&dummy["scanRef"], "DOCUMENT_INFO");
    refused(theirs.post_json(&path, &json!({})).await, 404);
    refused(theirs.send(Method::DELETE, &path, None, None).await, 404);
    let unauthenticated = app.anonymous_client().post_json(&path, &json!({})).await;
    assert_eq!(unauthenticated.status, 401);
}
