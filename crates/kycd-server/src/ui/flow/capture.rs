//! `GET|POST /ui/{token}/capture/{FRONT|BACK|FACE}`: one photo. The page is a multipart form
//! with a file input (works everywhere, no JavaScript needed); `flow.js` adds the live camera,
//! which puts its picture into the same input. The upload is checked at once (size, blur,
//! glare) and a photo the person should retake is refused with the reason, before the attempt
//! is spent; an accepted one is stored sealed and the person moves to the next step.

use super::{Flow, SameOrigin};
use crate::AppState;
use askama::Template;
use axum::{
    extract::{Multipart, State},
    http::StatusCode,
    response::Response,
};
use kycd_core::flow::CaptureProblem;
use kycd_domain::{
    flow as rules,
    vocabulary::{DocumentKind, FileKind},
};

/// A refused photo, as the page explains it.
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "flow/capture.html")]
struct CapturePage {
    chrome: super::Chrome,
    kind: FileKind,
    step_label: String,
    heading: String,
    hint: String,
    facing: &'static str,
    action: String,
    back: Option<String>,
    /// Continue on a phone: offered on desktops only.
    handoff: Option<String>,
    problem: Option<Problem>,
}

/// The steps of the chosen document and where `kind` is among them; None when the document
/// is not chosen or does not need this photo.
fn steps(flow: &Flow, kind: FileKind) -> Option<(DocumentKind, Vec<FileKind>, usize)> {
    let document = flow.nav.doc?;
    let steps = rules::captures(&flow.session.verification.request, document);
    let index = steps.iter().position(|k| *k == kind)?;
    Some((document, steps, index))
}

fn render(flow: &Flow, kind: FileKind, problem: Option<Problem>) -> Response {
    let Some((document, steps, index)) = steps(flow, kind) else { return flow.go("choose") };
    let flow = &flow.clone().at(&format!("capture/{kind}"));
    let t = &flow.t;
    let heading_id = format!("capture-{kind}-{document}-heading");
    let heading = if t.has(&heading_id) {
        t.get(&heading_id)
    } else {
        t.get(&format!("capture-{kind}-heading"))
    };
    let selfie = kind == FileKind::Face;
    let back = match index {
        0 => flow.nav.without_choices().href("choose"),
        i => flow.nav.href(&format!("capture/{}", steps[i - 1])),
    };
    let page = CapturePage {
        chrome: flow.chrome(true),
        kind,
        step_label: t.with2(
            "step-of",
            ("step", &(index + 1).to_string()),
            ("total", &steps.len().to_string()),
        ),
        heading,
        hint: t.get(if selfie { "capture-face-hint" } else { "capture-document-hint" }),
        facing: if selfie { "user" } else { "environment" },
        action: flow.nav.href(&format!("capture/{kind}")),
        back: Some(back),
        handoff: (flow.platform == "PC").then(|| flow.nav.href("handoff")),
        problem,
    };
    let status = match page.problem.as_ref().map(|p| p.code) {
        None => StatusCode::OK,
        Some("too-many") => StatusCode::TOO_MANY_REQUESTS,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    super::render(&page, &flow.frame_ancestors(), status)
}

pub async fn page(flow: Flow, uri: axum::http::Uri) -> Response {
    match FileKind::parse(super::last_segment(&uri)) {
        Some(kind) if flow.session.stage.is_capturing() => render(&flow, kind, None),
        _ => flow.go(""),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    _: SameOrigin,
    flow: Flow,
    uri: axum::http::Uri,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(kind) =
        FileKind::parse(super::last_segment(&uri)).filter(|k| steps(&flow, *k).is_some())
    else {
        return flow.go("choose");
    };
    if !flow.session.stage.is_capturing() {
        return flow.go("");
    }
    let bytes = match read_photo(multipart).await {
        Ok(bytes) if bytes.is_empty() => {
            return render(&flow, kind, Some(problem(&flow, "missing")));
        }
        Ok(bytes) => bytes,
        Err(()) => return render(&flow, kind, Some(problem(&flow, "unreadable"))),
    };
    match kycd_core::flow::upload(&state.core, &flow.session, kind, bytes).await {
        Ok(Ok(_quality)) => {
            let Some((_, steps, index)) = steps(&flow, kind) else { return flow.go("choose") };
            match steps.get(index + 1) {
                Some(next) => flow.go(&format!("capture/{next}")),
                None => flow.go("review"),
            }
        }
        Ok(Err(refused)) => {
            let code = match refused {
                CaptureProblem::Unreadable(_) => "unreadable",
                CaptureProblem::TooSmall { .. } => "too-small",
                CaptureProblem::TooBlurry { .. } => "blurry",
                CaptureProblem::Glared { .. } => "glare",
                CaptureProblem::NoDocument { .. } => "no-document",
                CaptureProblem::NoFace { .. } => "no-face",
            };
            render(&flow, kind, Some(problem(&flow, code)))
        }
        Err(kycd_core::CoreError::Throttled { .. }) => {
            render(&flow, kind, Some(problem(&flow, "too-many")))
        }
        Err(error) => {
            axum::response::IntoResponse::into_response(crate::error::ApiError::from(error))
        }
    }
}

fn problem(flow: &Flow, code: &'static str) -> Problem {
    Problem { code, text: flow.t.get(&format!("problem-{code}")) }
}

/// The `photo` field's bytes; Err for a broken or oversized multipart body.
async fn read_photo(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Vec<u8>, ()> {
    let mut multipart = multipart.map_err(|_| ())?;
    while let Some(field) = multipart.next_field().await.map_err(|_| ())? {
        if field.name() == Some("photo") {
            return field.bytes().await.map(|b| b.to_vec()).map_err(|_| ());
        }
    }
    Ok(Vec::new())
}
