//! `GET /ui/{token}/`: where a link lands. While the person can still capture it shows the
//! instructions (or goes straight to the choice when `showInstructions` is false); once
//! submitted it shows the waiting page, and once finished the result.

use super::{Flow, result};
use askama::Template;
use axum::response::Response;
use kycd_domain::{
    flow::{self as rules, Stage},
    vocabulary::TokenType,
};

/// Why the last attempt failed and how many are left, when the person tries again.
struct Retry {
    reason: &'static str,
    text: String,
    left: String,
}

#[derive(Template)]
#[template(path = "flow/start.html")]
struct StartPage {
    chrome: super::Chrome,
    selfie: bool,
    next: String,
    retry: Option<Retry>,
}

fn retry(flow: &Flow) -> Option<Retry> {
    let verification = &flow.session.verification;
    let last = verification.last_attempt.as_ref()?;
    let reason = rules::retry_reason(last.auto_document);
    let left = rules::max_attempts(&verification.request) - verification.attempts_used;
    Some(Retry {
        reason,
        text: flow.t.get(&format!("reason-{reason}")),
        left: flow.t.count("retry-attempts-left", "left", left),
    })
}

pub async fn start(flow: Flow) -> Response {
    let request = &flow.session.verification.request;
    let retry = retry(&flow);
    match flow.session.stage {
        Stage::Capturing { .. } if request.show_instructions || retry.is_some() => {
            flow.page(&StartPage {
                chrome: flow.chrome(true),
                selfie: request.token_type != TokenType::Document,
                next: flow.nav.href("choose"),
                retry,
            })
        }
        Stage::Capturing { .. } => flow.go("choose"),
        Stage::Analysing => result::waiting(&flow),
        Stage::Finished(_) | Stage::NotValid => result::finished(&flow),
    }
}
