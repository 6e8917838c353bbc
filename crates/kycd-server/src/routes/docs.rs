//! GET /openapi.json and GET /docs: the API description and a reference page that works offline
//! (one self-contained HTML file, no assets fetched from anywhere).

use axum::{
    http::header,
    response::{Html, IntoResponse},
};
use std::sync::LazyLock;

static DOCUMENT: LazyLock<String> = LazyLock::new(crate::openapi::document_json);

pub async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

pub async fn reference_page() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}
