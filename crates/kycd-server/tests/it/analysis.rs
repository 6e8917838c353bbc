//! Real analysis end to end: generated documents (tests/fixtures/documents, made by
//! tools/mrz/documents.py) sent through POST /api/v2/process, analysed by the job runner, and the
//! signed IDENTIFICATION_AUTO_FINISHED received by a real webhook receiver; /status, /data and
//! /files answer the real values. Runs on SQLite and (scripts/test) on PostgreSQL.

use crate::webhooks_support::{WAIT, assert_signed, assert_valid_identification_webhook};
use base64::Engine;
use kycd_domain::Environment;
use kycd_testkit::{TestApp, TestOptions, WebhookReceiver, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::time::Duration;

/// A generated document of tests/fixtures/documents.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A photo of a real face (kycd-analysis's fixtures; tools/face/README.md names each source).
/// `obama2.jpg` and `obama3.jpg` show the person printed on every generated document.
pub fn face(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kycd-analysis/tests/it/fixtures/faces")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The selfie of the person the generated documents show.
pub fn selfie() -> Vec<u8> {
    face("obama2.jpg")
}

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The person the generated documents show.
pub fn jonas(receiver: &WebhookReceiver) -> Value {
    json!({
        "clientId": "jonas",
        "firstName": "Jonas",
        "lastName": "Jonaitis",
        "dateOfBirth": "1990-05-17",
        "callbackUrl": receiver.url("/hook"),
    })
}

pub async fn token(app: &TestApp, body: &Value) -> Value {
    app.sandbox_client().post_json("/api/v2/token", body).await.expect(201).json()
}

pub async fn process(app: &TestApp, token: &Value, images: Value) -> kycd_testkit::Reply {
    app.sandbox_client()
        .post_json("/api/v2/process", &json!({"authToken": token["authToken"], "images": images}))
        .await
}

/// Submits `images` for `body`'s token and returns the automatic webhook's body.
pub async fn analysed(
    app: &TestApp,
    receiver: &WebhookReceiver,
    body: Value,
    images: Value,
) -> Value {
    let token = token(app, &body).await;
    let reply = process(app, &token, images).await.expect(200);
    assert!(reply.body.is_empty(), "200 with an empty body");
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    assert_signed(&received[0], &app.sandbox.signing_key);
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_AUTO_FINISHED"));
    let webhook = received[0].json();
    assert_valid_identification_webhook(&webhook);
    assert_eq!(webhook["scanRef"], token["scanRef"]);
    webhook
}

fn passport(name: &str) -> Value {
    passport_with_selfie(name, &selfie())
}

pub fn passport_with_selfie(name: &str, selfie: &[u8]) -> Value {
    json!({"FRONT": base64(&fixture(name)), "FACE": base64(selfie)})
}

#[tokio::test]
async fn a_valid_passport_and_the_holders_selfie_are_approved_without_a_person() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let webhook = analysed(&app, &receiver, jonas(&receiver), passport("passport-valid.jpg")).await;
    let status = &webhook["status"];
    assert_eq!(status["autoDocument"], "DOC_VALIDATED", "{webhook}");
    assert_eq!(status["autoFace"], "FACE_MATCH");
    assert_eq!(status["overall"], "APPROVED");
    assert_eq!(webhook["final"], true, "no person needed");
    assert_eq!(status["mismatchTags"], json!([]));
    assert_eq!(status["fraudTags"], json!([]));
    let data = &webhook["data"];
    assert_eq!(data["docFirstName"], "JONAS");
    assert_eq!(data["docLastName"], "JONAITIS");
    assert_eq!(data["docNumber"], "LT1234567");
    assert_eq!(data["docDob"], "1990-05-17");
    assert_eq!(data["docExpiry"], "2034-03-01");
    assert_eq!(data["docSex"], "MALE");
    assert_eq!(data["docType"], "PASSPORT");
    assert_eq!(data["docNationality"], "LT");
    assert_eq!(data["docIssuingCountry"], "LT");
    assert_eq!(data["fullName"], "JONAS JONAITIS");
    assert_eq!(webhook["platform"], "OTHER");
    let file_urls = webhook["fileUrls"].as_object().unwrap();
    assert!(file_urls.contains_key("FRONT") && file_urls.contains_key("FACE"), "{file_urls:?}");

    let scan_ref = json!({"scanRef": webhook["scanRef"]});
    let client = app.sandbox_client();
    let status = client.post_json("/api/v2/status", &scan_ref).await.expect(200).json();
    assert_eq!(status["status"], "APPROVED");
    assert_eq!(status["autoDocument"], "DOC_VALIDATED");
    assert_eq!(status["autoFace"], "FACE_MATCH");
    let data = client.post_json("/api/v2/data", &scan_ref).await.expect(200).json();
    assert_eq!(data["docNumber"], "LT1234567");
    assert_eq!(data["docDob"], "1990-05-17");
    // The stored front is the submitted image, sealed at rest and served back intact.
    let files = client.post_json("/api/v2/files", &scan_ref).await.expect(200).json();
    let front_url = files["fileUrls"]["FRONT"].as_str().unwrap();
    let front = reqwest::get(front_url).await.unwrap().bytes().await.unwrap();
    assert_eq!(front.as_ref(), fixture("passport-valid.jpg").as_slice());
}

#[tokio::test]
async fn someone_elses_selfie_is_a_face_mismatch_and_denied() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let images = passport_with_selfie("passport-valid.jpg", &face("biden.jpg"));
    let webhook = analysed(&app, &receiver, jonas(&receiver), images).await;
    assert_eq!(webhook["status"]["autoDocument"], "DOC_VALIDATED", "{webhook}");
    assert_eq!(webhook["status"]["autoFace"], "FACE_MISMATCH");
    assert_eq!(webhook["status"]["overall"], "DENIED");
    assert_eq!(webhook["final"], true);
}

#[tokio::test]
async fn a_photo_of_a_document_as_the_selfie_is_a_fake_face() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let images = passport_with_selfie("passport-valid.jpg", &fixture("passport-expired.jpg"));
    let webhook = analysed(&app, &receiver, jonas(&receiver), images).await;
    assert_eq!(webhook["status"]["autoFace"], "FAKE_FACE", "{webhook}");
    assert_eq!(webhook["status"]["overall"], "DENIED");
}

#[tokio::test]
async fn a_selfie_without_a_face_is_no_face_found() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let images = passport_with_selfie("passport-valid.jpg", &fixture("no-document.jpg"));
    let webhook = analysed(&app, &receiver, jonas(&receiver), images).await;
    assert_eq!(webhook["status"]["autoFace"], "NO_FACE_FOUND", "{webhook}");
    assert_eq!(webhook["status"]["overall"], "DENIED");
}

#[tokio::test]
async fn without_a_selfie_the_face_is_not_checked_and_a_person_decides() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let images = json!({"FRONT": base64(&fixture("passport-valid.jpg"))});
    let webhook = analysed(&app, &receiver, jonas(&receiver), images).await;
    assert_eq!(webhook["status"]["autoDocument"], "DOC_VALIDATED", "{webhook}");
    assert_eq!(webhook["status"]["autoFace"], "FACE_NOT_CHECKED");
    assert_eq!(webhook["status"]["overall"], "REVIEWING", "never APPROVED without a face check");
    assert_eq!(webhook["final"], false);
}

#[tokio::test]
async fn a_wrong_check_digit_is_mrz_invalid_and_denied() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let webhook =
        analysed(&app, &receiver, jonas(&receiver), passport("passport-bad-check-digit.jpg")).await;
    assert_eq!(webhook["status"]["autoDocument"], "MRZ_INVALID", "{webhook}");
    assert_eq!(webhook["status"]["autoFace"], "FACE_NOT_ANALYSED");
    assert_eq!(webhook["status"]["overall"], "DENIED");
    assert_eq!(webhook["final"], true);
}

#[tokio::test]
async fn an_expired_document_is_denied() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let webhook =
        analysed(&app, &receiver, jonas(&receiver), passport("passport-expired.jpg")).await;
    assert_eq!(webhook["status"]["autoDocument"], "DOC_EXPIRED", "{webhook}");
    assert_eq!(webhook["status"]["overall"], "DENIED");
    assert_eq!(webhook["data"]["docExpiry"], "2021-03-01");
    let status = app
        .sandbox_client()
        .post_json("/api/v2/status", &json!({"scanRef": webhook["scanRef"]}))
        .await
        .expect(200)
        .json();
    assert_eq!(status["status"], "DENIED");
}

#[tokio::test]
async fn partner_data_that_differs_is_suspected_with_the_field_named() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let mut body = jonas(&receiver);
    body["lastName"] = json!("Petraitis");
    body["ageLimit"] = json!(40);
    let webhook = analysed(&app, &receiver, body, passport("passport-valid.jpg")).await;
    assert_eq!(webhook["status"]["overall"], "SUSPECTED", "{webhook}");
    assert_eq!(webhook["status"]["mismatchTags"], json!(["SURNAME", "UNDER_AGE"]));
    assert_eq!(webhook["status"]["autoDocument"], "DOC_VALIDATED");
}

#[tokio::test]
async fn a_picture_without_a_document_is_doc_not_found() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let images = json!({"FRONT": base64(&fixture("no-document.jpg"))});
    let webhook = analysed(&app, &receiver, jonas(&receiver), images).await;
    assert_eq!(webhook["status"]["autoDocument"], "DOC_NOT_FOUND", "{webhook}");
    assert_eq!(webhook["status"]["autoFace"], "FACE_NOT_ANALYSED");
    assert_eq!(webhook["status"]["overall"], "DENIED");
}

#[tokio::test]
async fn an_id_card_is_read_from_its_back_and_checked_against_the_chosen_country() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let card = json!({
        "FRONT": base64(&fixture("id-card-front.jpg")),
        "BACK": base64(&fixture("id-card-back.jpg")),
    });
    let mut body = jonas(&receiver);
    body["documents"] = json!(["ID_CARD", "PASSPORT"]);
    let token = token(&app, &body).await;
    app.sandbox_client()
        .post_json(
            "/api/v2/process",
            &json!({"authToken": token["authToken"], "country": "lv", "documentType": "ID_CARD", "images": card}),
        )
        .await
        .expect(200);
    let webhook = receiver.wait_for(1, WAIT).await[0].json();
    assert_eq!(webhook["status"]["autoDocument"], "COUNTRY_MISMATCH", "{webhook}");
    assert_eq!(webhook["data"]["selectedCountry"], "LV");
    assert_eq!(webhook["data"]["docType"], "ID_CARD");
    assert_eq!(webhook["data"]["docNumber"], "LT1234567");
}

#[tokio::test]
async fn a_token_is_used_once_and_only_by_its_partner() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let token = token(&app, &jonas(&receiver)).await;
    let other = app.create_partner("other", Environment::Dev, None, 10_000).await;
    let images = passport("passport-valid.jpg");
    let foreign = app
        .client_for(&other)
        .post_json("/api/v2/process", &json!({"authToken": token["authToken"], "images": images}))
        .await
        .expect(400);
    assert_eq!(foreign.error().0, "TOKEN_NOT_VALID");
    process(&app, &token, images.clone()).await.expect(200);
    let again = process(&app, &token, images).await.expect(400);
    assert_eq!(again.error().0, "TOKEN_NOT_VALID");
    let unknown = process(&app, &json!({"authToken": "nope"}), passport("passport-valid.jpg"))
        .await
        .expect(400);
    assert_eq!(unknown.error().0, "TOKEN_NOT_VALID");
    assert_eq!(receiver.wait_for(1, WAIT).await.len(), 1, "one submission, one result");
}

#[tokio::test]
async fn an_expired_token_cannot_be_submitted_and_a_submitted_one_does_not_expire() {
    let app =
        spawn_app_with(TestOptions { deliver_webhooks: false, ..TestOptions::default() }).await;
    let late = token(&app, &json!({"clientId": "late", "expiryTime": 60})).await;
    let waiting = token(&app, &json!({"clientId": "waiting", "expiryTime": 60})).await;
    process(&app, &waiting, passport("passport-valid.jpg")).await.expect(200);
    app.clock.advance(time::Duration::seconds(61));
    let refused = process(&app, &late, passport("passport-valid.jpg")).await.expect(400);
    assert_eq!(refused.error().0, "TOKEN_NOT_VALID");
    tokio::time::sleep(Duration::from_millis(200)).await; // several sweeps
    let client = app.sandbox_client();
    let status = |token: &Value| json!({"scanRef": token["scanRef"]});
    let late = client.post_json("/api/v2/status", &status(&late)).await.expect(200).json();
    assert_eq!(late["status"], "EXPIRED");
    let waiting = client.post_json("/api/v2/status", &status(&waiting)).await.expect(200).json();
    assert_eq!(waiting["status"], "ACTIVE", "submitted: it waits for its analysis");
    let delete = client.post_json("/api/v2/delete", &json!({"scanRef": waiting["scanRef"]})).await;
    let (identifier, message) = delete.expect(400).error();
    assert_eq!(identifier, "PARTNER_ERROR");
    assert!(message.contains("being analysed"), "{message}");
}

#[tokio::test]
async fn bad_submissions_get_an_error_naming_the_field_and_leave_the_token_usable() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let token = token(&app, &jonas(&receiver)).await;
    let auth = token["authToken"].clone();
    let valid = base64(&fixture("passport-valid.jpg"));
    let truncated_png = {
        let mut png = Vec::new();
        let image = image::GrayImage::from_pixel(64, 64, image::Luma([200]));
        image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        png.truncate(png.len() / 2);
        png
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"images": {"FRONT": valid}}), "MISSING_VALUE", "authToken"),
        (json!({"authToken": auth}), "MISSING_VALUE", "images"),
        (json!({"authToken": auth, "images": []}), "BAD_VALUE", "images"),
        (json!({"authToken": auth, "images": {"FACE": valid}}), "MISSING_VALUE", "FRONT"),
        (
            json!({"authToken": auth, "images": {"FRONT": "not base64!"}}),
            "BAD_VALUE",
            "images.FRONT",
        ),
        (json!({"authToken": auth, "images": {"FRONT": ""}}), "BAD_VALUE", "images.FRONT"),
        (json!({"authToken": auth, "images": {"FRONT": 12}}), "BAD_VALUE", "images.FRONT"),
        (
            json!({"authToken": auth, "images": {"FRONT": base64(b"just some text, not an image")}}),
            "BAD_VALUE",
            "not a JPEG, PNG or WebP image",
        ),
        (
            json!({"authToken": auth, "images": {"FRONT": valid, "BACK": base64(&truncated_png)}}),
            "BAD_VALUE",
            "images.BACK",
        ),
        (
            json!({"authToken": auth, "images": {"FRONT": base64(&vec![0xff; 2 * 1024 * 1024 + 10])}}),
            "BAD_VALUE",
            "the limit is 2097152 bytes",
        ),
        (
            json!({"authToken": auth, "images": {"FRONT": valid, "UTILITY_BILL": valid}}),
            "BAD_VALUE",
            "images.UTILITY_BILL",
        ),
        (
            json!({"authToken": auth, "country": "XX", "images": {"FRONT": valid}}),
            "BAD_VALUE",
            "country",
        ),
        (
            json!({"authToken": auth, "documentType": "SPACESHIP", "images": {"FRONT": valid}}),
            "BAD_VALUE",
            "documentType",
        ),
    ];
    let client = app.sandbox_client();
    for (body, identifier, named) in cases {
        let reply = client.post_json("/api/v2/process", &body).await;
        assert_eq!(reply.status, 400, "{named}: {}", String::from_utf8_lossy(&reply.body));
        let (got, message) = reply.error();
        assert_eq!(got, identifier, "{message}");
        assert!(message.contains(named), "{message:?} should name {named}");
    }
    // A PNG bomb: a tiny file declaring 60,000 × 60,000 pixels is refused by its header.
    let bomb = png_declaring(60_000, 60_000);
    let reply = process(&app, &token, json!({"FRONT": base64(&bomb)})).await.expect(400);
    assert!(reply.error().1.contains("pixels"), "{}", reply.error().1);
    assert!(receiver.received().is_empty());
    // None of it used the token.
    process(&app, &token, passport("passport-valid.jpg")).await.expect(200);
    assert_eq!(receiver.wait_for(1, WAIT).await.len(), 1);
}

/// A PNG whose header declares `width` × `height` pixels, followed by almost no data.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
