//! Every rule of the token request violated one at a time: 4xx in the API's error shape, a
//! message naming the field, and nothing stored or spent.

use kycd_domain::Environment;
use kycd_testkit::{Client, TestApp, spawn_app};
use serde_json::{Value, json};

/// Sends each body as a metered partner and checks status, identifier and the field named.
async fn assert_refused(app: &TestApp, client: &Client, cases: &[(Value, u16, &str, &str)]) {
    for (body, status, identifier, field) in cases {
        let reply = client.post_json("/api/v2/token", body).await;
        assert_eq!(
            reply.status,
            *status,
            "body {body} answered {}: {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        let (got_identifier, message) = reply.error();
        assert_eq!(&got_identifier, identifier, "identifier for {body}: {message}");
        assert!(message.contains(field), "message for {body} names '{field}': {message}");
    }
    let partner = app.store.partner_by_name("metered").await.unwrap().unwrap();
    assert_eq!(partner.credits, Some(3), "no credit spent by refused requests");
    assert_eq!(app.store.count_verifications(partner.id).await.unwrap(), 0, "nothing stored");
}

fn with(key: &str, value: Value) -> Value {
    let mut body = json!({"clientId": "c-1"});
    body[key] = value;
    body
}

#[tokio::test]
async fn every_core_rule_broken_alone_is_a_400_naming_the_field() {
    let app = spawn_app().await;
    let metered = app.create_partner("metered", Environment::Dev, Some(3), 0).await;
    let client = app.client_for(&metered);
    let long = |n: usize| "a".repeat(n);
    let cases = vec![
        (json!({}), 400, "MISSING_VALUE", "clientId"),
        (json!({"clientId": null}), 400, "MISSING_VALUE", "clientId"),
        (json!({"clientId": ""}), 400, "BAD_VALUE", "clientId"),
        (json!({"clientId": long(101)}), 400, "BAD_VALUE", "clientId"),
        (json!({"clientId": "klientas-ž"}), 400, "BAD_VALUE", "clientId"),
        (json!({"clientId": 100000}), 400, "BAD_VALUE", "clientId"),
        (with("firstName", json!("J0hn")), 400, "BAD_VALUE", "firstName"),
        (with("firstName", json!("John;")), 400, "BAD_VALUE", "firstName"),
        (with("firstName", json!("")), 400, "BAD_VALUE", "firstName"),
        (with("firstName", json!(long(101))), 400, "BAD_VALUE", "firstName"),
        (with("firstName", json!(["John"])), 400, "BAD_VALUE", "firstName"),
        (with("lastName", json!("Smith<")), 400, "BAD_VALUE", "lastName"),
        (with("successUrl", json!("a:/b")), 400, "BAD_VALUE", "successUrl"),
        (with("successUrl", json!("not a url at all")), 400, "BAD_VALUE", "successUrl"),
        (with("errorUrl", json!("ftp://example.com/x")), 400, "BAD_VALUE", "errorUrl"),
        (
            with("unverifiedUrl", json!(format!("https://e.com/{}", long(2048)))),
            400,
            "BAD_VALUE",
            "unverifiedUrl",
        ),
        (with("callbackUrl", json!(42)), 400, "BAD_VALUE", "callbackUrl"),
        (with("locale", json!("en-GB-extra")), 400, "BAD_VALUE", "locale"),
        (with("showInstructions", json!("true")), 400, "BAD_VALUE", "showInstructions"),
        (with("showInstructions", json!(1)), 400, "BAD_VALUE", "showInstructions"),
        (with("expiryTime", json!(0)), 400, "BAD_VALUE", "expiryTime"),
        (with("expiryTime", json!(-5)), 400, "BAD_VALUE", "expiryTime"),
        (with("expiryTime", json!(2_592_001)), 400, "BAD_VALUE", "expiryTime"),
        (with("expiryTime", json!("3600")), 400, "BAD_VALUE", "expiryTime"),
        (with("expiryTime", json!(3600.5)), 400, "BAD_VALUE", "expiryTime"),
        (with("expiryTime", json!(u64::MAX)), 400, "BAD_VALUE", "expiryTime"),
        (with("sessionLength", json!(60)), 400, "BAD_VALUE", "sessionLength"),
        (with("sessionLength", json!(3600)), 400, "BAD_VALUE", "sessionLength"),
        (with("country", json!("XX")), 400, "BAD_VALUE", "country"),
        (with("country", json!("LTU")), 400, "BAD_VALUE", "country"),
        (with("country", json!(["LT"])), 400, "BAD_VALUE", "country"),
        (with("documents", json!("PASSPORT")), 400, "BAD_VALUE", "documents"),
        (with("documents", json!([])), 400, "BAD_VALUE", "documents"),
        (with("documents", json!(["PASSPORT", "LIBRARY_CARD"])), 400, "BAD_VALUE", "documents"),
        (with("documents", json!([1])), 400, "BAD_VALUE", "documents"),
        (with("documents", json!({"PASSPORT": true})), 400, "BAD_VALUE", "documents"),
        (with("dateOfBirth", json!("1990-13-01")), 400, "BAD_VALUE", "dateOfBirth"),
        (with("dateOfBirth", json!("1990-02-30")), 400, "BAD_VALUE", "dateOfBirth"),
        (with("dateOfBirth", json!("20-12-1990")), 400, "BAD_VALUE", "dateOfBirth"),
        (with("dateOfBirth", json!("")), 400, "BAD_VALUE", "dateOfBirth"),
        (with("dateOfBirth", json!(19901220)), 400, "BAD_VALUE", "dateOfBirth"),
        (with("dateOfExpiry", json!("2030-1-01")), 400, "BAD_VALUE", "dateOfExpiry"),
        (with("dateOfIssue", json!("2021-02-29")), 400, "BAD_VALUE", "dateOfIssue"),
        (with("nationality", json!("ZZ")), 400, "BAD_VALUE", "nationality"),
        (with("personalNumber", json!("")), 400, "BAD_VALUE", "personalNumber"),
        (with("personalNumber", json!(long(51))), 400, "BAD_VALUE", "personalNumber"),
        (with("documentNumber", json!(long(51))), 400, "BAD_VALUE", "documentNumber"),
        (with("documentNumber", json!(123456)), 400, "BAD_VALUE", "documentNumber"),
        (with("sex", json!("X")), 400, "BAD_VALUE", "sex"),
        (with("sex", json!("MALE")), 400, "BAD_VALUE", "sex"),
        (with("generateDigitString", json!("yes")), 400, "BAD_VALUE", "generateDigitString"),
        (
            json!({"clientId": "c", "generateDigitString": true, "expiryTime": 86401}),
            400,
            "BAD_VALUE",
            "expiryTime",
        ),
        (with("address", json!(long(256))), 400, "BAD_VALUE", "address"),
        (with("tokenType", json!("SELFIE")), 400, "BAD_VALUE", "tokenType"),
        (with("tokenType", json!("VIDEO_CALL")), 403, "PARTNER_CONTRACT_ERROR", "VIDEO_CALL"),
        (with("videoCallQuestions", json!("q1")), 400, "BAD_VALUE", "videoCallQuestions"),
        (with("videoCallQuestions", json!(["q1", 2])), 400, "BAD_VALUE", "videoCallQuestions"),
        (with("externalRef", json!(long(41))), 400, "BAD_VALUE", "externalRef"),
        (with("utilityBill", json!("false")), 400, "BAD_VALUE", "utilityBill"),
        (
            json!({"clientId": "c", "utilityBill": true, "additionalSteps": {"ALL": {"ALL": {"UTILITY_BILL": {}}}}}),
            400,
            "BAD_VALUE",
            "utilityBill",
        ),
        (
            json!({"clientId": "c", "additionalData": {"UTILITY_BILL": {"address": "x"}}}),
            400,
            "BAD_VALUE",
            "additionalData",
        ),
        (with("additionalSteps", json!("UTILITY_BILL")), 400, "BAD_VALUE", "additionalSteps"),
        (with("additionalSteps", json!([{"ALL": {}}])), 400, "BAD_VALUE", "additionalSteps"),
        (
            with("additionalSteps", json!({"NOWHERE": {"ALL": {"X": {}}}})),
            400,
            "BAD_VALUE",
            "additionalSteps",
        ),
        (
            with("additionalSteps", json!({"ALL": {"ALL": {"X": 5}}})),
            400,
            "BAD_VALUE",
            "additionalSteps",
        ),
        (with("dummyStatus", json!("MAYBE")), 400, "BAD_VALUE", "dummyStatus"),
        (with("dummyStatus", json!(true)), 400, "BAD_VALUE", "dummyStatus"),
    ];
    assert_refused(&app, &client, &cases).await;
}

#[tokio::test]
async fn custom_settings_are_type_checked_and_unavailable_ones_refused() {
    let app = spawn_app().await;
    let metered = app.create_partner("metered", Environment::Dev, Some(3), 0).await;
    let client = app.client_for(&metered);
    let cases = vec![
        (with("checkLiveness", json!("true")), 400, "BAD_VALUE", "checkLiveness"),
        (with("reviewFailed", json!(1)), 400, "BAD_VALUE", "reviewFailed"),
        (with("maxAttemptCount", json!(-1)), 400, "BAD_VALUE", "maxAttemptCount"),
        (with("maxAttemptCount", json!(1.5)), 400, "BAD_VALUE", "maxAttemptCount"),
        (
            with("faceMatchingThresholdModifier", json!("1")),
            400,
            "BAD_VALUE",
            "faceMatchingThresholdModifier",
        ),
        (
            with("levenshteinTextMatchRatio", json!(1.5)),
            400,
            "BAD_VALUE",
            "levenshteinTextMatchRatio",
        ),
        (with("detectionTypes", json!(["NOSE"])), 400, "BAD_VALUE", "detectionTypes"),
        (with("fraudServices", json!("LID")), 400, "BAD_VALUE", "fraudServices"),
        (with("theme", json!("not-a-uuid")), 400, "BAD_VALUE", "theme"),
        (
            with("registryCentersCountries", json!(["XX"])),
            400,
            "BAD_VALUE",
            "registryCentersCountries",
        ),
        (json!({"clientId": "c", "ageLimit": 30, "ageMax": 20}), 400, "BAD_VALUE", "ageLimit"),
        (with("checkAml", json!(true)), 403, "PARTNER_CONTRACT_ERROR", "checkAml"),
        (with("checkLiveness", json!(true)), 403, "PARTNER_CONTRACT_ERROR", "checkLiveness"),
        (with("fraudServices", json!(["LID"])), 403, "PARTNER_CONTRACT_ERROR", "fraudServices"),
        (with("verifyPhone", json!(true)), 403, "PARTNER_CONTRACT_ERROR", "verifyPhone"),
        (with("questionnaire", json!("kyc-basic")), 403, "PARTNER_CONTRACT_ERROR", "questionnaire"),
    ];
    assert_refused(&app, &client, &cases).await;
}

#[tokio::test]
async fn environment_rules_callback_https_and_dummy_status_outside_dev() {
    let app = spawn_app().await;
    let metered = app.create_partner("metered", Environment::Test, Some(3), 0).await;
    let client = app.client_for(&metered);
    let cases = vec![
        (with("callbackUrl", json!("http://example.com/hook")), 400, "BAD_VALUE", "callbackUrl"),
        (with("dummyStatus", json!("APPROVED")), 403, "PERMISSIONS_ERROR", "TESTING/PRODUCTION"),
    ];
    assert_refused(&app, &client, &cases).await;

    let demo = app.create_partner("demo", Environment::Demo, None, 0).await;
    let reply = app
        .client_for(&demo)
        .post_json("/api/v2/token", &with("dummyStatus", json!("DENIED")))
        .await
        .expect(403);
    assert_eq!(
        reply.error(),
        ("PERMISSIONS_ERROR".into(), "This endpoint is not available for DEMO partners.".into())
    );

    // DEV may use plain http callbacks (local receivers).
    app.sandbox_client()
        .post_json("/api/v2/token", &with("callbackUrl", json!("http://127.0.0.1:9/hook")))
        .await
        .expect(201);
}

#[tokio::test]
async fn malformed_bodies_get_json_errors_not_framework_defaults() {
    let app = spawn_app().await;
    let metered = app.create_partner("metered", Environment::Dev, Some(3), 0).await;
    let client = app.client_for(&metered);
    // (body, content type, status, identifier, words in the message)
    type Case = (Vec<u8>, Option<&'static str>, u16, &'static str, &'static str);
    let cases: Vec<Case> = vec![
        (
            b"{\"clientId\": ".to_vec(),
            Some("application/json"),
            400,
            "JSON_ERROR",
            "not valid JSON",
        ),
        (
            b"{'clientId': 'x'}".to_vec(),
            Some("application/json"),
            400,
            "JSON_ERROR",
            "not valid JSON",
        ),
        (
            b"[{\"clientId\":\"x\"}]".to_vec(),
            Some("application/json"),
            400,
            "JSON_ERROR",
            "got an array",
        ),
        (b"\"clientId\"".to_vec(), Some("application/json"), 400, "JSON_ERROR", "got a string"),
        (b"42".to_vec(), Some("application/json"), 400, "JSON_ERROR", "got an integer"),
        (b"null".to_vec(), Some("application/json; charset=utf-8"), 400, "JSON_ERROR", "got null"),
        (b"".to_vec(), Some("application/json"), 400, "JSON_ERROR", "empty"),
        (b"   ".to_vec(), None, 400, "JSON_ERROR", "empty"),
        (
            vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'],
            Some("application/json"),
            400,
            "ENCODING_ERROR",
            "UTF-8",
        ),
        (
            b"{\"clientId\":\"x\"} trailing".to_vec(),
            Some("application/json"),
            400,
            "JSON_ERROR",
            "not valid JSON",
        ),
    ];
    for (body, content_type, status, identifier, words) in cases {
        let reply = client.post_raw("/api/v2/token", body.clone(), content_type).await;
        assert_eq!(reply.status, status, "{:?}", String::from_utf8_lossy(&body));
        let (got, message) = reply.error();
        assert_eq!(got, identifier, "{message}");
        assert!(message.contains(words), "{message}");
    }
    // 413 in the same JSON shape, whether or not Content-Length is declared up front.
    let huge =
        format!("{{\"clientId\":\"c\",\"address\":\"{}\"}}", "a".repeat(300 * 1024)).into_bytes();
    let reply = client.post_raw("/api/v2/token", huge, Some("application/json")).await.expect(413);
    assert!(reply.error().1.contains("limit"));
    // Content-Type with parameters is fine.
    client
        .post_raw(
            "/api/v2/token",
            br#"{"clientId":"ok"}"#.to_vec(),
            Some("application/json; charset=utf-8"),
        )
        .await
        .expect(201);
    let partner = app.store.partner_by_name("metered").await.unwrap().unwrap();
    assert_eq!(partner.credits, Some(2), "only the one valid request spent a credit");
}

#[tokio::test]
async fn credentials_missing_malformed_or_wrong_are_401() {
    let app = spawn_app().await;
    let good = &app.sandbox;
    let body = json!({"clientId": "c"});
    let clients = [
        ("none", app.anonymous_client()),
        ("wrong secret", app.anonymous_client().with_basic(&good.api_key, "wrong-secret")),
        ("unknown key", app.anonymous_client().with_basic("nobody", &good.api_secret)),
        ("empty secret", app.anonymous_client().with_basic(&good.api_key, "")),
        (
            "bearer scheme",
            app.anonymous_client().with_authorization(&format!("Bearer {}", good.api_secret)),
        ),
        ("not base64", app.anonymous_client().with_authorization("Basic !!!not-base64!!!")),
        ("no colon", app.anonymous_client().with_authorization("Basic bm9jb2xvbg==")),
    ];
    for (case, client) in clients {
        let reply = client.post_json("/api/v2/token", &body).await;
        assert_eq!(reply.status, 401, "{case}");
        assert_eq!(
            reply.error(),
            ("UNAUTHORIZED".into(), "Invalid authorization credentials".into()),
            "{case}"
        );
    }
    let sandbox = app.store.partner_by_name("sandbox").await.unwrap().unwrap();
    assert_eq!(app.store.count_verifications(sandbox.id).await.unwrap(), 0);
}

#[tokio::test]
async fn a_disabled_partner_is_refused_until_enabled_again() {
    let app = spawn_app().await;
    let client = app.sandbox_client();
    let disable = kycd_store::PartnerUpdate { enabled: Some(false), ..Default::default() };
    app.store.update_partner("sandbox", &disable).await.unwrap();
    let reply = client.post_json("/api/v2/token", &json!({"clientId": "c"})).await.expect(403);
    assert_eq!(reply.error(), ("PERMISSIONS_ERROR".into(), "Partner inactive".into()));
    let enable = kycd_store::PartnerUpdate { enabled: Some(true), ..Default::default() };
    app.store.update_partner("sandbox", &enable).await.unwrap();
    client.post_json("/api/v2/token", &json!({"clientId": "c"})).await.expect(201);
}

#[tokio::test]
async fn control_characters_and_unbounded_strings_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let metered = app.create_partner("metered", Environment::Dev, Some(3), 0).await;
    let client = app.client_for(&metered);
    let approved = |data: Value| json!({"autoDocument": "DOC_VALIDATED", "autoFace": "FACE_MATCH", "data": data});
    let cases = vec![
        (json!({"clientId": "client\u{0}1"}), 400, "BAD_VALUE", "clientId"),
        (with("firstName", json!("Jo\u{0}nas")), 400, "BAD_VALUE", "firstName"),
        (with("address", json!("Gedimino\u{1b}[2J pr. 1")), 400, "BAD_VALUE", "address"),
        (with("externalRef", json!("ref\u{7f}")), 400, "BAD_VALUE", "externalRef"),
        (with("successUrl", json!("https://e.com/\u{0}")), 400, "BAD_VALUE", "successUrl"),
        (with("videoCallQuestions", json!(["Who?\u{0}"])), 400, "BAD_VALUE", "videoCallQuestions"),
        (
            with("videoCallQuestions", json!(["q".repeat(501)])),
            400,
            "BAD_VALUE",
            "videoCallQuestions",
        ),
        (with("videoCallQuestions", json!([""])), 400, "BAD_VALUE", "videoCallQuestions"),
        (
            with("videoCallQuestions", json!(vec!["Why?"; 51])),
            400,
            "BAD_VALUE",
            "videoCallQuestions",
        ),
        (
            with("dummyResult", approved(json!({"docFirstName": "A".repeat(501)}))),
            400,
            "BAD_VALUE",
            "dummyResult.data.docFirstName",
        ),
        (
            with("dummyResult", approved(json!({"address": "Vilnius\u{0}"}))),
            400,
            "BAD_VALUE",
            "dummyResult.data.address",
        ),
        (
            with("dummyResult", approved(json!({"duplicateFaces": vec!["x"; 101]}))),
            400,
            "BAD_VALUE",
            "dummyResult.data.duplicateFaces",
        ),
    ];
    assert_refused(&app, &client, &cases).await;
    // Line breaks and tabs are text, and the limits themselves are allowed.
    let fine = json!({
        "clientId": "c-1",
        "videoCallQuestions": vec!["q".repeat(500); 50],
        "dummyResult": approved(json!({"address": format!("Gedimino pr. 1\n\t{}", "a".repeat(400))})),
    });
    client.post_json("/api/v2/token", &fine).await.expect(201);
}
