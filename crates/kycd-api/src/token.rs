//! POST /api/v2/token: the request as documented, and the 201 response that echoes it.

use kycd_domain::{
    AuthToken, DigitString, ScanRef,
    token_request::{TokenRequest, format_date},
};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub const TOKEN_CREATED: &str = "Token created successfully";
pub const DUMMY_TOKEN_CREATED: &str = "Dummy token and verification created successfully";

/// The 201 body: every request field with its effective value, plus the session identifiers.
/// Key order follows the reference's example response.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    #[schema(example = "Token created successfully")]
    pub message: &'static str,
    /// 40 alphanumeric characters; pass it to the hosted flow.
    #[schema(example = "pgYQX0z2T8mtcpNj9I20uWVCLKNuG0vgr12f0wAC")]
    pub auth_token: String,
    /// The verification's id (a UUID).
    pub scan_ref: String,
    pub client_id: String,
    /// Legacy alias of clientId.
    pub person_scan_ref: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub success_url: Option<String>,
    pub error_url: Option<String>,
    pub unverified_url: Option<String>,
    pub callback_url: Option<String>,
    pub locale: String,
    pub show_instructions: bool,
    pub country: Option<String>,
    pub expiry_time: i64,
    pub session_length: i64,
    pub documents: Vec<String>,
    /// Country code (or "ALL") to the document types allowed there.
    pub allowed_documents: Map<String, Value>,
    pub date_of_birth: Option<String>,
    pub date_of_expiry: Option<String>,
    pub date_of_issue: Option<String>,
    pub nationality: Option<String>,
    pub personal_number: Option<String>,
    pub document_number: Option<String>,
    pub sex: Option<String>,
    /// 8 digits when generateDigitString was true, else null (the key is always present).
    pub digit_string: Option<String>,
    pub address: Option<String>,
    pub token_type: String,
    pub video_call_questions: Vec<String>,
    pub external_ref: Option<String>,
    pub utility_bill: bool,
    /// `{}` when not given (the OAS types it as a non-nullable object; see docs/adr/0002).
    pub additional_steps: Map<String, Value>,
    /// `{}` when not given.
    pub additional_data: Map<String, Value>,
    /// This server's `/api/v2/redirect?authToken=…`.
    pub redirect_url: String,
    /// Custom-settings keys given in the request, echoed with their validated values.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub custom_settings: Map<String, Value>,
}

impl TokenResponse {
    pub fn new(
        request: &TokenRequest,
        scan_ref: &ScanRef,
        auth_token: &AuthToken,
        digit_string: Option<&DigitString>,
        redirect_url: String,
    ) -> Self {
        let documents: Vec<String> =
            request.documents.iter().map(|d| d.as_str().to_owned()).collect();
        // Every example of the reference answers {"ALL": [...]}, also when a country is locked.
        let mut allowed_documents = Map::new();
        allowed_documents.insert("ALL".to_owned(), Value::from(documents.clone()));
        Self {
            message: if request.is_dummy() { DUMMY_TOKEN_CREATED } else { TOKEN_CREATED },
            auth_token: auth_token.as_str().to_owned(),
            scan_ref: scan_ref.as_str().to_owned(),
            client_id: request.client_id.as_str().to_owned(),
            person_scan_ref: request.client_id.as_str().to_owned(),
            first_name: request.first_name.clone(),
            last_name: request.last_name.clone(),
            success_url: request.success_url.clone(),
            error_url: request.error_url.clone(),
            unverified_url: request.unverified_url.clone(),
            callback_url: request.callback_url.clone(),
            locale: request.locale.clone(),
            show_instructions: request.show_instructions,
            country: request.country.clone(),
            expiry_time: request.expiry_time,
            session_length: request.session_length,
            documents,
            allowed_documents,
            date_of_birth: request.date_of_birth.map(format_date),
            date_of_expiry: request.date_of_expiry.map(format_date),
            date_of_issue: request.date_of_issue.map(format_date),
            nationality: request.nationality.clone(),
            personal_number: request.personal_number.clone(),
            document_number: request.document_number.clone(),
            sex: request.sex.map(|s| s.as_str().to_owned()),
            digit_string: digit_string.map(|d| d.as_str().to_owned()),
            address: request.address.clone(),
            token_type: request.token_type.as_str().to_owned(),
            video_call_questions: request.video_call_questions.clone(),
            external_ref: request.external_ref.clone(),
            utility_bill: request.utility_bill,
            additional_steps: request.additional_steps.clone().unwrap_or_default(),
            additional_data: request.additional_data.clone().unwrap_or_default(),
            redirect_url,
            custom_settings: request.custom_settings.clone(),
        }
    }
}

/// The request body of POST /api/v2/token, for documentation. The server reads requests with the
/// rules of `kycd_domain::token_request` (so wrong types get the API's error shape), not with this.
#[derive(Debug, Clone, ToSchema)]
#[schema(as = TokenRequest)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequestDoc {
    /// Required. Your id for the person: 1–100 printable ASCII characters. `personScanRef` is accepted as a legacy alias.
    #[schema(max_length = 100, example = "client-123")]
    client_id: String,
    /// 1–100 characters, no digits, none of ~!@#$%^*()_+={}[]|:;",<>/? ; stored upper-cased.
    #[schema(max_length = 100)]
    first_name: Option<String>,
    /// Same rules as firstName.
    #[schema(max_length = 100)]
    last_name: Option<String>,
    /// 5–2048 chars, absolute http(s) URL.
    success_url: Option<String>,
    /// 5–2048 chars, absolute http(s) URL.
    error_url: Option<String>,
    /// 5–2048 chars, absolute http(s) URL.
    unverified_url: Option<String>,
    /// Webhook URL for this session only. https required except for DEV partners.
    callback_url: Option<String>,
    /// UI language, at most 7 chars; unsupported values fall back to "en". Default "en".
    #[schema(max_length = 7)]
    locale: Option<String>,
    /// Default true.
    show_instructions: Option<bool>,
    /// Seconds the token stays usable before it is used: 1–2592000. Default 86400.
    #[schema(minimum = 1, maximum = 2592000)]
    expiry_time: Option<i64>,
    /// Seconds allowed in the hosted flow once started: 61–3599. Default 1800.
    #[schema(minimum = 61, maximum = 3599)]
    session_length: Option<i64>,
    /// ISO 3166-1 alpha-2 code locking the document country.
    country: Option<String>,
    /// Allowed document types. Default: the partner's defaults (ID_CARD, PASSPORT, RESIDENCE_PERMIT, DRIVER_LICENSE).
    documents: Option<Vec<String>>,
    /// YYYY-MM-DD, an existing date.
    date_of_birth: Option<String>,
    /// YYYY-MM-DD, an existing date.
    date_of_expiry: Option<String>,
    /// YYYY-MM-DD, an existing date.
    date_of_issue: Option<String>,
    /// ISO 3166-1 alpha-2; "ALL" clears it.
    nationality: Option<String>,
    /// 1–50 characters.
    personal_number: Option<String>,
    /// 1–50 characters.
    document_number: Option<String>,
    /// M or F.
    sex: Option<String>,
    /// Generate an 8-digit code for the mobile app; expiryTime must then not exceed the default (86400).
    generate_digit_string: Option<bool>,
    /// At most 255 characters.
    address: Option<String>,
    /// IDENTIFICATION (default) or DOCUMENT. Video-call types answer 403 PARTNER_CONTRACT_ERROR.
    token_type: Option<String>,
    video_call_questions: Option<Vec<String>>,
    /// At most 40 characters; returned unchanged in webhooks.
    #[schema(max_length = 40)]
    external_ref: Option<String>,
    /// Cannot be combined with additionalSteps.
    utility_bill: Option<bool>,
    /// {COUNTRY|"ALL": {DOC_TYPE|"ALL": {STEP_NAME: {...}}}}. Cannot be combined with utilityBill.
    #[schema(value_type = Option<Object>)]
    additional_steps: Option<Value>,
    /// Only together with additionalSteps.
    #[schema(value_type = Option<Object>)]
    additional_data: Option<Value>,
    /// DEV only: APPROVED, DENIED, SUSPECTED, EXPIRED or ACTIVE.
    dummy_status: Option<String>,
    /// DEV only (kycd sandbox): {scenario?, autoFace?, autoDocument?, fraudTags?, mismatchTags?,
    /// manualFace?, manualDocument?, manualReviewAfter?, abandon?, data?, webhookChaos?}; see
    /// GET /api/v2/sandbox/scenarios. Not together with dummyStatus.
    #[schema(value_type = Option<Object>)]
    dummy_result: Option<Value>,
}
