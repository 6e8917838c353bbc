//! `GET /console/cases/{scanRef}`: one case — the images side by side, the automatic statuses
//! and tags, the data read from the document beside what the partner sent (differences marked),
//! duplicate hits, and for a reviewer the decision form (opening it claims the case). `POST
//! /console/cases/{scanRef}/decision` decides it (reviewer or admin, CSRF-checked).

use super::{Chrome, Reviewer, SignedIn, cross_site, message, render};
use crate::{AppState, params::ApiPath};
use askama::Template;
use axum::{
    Form,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use kycd_core::{
    CoreError,
    review::{self, Case, Decision},
};
use kycd_domain::{ScanRef, console, token_request::format_date};

struct Field {
    label: &'static str,
    read: String,
    given: String,
    differs: bool,
}

#[derive(Template)]
#[template(path = "console/case.html")]
struct CasePage {
    chrome: Chrome,
    scan_ref: String,
    partner: String,
    client_id: String,
    status: &'static str,
    auto_document: String,
    auto_face: String,
    manual: Option<String>,
    tags: Vec<String>,
    duplicates: Vec<String>,
    images: Vec<(String, String)>,
    fields: Vec<Field>,
    /// "You are deciding this case until …", or who else is.
    claim: Option<String>,
    can_decide: bool,
    faces: Vec<&'static str>,
    documents: Vec<&'static str>,
    /// The correctable fields: wire name and value as it stands.
    editable: Vec<(&'static str, String)>,
    /// (when, what), oldest first.
    timeline: Vec<(String, String)>,
}

fn hhmm(at: time::OffsetDateTime) -> String {
    format!("{:02}:{:02} UTC", at.hour(), at.minute())
}

fn fields(case: &Case) -> Vec<Field> {
    let request = &case.verification.request;
    let data = case.verification.result.as_ref().map(|r| r.data.clone()).unwrap_or_default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows = [
        ("First name", text(&data.doc_first_name), text(&request.first_name)),
        ("Last name", text(&data.doc_last_name), text(&request.last_name)),
        (
            "Date of birth",
            text(&data.doc_dob),
            request.date_of_birth.map(format_date).unwrap_or_default(),
        ),
        ("Document number", text(&data.doc_number), text(&request.document_number)),
        ("Personal code", text(&data.doc_personal_code), text(&request.personal_number)),
        (
            "Expiry",
            text(&data.doc_expiry),
            request.date_of_expiry.map(format_date).unwrap_or_default(),
        ),
        ("Nationality", text(&data.doc_nationality), text(&request.nationality)),
        (
            "Sex",
            text(&data.doc_sex),
            request.sex.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        ),
        ("Document type", text(&data.doc_type), String::new()),
        ("Issuing country", text(&data.doc_issuing_country), text(&request.country)),
    ];
    rows.into_iter()
        .map(|(label, read, given)| {
            // Sex reads MALE/FEMALE, the partner sends M/F.
            let same =
                read.eq_ignore_ascii_case(&given) || (label == "Sex" && read.starts_with(&given));
            let differs = !read.is_empty() && !given.is_empty() && !same;
            Field { label, read, given, differs }
        })
        .collect()
}

fn failed(error: CoreError) -> Response {
    match error {
        CoreError::NotFound(text) => message(StatusCode::NOT_FOUND, "Not found", &text),
        CoreError::Conflict(text) => message(StatusCode::CONFLICT, "Not yours to decide", &text),
        CoreError::Rejected(rejection) => {
            let status = if rejection.identifier == kycd_domain::Identifier::PermissionsError {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::BAD_REQUEST
            };
            message(status, "Refused", &rejection.message)
        }
        other => crate::error::ApiError::from(other).into_response(),
    }
}

pub async fn case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(scan_ref): ApiPath<String>,
) -> Response {
    let scan_ref = ScanRef::from_trusted(scan_ref);
    let case = match review::open_case(&state.core, &signed_in.operator, &scan_ref).await {
        Ok(case) => case,
        Err(error) => return failed(error),
    };
    let now = state.core.clock.now();
    let result = case.verification.result.clone().unwrap_or_default();
    let held = case.held_by(&signed_in.operator, now);
    let claim = case.claim.as_ref().map(|c| match (&case.claimed_by, held) {
        (_, true) => format!("You are deciding this case until {}.", hhmm(c.until)),
        (Some(name), false) => format!("{name} is deciding this case until {}.", hhmm(c.until)),
        (None, false) => format!("Claimed until {}.", hhmm(c.until)),
    });
    let manual = match (result.manual_face, result.manual_document) {
        (Some(face), Some(document)) => Some(format!("{document} · {face}")),
        _ => None,
    };
    let page = CasePage {
        chrome: Chrome::of(&signed_in),
        scan_ref: scan_ref.as_str().to_owned(),
        partner: case.partner.name.clone(),
        client_id: case.verification.client_id.as_str().to_owned(),
        status: case.verification.status.as_str(),
        auto_document: result.auto_document.map_or("—".into(), |s| s.as_str().to_owned()),
        auto_face: result.auto_face.map_or("—".into(), |s| s.as_str().to_owned()),
        manual,
        tags: result
            .fraud_tags
            .iter()
            .map(|t| t.as_str().to_owned())
            .chain(result.mismatch_tags.iter().map(|t| t.as_str().to_owned()))
            .collect(),
        duplicates: result
            .data
            .duplicate_faces
            .iter()
            .chain(result.data.duplicate_doc_faces.iter())
            .flatten()
            .cloned()
            .collect(),
        images: case.images.iter().map(|(k, url)| (k.as_str().to_owned(), url.clone())).collect(),
        fields: fields(&case),
        claim,
        can_decide: held,
        faces: console::MANUAL_FACE.iter().map(|f| f.as_str()).collect(),
        documents: console::MANUAL_DOCUMENT.iter().map(|d| d.as_str()).collect(),
        timeline: case
            .timeline
            .iter()
            .map(|e| {
                let at = e.at.format(&time::format_description::well_known::Rfc3339);
                (at.unwrap_or_default(), e.what.clone())
            })
            .collect(),
        editable: console::DataField::ALL
            .iter()
            .map(|f| (f.as_str(), f.value(&result.data).unwrap_or_default()))
            .collect(),
    };
    render(&page, StatusCode::OK)
}

/// The decision form's fields: one value each, except `remove` (a checkbox per tag the reviewer
/// found to be a false positive), which may repeat, and `data.FIELD` (the document data as the
/// reviewer left it).
fn decision_of(pairs: Vec<(String, String)>) -> (String, Decision) {
    let mut csrf = String::new();
    let mut decision = Decision {
        face: String::new(),
        document: String::new(),
        remove_tags: vec![],
        note: String::new(),
        corrections: vec![],
    };
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => csrf = value,
            "manualFace" => decision.face = value,
            "manualDocument" => decision.document = value,
            "note" => decision.note = value,
            "remove" => decision.remove_tags.push(value),
            other => {
                if let Some(field) = other.strip_prefix("data.").and_then(console::DataField::parse)
                {
                    decision.corrections.push((field, value));
                }
            }
        }
    }
    (csrf, decision)
}

pub async fn decide(
    State(state): State<AppState>,
    Reviewer(signed_in): Reviewer,
    headers: HeaderMap,
    ApiPath(scan_ref): ApiPath<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (csrf, decision) = decision_of(pairs);
    if !signed_in.posted_by_session(&state, &headers, &csrf) {
        return cross_site();
    }
    let scan_ref = ScanRef::from_trusted(scan_ref);
    match review::decide(&state.core, &signed_in.operator, &scan_ref, decision).await {
        Ok(_) => Redirect::to("/console").into_response(),
        Err(error) => failed(error),
    }
}
