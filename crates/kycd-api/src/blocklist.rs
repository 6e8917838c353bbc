//! `POST` / `DELETE /kyc/identifications/{scanRef}/blocklists/{blocklistSource}/` (iDenfy's OAS,
//! "KYC Blocklist"): the request and the two entry shapes, keys as the OAS names them. Shaping
//! only: no lookups, no rules.

use serde::Serialize;
use utoipa::ToSchema;

/// The optional body of the POST (an empty body is the same as `{}`).
#[derive(Debug, Clone, ToSchema)]
#[allow(dead_code)]
pub struct BlocklistRequest {
    /// Why the verification is put on the list (internal; at most 500 characters).
    #[schema(nullable, max_length = 500, example = "Chargeback fraud")]
    reason: Option<String>,
}

/// 201 of a SELFIE or DOCUMENT entry (OAS `IdentificationBlacklist`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlocklistFaceEntry {
    /// The scanRef of the verification whose face is on the list.
    pub id: String,
    pub reason: Option<String>,
    /// When the verification was put on the list (RFC 3339).
    #[schema(format = DateTime)]
    pub created: String,
    /// A signed, expiring link to the image the face is in (the selfie, or the document front).
    pub face_image_url: Option<String>,
}

/// 201 of a DOCUMENT_INFO entry (OAS `IdentificationDataBlacklistResponse`): the person's data
/// as read from the document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlocklistDataEntry {
    /// The scanRef of the verification whose data is on the list.
    pub id: String,
    pub full_name: Option<String>,
    /// YYYY-MM-DD.
    pub date_of_birth: Option<String>,
    pub personal_number: Option<String>,
    pub document_number: Option<String>,
    pub nationality: Option<String>,
    pub reason: Option<String>,
    #[schema(format = DateTime)]
    pub created: String,
}
