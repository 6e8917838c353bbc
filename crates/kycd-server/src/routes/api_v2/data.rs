//! POST /api/v2/data: the document data of a verification (every key present, null when
//! unknown; all null after deletion). Every call is audited.

use crate::{
    AppState, auth::Authenticated, body::JsonObject, error::ApiResult, routes::api_v2::scan_ref_of,
};
use axum::{Json, extract::State};
use serde_json::{Map, Value};

/// Verification data (audited).
#[utoipa::path(post, path = "/api/v2/data", tag = "Verification",
    request_body(content = Object, description = "{\"scanRef\": \"...\"}"),
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "docFirstName … duplicateDocFaces, addressVerification, additionalData, scanRef, clientId", body = Object),
        (status = 400, description = "MISSING_VALUE: scanRef", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
    ))]
pub async fn data(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Map<String, Value>>> {
    let scan_ref = scan_ref_of(&body)?;
    let (verification, result) =
        kycd_core::verifications::data(&state.core, &partner, &scan_ref).await?;
    let mut out = match serde_json::to_value(&result.data) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    // Order of iDenfy's data-retrieval page: addressVerification before additionalData, then the ids.
    let additional = out.remove("additionalData").unwrap_or_else(|| Value::Object(Map::new()));
    out.insert("addressVerification".into(), Value::Null);
    out.insert("additionalData".into(), additional);
    out.insert("scanRef".into(), Value::String(verification.scan_ref.to_string()));
    out.insert("clientId".into(), Value::String(verification.client_id.to_string()));
    Ok(Json(out))
}
