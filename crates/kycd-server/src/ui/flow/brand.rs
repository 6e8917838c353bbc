//! `GET /ui/{token}/brand.css`: the partner's colours for its flow, as a stylesheet (the CSP
//! allows no inline style). The text colour on the brand colour is chosen for contrast.
//! `GET /ui/{token}/logo.png`: the partner's logo, as kycd re-encoded it.

use crate::AppState;
use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use kycd_domain::flow;

pub async fn stylesheet(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let colour = match kycd_core::flow::session(&state.core, &token).await {
        Ok(Some(session)) => session.partner.token_defaults.brand_colour,
        Ok(None) => None,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let Some(colour) = colour.filter(|c| flow::parse_brand_colour(c).is_ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let css = format!(":root {{ --brand: {colour}; --brand-text: {}; }}\n", flow::text_on(&colour));
    let mut response = css.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    crate::ui::page::no_store(headers);
    response
}

pub async fn logo(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let logo = match kycd_core::flow::session(&state.core, &token).await {
        Ok(Some(session)) => kycd_core::flow::logo(&session.partner),
        Ok(None) => None,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let Some(png) = logo else { return StatusCode::NOT_FOUND.into_response() };
    let mut response = png.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    crate::ui::page::no_store(headers);
    response
}
