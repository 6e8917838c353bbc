//! `GET /ui/{token}/brand.css`: the partner's colours for its flow, as a stylesheet (the CSP
//! allows no inline style). The text colour on the brand colour is chosen for contrast.
//! `GET /ui/{token}/logo.png`: the partner's logo, as kycd re-encoded it.

use crate::{AppState, error::ApiError, params::ApiPath};
use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use kycd_domain::flow;

pub async fn stylesheet(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Response {
    let colour = match kycd_core::flow::session(&state.core, &token).await {
        Ok(Some(session)) => session.partner.token_defaults.brand_colour,
        Ok(None) => None,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let Some(colour) = colour.filter(|c| flow::parse_brand_colour(c).is_ok()) else {
        return not_found("/ui/{token}/brand.css");
    };
    let css = format!(":root {{ --brand: {colour}; --brand-text: {}; }}\n", flow::text_on(&colour));
    let mut response = css.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    crate::ui::page::no_store(headers);
    response
}

pub async fn logo(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Response {
    let logo = match kycd_core::flow::session(&state.core, &token).await {
        Ok(Some(session)) => kycd_core::flow::logo(&session.partner),
        Ok(None) => None,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let Some(png) = logo else { return not_found("/ui/{token}/logo.png") };
    let mut response = png.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    crate::ui::page::no_store(headers);
    response
}

/// No such resource for this link (no brand colour, no logo, or no valid link), in the API's
/// error shape; the token is not echoed.
fn not_found(path: &str) -> Response {
    ApiError::RouteNotFound { method: "GET".to_owned(), path: path.to_owned() }.into_response()
}
