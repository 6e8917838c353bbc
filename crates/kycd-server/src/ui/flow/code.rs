//! `GET /h` and `GET /h/{code}`: continuing a session on a phone by typing the short code the
//! desktop's hand-off page shows (for when its QR code cannot be scanned). A live code is used
//! up and the phone is sent on to the session's flow; anything else shows the form again with
//! the same message, so a guess learns nothing about why it failed.

use super::{FlowQuery, plain_chrome, render};
use askama::Template;
use axum::{
    extract::{Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use kycd_core::CoreError;

use crate::AppState;

#[derive(Template)]
#[template(path = "flow/code.html")]
struct CodePage {
    chrome: super::Chrome,
    lang: Option<String>,
    typed: String,
    problem: Option<(&'static str, String)>,
}

/// `GET /h[?code=…]`: the form, or what the code typed into it leads to.
pub async fn enter(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = FlowQuery::parse(raw.as_deref());
    match query.code.clone() {
        Some(typed) => redeem(&state, &query, &headers, &typed).await,
        None => {
            page_with(plain_chrome(&query, &headers), &query, String::new(), None, StatusCode::OK)
        }
    }
}

/// `GET /h/{code}`: the short link (`/h/K7Q2-M9TD`) the desktop shows beside the code.
pub async fn short_link(
    State(state): State<AppState>,
    typed: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    // A segment that is not even UTF-8 is just a wrong code.
    let typed = typed.map(|Path(typed)| typed).unwrap_or_default();
    redeem(&state, &FlowQuery::parse(raw.as_deref()), &headers, &typed).await
}

async fn redeem(state: &AppState, query: &FlowQuery, headers: &HeaderMap, typed: &str) -> Response {
    // Never echo more than a code's worth of what was typed back into the page.
    let shown: String = typed.chars().take(20).collect();
    match kycd_core::flow::redeem_handoff_code(&state.core, typed).await {
        Ok(Some(token)) => {
            let lang = query.lang.as_deref().map(|l| format!("?lang={}", encode(l)));
            Redirect::to(&format!("/ui/{token}/{}", lang.unwrap_or_default())).into_response()
        }
        Ok(None) => {
            let chrome = plain_chrome(query, headers);
            let problem = ("code-invalid", chrome.t.get("code-invalid"));
            page_with(chrome, query, shown, Some(problem), StatusCode::OK)
        }
        Err(CoreError::Throttled { retry_after_secs, .. }) => {
            let chrome = plain_chrome(query, headers);
            let problem = ("code-too-many", chrome.t.get("code-too-many"));
            let mut response =
                page_with(chrome, query, shown, Some(problem), StatusCode::TOO_MANY_REQUESTS);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}

fn page_with(
    chrome: super::Chrome,
    query: &FlowQuery,
    typed: String,
    problem: Option<(&'static str, String)>,
    status: StatusCode,
) -> Response {
    let lang = query.lang.as_deref().map(|_| chrome.lang.to_owned());
    render(&CodePage { chrome, lang, typed, problem }, "'none'", status)
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
