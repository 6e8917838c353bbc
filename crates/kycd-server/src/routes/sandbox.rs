//! Sandbox assets: the sample images dummy verifications link to (no personal data in them).

use crate::{error::ApiError, params::ApiPath};
use axum::{
    http::header,
    response::{IntoResponse, Response},
};

/// GET /sandbox/samples/{kind}.png — FRONT, BACK or FACE.
pub async fn sample_image(ApiPath(file): ApiPath<String>) -> Result<Response, ApiError> {
    let kind = file.strip_suffix(".png").unwrap_or(&file);
    let sample =
        kycd_domain::vocabulary::FileKind::parse(kind).and_then(kycd_core::sample_images::sample);
    let bytes = sample.ok_or_else(|| ApiError::RouteNotFound {
        method: "GET".to_owned(),
        path: format!("/sandbox/samples/{file}"),
    })?;
    Ok((
        [(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "public, max-age=86400")],
        bytes,
    )
        .into_response())
}
