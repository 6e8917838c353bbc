//! POST /api/v2/process (iDenfy's "direct processing"): the images of a verification sent by the
//! partner's own backend instead of the hosted flow. The token is used, the images stored sealed
//! and the analysis queued; the result arrives as IDENTIFICATION_AUTO_FINISHED.

use crate::{AppState, auth::Authenticated, body::SubmissionBody, error::ApiResult};
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use base64::Engine;
use kycd_core::analysis::{MAX_IMAGE_BYTES, SUBMITTED_KINDS, SubmissionInput};
use kycd_domain::{AuthToken, Rejection, fields::Fields, vocabulary::FileKind};
use serde_json::{Map, Value};

/// Submit a verification's images for automatic analysis.
///
/// The token must belong to the caller and be unused and unexpired; it cannot be used again
/// afterwards (the hosted flow then shows "link no longer valid"). Each image is base64 of a JPEG,
/// PNG or WebP file of at most 2 MiB decoded (a `data:` URL prefix is accepted); every image is
/// decoded before anything is stored, so a broken one is refused naming its field. The body may be
/// up to 8.25 MiB. 200 with an empty body; the result follows as IDENTIFICATION_AUTO_FINISHED
/// (a validated document goes to REVIEWING while the face check is not automatic).
#[utoipa::path(post, path = "/api/v2/process", tag = "Verification",
    request_body = kycd_api::ProcessRequest,
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "Submitted (empty body); the analysis is queued"),
        (status = 400, description = "TOKEN_NOT_VALID: unknown, another partner's, used or expired token; MISSING_VALUE: authToken, images or images.FRONT; BAD_VALUE: country, documentType, an image that is not base64, too large, not a JPEG/PNG/WebP image or damaged (the message names the field); JSON_ERROR or ENCODING_ERROR: the body", body = kycd_api::ErrorBody),
        (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
        (status = 403, description = "PERMISSIONS_ERROR: partner inactive", body = kycd_api::ErrorBody),
        (status = 413, description = "Body over the size limit", body = kycd_api::ErrorBody),
        (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody),
    ))]
pub async fn process(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    SubmissionBody(body): SubmissionBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let token = AuthToken::from_trusted(fields.required_str("authToken")?);
    let input = SubmissionInput {
        country: fields.opt_str("country")?.map(str::to_owned),
        document_type: fields.opt_str("documentType")?.map(str::to_owned),
        images: images(&fields)?,
        platform: Some("API".to_owned()),
    };
    kycd_core::analysis::submit(&state.core, &partner, &token, input).await?;
    Ok(StatusCode::OK.into_response())
}

/// The `images` object: FRONT, BACK and FACE as bytes, each named in its errors.
fn images(fields: &Fields<'_>) -> Result<Vec<(FileKind, Vec<u8>)>, Rejection> {
    let map: &Map<String, Value> =
        fields.opt_object("images")?.ok_or_else(|| Rejection::missing("images"))?;
    if let Some(other) = map.keys().find(|key| !SUBMITTED_KINDS.iter().any(|k| k.as_str() == *key))
    {
        let kinds: Vec<&str> = SUBMITTED_KINDS.iter().map(|k| k.as_str()).collect();
        return Err(Rejection::bad_value(format!(
            "Field 'images.{other}' is not supported; images may be {}.",
            kinds.join(", ")
        )));
    }
    let images = Fields::nested(map, "images.");
    let mut found = Vec::new();
    for kind in SUBMITTED_KINDS {
        let Some(text) = images.opt_str(kind.as_str())? else { continue };
        found.push((kind, decode_image(kind, text)?));
    }
    Ok(found)
}

fn decode_image(kind: FileKind, text: &str) -> Result<Vec<u8>, Rejection> {
    let field = format!("images.{kind}");
    let encoded = match text.split_once(";base64,") {
        Some((prefix, rest)) if prefix.starts_with("data:") => rest,
        _ => text,
    };
    let encoded = encoded.trim();
    // Refuse by length before decoding: 4 base64 characters carry 3 bytes.
    if encoded.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
        return Err(too_large(&field, encoded.len() / 4 * 3));
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|e| {
        Rejection::bad_value(format!("Field '{field}' must be base64 (standard alphabet): {e}."))
    })?;
    if bytes.is_empty() {
        return Err(Rejection::bad_value(format!("Field '{field}' is empty.")));
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(too_large(&field, bytes.len()));
    }
    Ok(bytes)
}

fn too_large(field: &str, size: usize) -> Rejection {
    Rejection::bad_value(format!(
        "Field '{field}' is about {size} bytes decoded; the limit is {MAX_IMAGE_BYTES} bytes."
    ))
}
