//! The two ways in: `GET /api/v2/redirect?authToken=…` (iDenfy's full-page redirect, a 302 to
//! the flow) and `GET /?authToken=…[&lang=xx]` (iDenfy's iframe address, so an integrator only
//! changes the host). Neither opens the session; the first page of the flow does.

use super::{FlowQuery, invalid_page};
use axum::{
    extract::RawQuery,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// `GET /api/v2/redirect?authToken=…`: 302 to the flow, keeping `lang`.
#[utoipa::path(get, path = "/api/v2/redirect", tag = "Hosted flow",
    params(
        ("authToken" = String, Query, description = "The token's authToken (the token response's redirectUrl carries it)"),
        ("lang" = Option<String>, Query, description = "Language of the pages (en, lt, de, fr, es, pl, ru; others fall back to English); overrides the token's locale"),
    ),
    responses(
        (status = 302, description = "To the hosted flow (`/ui/{authToken}/`). An unknown, used or expired token then shows a \"link no longer valid\" page (HTML, 200) to the person"),
        (status = 200, description = "Without a token-shaped authToken: the \"link no longer valid\" page (HTML)", content_type = "text/html"),
    ))]
pub async fn redirect(RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    to_flow(&FlowQuery::parse(raw.as_deref()), false, &headers)
}

/// `GET /?authToken=…[&lang=xx]`: the flow for an iframe (the token's locale is ignored there,
/// and the end-of-session message goes to the parent instead of a redirect).
#[utoipa::path(get, path = "/", tag = "Hosted flow",
    params(
        ("authToken" = String, Query, description = "The token's authToken"),
        ("lang" = Option<String>, Query, description = "Language of the pages; inside an iframe the token's locale is ignored, as iDenfy does"),
    ),
    responses(
        (status = 302, description = "To the hosted flow in iframe mode (`/ui/{authToken}/?embed=1`): at the end the page posts the JSON string {\"status\",\"manualStatus\",\"autoSuspected\",\"manualSuspected\"} to the parent (docs/flow.md)"),
        (status = 200, description = "Without a token-shaped authToken: the \"link no longer valid\" page (HTML)", content_type = "text/html"),
    ))]
pub async fn embedded(RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    to_flow(&FlowQuery::parse(raw.as_deref()), true, &headers)
}

fn to_flow(query: &FlowQuery, embed: bool, headers: &HeaderMap) -> Response {
    let Some(token) = query.auth_token.as_deref().filter(|t| is_token_shaped(t)) else {
        return invalid_page(query, headers);
    };
    let mut target = url::form_urlencoded::Serializer::new(String::new());
    if let Some(lang) = &query.lang {
        target.append_pair("lang", lang);
    }
    if embed {
        target.append_pair("embed", "1");
    }
    let location = format!("/ui/{token}/?{}", target.finish());
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    crate::ui::page::no_store(response.headers_mut());
    response
}

/// Auth tokens are ASCII letters and digits; anything else cannot be one and is not put in a URL.
fn is_token_shaped(token: &str) -> bool {
    !token.is_empty() && token.len() <= 200 && token.bytes().all(|b| b.is_ascii_alphanumeric())
}
