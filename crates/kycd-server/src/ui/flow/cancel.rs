//! `GET|POST /ui/{token}/cancel`: a confirmation, then the cancel itself: the partner gets
//! IDENTIFICATION_CANCELLED (EXPIRED) and the person the "not completed" page with the link to
//! `unverifiedUrl`.

use super::{Flow, FlowQuery, result};
use crate::AppState;
use askama::Template;
use axum::{
    extract::{Path, RawQuery, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use kycd_domain::flow::Ending;

#[derive(Template)]
#[template(path = "flow/cancel.html")]
struct CancelPage {
    chrome: super::Chrome,
    action: String,
    keep: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let flow = match Flow::load(&state, &token, &FlowQuery::parse(raw.as_deref()), &headers).await {
        Ok(flow) => flow,
        Err(page) => return page,
    };
    if !flow.session.stage.is_capturing() {
        return flow.go("");
    }
    flow.page(&CancelPage {
        chrome: flow.chrome(false),
        action: flow.nav.href("cancel"),
        keep: flow.nav.href(""),
    })
}

pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = super::refuse_cross_site(&headers) {
        return refused;
    }
    let flow = match Flow::load(&state, &token, &FlowQuery::parse(raw.as_deref()), &headers).await {
        Ok(flow) => flow,
        Err(page) => return page,
    };
    if !flow.session.stage.is_capturing() {
        return flow.go("");
    }
    match kycd_core::flow::cancel(&state.core, &flow.session).await {
        Ok(true) => result::ending(&flow, Ending::UNVERIFIED),
        Ok(false) => flow.go(""),
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}
