//! `GET|POST /ui/{token}/cancel`: a confirmation, then the cancel itself: the partner gets
//! IDENTIFICATION_CANCELLED (EXPIRED) and the person the "not completed" page with the link to
//! `unverifiedUrl`.

use super::{Flow, SameOrigin, result};
use crate::AppState;
use askama::Template;
use axum::{
    extract::State,
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

pub async fn confirm(flow: Flow) -> Response {
    if !flow.session.stage.is_capturing() {
        return flow.go("");
    }
    flow.page(&CancelPage {
        chrome: flow.chrome(false),
        action: flow.nav.href("cancel"),
        keep: flow.nav.href(""),
    })
}

pub async fn cancel(State(state): State<AppState>, _: SameOrigin, flow: Flow) -> Response {
    if !flow.session.stage.is_capturing() {
        return flow.go("");
    }
    match kycd_core::flow::cancel(&state.core, &flow.session).await {
        Ok(true) => result::ending(&flow, Ending::UNVERIFIED),
        Ok(false) => flow.go(""),
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}
