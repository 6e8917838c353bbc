//! Reading a JSON object body with the API's own errors. The Content-Type is not enforced (any
//! client sending a JSON body is served; `application/json` with parameters included): too large (413), not UTF-8
//! (ENCODING_ERROR), not JSON (JSON_ERROR), not an object (JSON_ERROR). Framework defaults never
//! reach the client.

use crate::{AppState, error::ApiError};
use axum::{
    body::Body,
    extract::{FromRequest, Request},
    http::header,
};
use kycd_domain::{Identifier, Rejection, fields::json_type_name};
use serde_json::{Map, Value};

/// The request body as a JSON object.
#[derive(Debug)]
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, state: &AppState) -> Result<Self, ApiError> {
        read_object(request, state.max_body_bytes).await.map(Self)
    }
}

/// A request body carrying images (`/api/v2/process`): a JSON object of up to
/// [`SUBMISSION_BODY_LIMIT`] bytes (or the configured limit, when larger).
#[derive(Debug)]
pub struct SubmissionBody(pub Map<String, Value>);

/// Three images of [`kycd_core::analysis::MAX_IMAGE_BYTES`] in base64, and room for the rest.
pub const SUBMISSION_BODY_LIMIT: usize =
    kycd_core::analysis::MAX_IMAGE_BYTES / 3 * 4 * 3 + 256 * 1024;

impl FromRequest<AppState> for SubmissionBody {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, state: &AppState) -> Result<Self, ApiError> {
        read_object(request, state.max_body_bytes.max(SUBMISSION_BODY_LIMIT)).await.map(Self)
    }
}

/// A request body that may be left out: empty is `{}`, anything else must be a JSON object.
#[derive(Debug)]
pub struct OptionalJsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for OptionalJsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, state: &AppState) -> Result<Self, ApiError> {
        let bytes = read_bytes(request, state.max_body_bytes).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        parse_object(&bytes).map(Self).map_err(ApiError::from)
    }
}

async fn read_object(request: Request<Body>, limit: usize) -> Result<Map<String, Value>, ApiError> {
    parse_object(&read_bytes(request, limit).await?).map_err(ApiError::from)
}

async fn read_bytes(request: Request<Body>, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    axum::body::to_bytes(request.into_body(), limit).await.map_err(|error| {
        if is_length_limit(&error) {
            ApiError::PayloadTooLarge { limit }
        } else {
            // The body stalled past the body timeout, or the connection broke.
            ApiError::Rejected(Rejection::bad_value(
                "The request body did not arrive completely (it stalled or the connection broke).",
            ))
        }
    })
}

/// True when reading stopped at the size limit (http-body-util's LengthLimitError), not for
/// a stalled or broken body.
fn is_length_limit(error: &axum::Error) -> bool {
    crate::error::chain_mentions(error, "length limit exceeded")
}

/// Bytes → JSON object, with the spec's identifiers for each way it can fail.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, Rejection> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Rejection::new(
            Identifier::EncodingError,
            format!(
                "Request body is not valid UTF-8 (invalid byte at offset {}).",
                e.valid_up_to()
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(Rejection::new(
            Identifier::JsonError,
            "Request body is empty; expected a JSON object.",
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Rejection::new(Identifier::JsonError, format!("Request body is not valid JSON: {e}."))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Rejection::new(
            Identifier::JsonError,
            format!("Request body must be a JSON object, got {}.", json_type_name(&other)),
        )),
    }
}
