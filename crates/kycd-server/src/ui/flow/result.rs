//! The last pages: waiting for the analysis (`flow.js` watches `state` and moves on; without
//! script a "check again" link) and
//! the result, whose continue link is a plain GET to the partner's `successUrl` / `errorUrl` /
//! `unverifiedUrl` (a redirect out of a form post would be blocked by `form-action 'self'`).
//! In an iframe there is no link: `flow.js` posts the end-of-session message to the parent.

use super::Flow;
use askama::Template;
use axum::response::Response;
use kycd_domain::flow::{self as rules, Ending};

#[derive(Template)]
#[template(path = "flow/waiting.html")]
struct WaitingPage {
    chrome: super::Chrome,
    watch: String,
    next: String,
}

#[derive(Template)]
#[template(path = "flow/result.html")]
struct ResultPage {
    chrome: super::Chrome,
    status: &'static str,
    heading: String,
    body: String,
    exit: Option<String>,
    message: Option<String>,
    targets: String,
}

pub fn waiting(flow: &Flow) -> Response {
    flow.page(&WaitingPage {
        chrome: flow.chrome(false),
        watch: flow.nav.href("state"),
        next: flow.nav.href(""),
    })
}

/// The result of a finished verification.
pub fn finished(flow: &Flow) -> Response {
    let verification = &flow.session.verification;
    ending(flow, Ending::of(verification.status, verification.result.as_ref()))
}

/// The page for `ending`.
pub fn ending(flow: &Flow, ending: Ending) -> Response {
    let status = ending.page_status();
    let partner = flow.session.partner.name.as_str();
    let request = &flow.session.verification.request;
    // iDenfy: inside an iframe the partner's URLs are not used; the parent gets the message.
    let exit = (!flow.nav.embed).then(|| rules::exit_url(request, ending.exit).to_owned());
    flow.page(&ResultPage {
        chrome: flow.chrome(false),
        status,
        heading: flow.t.get(&format!("result-{status}-heading")),
        body: flow.t.with(&format!("result-{status}-body"), "partner", partner),
        exit,
        message: flow.nav.embed.then(|| ending.message()),
        targets: flow.message_targets().join(" "),
    })
}
