//! A verification's result: the automatic and manual check values, the tags, the document data,
//! and the overall-status rule of the reference §5.7. The `DocumentData` field order and names are
//! the webhook/`/data` wire shape (§4.4.2), so it serialises as-is.

use crate::{
    lifecycle::Outcome,
    vocabulary::{DocumentStatus, FaceStatus, FraudTag, MismatchTag},
};
use serde::{Deserialize, Serialize};

/// Document data read from the identity document (every field may be null).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DocumentData {
    pub doc_first_name: Option<String>,
    pub doc_last_name: Option<String>,
    pub doc_number: Option<String>,
    pub doc_personal_code: Option<String>,
    pub doc_expiry: Option<String>,
    pub doc_dob: Option<String>,
    pub doc_date_of_issue: Option<String>,
    pub doc_type: Option<String>,
    /// MALE, FEMALE or UNDEFINED.
    pub doc_sex: Option<String>,
    pub doc_nationality: Option<String>,
    pub doc_issuing_country: Option<String>,
    pub birth_place: Option<String>,
    pub authority: Option<String>,
    pub address: Option<String>,
    pub doc_temporary_address: Option<String>,
    pub mothers_maiden_name: Option<String>,
    pub doc_birth_name: Option<String>,
    pub doc_patronymic: Option<String>,
    pub driver_license_category: Option<String>,
    pub manually_data_changed: bool,
    pub full_name: Option<String>,
    pub selected_country: Option<String>,
    pub org_first_name: Option<String>,
    pub org_last_name: Option<String>,
    pub org_nationality: Option<String>,
    pub org_birth_place: Option<String>,
    pub org_authority: Option<String>,
    pub org_address: Option<String>,
    pub org_temporary_address: Option<String>,
    pub org_mothers_maiden_name: Option<String>,
    pub org_patronymic: Option<String>,
    pub org_birth_name: Option<String>,
    pub age_estimate: Option<String>,
    pub client_ip_proxy_risk_level: Option<String>,
    pub duplicate_faces: Option<Vec<String>>,
    pub duplicate_doc_faces: Option<Vec<String>>,
    pub additional_data: serde_json::Map<String, serde_json::Value>,
}

/// Everything the analysis (or a dummy) decided about one verification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VerificationResult {
    pub auto_face: Option<FaceStatus>,
    pub auto_document: Option<DocumentStatus>,
    pub manual_face: Option<FaceStatus>,
    pub manual_document: Option<DocumentStatus>,
    pub fraud_tags: Vec<FraudTag>,
    pub mismatch_tags: Vec<MismatchTag>,
    pub data: DocumentData,
    /// PC, MOBILE, TABLET, MOBILE_APP, MOBILE_SDK or OTHER.
    pub platform: Option<String>,
    /// Unix seconds: when the client started, and when the automatic decision was made.
    pub start_time: i64,
    pub finish_time: i64,
    /// Image kinds stored for this verification (FRONT, BACK, FACE …).
    pub files: Vec<crate::vocabulary::FileKind>,
    /// A manual review that is scheduled (sandbox scenarios): applied when `due_at` passes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_review: Option<PendingReview>,
}

/// A manual verdict waiting for its time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingReview {
    pub face: Option<FaceStatus>,
    pub document: Option<DocumentStatus>,
    /// Unix seconds.
    pub due_at: i64,
}

impl VerificationResult {
    /// The face/document pair that decides: manual values win over automatic ones.
    pub fn deciding_pair(&self) -> (Option<FaceStatus>, Option<DocumentStatus>) {
        if self.manual_face.is_some() || self.manual_document.is_some() {
            (self.manual_face.or(self.auto_face), self.manual_document.or(self.auto_document))
        } else {
            (self.auto_face, self.auto_document)
        }
    }

    pub fn outcome(&self) -> Outcome {
        let (face, document) = self.deciding_pair();
        overall(face, document, &self.fraud_tags, &self.mismatch_tags)
    }
}

/// Reference §5.7: any fraud or mismatch tag makes it SUSPECTED; otherwise FACE_MATCH together
/// with DOC_VALIDATED is APPROVED and anything else DENIED.
pub fn overall(
    face: Option<FaceStatus>,
    document: Option<DocumentStatus>,
    fraud_tags: &[FraudTag],
    mismatch_tags: &[MismatchTag],
) -> Outcome {
    if !fraud_tags.is_empty() || !mismatch_tags.is_empty() {
        return Outcome::Suspected;
    }
    match (face, document) {
        (Some(FaceStatus::FaceMatch), Some(DocumentStatus::DocValidated)) => Outcome::Approved,
        _ => Outcome::Denied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_rule_follows_the_reference() {
        let (m, v) = (Some(FaceStatus::FaceMatch), Some(DocumentStatus::DocValidated));
        assert_eq!(overall(m, v, &[], &[]), Outcome::Approved);
        assert_eq!(overall(m, Some(DocumentStatus::DocExpired), &[], &[]), Outcome::Denied);
        assert_eq!(overall(None, None, &[], &[]), Outcome::Denied);
        assert_eq!(overall(m, v, &[FraudTag::FaceSuspected], &[]), Outcome::Suspected);
        assert_eq!(overall(m, v, &[], &[MismatchTag::Name]), Outcome::Suspected);
        assert_eq!(
            overall(Some(FaceStatus::FaceMismatch), v, &[FraudTag::DuplicateFace], &[]),
            Outcome::Suspected
        );
    }

    #[test]
    fn manual_values_win() {
        let result = VerificationResult {
            auto_face: Some(FaceStatus::FaceNotAnalysed),
            auto_document: Some(DocumentStatus::DocNotFound),
            manual_face: Some(FaceStatus::FaceMatch),
            manual_document: Some(DocumentStatus::DocValidated),
            ..Default::default()
        };
        assert_eq!(result.outcome(), Outcome::Approved);
        let only_face = VerificationResult { manual_document: None, ..result.clone() };
        assert_eq!(only_face.outcome(), Outcome::Denied, "manual face + auto DOC_NOT_FOUND");
    }
}
