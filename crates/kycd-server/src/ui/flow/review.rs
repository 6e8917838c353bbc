//! `GET /ui/{token}/review`: the photos side by side, each with a retake link, and the submit
//! button. A photo still missing sends the person back to take it.

use super::Flow;
use crate::AppState;
use askama::Template;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use kycd_domain::{flow as rules, vocabulary::FileKind};

pub struct Photo {
    pub kind: FileKind,
    pub src: String,
    pub label: String,
    pub retake: String,
    pub retake_label: String,
}

#[derive(Template)]
#[template(path = "flow/review.html")]
struct ReviewPage {
    chrome: super::Chrome,
    photos: Vec<Photo>,
    action: String,
}

pub async fn review(State(state): State<AppState>, flow: Flow) -> Response {
    let flow = flow.at("review");
    let Some(document) = flow.nav.doc else { return flow.go("choose") };
    if !flow.session.stage.is_capturing() {
        return flow.go("");
    }
    let needed = rules::captures(&flow.session.verification.request, document);
    let present = match kycd_core::flow::stored_photos(&state.core, &flow.session, &needed).await {
        Ok(present) => present,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    if let Some(missing) = needed.iter().find(|k| !present.contains(k)) {
        return flow.go(&format!("capture/{missing}"));
    }
    let photos = needed
        .iter()
        .map(|&kind| {
            let side = flow.t.get(&format!("side-{kind}"));
            Photo {
                kind,
                src: flow.nav.href(&format!("photo/{kind}")),
                label: side.clone(),
                retake: flow.nav.href(&format!("capture/{kind}")),
                retake_label: flow.t.with("review-retake", "side", &side),
            }
        })
        .collect();
    flow.page(&ReviewPage { chrome: flow.chrome(true), photos, action: flow.nav.href("submit") })
}
