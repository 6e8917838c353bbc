//! `GET /console/cases/{scanRef}`: one case — the images side by side, the automatic statuses
//! and tags, the data read from the document beside what the partner sent (differences marked),
//! duplicate hits, and for a reviewer the decision form (opening it claims the case). `POST
//! /console/cases/{scanRef}/decision` decides it (reviewer or admin, CSRF-checked).

use super::{Chrome, Reviewer, SignedIn, cross_site, hhmm, message, refused, render};
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
    analysis::Face,
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
    /// The tags a reviewer may add that the case does not carry yet.
    addable: Vec<&'static str>,
    /// The correctable fields: wire name and value as it stands.
    editable: Vec<(&'static str, String)>,
    /// (when, what), oldest first.
    timeline: Vec<(String, String)>,
    /// A four-eyes decision waiting for confirmation, and whether this operator may confirm it.
    proposal: Option<ProposalView>,
    /// What the analysis sees in the stored images now.
    evidence: EvidenceView,
}

#[derive(Default)]
struct EvidenceView {
    /// MRZ format, its lines, and whether every check digit holds.
    mrz: Option<(String, Vec<String>, bool)>,
    failed_checks: Vec<&'static str>,
    /// The zone's lowest line confidence and least certain name character, as percentages.
    confidence: Option<String>,
    /// (measure, value) of the image that held the zone.
    quality: Vec<(&'static str, String)>,
    document_found: Option<bool>,
    /// Face distance and what it means against kycd's threshold.
    distance: Option<String>,
    /// Which face crops exist: FRONT (document portrait), FACE (selfie).
    crops: Vec<(&'static str, &'static str)>,
    /// (measure, document face, selfie face).
    faces: Vec<(&'static str, String, String)>,
    problems: Vec<String>,
}

struct ProposalView {
    by: String,
    at: String,
    summary: String,
    note: String,
    /// The operator holds the case and is not the proposer.
    can_confirm: bool,
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

/// A proposed decision in one line: the values, the tags removed, the fields corrected.
fn proposed(decision: &Decision) -> String {
    let mut text = format!("document {}, face {}", decision.document, decision.face);
    if !decision.remove_tags.is_empty() {
        text.push_str(&format!("; removes {}", decision.remove_tags.join(", ")));
    }
    if !decision.add_tags.is_empty() {
        text.push_str(&format!("; adds {}", decision.add_tags.join(", ")));
    }
    let corrected: Vec<String> =
        decision.corrections.iter().map(|(f, v)| format!("{} = {v}", f.as_str())).collect();
    if !corrected.is_empty() {
        text.push_str(&format!("; data as {}", corrected.join(", ")));
    }
    text
}

/// One measure of a face, as shown.
type FaceMeasure = fn(&Face) -> String;

fn evidence_view(evidence: review::Evidence) -> EvidenceView {
    let mut view = EvidenceView { problems: evidence.problems, ..EvidenceView::default() };
    if let Some(document) = &evidence.document {
        view.document_found = Some(document.document_found);
        if let Some(mrz) = &document.mrz {
            view.mrz = Some((format!("{:?}", mrz.format), mrz.lines.clone(), mrz.valid));
            view.failed_checks = mrz.failed_checks.clone();
            let name = mrz
                .name_confidence
                .map(|c| format!(", least certain name letter {:.0} %", c * 100.0));
            view.confidence = document
                .confidence
                .map(|c| format!("lines {:.0} %{}", c * 100.0, name.unwrap_or_default()));
        }
        if let Some(q) = &document.quality {
            view.quality = vec![
                ("Sharpness (Laplacian variance)", format!("{:.0}", q.sharpness)),
                ("Glare (share of pixels ≥ 250)", format!("{:.1} %", q.glare * 100.0)),
                ("Size", format!("{} × {} px", q.width, q.height)),
            ];
        }
    }
    if let Some(faces) = &evidence.faces {
        view.distance = faces.distance.map(|d| {
            use kycd_domain::face_check::{MATCH_DISTANCE, MISMATCH_DISTANCE};
            let verdict = if d <= MATCH_DISTANCE {
                "a match"
            } else if d >= MISMATCH_DISTANCE {
                "a mismatch"
            } else {
                "too close to call"
            };
            format!(
                "{d:.3}: {verdict} (match ≤ {MATCH_DISTANCE:.2}, mismatch ≥ {MISMATCH_DISTANCE:.2})"
            )
        });
        let (document, selfie) = (faces.document.main.as_ref(), faces.selfie.main.as_ref());
        if document.is_some() {
            view.crops.push(("FRONT", "Face on the document"));
        }
        if selfie.is_some() {
            view.crops.push(("FACE", "Face in the selfie"));
        }
        let measure = |face: Option<&Face>, what: FaceMeasure| {
            face.map(what).unwrap_or_else(|| "no face".to_owned())
        };
        let rows: [(&'static str, FaceMeasure); 4] = [
            ("Detector score", |f| format!("{:.1}", f.score)),
            ("Eye distance", |f| format!("{:.0} px", f.eye_distance)),
            ("Sharpness", |f| format!("{:.0}", f.quality.sharpness)),
            ("Tilt", |f| format!("{:.0}°", f.roll_degrees)),
        ];
        view.faces = rows
            .into_iter()
            .map(|(label, what)| (label, measure(document, what), measure(selfie, what)))
            .collect();
        view.faces.push((
            "Clear faces",
            faces.document.clear_faces.to_string(),
            faces.selfie.clear_faces.to_string(),
        ));
    }
    view
}

pub async fn case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(scan_ref): ApiPath<String>,
) -> Response {
    let scan_ref = ScanRef::from_trusted(scan_ref);
    let case = match review::open_case(&state.core, &signed_in.operator, &scan_ref).await {
        Ok(case) => case,
        Err(error) => return refused(error),
    };
    let evidence = match review::evidence(&state.core, &case).await {
        Ok(evidence) => evidence_view(evidence),
        Err(error) => EvidenceView { problems: vec![error.to_string()], ..EvidenceView::default() },
    };
    let now = state.core.clock.now();
    let result = case.verification.result.clone().unwrap_or_default();
    let held = case.held_by(&signed_in.operator, now);
    let claim = case.claim.as_ref().map(|c| match (&case.claimed_by, held) {
        (_, true) => format!("You are deciding this case until {}.", hhmm(c.until)),
        (Some(name), false) => format!("{name} is deciding this case until {}.", hhmm(c.until)),
        (None, false) => format!("Claimed until {}.", hhmm(c.until)),
    });
    let proposal = case.proposal.as_ref().map(|p| ProposalView {
        by: p.proposed_by.clone(),
        at: hhmm(p.at),
        summary: proposed(&p.decision),
        note: p.decision.note.trim().to_owned(),
        can_confirm: held && p.proposer != signed_in.operator.id,
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
        images: case
            .images
            .iter()
            .map(|kind| {
                (kind.as_str().to_owned(), format!("/console/cases/{scan_ref}/images/{kind}"))
            })
            .collect(),
        fields: fields(&case),
        claim,
        can_decide: held && proposal.is_none(),
        proposal,
        evidence,
        faces: console::MANUAL_FACE.iter().map(|f| f.as_str()).collect(),
        documents: console::MANUAL_DOCUMENT.iter().map(|d| d.as_str()).collect(),
        addable: console::MANUAL_FRAUD_TAGS
            .iter()
            .filter(|t| !result.fraud_tags.contains(t))
            .map(|t| t.as_str())
            .chain(
                console::MANUAL_MISMATCH_TAGS
                    .iter()
                    .filter(|t| !result.mismatch_tags.contains(t))
                    .map(|t| t.as_str()),
            )
            .collect(),
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
        add_tags: vec![],
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
            "add" => decision.add_tags.push(value),
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
        Err(error) => refused(error),
    }
}

#[derive(serde::Deserialize)]
pub struct Confirmation {
    #[serde(default)]
    csrf: String,
    /// `confirm` or `return`.
    #[serde(default)]
    action: String,
}

/// `POST /console/cases/{scanRef}/confirmation`: the second reviewer of a four-eyes case
/// confirms the proposed decision (it is sent) or sends it back.
pub async fn confirm(
    State(state): State<AppState>,
    Reviewer(signed_in): Reviewer,
    headers: HeaderMap,
    ApiPath(scan_ref): ApiPath<String>,
    Form(form): Form<Confirmation>,
) -> Response {
    if !signed_in.posted_by_session(&state, &headers, &form.csrf) {
        return cross_site();
    }
    let accept = match form.action.as_str() {
        "confirm" => true,
        "return" => false,
        _ => {
            let text = "The field action must be confirm or return.";
            return message(StatusCode::BAD_REQUEST, "Refused", text);
        }
    };
    let scan_ref = ScanRef::from_trusted(scan_ref);
    match review::confirm(&state.core, &signed_in.operator, &scan_ref, accept).await {
        Ok(Some(_)) => Redirect::to("/console").into_response(),
        Ok(None) => Redirect::to(&format!("/console/cases/{scan_ref}")).into_response(),
        Err(error) => refused(error),
    }
}

/// An image's bytes as a never-cached response of the type its first bytes show.
fn image_response(bytes: Vec<u8>) -> Response {
    let content_type = kycd_core::files::content_type(&bytes);
    let mut response = ([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response();
    let headers = response.headers_mut();
    crate::ui::page::no_store(headers);
    headers.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    response
}

/// What an image route answers: the image, a 404 page saying `missing`, or the error's page.
fn served(found: Result<Option<Vec<u8>>, CoreError>, missing: &str) -> Response {
    match found {
        Ok(Some(bytes)) => image_response(bytes),
        Ok(None) => message(StatusCode::NOT_FOUND, "Not found", missing),
        Err(error) => refused(error),
    }
}

fn file_kind(kind: &str) -> Option<kycd_domain::vocabulary::FileKind> {
    kycd_domain::vocabulary::FileKind::parse(kind)
}

/// `GET /console/cases/{scanRef}/images/{kind}`: one stored image, served by the console itself
/// (never a bearer link), audited as `image.view`.
pub async fn image(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath((scan_ref, kind)): ApiPath<(String, String)>,
) -> Response {
    let Some(kind) = file_kind(&kind) else { return served(Ok(None), "No such kind of image.") };
    let scan_ref = ScanRef::from_trusted(scan_ref);
    let found = review::image(&state.core, &signed_in.operator, &scan_ref, kind).await;
    served(found, "That image is not stored.")
}

/// `GET /console/cases/{scanRef}/faces/{FRONT|FACE}`: the face cut from the document photo or
/// the selfie, as PNG, never cached; 404 when there is none.
pub async fn face(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath((scan_ref, kind)): ApiPath<(String, String)>,
) -> Response {
    let Some(kind) = file_kind(&kind) else {
        return served(Ok(None), "Face crops are FRONT or FACE.");
    };
    let scan_ref = ScanRef::from_trusted(scan_ref);
    let found = review::face_crop(&state.core, &signed_in.operator, &scan_ref, kind).await;
    served(found, "No face was found in that image.")
}
