//! POST /api/v2/files: signed, expiring links to a verification's images (audited), in
//! `fileUrls` plus the deprecated top-level keys.

use crate::{
    AppState, auth::Authenticated, body::JsonObject, error::ApiResult, routes::api_v2::scan_ref_of,
};
use axum::{Json, extract::State};
use serde_json::{Map, Value};

/// Verification files (signed links, audited).
#[utoipa::path(post, path = "/api/v2/files", tag = "Verification",
    request_body(content = Object, description = "{\"scanRef\": \"...\"}"),
    security(("basicAuth" = [])),
    responses(
        (status = 200, description = "{FRONT: url, …, fileUrls: {…}, videoUrls: {}, additionalStepPdfUrls: {}}; links expire (default 1 h)", body = Object),
        (status = 400, description = "MISSING_VALUE: scanRef", body = kycd_api::ErrorBody),
        (status = 404, description = "BAD_VALUE: unknown scanRef or another partner's", body = kycd_api::ErrorBody),
    ))]
pub async fn files(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Map<String, Value>>> {
    let urls = kycd_core::files::list(&state.core, &partner, &scan_ref_of(&body)?).await?;
    let (videos, images): (Map<String, Value>, Map<String, Value>) =
        urls.into_iter().partition(|(kind, _)| kind.ends_with("_VIDEO"));
    let mut out = images.clone();
    out.insert("fileUrls".into(), Value::Object(images));
    out.insert("videoUrls".into(), Value::Object(videos));
    out.insert("additionalStepPdfUrls".into(), Value::Object(Map::new()));
    Ok(Json(out))
}
