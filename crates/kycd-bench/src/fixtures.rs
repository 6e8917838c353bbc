//! Realistic values built with kycd's own code, shared by the baseline server (so its fixed
//! answers have kycd's exact sizes) and the micro-benchmarks.

use crate::bodies;
use anyhow::{Context, anyhow};
use kycd_api::token::TokenResponse;
use kycd_domain::{
    AuthToken, Environment, ScanRef,
    dummy::{self, DummyPlan},
    token_request::{self, TokenDefaults, TokenRequest},
    vocabulary::{DummyStatus, OverallStatus},
};
use kycd_webhooks::payload::{self, WebhookInput};
use serde_json::{Map, Value};

/// The §2 full example as the JSON object the token handler receives.
pub fn token_body_object() -> anyhow::Result<Map<String, Value>> {
    match bodies::token_full_example() {
        Value::Object(map) => Ok(map),
        _ => Err(anyhow!("the token example is not an object")),
    }
}

/// The §2 full example after kycd's rules (DEV partner, default token settings).
pub fn token_request() -> anyhow::Result<TokenRequest> {
    let body = token_body_object()?;
    token_request::parse(&body, &TokenDefaults::default(), Environment::Dev)
        .map_err(|r| anyhow!("the §2 example was refused: {r:?}"))
}

/// kycd's 201 body for the §2 example.
pub fn token_response(request: &TokenRequest) -> TokenResponse {
    let auth_token = AuthToken::generate();
    let redirect = format!("http://127.0.0.1:8080/api/v2/redirect?authToken={}", auth_token);
    TokenResponse::new(request, &ScanRef::generate(), &auth_token, None, redirect)
}

/// `fileUrls` of a finished verification: links of kycd's shape and length.
pub fn file_urls(scan_ref: &str) -> Map<String, Value> {
    ["FRONT", "BACK", "FACE"]
        .iter()
        .map(|kind| {
            let url = format!(
                "http://127.0.0.1:8080/api/v2/files/{scan_ref}/{kind}?expires=1700000000&sig={}",
                "0".repeat(64)
            );
            ((*kind).to_owned(), Value::String(url))
        })
        .collect()
}

/// The `IDENTIFICATION_AUTO_FINISHED` body kycd sends for a dummy APPROVED token of `request`.
pub fn approved_webhook(request: &TokenRequest, scan_ref: &str, now_unix: i64) -> Value {
    let plan = dummy::plan(request, DummyStatus::Approved, now_unix);
    let result = match &plan {
        DummyPlan::Finish { result, .. } => Some(result.as_ref()),
        _ => None,
    };
    let file_urls = file_urls(scan_ref);
    payload::identification_webhook(&WebhookInput {
        scan_ref,
        client_id: request.client_id.as_str(),
        external_ref: request.external_ref.as_deref(),
        overall: OverallStatus::Approved,
        is_final: true,
        result,
        start_time: now_unix,
        finish_time: now_unix,
        file_urls,
    })
}

/// Serialised [`approved_webhook`] bytes.
pub fn approved_webhook_bytes(request: &TokenRequest) -> anyhow::Result<Vec<u8>> {
    let body = approved_webhook(request, ScanRef::generate().as_str(), 1_700_000_000);
    serde_json::to_vec(&body).context("serialising the webhook body")
}
