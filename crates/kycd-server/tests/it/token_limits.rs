//! Credits, the hourly rate limit, and a property test that no JSON value makes the endpoint fail.

use kycd_domain::Environment;
use kycd_testkit::spawn_app;
use proptest::prelude::*;
use serde_json::{Value, json};

#[tokio::test]
async fn credits_are_spent_one_per_token_and_exhaustion_is_402_with_nothing_stored() {
    let app = spawn_app().await;
    let partner = app.create_partner("metered", Environment::Prod, Some(2), 0).await;
    let client = app.client_for(&partner);
    for n in 0..2 {
        client.post_json("/api/v2/token", &json!({"clientId": format!("c{n}")})).await.expect(201);
    }
    let reply = client.post_json("/api/v2/token", &json!({"clientId": "c3"})).await.expect(402);
    assert_eq!(
        reply.error(),
        (
            "PERMISSIONS_ERROR".into(),
            "Action not allowed due to lack of funds or exceeded limit.".into()
        )
    );
    let stored = app.store.partner_by_name("metered").await.unwrap().unwrap();
    assert_eq!(stored.credits, Some(0));
    assert_eq!(app.store.count_verifications(stored.id).await.unwrap(), 2);
    // Topping up makes it work again.
    let top_up = kycd_store::PartnerUpdate { credits: Some(Some(1)), ..Default::default() };
    app.store.update_partner("metered", &top_up).await.unwrap();
    client.post_json("/api/v2/token", &json!({"clientId": "c4"})).await.expect(201);
}

#[tokio::test]
async fn concurrent_requests_never_overspend_credits() {
    let app = spawn_app().await;
    let partner = app.create_partner("metered", Environment::Prod, Some(5), 0).await;
    let client = app.client_for(&partner);
    let replies = futures::future::join_all((0..12).map(|n| {
        let client = client.clone();
        async move {
            client.post_json("/api/v2/token", &json!({"clientId": format!("c{n}")})).await.status
        }
    }))
    .await;
    assert_eq!(replies.iter().filter(|s| **s == 201).count(), 5, "{replies:?}");
    assert_eq!(replies.iter().filter(|s| **s == 402).count(), 7, "{replies:?}");
    let stored = app.store.partner_by_name("metered").await.unwrap().unwrap();
    assert_eq!(app.store.count_verifications(stored.id).await.unwrap(), 5);
}

#[tokio::test]
async fn hourly_rate_limit_answers_429_with_retry_after_until_the_window_ends() {
    let app = spawn_app().await;
    let partner = app.create_partner("limited", Environment::Dev, None, 3).await;
    let client = app.client_for(&partner);
    for _ in 0..3 {
        client.post_json("/api/v2/token", &json!({"clientId": "c"})).await.expect(201);
    }
    let reply = client.post_json("/api/v2/token", &json!({"clientId": "c"})).await.expect(429);
    let (identifier, message) = reply.error();
    assert_eq!(identifier, "TOO_MANY_REQUESTS");
    assert!(message.contains("3 requests per hour"), "{message}");
    let retry_after: i64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    // Other partners are not affected.
    app.sandbox_client().post_json("/api/v2/token", &json!({"clientId": "c"})).await.expect(201);
    // After the window, the budget is back.
    app.clock.advance(time::Duration::seconds(retry_after));
    client.post_json("/api/v2/token", &json!({"clientId": "c"})).await.expect(201);
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        prop::sample::select(vec![
            "LT",
            "1990-01-01",
            "PASSPORT",
            "APPROVED",
            "https://e.com/x",
            "M"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const TOKEN_KEYS: &[&str] = &[
    "clientId",
    "firstName",
    "lastName",
    "successUrl",
    "errorUrl",
    "unverifiedUrl",
    "callbackUrl",
    "locale",
    "showInstructions",
    "expiryTime",
    "sessionLength",
    "country",
    "documents",
    "dateOfBirth",
    "dateOfExpiry",
    "dateOfIssue",
    "nationality",
    "personalNumber",
    "documentNumber",
    "sex",
    "generateDigitString",
    "address",
    "tokenType",
    "videoCallQuestions",
    "externalRef",
    "utilityBill",
    "additionalSteps",
    "additionalData",
    "dummyStatus",
    "checkLiveness",
    "maxAttemptCount",
    "fraudServices",
    "ageLimit",
    "theme",
    "personScanRef",
];

#[test]
fn arbitrary_json_never_gets_a_5xx() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(spawn_app());
    let client = app.sandbox_client();
    let config = ProptestConfig { cases: 200, ..ProptestConfig::default() };
    proptest!(config, |(
        fields in prop::collection::vec((prop::sample::select(TOKEN_KEYS), arbitrary_json()), 0..6),
        whole in arbitrary_json(),
        use_whole in any::<bool>(),
    )| {
        let body = if use_whole {
            whole
        } else {
            let mut object = serde_json::Map::new();
            object.insert("clientId".into(), json!("prop"));
            for (key, value) in fields {
                object.insert(key.to_owned(), value);
            }
            Value::Object(object)
        };
        let reply = runtime.block_on(client.post_json("/api/v2/token", &body));
        prop_assert!(reply.status < 500, "{} for {}", reply.status, body);
        let parsed: Value = serde_json::from_slice(&reply.body).unwrap();
        if reply.status >= 400 {
            prop_assert!(parsed["identifier"].is_string() && parsed["message"].is_string(), "{}", parsed);
        }
    });
}
