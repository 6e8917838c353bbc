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
               "reviewSuccessful": true, "checkLiveness": true, "theme": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
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
