//! Rules of the hosted flow (the pages the end user sees): when a link still works, which steps a
//! document needs, where the person goes at the end, what the iframe tells its parent, and which
//! language the pages speak. Times come from the caller's Clock; nothing here sleeps or reads one.

use crate::{
    lifecycle::Outcome,
    result::VerificationResult,
    token_request::TokenRequest,
    vocabulary::{DocumentKind, DocumentStatus, FaceStatus, FileKind, OverallStatus, TokenType},
};
use time::{Duration, OffsetDateTime};

/// Where a verification stands for the person holding its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The person may choose, photograph and submit until `deadline`.
    Capturing { deadline: OffsetDateTime },
    /// Submitted; the automatic analysis has not finished.
    Analysing,
    /// The process is complete with this status (REVIEWING included: a person decides later).
    Finished(OverallStatus),
    /// Unknown, deleted, or ran out before anything was submitted: "this link is no longer valid".
    NotValid,
}

impl Stage {
    pub const fn is_capturing(&self) -> bool {
        matches!(self, Self::Capturing { .. })
    }
}

/// The facts [`stage`] needs about a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: OverallStatus,
    pub submitted: bool,
    /// The token's deadline: created + expiryTime until the first opening, then the session's.
    pub deadline: OffsetDateTime,
}

/// Where the verification stands at `now`. A token that ran out without a submission is not
/// valid even before the sweeper has expired it; a finished one still shows its result (so a
/// person who reloads the last page sees it again).
pub fn stage(facts: Facts, now: OffsetDateTime) -> Stage {
    match facts.status {
        OverallStatus::Active if facts.submitted => Stage::Analysing,
        OverallStatus::Active if now < facts.deadline => {
            Stage::Capturing { deadline: facts.deadline }
        }
        OverallStatus::Active => Stage::NotValid,
        OverallStatus::Approved
        | OverallStatus::Denied
        | OverallStatus::Suspected
        | OverallStatus::Reviewing => Stage::Finished(facts.status),
        _ => Stage::NotValid,
    }
}

/// The session deadline set at the first opening: `sessionLength` from then, whatever was left
/// of `expiryTime` (iDenfy: expiryTime only limits how long the link waits to be opened).
pub fn session_deadline(request: &TokenRequest, opened_at: OffsetDateTime) -> OffsetDateTime {
    opened_at + Duration::seconds(request.session_length)
}

/// Automatic attempts a hosted-flow session has: the first plus `maxAttemptCount` extra ones
/// (iDenfy's default flow: two in total).
pub fn max_attempts(request: &TokenRequest) -> i64 {
    1 + request
        .custom_settings
        .get("maxAttemptCount")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(1)
        .max(0)
}

/// Whether a failed automatic attempt goes back to the person to try again instead of being
/// final: only a plain DENIED (no review follows, nothing undecided), only from the hosted
/// flow, and only while attempts remain (`attempt` counts this one).
pub fn retry_after(
    outcome: Outcome,
    review_follows: bool,
    undecided: bool,
    attempt: i64,
    max: i64,
) -> bool {
    outcome == Outcome::Denied && !review_follows && !undecided && attempt < max
}

/// The reason a failed attempt is shown with (the `reason-*` texts of the flow).
pub fn retry_reason(document: Option<DocumentStatus>) -> &'static str {
    use DocumentStatus as D;
    match document {
        Some(D::DocExpired) => "expired",
        Some(D::MrzNotFound | D::MrzOcrReadingError | D::DocNotFound) => "unreadable",
        Some(D::DocTooBlurry) => "blurry",
        Some(D::DocGlared) => "glare",
        Some(D::DocTypeMismatch | D::DocNotAllowed | D::CountryMismatch) => "mismatch",
        Some(D::MrzInvalid) => "invalid",
        _ => "other",
    }
}

/// The documents the person may choose from: the token's `documents`, else kycd's default.
pub fn document_choices(request: &TokenRequest) -> Vec<DocumentKind> {
    if request.documents.is_empty() {
        DocumentKind::DEFAULT.to_vec()
    } else {
        request.documents.clone()
    }
}

/// The photos a document needs, in the order the flow asks for them: the front, the back for
/// two-sided documents (for a driving licence only with `driverLicenseBack`, as iDenfy does),
/// then the selfie unless the token is document-only.
pub fn captures(request: &TokenRequest, document: DocumentKind) -> Vec<FileKind> {
    let mut kinds = vec![FileKind::Front];
    let licence_back = request
        .custom_settings
        .get("driverLicenseBack")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    if has_back(document) && (document != DocumentKind::DriverLicense || licence_back) {
        kinds.push(FileKind::Back);
    }
    if request.token_type != TokenType::Document {
        kinds.push(FileKind::Face);
    }
    kinds
}

/// Passports (and visas, a page in one) have one photographed page; cards have two sides.
pub const fn has_back(document: DocumentKind) -> bool {
    !matches!(
        document,
        DocumentKind::Passport
            | DocumentKind::NationalPassport
            | DocumentKind::InternationalPassport
            | DocumentKind::Visa
            | DocumentKind::Other
    )
}

/// The automatic verdict as the end-of-session message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoVerdict {
    Approved,
    Failed,
    Unverified,
}

/// The manual verdict as the end-of-session message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualVerdict {
    Approved,
    Failed,
    /// A person will decide; the result page says so.
    Waiting,
    /// No manual review follows.
    Inactive,
}

/// Where the person is sent at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success,
    Error,
    Unverified,
}

/// What the end of a session tells the person, the partner's page and an iframe's parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    pub auto: AutoVerdict,
    pub manual: ManualVerdict,
    pub auto_suspected: bool,
    pub manual_suspected: bool,
    pub exit: Exit,
}

impl AutoVerdict {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "APPROVED",
            Self::Failed => "FAILED",
            Self::Unverified => "UNVERIFIED",
        }
    }
}

impl ManualVerdict {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "APPROVED",
            Self::Failed => "FAILED",
            Self::Waiting => "WAITING",
            Self::Inactive => "INACTIVE",
        }
    }
}

impl Ending {
    /// The session ended without an analysed attempt (cancelled or timed out).
    pub const UNVERIFIED: Ending = Ending {
        auto: AutoVerdict::Unverified,
        manual: ManualVerdict::Inactive,
        auto_suspected: false,
        manual_suspected: false,
        exit: Exit::Unverified,
    };

    /// The ending of a finished verification (docs/adr/0015-hosted-flow.md): the automatic
    /// verdict is APPROVED only for DOC_VALIDATED with FACE_MATCH; a pending review is WAITING
    /// and sends the person to `successUrl` (they did their part; the partner learns the outcome
    /// from the webhook); a failed automatic check with no review goes to `errorUrl`.
    pub fn of(status: OverallStatus, result: Option<&VerificationResult>) -> Ending {
        let Some(result) = result else { return Self::UNVERIFIED };
        if !lifecycle_finished(status) {
            return Self::UNVERIFIED;
        }
        let auto_pair = (result.auto_document, result.auto_face);
        let auto = if auto_pair == (Some(DocumentStatus::DocValidated), Some(FaceStatus::FaceMatch))
        {
            AutoVerdict::Approved
        } else {
            AutoVerdict::Failed
        };
        let suspected = !result.fraud_tags.is_empty() || !result.mismatch_tags.is_empty();
        let manual_decided = result.manual_document.is_some() || result.manual_face.is_some();
        let manual = match status {
            OverallStatus::Reviewing => ManualVerdict::Waiting,
            OverallStatus::Approved if manual_decided => ManualVerdict::Approved,
            _ if manual_decided => ManualVerdict::Failed,
            _ => ManualVerdict::Inactive,
        };
        let exit = match (status, manual) {
            (OverallStatus::Approved, _) | (_, ManualVerdict::Waiting) => Exit::Success,
            _ => Exit::Error,
        };
        Ending {
            auto,
            manual,
            auto_suspected: suspected && !manual_decided,
            manual_suspected: suspected && manual_decided,
            exit,
        }
    }

    /// The iframe's end-of-session message: a JSON string, as iDenfy's current documentation
    /// shows (`JSON.parse(event.data)` in the parent).
    pub fn message(&self) -> String {
        serde_json::json!({
            "status": self.auto.as_str(),
            "manualStatus": self.manual.as_str(),
            "autoSuspected": self.auto_suspected,
            "manualSuspected": self.manual_suspected,
        })
        .to_string()
    }

    /// What the result page's `data-status` says: APPROVED, FAILED, UNVERIFIED or WAITING.
    pub const fn page_status(&self) -> &'static str {
        match (self.manual, self.auto) {
            (ManualVerdict::Waiting, _) => "WAITING",
            (ManualVerdict::Approved, _) => "APPROVED",
            (ManualVerdict::Failed, _) => "FAILED",
            (ManualVerdict::Inactive, auto) => auto.as_str(),
        }
    }
}

const fn lifecycle_finished(status: OverallStatus) -> bool {
    crate::lifecycle::is_finished(status)
}

/// iDenfy's defaults for unset redirect URLs (reference §7).
pub const DEFAULT_SUCCESS_URL: &str = "https://ui.idenfy.com/result?status=success";
pub const DEFAULT_ERROR_URL: &str = "https://ui.idenfy.com/result?status=fail";
pub const DEFAULT_UNVERIFIED_URL: &str = "https://ui.idenfy.com/result?status=unverified";

/// The partner URL the person continues to.
pub fn exit_url(request: &TokenRequest, exit: Exit) -> &str {
    match exit {
        Exit::Success => request.success_url.as_deref().unwrap_or(DEFAULT_SUCCESS_URL),
        Exit::Error => request.error_url.as_deref().unwrap_or(DEFAULT_ERROR_URL),
        Exit::Unverified => request.unverified_url.as_deref().unwrap_or(DEFAULT_UNVERIFIED_URL),
    }
}

/// An origin allowed to embed the flow: `https://host[:port]`, or `http://` for loopback hosts
/// (local testing), with nothing after the authority. Lower-cased, without a trailing slash.
pub fn parse_embed_origin(text: &str) -> Result<String, String> {
    let origin = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let refuse = |why: &str| Err(format!("embed origin '{text}' {why}"));
    let Some((scheme, authority)) = origin.split_once("://") else {
        return refuse("must look like https://shop.example.com");
    };
    if authority.is_empty()
        || authority.contains(['/', '?', '#', '@', '*', ' ', '\\', '\''])
        || authority.starts_with(':')
    {
        return refuse("must be a scheme and a host (and port) only, without path or wildcard");
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !authority.ends_with(']') => {
            if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
                return refuse("has an invalid port");
            }
            host
        }
        _ => authority,
    };
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match scheme {
        "https" => Ok(origin),
        "http" if loopback => Ok(origin),
        "http" => refuse("must use https (http only for localhost)"),
        _ => refuse("must use https"),
    }
}

/// A brand colour as `#rrggbb` (lower-cased).
pub fn parse_brand_colour(text: &str) -> Result<String, String> {
    let colour = text.trim().to_ascii_lowercase();
    let hex = colour.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(colour)
    } else {
        Err(format!("brand colour '{text}' must be #rrggbb, e.g. #1f4fd1"))
    }
}

/// The text colour on a `#rrggbb` background with the better WCAG contrast: white or near-black.
pub fn text_on(colour: &str) -> &'static str {
    let channel = |i: usize| {
        let value =
            u8::from_str_radix(colour.get(1 + 2 * i..3 + 2 * i).unwrap_or("00"), 16).unwrap_or(0);
        let c = f64::from(value) / 255.0;
        if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
    // Contrast with white is 1.05 / (L + 0.05); with #1b1f24 (L ≈ 0.014) it is (L + 0.05) / 0.064.
    if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.064 { "#ffffff" } else { "#1b1f24" }
}

/// The writing direction of a language: right-to-left for Arabic, Hebrew, Persian and Urdu,
/// so a translation into one of them only needs its file.
pub fn direction(lang: &str) -> &'static str {
    if matches!(lang, "ar" | "he" | "fa" | "ur") { "rtl" } else { "ltr" }
}

/// The languages the flow's pages are written in; anything else falls back to English.
pub const SPOKEN: [&str; 8] = ["en", "lt", "de", "fr", "es", "pl", "ru", "ar"];

/// The language of the pages: `lang` from the link, else the token's `locale` (full page only:
/// iDenfy ignores it inside an iframe), else the first spoken `Accept-Language` entry, else
/// English. Codes are matched case-insensitively on their primary subtag.
pub fn language(
    lang: Option<&str>,
    token_locale: Option<&str>,
    accept_language: Option<&str>,
) -> &'static str {
    let spoken = |code: &str| {
        let primary = code.trim().split(['-', '_', ';']).next().unwrap_or("").to_ascii_lowercase();
        SPOKEN.iter().copied().find(|s| *s == primary)
    };
    lang.and_then(spoken)
        .or_else(|| token_locale.and_then(spoken))
        .or_else(|| accept_language.and_then(|header| header.split(',').find_map(spoken)))
        .unwrap_or("en")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Environment, token_request::TokenDefaults, vocabulary::MismatchTag};
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-12-01 10:00 UTC);

    fn request(body: serde_json::Value) -> TokenRequest {
        let serde_json::Value::Object(body) = body else { unreachable!("object literal") };
        crate::token_request::parse(&body, &TokenDefaults::default(), Environment::Dev)
            .expect("valid request")
    }

    fn facts(status: OverallStatus, submitted: bool) -> Facts {
        Facts { status, submitted, deadline: T0 + Duration::minutes(30) }
    }

    #[test]
    fn a_link_works_until_its_deadline_and_then_only_shows_a_result() {
        let open = facts(OverallStatus::Active, false);
        assert_eq!(stage(open, T0), Stage::Capturing { deadline: open.deadline });
        assert_eq!(stage(open, open.deadline), Stage::NotValid, "the deadline itself is too late");
        assert_eq!(stage(facts(OverallStatus::Active, true), open.deadline), Stage::Analysing);
        for status in [OverallStatus::Approved, OverallStatus::Reviewing, OverallStatus::Denied] {
            assert_eq!(stage(facts(status, true), T0), Stage::Finished(status));
        }
        for status in
            [OverallStatus::Expired, OverallStatus::Deleted, OverallStatus::ExpiredDeleted]
        {
            assert_eq!(stage(facts(status, false), T0), Stage::NotValid);
        }
    }

    #[test]
    fn two_attempts_by_default_and_only_a_plain_denial_is_retried() {
        let default = request(serde_json::json!({"clientId": "c"}));
        let none_extra = request(serde_json::json!({"clientId": "c", "maxAttemptCount": 0}));
        assert_eq!((max_attempts(&default), max_attempts(&none_extra)), (2, 1));
        assert!(retry_after(Outcome::Denied, false, false, 1, 2));
        assert!(!retry_after(Outcome::Denied, false, false, 2, 2), "attempts exhausted");
        assert!(!retry_after(Outcome::Denied, true, false, 1, 2), "a person reviews it");
        assert!(!retry_after(Outcome::Denied, false, true, 1, 2), "undecided goes to a person");
        assert!(!retry_after(Outcome::Suspected, false, false, 1, 2));
        assert!(!retry_after(Outcome::Approved, false, false, 1, 2));
    }

    #[test]
    fn the_session_runs_session_length_from_the_first_opening() {
        let request = request(serde_json::json!({"clientId": "c", "sessionLength": 600}));
        assert_eq!(session_deadline(&request, T0), T0 + Duration::minutes(10));
    }

    #[test]
    fn passports_need_one_page_cards_two_sides_and_document_tokens_no_selfie() {
        let full = request(serde_json::json!({"clientId": "c"}));
        let document_only = request(serde_json::json!({"clientId": "c", "tokenType": "DOCUMENT"}));
        use FileKind::{Back, Face, Front};
        assert_eq!(captures(&full, DocumentKind::Passport), [Front, Face]);
        assert_eq!(captures(&full, DocumentKind::IdCard), [Front, Back, Face]);
        assert_eq!(captures(&document_only, DocumentKind::DriverLicense), [Front]);
        let licence_back = request(serde_json::json!({"clientId": "c", "driverLicenseBack": true}));
        assert_eq!(captures(&licence_back, DocumentKind::DriverLicense), [Front, Back, Face]);
        assert_eq!(document_choices(&full), DocumentKind::DEFAULT);
    }

    #[test]
    fn endings_follow_the_status_and_the_deciding_pair() {
        let approved = VerificationResult {
            auto_document: Some(DocumentStatus::DocValidated),
            auto_face: Some(FaceStatus::FaceMatch),
            ..VerificationResult::default()
        };
        let ending = Ending::of(OverallStatus::Approved, Some(&approved));
        assert_eq!(
            (ending.auto, ending.manual, ending.exit),
            (AutoVerdict::Approved, ManualVerdict::Inactive, Exit::Success)
        );
        assert_eq!(
            ending.message(),
            r#"{"status":"APPROVED","manualStatus":"INACTIVE","autoSuspected":false,"manualSuspected":false}"#
        );

        let unchecked_face = VerificationResult {
            auto_document: Some(DocumentStatus::DocValidated),
            auto_face: Some(FaceStatus::FaceNotChecked),
            ..VerificationResult::default()
        };
        let waiting = Ending::of(OverallStatus::Reviewing, Some(&unchecked_face));
        assert_eq!(
            (waiting.auto, waiting.manual, waiting.exit),
            (AutoVerdict::Failed, ManualVerdict::Waiting, Exit::Success)
        );
        assert_eq!(waiting.page_status(), "WAITING");

        let expired_doc = VerificationResult {
            auto_document: Some(DocumentStatus::DocExpired),
            auto_face: Some(FaceStatus::FaceNotAnalysed),
            mismatch_tags: vec![MismatchTag::Name],
            ..VerificationResult::default()
        };
        let denied = Ending::of(OverallStatus::Suspected, Some(&expired_doc));
        assert_eq!(
            (denied.auto, denied.exit, denied.auto_suspected),
            (AutoVerdict::Failed, Exit::Error, true)
        );
        assert_eq!(denied.page_status(), "FAILED");

        let manual = VerificationResult {
            manual_document: Some(DocumentStatus::DocValidated),
            ..expired_doc
        };
        let decided = Ending::of(OverallStatus::Approved, Some(&manual));
        assert_eq!(
            (decided.manual, decided.manual_suspected, decided.exit),
            (ManualVerdict::Approved, true, Exit::Success)
        );

        assert_eq!(Ending::of(OverallStatus::Expired, None), Ending::UNVERIFIED);
        assert_eq!(Ending::UNVERIFIED.page_status(), "UNVERIFIED");
    }

    #[test]
    fn exits_use_the_partners_urls_or_idenfys_defaults() {
        let with =
            request(serde_json::json!({"clientId": "c", "successUrl": "https://shop.example/ok"}));
        assert_eq!(exit_url(&with, Exit::Success), "https://shop.example/ok");
        assert_eq!(exit_url(&with, Exit::Unverified), DEFAULT_UNVERIFIED_URL);
    }

    #[test]
    fn embed_origins_are_scheme_and_host_only_and_https_outside_loopback() {
        assert_eq!(parse_embed_origin("https://Shop.Example/").unwrap(), "https://shop.example");
        assert_eq!(
            parse_embed_origin("https://shop.example:8443").unwrap(),
            "https://shop.example:8443"
        );
        assert_eq!(parse_embed_origin("http://localhost:3000").unwrap(), "http://localhost:3000");
        for bad in [
            "http://shop.example",
            "shop.example",
            "https://*.shop.example",
            "https://shop.example/path",
            "https://",
            "ftp://shop.example",
            "https://a@b",
            "https://shop.example:x",
        ] {
            assert!(parse_embed_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_brand_colour("#1F4FD1").unwrap(), "#1f4fd1");
        assert!(parse_brand_colour("blue").is_err());
        assert!(parse_brand_colour("#12345").is_err());
        assert_eq!(text_on("#1f4fd1"), "#ffffff");
        assert_eq!(text_on("#ffd400"), "#1b1f24");
    }

    #[test]
    fn language_prefers_the_link_then_the_token_then_the_browser() {
        assert_eq!(language(Some("LT"), Some("de"), Some("fr")), "lt");
        assert_eq!(language(Some("xx"), Some("de"), None), "de");
        assert_eq!(language(None, Some("sv"), Some("sv-SE, pl;q=0.8")), "pl");
        assert_eq!(language(None, None, Some("pt-BR,ru-RU;q=0.5")), "ru");
        assert_eq!(language(None, None, None), "en");
        assert_eq!((direction("lt"), direction("ar")), ("ltr", "rtl"));
    }
}
