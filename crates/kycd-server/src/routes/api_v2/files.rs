//! POST /api/v2/files: signed, expiring links to a verification's images (audited), in
//! `fileUrls` plus the deprecated top-level keys.

use crate::{
    AppState,
    auth::Authenticated,
    body::JsonObject,
    error::ApiResult,
    lifecycle,
    routes::api_v2::{audit, owned_verification},
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
    let verification = owned_verification(&state, &partner, &body).await?;
    let result = lifecycle::parse_result(&verification)?;
    let now = state.clock.now();
    let urls = lifecycle::file_urls(&state, &verification, result.as_ref(), now);
    audit(
        &state,
        &partner,
        "files.list",
        &verification,
        Some(urls.keys().cloned().collect::<Vec<_>>().join(",")),
    )
    .await?;
    let (videos, images): (Map<String, Value>, Map<String, Value>) =
        urls.into_iter().partition(|(kind, _)| kind.ends_with("_VIDEO"));
    let mut out = images.clone();
    out.insert("fileUrls".into(), Value::Object(images));
    out.insert("videoUrls".into(), Value::Object(videos));
    out.insert("additionalStepPdfUrls".into(), Value::Object(Map::new()));
    Ok(Json(out))
}
