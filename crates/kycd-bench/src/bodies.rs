//! The requests the scenarios send: the full token example of the reference (§2), dummy tokens
//! whose webhook comes back to the bench's own receiver, and status look-ups.

use base64::Engine;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, header};
use http_body_util::Full;
use serde_json::{Value, json};
use std::net::SocketAddr;

/// The full request example of reference §2 (the same body as kycd-server's
/// `tests/it/token.rs::full_example()`), except that `callbackUrl` points at the loopback discard
/// port: kycd never sends a webhook for a token without `dummyStatus`, and this makes sure that
/// nothing started by a benchmark could ever address a host off this machine.
pub fn token_full_example() -> Value {
    json!({
        "clientId": "100000",
        "firstName": "John Tom",
        "lastName": "Smith",
        "successUrl": "https://www.my-company.com/idenfy/success",
        "errorUrl": "https://www.my-company.com/idenfy/fail",
        "unverifiedUrl": "https://www.my-company.com/idenfy/unverified",
        "callbackUrl": "http://127.0.0.1:9/idenfy/webhookendpoint",
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

/// A DEV dummy token that finishes APPROVED at once; its webhook goes to `receiver` at
/// `/hook/<seq>`, which is how the receiver matches a delivery to the request that caused it.
pub fn dummy_token(seq: u64, receiver: SocketAddr) -> Bytes {
    let body = json!({
        "clientId": format!("bench-{seq}"),
        "firstName": "John",
        "lastName": "Smith",
        "dummyStatus": "APPROVED",
        "callbackUrl": format!("http://{receiver}/hook/{seq}"),
    });
    Bytes::from(body.to_string())
}

/// `{"scanRef": "…"}` for /api/v2/status.
pub fn status_body(scan_ref: &str) -> Bytes {
    Bytes::from(json!({ "scanRef": scan_ref }).to_string())
}

/// The `Authorization: Basic …` value for an API key pair.
pub fn basic_auth(api_key: &str, api_secret: &str) -> HeaderValue {
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:{api_secret}"));
    HeaderValue::from_str(&format!("Basic {encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic invalid"))
}

/// A JSON POST to `path` on `addr`.
pub fn post_json(
    addr: SocketAddr,
    path: &str,
    auth: &HeaderValue,
    body: Bytes,
) -> Request<Full<Bytes>> {
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = Method::POST;
    *request.uri_mut() = path.parse().unwrap_or_default();
    let headers = request.headers_mut();
    headers.insert(header::HOST, host(addr));
    headers.insert(header::AUTHORIZATION, auth.clone());
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    request
}

/// A GET of `path` on `addr`.
pub fn get(addr: SocketAddr, path: &str) -> Request<Full<Bytes>> {
    let mut request = Request::new(Full::new(Bytes::new()));
    *request.uri_mut() = path.parse().unwrap_or_default();
    request.headers_mut().insert(header::HOST, host(addr));
    request
}

fn host(addr: SocketAddr) -> HeaderValue {
    HeaderValue::from_str(&addr.to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("localhost"))
}
