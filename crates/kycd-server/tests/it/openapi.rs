//! The served OpenAPI document: it must match the committed snapshot (docs/openapi.json), and
//! token responses must validate against iDenfy's own `kycTokensCreate` 201 schema.

use kycd_testkit::spawn_app;
use serde_json::{Value, json};

#[tokio::test]
async fn served_document_matches_the_committed_snapshot() {
    let app = spawn_app().await;
    let served = app.anonymous_client().get("/openapi.json").await.expect(200);
    assert_eq!(served.header("content-type"), Some("application/json"));
    let served: Value = served.json();
    assert_eq!(served["openapi"], "3.1.0");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, format!("{}\n", serde_json::to_string_pretty(&served).unwrap()))
            .unwrap();
    }
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default())
            .unwrap_or(Value::Null);
    assert!(
        committed == served,
        "the served OpenAPI document differs from docs/openapi.json; if the change is intended, \
         run `UPDATE_OPENAPI=1 cargo test -p kycd-server --test it openapi` and commit the file"
    );
}

/// iDenfy's OAS uses 3.0-style `nullable: true`; JSON Schema needs `type: [T, "null"]`.
pub fn nullable_to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(values)) = map.get_mut("enum")
                        && !values.contains(&Value::Null)
                    {
                        values.push(Value::Null);
                    }
                } else {
                    // `allOf: [$ref]` + nullable: either the referenced schema or null.
                    let inner = Value::Object(std::mem::take(map));
                    map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                }
            }
            map.values_mut().for_each(nullable_to_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_to_json_schema),
        _ => {}
    }
}

/// The OAS document as a JSON Schema root whose `$ref`s into components resolve.
pub fn idenfy_schema(pointer: &str) -> Option<jsonschema::Validator> {
    let text = crate::shared_spec("idenfy-kyc-openapi.yml")?;
    let mut oas: Value = serde_yaml::from_str(&text).unwrap();
    nullable_to_json_schema(&mut oas);
    let target = oas.pointer(pointer).unwrap_or_else(|| panic!("{pointer} not in the OAS")).clone();
    let mut root = target;
    root["components"] = oas["components"].clone();
    Some(jsonschema::validator_for(&root).unwrap())
}

#[tokio::test]
async fn token_responses_validate_against_idenfys_201_schema() {
    let Some(validator) = idenfy_schema(
        "/paths/~1api~1v2~1token/post/responses/201/content/application~1json/schema",
    ) else {
        return;
    };
    let app = spawn_app().await;
    let client = app.sandbox_client();
    let bodies = [
        json!({"clientId": "100000"}),
        json!({"clientId": "100000", "firstName": "John Tom", "lastName": "Smith", "generateDigitString": true,
               "country": "lt", "documents": ["PASSPORT"], "dateOfBirth": "1990-12-20", "sex": "M",
               "reviewSuccessful": true, "checkLiveness": false, "theme": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
               "additionalSteps": {"ALL": {"ALL": {"UTILITY_BILL": {"type": "UPLOAD"}}}},
               "additionalData": {"UTILITY_BILL": {"address": "Main st. 1"}}}),
    ];
    // The validator is live: a response with a wrong type is caught.
    assert!(
        !validator
            .is_valid(&json!({"authToken": 5, "scanRef": "x", "tokenType": "IDENTIFICATION"}))
    );
    assert!(!validator.is_valid(&json!({"authToken": "a", "scanRef": "x", "tokenType": "IDENTIFICATION", "additionalSteps": null})));
    for body in bodies {
        let response = client.post_json("/api/v2/token", &body).await.expect(201).json();
        let errors: Vec<String> = validator
            .iter_errors(&response)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "response {response} violates kycTokensCreate 201: {errors:#?}");
    }
}

async fn served_document() -> Value {
    let app = spawn_app().await;
    app.anonymous_client().get("/openapi.json").await.expect(200).json()
}

/// Every (method, path, operation) of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    out
}

#[tokio::test]
async fn every_authenticated_operation_documents_401() {
    let doc = served_document().await;
    let authenticated: Vec<_> = operations(&doc)
        .into_iter()
        .filter(|(_, _, op)| op["security"].as_array().is_some_and(|s| !s.is_empty()))
        .collect();
    assert!(authenticated.len() >= 12, "the check sees the partner operations");
    let missing: Vec<String> = authenticated
        .iter()
        .filter(|(_, _, op)| op["responses"].get("401").is_none())
        .map(|(method, path, _)| format!("{method} {path}"))
        .collect();
    assert!(missing.is_empty(), "authenticated operations without a 401 response: {missing:?}");
    assert!(doc.get("security").is_none(), "security is declared per operation");
}

#[tokio::test]
async fn every_json_body_has_a_named_schema() {
    let doc = served_document().await;
    let mut untyped = Vec::new();
    for (method, path, op) in operations(&doc) {
        let mut bodies = vec![("request".to_owned(), &op["requestBody"])];
        for (status, response) in op["responses"].as_object().unwrap() {
            bodies.push((status.clone(), response));
        }
        for (what, body) in bodies {
            if let Some(schema) = body.pointer("/content/application~1json/schema")
                && schema.get("$ref").is_none()
            {
                untyped.push(format!("{method} {path} {what}: {schema}"));
            }
        }
    }
    assert!(untyped.is_empty(), "JSON bodies without a component schema: {untyped:#?}");
}

/// A validator for the served document's schema of one body, with its components resolvable.
fn served_schema(doc: &Value, path: &str, method: &str, status: &str) -> jsonschema::Validator {
    let pointer = format!(
        "/paths/{}/{method}/responses/{status}/content/application~1json/schema",
        path.replace('~', "~0").replace('/', "~1")
    );
    let mut root = doc.pointer(&pointer).unwrap_or_else(|| panic!("no {pointer}")).clone();
    root["components"] = doc["components"].clone();
    jsonschema::validator_for(&root).unwrap()
}

fn assert_matches(doc: &Value, path: &str, method: &str, body: &Value) {
    let validator = served_schema(doc, path, method, "200");
    let errors: Vec<String> =
        validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{method} {path} answered {body}, not its schema: {errors:#?}");
}

/// The schemas describe what the handlers really send: each 200 body validates against the served
/// document, including the closed enums and required keys.
#[tokio::test]
async fn answers_validate_against_the_served_schemas() {
    use kycd_testkit::WebhookReceiver;
    let app = spawn_app().await;
    let doc = app.anonymous_client().get("/openapi.json").await.expect(200).json();
    let client = app.sandbox_client();
    let receiver = WebhookReceiver::start().await;
    let body = json!({"clientId": "schema", "expiryTime": 3600, "dummyStatus": "SUSPECTED",
                      "callbackUrl": receiver.url("/hook")});
    let token = client.post_json("/api/v2/token", &body).await.expect(201).json();
    let scan = json!({"scanRef": token["scanRef"]});
    for path in ["/api/v2/status", "/api/v2/data", "/api/v2/files"] {
        let reply = client.post_json(path, &scan).await.expect(200).json();
        assert_matches(&doc, path, "post", &reply);
    }
    // The validator is live: a status outside the enum is caught.
    let status = client.post_json("/api/v2/status", &scan).await.expect(200).json();
    let mut wrong = status.clone();
    wrong["status"] = json!("FINE");
    assert!(!served_schema(&doc, "/api/v2/status", "post", "200").is_valid(&wrong));

    let manual = json!({"scanRef": token["scanRef"], "manualFaceMatchResult": "FACE_MATCH",
                        "manualDocumentValidity": "DOC_VALIDATED"});
    let reply = client.post_json("/api/v2/add-dummy-status", &manual).await.expect(200).json();
    assert_matches(&doc, "/api/v2/add-dummy-status", "post", &reply);
    let unused = client.post_json("/api/v2/token", &json!({"clientId": "u"})).await.expect(201);
    let advance = json!({"scanRef": unused.json()["scanRef"], "seconds": 60});
    let reply = client.post_json("/api/v2/sandbox/advance", &advance).await.expect(200).json();
    assert_matches(&doc, "/api/v2/sandbox/advance", "post", &reply);
    let reply = client.get("/api/v2/sandbox/scenarios").await.expect(200).json();
    assert_matches(&doc, "/api/v2/sandbox/scenarios", "get", &reply);

    receiver.wait_for(2, crate::webhooks_support::WAIT).await;
    let deadline = std::time::Instant::now() + crate::webhooks_support::WAIT;
    let log = loop {
        let log = client.get("/api/v2/sandbox/webhooks").await.expect(200).json();
        let attempted = log["webhooks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["attempts"].as_array().is_some_and(|a| !a.is_empty()));
        if attempted {
            break log;
        }
        assert!(std::time::Instant::now() < deadline, "attempts not recorded: {log}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(log["webhooks"].as_array().map(Vec::len), Some(2));
    assert_matches(&doc, "/api/v2/sandbox/webhooks", "get", &log);
    let id = log["webhooks"][0]["id"].as_str().unwrap();
    let resend = format!("/api/v2/sandbox/webhooks/{id}/resend");
    let reply = client.post_json(&resend, &json!({})).await.expect(200).json();
    assert_matches(&doc, "/api/v2/sandbox/webhooks/{id}/resend", "post", &reply);
    let reply = client.post_json("/api/v2/sandbox/reset", &json!({})).await.expect(200).json();
    assert_matches(&doc, "/api/v2/sandbox/reset", "post", &reply);
    let reply = app.anonymous_client().get("/health").await.expect(200).json();
    assert_matches(&doc, "/health", "get", &reply);
}

/// The event stream's `ready` and `webhook` data match their documented schemas.
#[tokio::test]
async fn stream_events_validate_against_their_schemas() {
    use futures::StreamExt;
    let app = spawn_app().await;
    let doc = app.anonymous_client().get("/openapi.json").await.expect(200).json();
    let component = |name: &str| {
        let mut root = json!({"$ref": format!("#/components/schemas/{name}")});
        root["components"] = doc["components"].clone();
        jsonschema::validator_for(&root).unwrap()
    };
    let response = reqwest::Client::new()
        .get(format!("{}/api/v2/sandbox/events", app.base_url))
        .basic_auth(&app.sandbox.api_key, Some(&app.sandbox.api_secret))
        .send()
        .await
        .unwrap();
    let mut stream = response.bytes_stream();
    let token = json!({"clientId": "sse", "dummyStatus": "APPROVED"});
    app.sandbox_client().post_json("/api/v2/token", &token).await.expect(201);
    let (mut text, mut seen) = (String::new(), Vec::new());
    let deadline = tokio::time::Instant::now() + crate::webhooks_support::WAIT;
    while seen.len() < 2 {
        let chunk = tokio::time::timeout_at(deadline, stream.next()).await.unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let event = block.lines().find_map(|l| l.strip_prefix("event: "));
            let data = block.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(event), Some(data)) = (event, data) {
                seen.push((event.to_owned(), serde_json::from_str::<Value>(data).unwrap()));
            }
        }
    }
    assert_eq!(seen[0].0, "ready");
    assert!(component("SandboxReadyEvent").is_valid(&seen[0].1), "{}", seen[0].1);
    assert_eq!(seen[1].0, "webhook");
    assert!(component("SandboxWebhookEvent").is_valid(&seen[1].1), "{}", seen[1].1);
}
