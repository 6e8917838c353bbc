//! POST /api/v2/token: the happy paths of the reference, echo and storage.

use kycd_domain::{Environment, ScanRef, vocabulary::OverallStatus};
use kycd_testkit::spawn_app;
use serde_json::json;

fn full_example() -> serde_json::Value {
    json!({
        "clientId": "100000",
        "firstName": "John Tom",
        "lastName": "Smith",
        "successUrl": "https://www.my-company.com/idenfy/success",
        "errorUrl": "https://www.my-company.com/idenfy/fail",
        "unverifiedUrl": "https://www.my-company.com/idenfy/unverified",
        "callbackUrl": "https://mywebsite.com/idenfy/webhookendpoint",
        "locale": "en",
        "showInstructions": true,
        "expiryTime": 600,
        "sessionLength": 600,
        "country": "lt",
        "documents": ["PASSPORT"],
        "dateOfBirth": "1990-12-20",
        "dateOfExpiry": "1990-12-20",
        "dateOfIssue": "1990-12-20",
        "nationality": "lt",
        "personalNumber": "123456789",
        "documentNumber": "123456",
        "sex": "M",
        "address": "Address",
        "tokenType": "IDENTIFICATION",
        "videoCallQuestions": ["Question 1", "Question 2"],
        "externalRef": "reference",
        "utilityBill": false,
        "additionalSteps": null,
        "additionalData": null
    })
}

#[tokio::test]
async fn full_example_request_is_echoed_upper_cased_with_201() {
    let app = spawn_app().await;
    let reply = app.sandbox_client().post_json("/api/v2/token", &full_example()).await.expect(201);
    let body = reply.json();
    assert_eq!(body["message"], "Token created successfully");
    let auth_token = body["authToken"].as_str().unwrap();
    assert_eq!(auth_token.len(), 40);
    assert!(auth_token.chars().all(|c| c.is_ascii_alphanumeric()));
    let scan_ref = body["scanRef"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(scan_ref).is_ok(), "scanRef {scan_ref} is a UUID");
    let expected = json!({
        "clientId": "100000", "personScanRef": "100000",
        "firstName": "JOHN TOM", "lastName": "SMITH",
        "successUrl": "https://www.my-company.com/idenfy/success",
        "errorUrl": "https://www.my-company.com/idenfy/fail",
        "unverifiedUrl": "https://www.my-company.com/idenfy/unverified",
        "callbackUrl": "https://mywebsite.com/idenfy/webhookendpoint",
        "locale": "en", "showInstructions": true, "country": "LT",
        "expiryTime": 600, "sessionLength": 600,
        "documents": ["PASSPORT"], "allowedDocuments": {"ALL": ["PASSPORT"]},
        "dateOfBirth": "1990-12-20", "dateOfExpiry": "1990-12-20", "dateOfIssue": "1990-12-20",
        "nationality": "LT", "personalNumber": "123456789", "documentNumber": "123456",
        "sex": "M", "digitString": null, "address": "Address", "tokenType": "IDENTIFICATION",
        "videoCallQuestions": ["Question 1", "Question 2"], "externalRef": "reference",
        "utilityBill": false, "additionalSteps": {}, "additionalData": {},
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&body[key], value, "key {key} of {body}");
    }
    assert_eq!(
        body["redirectUrl"],
        format!("{}/api/v2/redirect?authToken={auth_token}", app.base_url)
    );

    // Stored as ACTIVE with everything later steps need.
    let partner = app.store.partner_by_name("sandbox").await.unwrap().unwrap();
    let stored = app
        .store
        .verification(partner.id, &ScanRef::from_trusted(scan_ref))
        .await
        .unwrap()
        .expect("verification stored");
    assert_eq!(stored.status, OverallStatus::Active);
    assert_eq!(stored.auth_token.as_str(), auth_token);
    assert_eq!(stored.request.first_name.as_deref(), Some("JOHN TOM"));
    assert_eq!(
        stored.request.callback_url.as_deref(),
        Some("https://mywebsite.com/idenfy/webhookendpoint")
    );
    assert_eq!(stored.token_expires_at, app.clock_now() + time::Duration::seconds(600));
}

#[tokio::test]
async fn minimal_request_gets_every_default() {
    let app = spawn_app().await;
    let body = app
        .sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "100000"}))
        .await
        .expect(201)
        .json();
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "message",
            "authToken",
            "scanRef",
            "clientId",
            "personScanRef",
            "firstName",
            "lastName",
            "successUrl",
            "errorUrl",
            "unverifiedUrl",
            "callbackUrl",
            "locale",
            "showInstructions",
            "country",
            "expiryTime",
            "sessionLength",
            "documents",
            "allowedDocuments",
            "dateOfBirth",
            "dateOfExpiry",
            "dateOfIssue",
            "nationality",
            "personalNumber",
            "documentNumber",
            "sex",
            "digitString",
            "address",
            "tokenType",
            "videoCallQuestions",
            "externalRef",
            "utilityBill",
            "additionalSteps",
            "additionalData",
            "redirectUrl",
        ],
        "every key present, in the reference's order"
    );
    let defaults = json!({
        "firstName": null, "lastName": null, "successUrl": null, "errorUrl": null,
        "unverifiedUrl": null, "callbackUrl": null, "locale": "en", "showInstructions": true,
        "country": null, "expiryTime": 86400, "sessionLength": 1800,
        "documents": ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE"],
        "allowedDocuments": {"ALL": ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE"]},
        "dateOfBirth": null, "dateOfExpiry": null, "dateOfIssue": null, "nationality": null,
        "personalNumber": null, "documentNumber": null, "sex": null, "digitString": null,
        "address": null, "tokenType": "IDENTIFICATION", "videoCallQuestions": [],
        "externalRef": null, "utilityBill": false, "additionalSteps": {}, "additionalData": {},
    });
    for (key, value) in defaults.as_object().unwrap() {
        assert_eq!(&body[key], value, "default of {key}");
    }
}

#[tokio::test]
async fn digit_string_locale_fallback_alias_and_custom_settings_echo() {
    let app = spawn_app().await;
    let client = app.sandbox_client();
    let body = client
        .post_json(
            "/api/v2/token",
            &json!({"personScanRef": "legacy-7", "generateDigitString": true, "locale": "xx",
                    "nationality": "ALL", "reviewFailed": true, "checkAml": false,
                    "levenshteinTextMatchRatio": 0.9, "unknownFutureKey": {"a": 1}}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(body["clientId"], "legacy-7");
    let digits = body["digitString"].as_str().unwrap();
    assert!(digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()), "{digits}");
    assert_eq!(body["locale"], "en", "unsupported locale falls back to en");
    assert_eq!(body["nationality"], serde_json::Value::Null, "ALL clears nationality");
    assert_eq!(body["reviewFailed"], true);
    assert_eq!(body["checkAml"], false);
    assert_eq!(body["levenshteinTextMatchRatio"], 0.9);
    assert!(body.get("unknownFutureKey").is_none(), "unknown keys are ignored");
}

#[tokio::test]
async fn each_token_is_a_new_verification_and_partners_cannot_see_each_others() {
    let app = spawn_app().await;
    let other = app.create_partner("other", Environment::Test, None, 0).await;
    let a = app
        .sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "same"}))
        .await
        .expect(201)
        .json();
    let b = app
        .sandbox_client()
        .post_json("/api/v2/token", &json!({"clientId": "same"}))
        .await
        .expect(201)
        .json();
    assert_ne!(a["scanRef"], b["scanRef"]);
    assert_ne!(a["authToken"], b["authToken"]);
    let c = app
        .client_for(&other)
        .post_json("/api/v2/token", &json!({"clientId": "same"}))
        .await
        .expect(201)
        .json();

    let sandbox = app.store.partner_by_name("sandbox").await.unwrap().unwrap();
    let other_partner = app.store.partner_by_name("other").await.unwrap().unwrap();
    let scan_a = ScanRef::from_trusted(a["scanRef"].as_str().unwrap());
    let scan_c = ScanRef::from_trusted(c["scanRef"].as_str().unwrap());
    assert!(app.store.verification(sandbox.id, &scan_a).await.unwrap().is_some());
    assert!(app.store.verification(other_partner.id, &scan_a).await.unwrap().is_none());
    assert!(app.store.verification(sandbox.id, &scan_c).await.unwrap().is_none());
    assert!(app.store.verification(other_partner.id, &scan_c).await.unwrap().is_some());
}

#[tokio::test]
async fn health_and_unknown_routes_answer_json() {
    let app = spawn_app().await;
    let health = app.anonymous_client().get("/health").await.expect(200).json();
    assert_eq!(health, json!({"status": "ok"}));
    let missing = app.anonymous_client().get("/api/v2/nothing-here").await.expect(404);
    assert_eq!(missing.error().0, "NOT_FOUND");
    let wrong_method = app.sandbox_client().get("/api/v2/token").await.expect(405);
    assert_eq!(wrong_method.error().0, "METHOD_NOT_ALLOWED");
    assert!(
        app.anonymous_client()
            .get("/docs")
            .await
            .expect(200)
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    app.shutdown().await;
}
