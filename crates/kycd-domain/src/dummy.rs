//! Dummy results for DEV partners (DECISIONS.md "Dummy results"): what a `dummyStatus` token and
//! `add-dummy-status` turn into. Data comes from the token's person data, else a fixed sample person.

use crate::{
    lifecycle::{LifecycleEvent, Outcome},
    result::{DocumentData, PendingReview, VerificationResult},
    sandbox::DummyResult,
    token_request::{TokenRequest, format_date},
    vocabulary::{DocumentStatus, DummyStatus, FaceStatus, FileKind, Sex},
};

/// What a dummy token does right after creation.
#[derive(Debug, Clone, PartialEq)]
pub enum DummyPlan {
    /// Finish the automatic analysis with this result (and send the auto webhook).
    Finish { result: Box<VerificationResult>, event: LifecycleEvent },
    /// Expire at once (and send IDENTIFICATION_EXPIRED).
    Expire,
    /// Stay ACTIVE; nothing is sent.
    StayActive,
}

/// `manualFaceMatchResult` values add-dummy-status accepts (iDenfy's dummy-results and dummy-session pages, FACE_NOT_CHECKED included).
pub const MANUAL_FACE_VALUES: &[FaceStatus] = &[
    FaceStatus::FaceMatch,
    FaceStatus::FaceMismatch,
    FaceStatus::NoFaceFound,
    FaceStatus::TooManyFaces,
    FaceStatus::FaceTooBlurry,
    FaceStatus::FaceUncertain,
    FaceStatus::FaceNotAnalysed,
    FaceStatus::FaceError,
    FaceStatus::AutoUnverifiable,
    FaceStatus::FakeFace,
    FaceStatus::FaceNotChecked,
];

/// `manualDocumentValidity` values add-dummy-status accepts (the same list on iDenfy's dummy-results and dummy-session pages).
pub const MANUAL_DOCUMENT_VALUES: &[DocumentStatus] = &[
    DocumentStatus::DocValidated,
    DocumentStatus::DocInfoMismatch,
    DocumentStatus::DocNotFound,
    DocumentStatus::DocNotFullyVisible,
    DocumentStatus::DocNotSupported,
    DocumentStatus::DocFaceNotFound,
    DocumentStatus::DocTooBlurry,
    DocumentStatus::DocFaceGlared,
    DocumentStatus::MrzNotFound,
    DocumentStatus::MrzOcrReadingError,
    DocumentStatus::BarcodeNotFound,
    DocumentStatus::DocExpired,
    DocumentStatus::CountryMismatch,
    DocumentStatus::DocTypeMismatch,
    DocumentStatus::DocDamaged,
    DocumentStatus::DocFake,
    DocumentStatus::DocError,
    DocumentStatus::AutoUnverifiable,
    DocumentStatus::DocNotAnalysed,
    DocumentStatus::DocNameError,
    DocumentStatus::DocSurnameError,
    DocumentStatus::DocExpiryError,
    DocumentStatus::DocDobError,
    DocumentStatus::DocPersonalNumberError,
    DocumentStatus::DocNumberError,
    DocumentStatus::DocDateOfIssueError,
    DocumentStatus::DocSexError,
    DocumentStatus::DocNationalityError,
];

/// The image kinds every dummy verification has (kycd serves generated sample images for them).
pub const SAMPLE_FILES: [FileKind; 3] = [FileKind::Front, FileKind::Back, FileKind::Face];

/// The plan for a token's dummy request (dummyStatus or dummyResult), if any.
pub fn plan_for(request: &TokenRequest, now_unix: i64) -> DummyPlan {
    match (&request.dummy_result, request.dummy_status) {
        (Some(wanted), _) => plan_result(request, wanted, now_unix),
        (None, Some(status)) => plan(request, status, now_unix),
        (None, None) => DummyPlan::StayActive,
    }
}

/// `dummyResult`: the given values over the sample data; a manual verdict is scheduled
/// `manualReviewAfter` seconds later (the auto webhook then has final=false).
pub fn plan_result(request: &TokenRequest, wanted: &DummyResult, now_unix: i64) -> DummyPlan {
    if wanted.abandon {
        return DummyPlan::StayActive;
    }
    let mut result = VerificationResult {
        auto_face: wanted.auto_face,
        auto_document: wanted.auto_document,
        fraud_tags: wanted.fraud_tags.clone(),
        mismatch_tags: wanted.mismatch_tags.clone(),
        ..analysed(request, now_unix)
    };
    if !wanted.data.is_empty() {
        let mut data = serde_json::to_value(&result.data).unwrap_or_default();
        if let Some(map) = data.as_object_mut() {
            map.extend(wanted.data.clone());
        }
        result.data = serde_json::from_value(data).unwrap_or_default();
    }
    let outcome = result.outcome();
    let scheduled = wanted.has_manual_review();
    if scheduled {
        result.pending_review = Some(PendingReview {
            face: wanted.manual_face,
            document: wanted.manual_document,
            due_at: now_unix + wanted.manual_review_after,
        });
    }
    let manual_review_follows = scheduled
        || match outcome {
            Outcome::Approved => request.wants_manual_review_after_success(),
            Outcome::Denied | Outcome::Suspected => request.wants_manual_review_after_failure(),
        };
    DummyPlan::Finish {
        result: Box::new(result),
        event: LifecycleEvent::AutoFinished { outcome, manual_review_follows },
    }
}

/// `dummyStatus` alone: the result it stands for (see [`DummyResult::from_status`]).
pub fn plan(request: &TokenRequest, status: DummyStatus, now_unix: i64) -> DummyPlan {
    match (DummyResult::from_status(status), status) {
        (Some(base), _) => plan_result(request, &base, now_unix),
        (None, DummyStatus::Expired) => DummyPlan::Expire,
        (None, _) => DummyPlan::StayActive,
    }
}

/// The result after `add-dummy-status`: the manual values are set, and the reviewer's verdict
/// replaces automatic suspicions (tags are cleared), so FACE_MATCH + DOC_VALIDATED approves.
pub fn manual(
    request: &TokenRequest,
    previous: Option<VerificationResult>,
    face: FaceStatus,
    document: DocumentStatus,
    now_unix: i64,
) -> VerificationResult {
    let base = previous.unwrap_or_else(|| analysed(request, now_unix));
    VerificationResult {
        manual_face: Some(face),
        manual_document: Some(document),
        fraud_tags: vec![],
        mismatch_tags: vec![],
        pending_review: None,
        ..base
    }
}

/// A result skeleton for a session that was analysed just now, with document data and samples.
fn analysed(request: &TokenRequest, now_unix: i64) -> VerificationResult {
    VerificationResult {
        data: document_data(request),
        platform: Some("PC".to_owned()),
        start_time: now_unix,
        finish_time: now_unix,
        files: SAMPLE_FILES.to_vec(),
        ..VerificationResult::default()
    }
}

/// The data a dummy "reads" from the document: the token's person data where given, else the
/// sample person (a fictitious Lithuanian ID card holder).
pub fn document_data(request: &TokenRequest) -> DocumentData {
    let first = request.first_name.clone().unwrap_or_else(|| "JONAS".to_owned());
    let last = request.last_name.clone().unwrap_or_else(|| "PAVARDENIS".to_owned());
    let country = request.country.clone().unwrap_or_else(|| "LT".to_owned());
    let nationality = request.nationality.clone().unwrap_or_else(|| country.clone());
    let doc_type = request
        .documents
        .first()
        .map(|d| d.as_str().to_owned())
        .unwrap_or_else(|| "ID_CARD".to_owned());
    let sex = match request.sex {
        Some(Sex::Female) => "FEMALE",
        Some(Sex::Male) | None => "MALE",
    };
    DocumentData {
        full_name: Some(format!("{first} {last}")),
        doc_first_name: Some(first.clone()),
        doc_last_name: Some(last.clone()),
        doc_number: Some(request.document_number.clone().unwrap_or_else(|| "AB1234567".to_owned())),
        doc_personal_code: Some(
            request.personal_number.clone().unwrap_or_else(|| "39001020123".to_owned()),
        ),
        doc_expiry: Some(
            request.date_of_expiry.map_or_else(|| "2031-05-20".to_owned(), format_date),
        ),
        doc_dob: Some(request.date_of_birth.map_or_else(|| "1990-01-02".to_owned(), format_date)),
        doc_date_of_issue: Some(
            request.date_of_issue.map_or_else(|| "2021-05-20".to_owned(), format_date),
        ),
        doc_type: Some(doc_type),
        doc_sex: Some(sex.to_owned()),
        doc_nationality: Some(nationality),
        doc_issuing_country: Some(country.clone()),
        address: request.address.clone(),
        selected_country: Some(country),
        org_first_name: Some(first),
        org_last_name: Some(last),
        manually_data_changed: false,
        ..DocumentData::default()
    }
}
