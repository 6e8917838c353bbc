//! The flow's stylesheet and script, embedded in the binary and served with a content hash in
//! their URL, so browsers may cache them for good and a new release is fetched at once.

use crate::{error::ApiError, params::ApiPath};
use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: [Asset; 4] = [
    Asset {
        name: "flow.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/flow.css"),
    },
    Asset {
        name: "console.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/console.css"),
    },
    Asset {
        name: "console.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/console.js"),
    },
    Asset {
        name: "flow.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/flow.js"),
    },
];

fn hashes() -> &'static [String; 4] {
    static HASHES: OnceLock<[String; 4]> = OnceLock::new();
    HASHES.get_or_init(|| ASSETS.map(|a| hex::encode(&Sha256::digest(a.body)[..8])))
}

/// The URL of an embedded asset, with its content hash.
pub fn url(name: &str) -> String {
    let hash = ASSETS.iter().position(|a| a.name == name).map_or("", |i| hashes()[i].as_str());
    format!("/ui/static/{name}?v={hash}")
}

pub async fn serve(ApiPath(name): ApiPath<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        let path = format!("/ui/static/{name}");
        return ApiError::RouteNotFound { method: "GET".to_owned(), path }.into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
