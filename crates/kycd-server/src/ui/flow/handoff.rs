//! `GET /ui/{token}/handoff`: continue on a phone. The page shows a QR code (SVG rendered here,
//! no script) and the link of the same session; the phone continues where the desktop was, and
//! `flow.js` watches the session's `state` and moves this page on once the phone has submitted
//! (without script, a "check again" link). Beside them, a short code and short link to type on
//! a phone whose camera cannot read the QR code (`code.rs`); each visit shows a new code.

use super::Flow;
use crate::AppState;
use askama::Template;
use axum::{extract::State, response::Response};
use qrcode::{QrCode, render::svg};

#[derive(Template)]
#[template(path = "flow/handoff.html")]
struct HandoffPage {
    chrome: super::Chrome,
    qr: String,
    url: String,
    back: String,
    watch: String,
    next: String,
    /// `K7Q2-M9TD`, where to type it (`host/h`), the short link carrying it (`host/h/K7Q2-M9TD`)
    /// and how long it works.
    code: Option<(String, String, String, String)>,
}

pub async fn handoff(State(state): State<AppState>, flow: Flow) -> Response {
    let flow = flow.at("handoff");
    if !flow.session.stage.is_capturing() || flow.session.verification.submitted_at.is_some() {
        return flow.go("");
    }
    // The phone starts at the choice with the same language; the desktop keeps its own place.
    let url = format!("{}{}", state.core.public_url, flow.nav.without_choices().href(""));
    let qr = match QrCode::new(url.as_bytes()) {
        Ok(code) => {
            code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build()
        }
        Err(_) => String::new(),
    };
    let code = match kycd_core::flow::handoff_code(&state.core, &flow.session).await {
        Ok(Some((code, until))) => {
            let host = state.core.public_url.split("://").nth(1).unwrap_or(&state.core.public_url);
            let minutes = ((until - state.core.clock.now()).whole_seconds() + 59) / 60;
            let short = format!("{host}/h/{}", code.grouped());
            let valid = flow.t.count("handoff-code-valid", "minutes", minutes.max(1));
            Some((code.grouped(), format!("{host}/h"), short, valid))
        }
        Ok(None) => None,
        Err(error) => {
            tracing::warn!(%error, "no hand-off code");
            None
        }
    };
    flow.page(&HandoffPage {
        chrome: flow.chrome(true),
        qr,
        url,
        back: flow.nav.href("choose"),
        watch: flow.nav.href("state"),
        next: flow.nav.href(""),
        code,
    })
}
