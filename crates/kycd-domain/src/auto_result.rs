//! The automatic result of a real analysis (DECISIONS.md "Automatic analysis"): from the document
//! decision, the face status, the overall outcome and whether a person must look.
//!
//! Statuses come only from checks that ran. After a failed document the face is
//! `FACE_NOT_ANALYSED` (reference §5.7 rule 5); after a passing one it is the face decision
//! ([`crate::face_check`]), or `FACE_NOT_CHECKED` when there was no selfie to check (a
//! `DOCUMENT` token). A document without a findable portrait fails as `DOC_FACE_NOT_FOUND`.
//! When the machine cannot decide — the face was not checked, or the document or the face is
//! `AUTO_UNVERIFIABLE` — and no tag already makes it SUSPECTED, the verification goes to
//! REVIEWING and the automatic webhook announces REVIEWING with `final: false`, never APPROVED.

use crate::{
    document_check::DocumentDecision,
    face_check::FaceDecision,
    lifecycle::Outcome,
    result::{VerificationResult, overall},
    screening::Findings,
    token_request::TokenRequest,
    vocabulary::{DocumentStatus, FaceStatus, FileKind},
};

/// What the submission brought besides the images' content.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubmissionFacts {
    /// Image kinds stored for the verification.
    pub files: Vec<FileKind>,
    /// PC, MOBILE … when known.
    pub platform: Option<String>,
    /// Unix seconds: when the person submitted, and when the analysis decided.
    pub submitted_at: i64,
    pub decided_at: i64,
}

/// An automatic result ready to be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoResult {
    pub result: VerificationResult,
    /// The verdict by the overall rule (reference §5.7).
    pub outcome: Outcome,
    /// A person decides next: the verification waits in REVIEWING.
    pub manual_review_follows: bool,
    /// The machine reached no verdict (see the module documentation): the webhook announces
    /// REVIEWING rather than `outcome`.
    pub undecided: bool,
}

/// The automatic result of `request`'s analysis: `document` decided, `face` when a selfie was
/// compared with the document, and what screening against the partner's earlier verifications
/// and blocklists `found` (its tags make the result SUSPECTED, like mismatch tags).
pub fn from_analysis(
    request: &TokenRequest,
    document: DocumentDecision,
    face: Option<FaceDecision>,
    found: &Findings,
    facts: SubmissionFacts,
) -> AutoResult {
    let mut document_status = document.status.unwrap_or(DocumentStatus::DocNotAnalysed);
    let passing =
        matches!(document_status, DocumentStatus::DocValidated | DocumentStatus::AutoUnverifiable);
    let face = match face {
        Some(decision) if passing => {
            document_status = decision.document_status.unwrap_or(document_status);
            decision.status
        }
        None if passing => FaceStatus::FaceNotChecked,
        _ => FaceStatus::FaceNotAnalysed,
    };
    let fraud_tags = found.fraud_tags();
    let outcome = overall(Some(face), Some(document_status), &fraud_tags, &document.mismatch_tags);
    let undecided = document.mismatch_tags.is_empty()
        && fraud_tags.is_empty()
        && (document_status == DocumentStatus::AutoUnverifiable
            || (document_status == DocumentStatus::DocValidated
                && matches!(face, FaceStatus::FaceNotChecked | FaceStatus::AutoUnverifiable)));
    let manual_review_follows = undecided
        || match outcome {
            Outcome::Approved => request.wants_manual_review_after_success(),
            Outcome::Denied | Outcome::Suspected => request.wants_manual_review_after_failure(),
        };
    let mut data = document.data;
    found.fill(&mut data);
    AutoResult {
        result: VerificationResult {
            auto_face: Some(face),
            auto_document: Some(document_status),
            fraud_tags,
            mismatch_tags: document.mismatch_tags,
            data,
            platform: facts.platform,
            start_time: facts.submitted_at,
            finish_time: facts.decided_at,
            files: facts.files,
            ..VerificationResult::default()
        },
        outcome,
        manual_review_follows,
        undecided,
    }
}

/// The result when the analysis itself failed for good (an internal error, retried and still
/// failing): nothing was decided, so a person looks at the images.
pub fn analysis_failed(facts: SubmissionFacts) -> AutoResult {
    AutoResult {
        result: VerificationResult {
            auto_face: Some(FaceStatus::FaceNotAnalysed),
            auto_document: Some(DocumentStatus::DocError),
            platform: facts.platform,
            start_time: facts.submitted_at,
            finish_time: facts.decided_at,
            files: facts.files,
            ..VerificationResult::default()
        },
        outcome: Outcome::Denied,
        manual_review_follows: true,
        undecided: true,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{
        environment::Environment,
        token_request,
        vocabulary::{FraudTag, MismatchTag},
    };

    fn request(body: serde_json::Value) -> TokenRequest {
        let map = body.as_object().unwrap().clone();
        token_request::parse(&map, &Default::default(), Environment::Dev).unwrap()
    }

    fn plain() -> TokenRequest {
        request(serde_json::json!({"clientId": "c1"}))
    }

    fn decision(status: DocumentStatus, tags: Vec<MismatchTag>) -> DocumentDecision {
        DocumentDecision { status: Some(status), mismatch_tags: tags, ..Default::default() }
    }

    fn decide(
        request: &TokenRequest,
        status: DocumentStatus,
        tags: Vec<MismatchTag>,
    ) -> AutoResult {
        from_analysis(
            request,
            decision(status, tags),
            None,
            &Findings::default(),
            SubmissionFacts::default(),
        )
    }

    fn with_face(status: DocumentStatus, face: FaceStatus) -> AutoResult {
        let face = FaceDecision { status: face, document_status: None, score: Some(0.9) };
        from_analysis(
            &plain(),
            decision(status, vec![]),
            Some(face),
            &Findings::default(),
            SubmissionFacts::default(),
        )
    }

    #[test]
    fn a_validated_document_and_a_matching_face_are_approved_without_a_person() {
        let auto = with_face(DocumentStatus::DocValidated, FaceStatus::FaceMatch);
        assert_eq!(auto.outcome, Outcome::Approved);
        assert!(!auto.undecided && !auto.manual_review_follows);
    }

    #[test]
    fn a_mismatching_face_is_denied_and_an_unsure_one_goes_to_a_person() {
        let auto = with_face(DocumentStatus::DocValidated, FaceStatus::FaceMismatch);
        assert_eq!((auto.outcome, auto.undecided), (Outcome::Denied, false));
        let auto = with_face(DocumentStatus::DocValidated, FaceStatus::AutoUnverifiable);
        assert!(auto.undecided && auto.manual_review_follows);
        let auto = with_face(DocumentStatus::AutoUnverifiable, FaceStatus::FaceMatch);
        assert!(auto.undecided, "an unsure document still goes to a person");
    }

    #[test]
    fn a_failed_document_is_not_rescued_by_its_face_and_a_missing_portrait_fails_it() {
        let auto = with_face(DocumentStatus::DocExpired, FaceStatus::FaceMatch);
        assert_eq!(auto.result.auto_face, Some(FaceStatus::FaceNotAnalysed));
        assert_eq!(auto.outcome, Outcome::Denied);
        let portrait_missing = FaceDecision {
            status: FaceStatus::FaceNotAnalysed,
            document_status: Some(DocumentStatus::DocFaceNotFound),
            score: None,
        };
        let auto = from_analysis(
            &plain(),
            decision(DocumentStatus::DocValidated, vec![]),
            Some(portrait_missing),
            &Findings::default(),
            SubmissionFacts::default(),
        );
        assert_eq!(auto.result.auto_document, Some(DocumentStatus::DocFaceNotFound));
        assert_eq!((auto.outcome, auto.undecided), (Outcome::Denied, false));
    }

    #[test]
    fn a_validated_document_without_a_face_check_goes_to_a_person_not_to_approved() {
        let auto = decide(&plain(), DocumentStatus::DocValidated, vec![]);
        assert_eq!(auto.result.auto_face, Some(FaceStatus::FaceNotChecked));
        assert!(auto.undecided && auto.manual_review_follows);
        assert_ne!(auto.outcome, Outcome::Approved);
    }

    #[test]
    fn a_failed_document_is_denied_and_its_face_not_analysed() {
        let auto = decide(&plain(), DocumentStatus::DocExpired, vec![]);
        assert_eq!(auto.result.auto_face, Some(FaceStatus::FaceNotAnalysed));
        assert_eq!(auto.outcome, Outcome::Denied);
        assert!(!auto.undecided && !auto.manual_review_follows);
    }

    #[test]
    fn a_mismatch_is_suspected_even_while_the_face_is_unchecked() {
        let auto = decide(&plain(), DocumentStatus::DocValidated, vec![MismatchTag::Surname]);
        assert_eq!(auto.outcome, Outcome::Suspected);
        assert!(!auto.undecided && !auto.manual_review_follows);
        assert_eq!(auto.result.mismatch_tags, vec![MismatchTag::Surname]);
    }

    #[test]
    fn a_screening_hit_is_suspected_with_its_tag_and_names_the_earlier_verification() {
        let mut found = Findings::default();
        found.duplicate_faces.push(crate::ScanRef::from_trusted("earlier"));
        let match_ =
            FaceDecision { status: FaceStatus::FaceMatch, document_status: None, score: None };
        let auto = from_analysis(
            &plain(),
            decision(DocumentStatus::DocValidated, vec![]),
            Some(match_),
            &found,
            SubmissionFacts::default(),
        );
        assert_eq!(auto.outcome, Outcome::Suspected);
        assert_eq!(auto.result.fraud_tags, vec![FraudTag::DuplicateFace]);
        assert_eq!(auto.result.data.duplicate_faces, Some(vec!["earlier".to_owned()]));
        assert!(!auto.undecided && !auto.manual_review_follows);
        let unsure = FaceDecision { status: FaceStatus::AutoUnverifiable, ..match_ };
        let auto = from_analysis(
            &plain(),
            decision(DocumentStatus::DocValidated, vec![]),
            Some(unsure),
            &found,
            SubmissionFacts::default(),
        );
        assert_eq!((auto.outcome, auto.undecided), (Outcome::Suspected, false), "the tag decides");
    }

    #[test]
    fn low_confidence_goes_to_a_person() {
        let auto = decide(&plain(), DocumentStatus::AutoUnverifiable, vec![]);
        assert!(auto.undecided && auto.manual_review_follows);
    }

    #[test]
    fn review_failed_sends_a_denied_result_to_a_person_too() {
        let request = request(serde_json::json!({"clientId": "c1", "reviewFailed": true}));
        let auto = decide(&request, DocumentStatus::MrzInvalid, vec![]);
        assert_eq!(auto.outcome, Outcome::Denied);
        assert!(auto.manual_review_follows && !auto.undecided);
    }

    #[test]
    fn a_failed_analysis_is_an_error_for_a_person() {
        let auto = analysis_failed(SubmissionFacts::default());
        assert_eq!(auto.result.auto_document, Some(DocumentStatus::DocError));
        assert!(auto.manual_review_follows);
    }
}
