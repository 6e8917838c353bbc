//! POST /api/v2/status, /data, /files and /delete: the `{scanRef}` request they share and their
//! response bodies, keys in the order kycd sends them. Shaping only: no lookups, no rules.

use kycd_domain::{
    ClientId, ScanRef,
    result::{DocumentData, VerificationResult},
    vocabulary::{DocumentStatus, FaceStatus, FraudTag, MismatchTag, OverallStatus},
};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The request body of /status, /data, /files and /delete, for documentation: the server reads it
/// with `kycd_domain::fields` (so a missing or mistyped `scanRef` gets the API's error shape).
#[derive(Debug, Clone, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ScanRefRequest {
    /// The verification's id, as returned by POST /api/v2/token.
    #[schema(min_length = 1, max_length = 40, example = "0192f6a4-6a0b-7c1e-9d3f-2b8e4c5a6d7f")]
    scan_ref: String,
}

/// 200 of POST /api/v2/status (reference §6).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusResponse {
    #[schema(value_type = crate::vocabulary::OverallStatus)]
    pub status: OverallStatus,
    #[schema(value_type = String)]
    pub scan_ref: ScanRef,
    #[schema(value_type = String)]
    pub client_id: ClientId,
    #[schema(value_type = Vec<crate::vocabulary::FraudTag>)]
    pub fraud_tags: Vec<FraudTag>,
    #[schema(value_type = Vec<crate::vocabulary::MismatchTag>)]
    pub mismatch_tags: Vec<MismatchTag>,
    #[schema(value_type = Option<crate::vocabulary::FaceStatus>)]
    pub auto_face: Option<FaceStatus>,
    /// Null until reviewed.
    #[schema(value_type = Option<crate::vocabulary::FaceStatus>)]
    pub manual_face: Option<FaceStatus>,
    #[schema(value_type = Option<crate::vocabulary::DocumentStatus>)]
    pub auto_document: Option<DocumentStatus>,
    /// Null until reviewed.
    #[schema(value_type = Option<crate::vocabulary::DocumentStatus>)]
    pub manual_document: Option<DocumentStatus>,
}

impl StatusResponse {
    pub fn new(
        status: OverallStatus,
        scan_ref: ScanRef,
        client_id: ClientId,
        result: VerificationResult,
    ) -> Self {
        Self {
            status,
            scan_ref,
            client_id,
            fraud_tags: result.fraud_tags,
            mismatch_tags: result.mismatch_tags,
            auto_face: result.auto_face,
            manual_face: result.manual_face,
            auto_document: result.auto_document,
            manual_document: result.manual_document,
        }
    }
}

/// 200 of POST /api/v2/data: the webhook's `data` object (reference §4.4.2; every key present,
/// null when unknown, all null after deletion), then (as on iDenfy's data-retrieval page) `addressVerification` and
/// `additionalData`, then the ids.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataResponse {
    pub doc_first_name: Option<String>,
    pub doc_last_name: Option<String>,
    pub doc_number: Option<String>,
    pub doc_personal_code: Option<String>,
    /// YYYY-MM-DD.
    pub doc_expiry: Option<String>,
    /// YYYY-MM-DD.
    pub doc_dob: Option<String>,
    /// YYYY-MM-DD.
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
    /// Other verifications' scanRefs with the same face; null when none.
    pub duplicate_faces: Option<Vec<String>>,
    /// Other verifications' scanRefs with the same document face; null when none.
    pub duplicate_doc_faces: Option<Vec<String>>,
    /// Always null: kycd does no address verification.
    #[schema(value_type = Option<Object>)]
    pub address_verification: Option<Value>,
    /// `{}` when there is none.
    pub additional_data: Map<String, Value>,
    #[schema(value_type = String)]
    pub scan_ref: ScanRef,
    #[schema(value_type = String)]
    pub client_id: ClientId,
}

impl DataResponse {
    /// Every field of `data` is moved by name, so a field added to `DocumentData` must be placed
    /// here too (it does not compile otherwise).
    pub fn new(data: DocumentData, scan_ref: ScanRef, client_id: ClientId) -> Self {
        let DocumentData {
            doc_first_name,
            doc_last_name,
            doc_number,
            doc_personal_code,
            doc_expiry,
            doc_dob,
            doc_date_of_issue,
            doc_type,
            doc_sex,
            doc_nationality,
            doc_issuing_country,
            birth_place,
            authority,
            address,
            doc_temporary_address,
            mothers_maiden_name,
            doc_birth_name,
            doc_patronymic,
            driver_license_category,
            manually_data_changed,
            full_name,
            selected_country,
            org_first_name,
            org_last_name,
            org_nationality,
            org_birth_place,
            org_authority,
            org_address,
            org_temporary_address,
            org_mothers_maiden_name,
            org_patronymic,
            org_birth_name,
            age_estimate,
            client_ip_proxy_risk_level,
            duplicate_faces,
            duplicate_doc_faces,
            additional_data,
        } = data;
        Self {
            doc_first_name,
            doc_last_name,
            doc_number,
            doc_personal_code,
            doc_expiry,
            doc_dob,
            doc_date_of_issue,
            doc_type,
            doc_sex,
            doc_nationality,
            doc_issuing_country,
            birth_place,
            authority,
            address,
            doc_temporary_address,
            mothers_maiden_name,
            doc_birth_name,
            doc_patronymic,
            driver_license_category,
            manually_data_changed,
            full_name,
            selected_country,
            org_first_name,
            org_last_name,
            org_nationality,
            org_birth_place,
            org_authority,
            org_address,
            org_temporary_address,
            org_mothers_maiden_name,
            org_patronymic,
            org_birth_name,
            age_estimate,
            client_ip_proxy_risk_level,
            duplicate_faces,
            duplicate_doc_faces,
            address_verification: None,
            additional_data,
            scan_ref,
            client_id,
        }
    }
}

/// 200 of POST /api/v2/files: the image links as deprecated top-level keys (FRONT, BACK, FACE …),
/// then `fileUrls` (the same links), `videoUrls` and `additionalStepPdfUrls`. Links are signed and
/// expire.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilesResponse {
    /// Deprecated copies of `fileUrls`, one top-level key per image kind.
    #[serde(flatten)]
    #[schema(value_type = HashMap<String, String>)]
    pub images: Map<String, Value>,
    /// Image kind (FRONT, BACK, FACE, UTILITY_BILL) to a signed link.
    #[schema(value_type = HashMap<String, String>)]
    pub file_urls: Map<String, Value>,
    /// Video kind (FRONT_VIDEO, BACK_VIDEO, FACE_VIDEO) to a signed link.
    #[schema(value_type = HashMap<String, String>)]
    pub video_urls: Map<String, Value>,
    /// Always `{}`.
    #[schema(value_type = HashMap<String, String>)]
    pub additional_step_pdf_urls: Map<String, Value>,
}

impl FilesResponse {
    /// From the verification's links (kind → URL, in its files' order): videos go to `videoUrls`,
    /// images to `fileUrls` and the top level.
    pub fn from_links(links: Map<String, Value>) -> Self {
        let (video_urls, file_urls): (Map<String, Value>, Map<String, Value>) =
            links.into_iter().partition(|(kind, _)| kind.ends_with("_VIDEO"));
        Self {
            images: file_urls.clone(),
            file_urls,
            video_urls,
            additional_step_pdf_urls: Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_keeps_the_wire_order() {
        let data = DataResponse::new(
            DocumentData::default(),
            ScanRef::from_trusted("s"),
            ClientId::from_trusted("c"),
        );
        let text = serde_json::to_string(&data).unwrap();
        assert!(text.starts_with(r#"{"docFirstName":null,"docLastName":null,"#), "{text}");
        assert!(
            text.ends_with(
                r#""duplicateDocFaces":null,"addressVerification":null,"additionalData":{},"scanRef":"s","clientId":"c"}"#
            ),
            "{text}"
        );
        // The same keys as the document data, in the same order, before the appended ones.
        let mut expected = match serde_json::to_value(DocumentData::default()).unwrap() {
            Value::Object(map) => map.keys().cloned().collect::<Vec<_>>(),
            _ => unreachable!(),
        };
        expected.retain(|k| k != "additionalData");
        expected.extend(
            ["addressVerification", "additionalData", "scanRef", "clientId"].map(String::from),
        );
        let actual: Vec<String> = match serde_json::to_value(&data).unwrap() {
            Value::Object(map) => map.keys().cloned().collect(),
            _ => unreachable!(),
        };
        assert_eq!(actual, expected);
    }

    #[test]
    fn files_put_images_first_then_the_maps() {
        let mut links = Map::new();
        links.insert("FRONT".into(), "f".into());
        links.insert("FACE_VIDEO".into(), "v".into());
        links.insert("FACE".into(), "a".into());
        let text = serde_json::to_string(&FilesResponse::from_links(links)).unwrap();
        assert_eq!(
            text,
            r#"{"FRONT":"f","FACE":"a","fileUrls":{"FRONT":"f","FACE":"a"},"videoUrls":{"FACE_VIDEO":"v"},"additionalStepPdfUrls":{}}"#
        );
    }
}

/// The request body of POST /api/v2/process ("direct processing"), for documentation: the server
/// reads it with `kycd_domain::fields`.
#[derive(Debug, Clone, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ProcessRequest {
    /// The verification's `authToken`, as returned by POST /api/v2/token: unused and unexpired.
    #[schema(min_length = 1, max_length = 40)]
    auth_token: String,
    /// The country the document is from (ISO 3166-1 alpha-2); checked against the document's
    /// issuing state (COUNTRY_MISMATCH). Defaults to the token's `country`.
    #[schema(example = "LT", nullable)]
    country: Option<String>,
    /// The document type; it must be among the token's `documents` when those are set, and the
    /// document read must be of this type (DOC_TYPE_MISMATCH).
    #[schema(example = "PASSPORT", nullable)]
    document_type: Option<String>,
    images: ProcessImages,
}

/// Images of a direct-processing request: base64 (standard alphabet; a `data:image/...;base64,`
/// prefix is accepted) of a JPEG, PNG or WebP file of at most 2 MiB (2,097,152 bytes) decoded,
/// 8,000 px a side and 40 megapixels. FRONT is required; for a TD1 ID card the machine readable
/// zone is on BACK. UTILITY_BILL and PASSPORT_COVER are refused (not supported).
#[derive(Debug, Clone, ToSchema)]
#[allow(dead_code, clippy::upper_case_acronyms)]
pub struct ProcessImages {
    #[schema(rename = "FRONT")]
    front: String,
    #[schema(rename = "BACK", nullable)]
    back: Option<String>,
    /// Stored for the review; the face check is not automatic yet (autoFace FACE_NOT_CHECKED).
    #[schema(rename = "FACE", nullable)]
    face: Option<String>,
}
