//! The rules of POST /api/v2/token (reference §2.1, DECISIONS.md): a JSON object in, a validated
//! [`TokenRequest`] with every effective default filled in out, or the first rule broken.
//! Rules are checked in the order of the reference table so the same bad body always gets the same
//! answer.
//!
//! Over 500 lines on purpose: the whole request table of the reference is one ordered parse,
//! and splitting it would scatter the order that ADR 0006 fixes.

use crate::{
    countries, custom_settings,
    environment::Environment,
    fields::Fields,
    ids::ClientId,
    rejection::{Identifier, Rejection},
    vocabulary::{DocumentKind, DummyStatus, LOCALES, Sex, TokenType},
};
use serde_json::{Map, Value};
use time::{Date, macros::format_description};

pub const MAX_EXPIRY_TIME: i64 = 2_592_000;
const NAME_FORBIDDEN: &str = "~!@#$%^*()_+={}[]|:;\",<>/?";

/// Per-partner defaults (DECISIONS.md: overridable per partner).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenDefaults {
    pub expiry_time: i64,
    pub session_length: i64,
    pub locale: String,
    pub documents: Vec<DocumentKind>,
    /// DEV sandbox: adversarial delivery applied to every webhook of the partner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhook_chaos: Vec<crate::sandbox::Chaos>,
    /// Hosted flow: the origins that may embed it in an iframe and receive its end-of-session
    /// message (`flow::parse_embed_origin`). Empty: any for DEV partners, none otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embed_origins: Vec<String>,
    /// Hosted flow: the partner's colour for buttons and links (`#rrggbb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_colour: Option<String>,
    /// Hosted flow: the partner's logo, base64 of a small PNG kycd made from the operator's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_logo: Option<String>,
}

impl Default for TokenDefaults {
    fn default() -> Self {
        Self {
            expiry_time: 86_400,
            session_length: 1_800,
            locale: "en".to_owned(),
            documents: DocumentKind::DEFAULT.to_vec(),
            webhook_chaos: Vec::new(),
            embed_origins: Vec::new(),
            brand_colour: None,
            brand_logo: None,
        }
    }
}

/// A token request that passed every rule, with effective defaults. Names and codes upper-cased.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    pub client_id: ClientId,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub success_url: Option<String>,
    pub error_url: Option<String>,
    pub unverified_url: Option<String>,
    pub callback_url: Option<String>,
    pub locale: String,
    pub show_instructions: bool,
    pub expiry_time: i64,
    pub session_length: i64,
    pub country: Option<String>,
    pub documents: Vec<DocumentKind>,
    #[serde(with = "opt_date")]
    pub date_of_birth: Option<Date>,
    #[serde(with = "opt_date")]
    pub date_of_expiry: Option<Date>,
    #[serde(with = "opt_date")]
    pub date_of_issue: Option<Date>,
    pub nationality: Option<String>,
    pub personal_number: Option<String>,
    pub document_number: Option<String>,
    pub sex: Option<Sex>,
    pub generate_digit_string: bool,
    pub address: Option<String>,
    pub token_type: TokenType,
    pub video_call_questions: Vec<String>,
    pub external_ref: Option<String>,
    pub utility_bill: bool,
    pub additional_steps: Option<Map<String, Value>>,
    pub additional_data: Option<Map<String, Value>>,
    pub dummy_status: Option<DummyStatus>,
    /// DEV sandbox: any outcome or a named scenario (sandbox.rs).
    #[serde(default)]
    pub dummy_result: Option<crate::sandbox::DummyResult>,
    /// The custom-settings keys given in the request, validated (custom_settings.rs).
    pub custom_settings: Map<String, Value>,
}

impl TokenRequest {
    /// The request without the person's data (names, dates, numbers, sex, nationality, address,
    /// additional data), as kept after /api/v2/delete. Settings and references stay.
    pub fn redacted(&self) -> Self {
        Self {
            first_name: None,
            last_name: None,
            date_of_birth: None,
            date_of_expiry: None,
            date_of_issue: None,
            nationality: None,
            personal_number: None,
            document_number: None,
            sex: None,
            address: None,
            additional_data: None,
            ..self.clone()
        }
    }

    /// True when the token asks for a dummy outcome (dummyStatus or dummyResult).
    pub fn is_dummy(&self) -> bool {
        self.dummy_status.is_some() || self.dummy_result.is_some()
    }

    pub fn wants_manual_review_after_success(&self) -> bool {
        self.custom_settings.get("reviewSuccessful").and_then(Value::as_bool).unwrap_or(false)
    }
    pub fn wants_manual_review_after_failure(&self) -> bool {
        self.custom_settings.get("reviewFailed").and_then(Value::as_bool).unwrap_or(false)
    }
}

/// Formats a date as the wire's "YYYY-MM-DD".
pub fn format_date(date: Date) -> String {
    format!("{:04}-{:02}-{}", date.year(), u8::from(date.month()), two_digits(date.day()))
}

fn two_digits(n: u8) -> String {
    format!("{n:02}")
}

/// Parses the wire's "YYYY-MM-DD" into a real calendar date.
pub fn parse_date(text: &str) -> Option<Date> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return None;
    }
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

mod opt_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => s.serialize_str(&super::format_date(*date)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        raw.map(|text| {
            super::parse_date(&text)
                .ok_or_else(|| serde::de::Error::custom(format!("invalid date '{text}'")))
        })
        .transpose()
    }
}

/// Applies every rule to a request body. `environment` decides the callbackUrl scheme rule and
/// whether `dummyStatus` is allowed.
pub fn parse(
    body: &Map<String, Value>,
    defaults: &TokenDefaults,
    environment: Environment,
) -> Result<TokenRequest, Rejection> {
    let f = Fields::new(body);

    let client_id = parse_client_id(&f)?;
    let first_name = parse_name(&f, "firstName")?;
    let last_name = parse_name(&f, "lastName")?;
    let success_url = parse_url(&f, "successUrl", UrlRule::HttpOrHttps)?;
    let error_url = parse_url(&f, "errorUrl", UrlRule::HttpOrHttps)?;
    let unverified_url = parse_url(&f, "unverifiedUrl", UrlRule::HttpOrHttps)?;
    let callback_rule =
        if environment.is_sandbox() { UrlRule::HttpOrHttps } else { UrlRule::HttpsOnly };
    let callback_url = parse_url(&f, "callbackUrl", callback_rule)?;
    let locale = parse_locale(&f, defaults)?;
    let show_instructions = f.opt_bool("showInstructions")?.unwrap_or(true);

    let expiry_time = match f.opt_int("expiryTime")? {
        None => defaults.expiry_time,
        Some(n) if n > 0 && n <= MAX_EXPIRY_TIME => n,
        Some(_) => {
            return Err(Rejection::bad_value(format!(
                "Field 'expiryTime' must be greater than 0 and at most {MAX_EXPIRY_TIME} seconds."
            )));
        }
    };
    let session_length = match f.opt_int("sessionLength")? {
        None => defaults.session_length,
        Some(n) if n > 60 && n < 3600 => n,
        Some(_) => {
            return Err(Rejection::bad_value(
                "Field 'sessionLength' must be greater than 60 and less than 3600 seconds.",
            ));
        }
    };

    let country = parse_country(&f, "country", false)?;
    let documents = parse_documents(&f, defaults)?;
    let date_of_birth = parse_date_field(&f, "dateOfBirth")?;
    let date_of_expiry = parse_date_field(&f, "dateOfExpiry")?;
    let date_of_issue = parse_date_field(&f, "dateOfIssue")?;
    let nationality = parse_country(&f, "nationality", true)?;
    let personal_number = parse_bounded(&f, "personalNumber", 1, 50)?;
    let document_number = parse_bounded(&f, "documentNumber", 1, 50)?;
    let sex = match f.opt_str("sex")? {
        None => None,
        Some(text) => Some(Sex::parse(text).ok_or_else(|| {
            Rejection::bad_value(format!("Field 'sex' must be one of {}.", Sex::allowed()))
        })?),
    };

    let generate_digit_string = f.opt_bool("generateDigitString")?.unwrap_or(false);
    if generate_digit_string && expiry_time > defaults.expiry_time {
        return Err(Rejection::bad_value(format!(
            "Field 'expiryTime' must be at most {} seconds when 'generateDigitString' is true.",
            defaults.expiry_time
        )));
    }

    let address = parse_bounded(&f, "address", 1, 255)?;
    let token_type = parse_token_type(&f)?;
    let video_call_questions = parse_questions(&f)?;
    let external_ref = parse_bounded(&f, "externalRef", 1, 40)?;

    let utility_bill = f.opt_bool("utilityBill")?.unwrap_or(false);
    let additional_steps = f.opt_object("additionalSteps")?.cloned();
    if let Some(steps) = &additional_steps {
        check_additional_steps(steps)?;
    }
    if utility_bill && additional_steps.is_some() {
        return Err(Rejection::bad_value(
            "Fields 'utilityBill' and 'additionalSteps' cannot be used together.",
        ));
    }
    let additional_data = f.opt_object("additionalData")?.cloned();
    if additional_data.is_some() && additional_steps.is_none() {
        return Err(Rejection::bad_value(
            "Field 'additionalData' can only be used together with 'additionalSteps'.",
        ));
    }

    let dummy_status = parse_dummy_status(&f, environment)?;
    let dummy_result = match f.opt_object("dummyResult")? {
        None => None,
        Some(object) => {
            let parsed = crate::sandbox::parse_dummy_result(object, dummy_status)?;
            if let Some(message) = environment.dev_only_refusal() {
                return Err(Rejection::new(Identifier::PermissionsError, message));
            }
            Some(parsed)
        }
    };
    let custom_settings = custom_settings::parse(body)?;

    Ok(TokenRequest {
        client_id,
        first_name,
        last_name,
        success_url,
        error_url,
        unverified_url,
        callback_url,
        locale,
        show_instructions,
        expiry_time,
        session_length,
        country,
        documents,
        date_of_birth,
        date_of_expiry,
        date_of_issue,
        nationality,
        personal_number,
        document_number,
        sex,
        generate_digit_string,
        address,
        token_type,
        video_call_questions,
        external_ref,
        utility_bill,
        additional_steps,
        additional_data,
        dummy_status,
        dummy_result,
        custom_settings,
    })
}

fn parse_client_id(f: &Fields<'_>) -> Result<ClientId, Rejection> {
    // D-old: the legacy alias `personScanRef` is accepted when clientId is absent.
    let (key, raw) = match f.opt_str("clientId")? {
        Some(raw) => ("clientId", raw),
        None => match f.opt_str("personScanRef")? {
            Some(raw) => ("personScanRef", raw),
            None => return Err(Rejection::missing("clientId")),
        },
    };
    let len = raw.chars().count();
    if len == 0 || len > 100 {
        return Err(Rejection::bad_value(format!(
            "Field '{key}' must be 1 to 100 characters long."
        )));
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(Rejection::bad_value(format!(
            "Field '{key}' must contain only printable ASCII characters."
        )));
    }
    Ok(ClientId::from_trusted(raw))
}

fn parse_name(f: &Fields<'_>, key: &str) -> Result<Option<String>, Rejection> {
    let Some(raw) = f.opt_str(key)? else { return Ok(None) };
    let len = raw.chars().count();
    if len == 0 || len > 100 {
        return Err(Rejection::bad_value(format!(
            "Field '{key}' must be 1 to 100 characters long."
        )));
    }
    if raw.chars().any(|c| c.is_numeric()) {
        return Err(Rejection::bad_value(format!("Field '{key}' must not contain digits.")));
    }
    if let Some(bad) = raw.chars().find(|c| NAME_FORBIDDEN.contains(*c) || c.is_control()) {
        return Err(Rejection::bad_value(format!(
            "Field '{key}' must not contain the character '{}'; forbidden are {NAME_FORBIDDEN} and control characters.",
            bad.escape_default()
        )));
    }
    Ok(Some(raw.to_uppercase()))
}

#[derive(Clone, Copy, PartialEq)]
enum UrlRule {
    HttpOrHttps,
    HttpsOnly,
}

fn parse_url(f: &Fields<'_>, key: &str, rule: UrlRule) -> Result<Option<String>, Rejection> {
    let Some(raw) = f.opt_str(key)? else { return Ok(None) };
    let len = raw.chars().count();
    if !(5..=2048).contains(&len) {
        return Err(Rejection::bad_value(format!(
            "Field '{key}' must be 5 to 2048 characters long."
        )));
    }
    let parsed = url::Url::parse(raw).map_err(|_| {
        Rejection::bad_value(format!("Field '{key}' must be an absolute http(s) URL."))
    })?;
    match (parsed.scheme(), rule) {
        ("https", _) | ("http", UrlRule::HttpOrHttps) if parsed.host().is_some() => {
            Ok(Some(raw.to_owned()))
        }
        ("http", UrlRule::HttpsOnly) => Err(Rejection::bad_value(format!(
            "Field '{key}' must be an https URL (plain http is allowed only for DEV partners)."
        ))),
        _ => Err(Rejection::bad_value(format!("Field '{key}' must be an absolute http(s) URL."))),
    }
}

fn parse_locale(f: &Fields<'_>, defaults: &TokenDefaults) -> Result<String, Rejection> {
    let Some(raw) = f.opt_str("locale")? else { return Ok(defaults.locale.clone()) };
    if raw.chars().count() > 7 {
        return Err(Rejection::bad_value("Field 'locale' must be at most 7 characters long."));
    }
    let lower = raw.to_ascii_lowercase();
    // D-old: an unsupported locale falls back to English.
    Ok(if LOCALES.contains(&lower.as_str()) { lower } else { "en".to_owned() })
}

fn parse_country(f: &Fields<'_>, key: &str, all_clears: bool) -> Result<Option<String>, Rejection> {
    let Some(raw) = f.opt_str(key)? else { return Ok(None) };
    let code = raw.to_ascii_uppercase();
    if all_clears && code == "ALL" {
        return Ok(None);
    }
    if code.len() == 2 && countries::is_alpha2(&code) {
        Ok(Some(code))
    } else {
        Err(Rejection::bad_value(format!("Field '{key}' must be a valid ISO 3166-1 alpha-2 code.")))
    }
}

fn parse_documents(
    f: &Fields<'_>,
    defaults: &TokenDefaults,
) -> Result<Vec<DocumentKind>, Rejection> {
    let Some(items) = f.opt_string_list("documents")? else {
        return Ok(defaults.documents.clone());
    };
    if items.is_empty() {
        return Err(Rejection::bad_value(
            "Field 'documents' must list at least one document type.",
        ));
    }
    let mut out: Vec<DocumentKind> = Vec::with_capacity(items.len());
    for item in items {
        let kind = DocumentKind::parse(item).ok_or_else(|| {
            Rejection::bad_value(format!(
                "Field 'documents' contains '{item}'; allowed values are {}.",
                DocumentKind::allowed()
            ))
        })?;
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    Ok(out)
}

fn parse_date_field(f: &Fields<'_>, key: &str) -> Result<Option<Date>, Rejection> {
    let Some(raw) = f.opt_str(key)? else { return Ok(None) };
    parse_date(raw).map(Some).ok_or_else(|| {
        Rejection::bad_value(format!(
            "Field '{key}' must be an existing date in YYYY-MM-DD format, got '{}'.",
            raw.chars().take(20).collect::<String>()
        ))
    })
}

fn parse_bounded(
    f: &Fields<'_>,
    key: &str,
    min: usize,
    max: usize,
) -> Result<Option<String>, Rejection> {
    let Some(raw) = f.opt_str(key)? else { return Ok(None) };
    let len = raw.chars().count();
    if len < min || len > max {
        return Err(Rejection::bad_value(format!(
            "Field '{key}' must be {min} to {max} characters long."
        )));
    }
    Ok(Some(raw.to_owned()))
}

/// Questions a video call may ask, and the longest question kept.
pub const MAX_VIDEO_CALL_QUESTIONS: usize = 50;
pub const MAX_QUESTION_CHARS: usize = 500;

fn parse_questions(f: &Fields<'_>) -> Result<Vec<String>, Rejection> {
    let Some(items) = f.opt_string_list("videoCallQuestions")? else { return Ok(Vec::new()) };
    if items.len() > MAX_VIDEO_CALL_QUESTIONS {
        return Err(Rejection::bad_value(format!(
            "Field 'videoCallQuestions' must hold at most {MAX_VIDEO_CALL_QUESTIONS} questions."
        )));
    }
    items
        .into_iter()
        .map(|question| match question.chars().count() {
            1..=MAX_QUESTION_CHARS => Ok(question.to_owned()),
            _ => Err(Rejection::bad_value(format!(
                "Field 'videoCallQuestions' must hold questions of 1 to {MAX_QUESTION_CHARS} characters."
            ))),
        })
        .collect()
}

fn parse_token_type(f: &Fields<'_>) -> Result<TokenType, Rejection> {
    let Some(raw) = f.opt_str("tokenType")? else { return Ok(TokenType::Identification) };
    let token_type = TokenType::parse(raw).ok_or_else(|| {
        Rejection::bad_value(format!("Field 'tokenType' must be one of {}.", TokenType::allowed()))
    })?;
    if token_type.is_video_call() {
        return Err(Rejection::contract(format!(
            "Token type '{token_type}' is not available: this kycd installation does not offer video calls."
        )));
    }
    Ok(token_type)
}

fn parse_dummy_status(
    f: &Fields<'_>,
    environment: Environment,
) -> Result<Option<DummyStatus>, Rejection> {
    let Some(raw) = f.opt_str("dummyStatus")? else { return Ok(None) };
    let status = DummyStatus::parse(raw).ok_or_else(|| {
        Rejection::bad_value(format!(
            "Field 'dummyStatus' must be one of {}.",
            DummyStatus::allowed()
        ))
    })?;
    if let Some(message) = environment.dev_only_refusal() {
        return Err(Rejection::new(Identifier::PermissionsError, message));
    }
    Ok(Some(status))
}

/// `{COUNTRY|"ALL": {DOC_TYPE|"ALL": {STEP_NAME: {...}}}}` (reference §2.1).
fn check_additional_steps(steps: &Map<String, Value>) -> Result<(), Rejection> {
    let shape = "Field 'additionalSteps' must map a country code or \"ALL\" to document types (or \"ALL\") to step objects, e.g. {\"ALL\":{\"ALL\":{\"UTILITY_BILL\":{}}}}";
    for (country, by_document) in steps {
        let country_ok = country == "ALL" || countries::is_alpha2(country);
        let Value::Object(by_document) = by_document else {
            return Err(Rejection::bad_value(format!(
                "{shape}; '{country}' does not map to an object."
            )));
        };
        if !country_ok {
            return Err(Rejection::bad_value(format!(
                "{shape}; '{country}' is not a country code."
            )));
        }
        for (document, by_step) in by_document {
            let Value::Object(by_step) = by_step else {
                return Err(Rejection::bad_value(format!(
                    "{shape}; '{country}.{document}' does not map to an object."
                )));
            };
            if document != "ALL" && DocumentKind::parse(document).is_none() {
                return Err(Rejection::bad_value(format!(
                    "{shape}; '{document}' is not a document type."
                )));
            }
            if let Some((step, _)) = by_step.iter().find(|(_, step)| !step.is_object()) {
                return Err(Rejection::bad_value(format!(
                    "{shape}; step '{step}' must be an object."
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("test bodies are objects"),
        }
    }

    fn parse_dev(value: Value) -> Result<TokenRequest, Rejection> {
        parse(&body(value), &TokenDefaults::default(), Environment::Dev)
    }

    #[test]
    fn minimal_request_gets_every_default() {
        let request = parse_dev(json!({"clientId": "100000"})).unwrap();
        assert_eq!(request.expiry_time, 86_400);
        assert_eq!(request.session_length, 1_800);
        assert_eq!(request.locale, "en");
        assert!(request.show_instructions);
        assert_eq!(request.token_type, TokenType::Identification);
        assert_eq!(request.documents, DocumentKind::DEFAULT.to_vec());
    }

    #[test]
    fn names_are_upper_cased_and_digits_refused() {
        let request = parse_dev(json!({"clientId": "1", "firstName": "John Tom"})).unwrap();
        assert_eq!(request.first_name.as_deref(), Some("JOHN TOM"));
        let err = parse_dev(json!({"clientId": "1", "lastName": "R2D2"})).unwrap_err();
        assert_eq!(err.message, "Field 'lastName' must not contain digits.");
    }

    #[test]
    fn dates_must_exist() {
        let err = parse_dev(json!({"clientId": "1", "dateOfBirth": "2021-02-30"})).unwrap_err();
        assert_eq!(err.identifier, Identifier::BadValue);
        assert!(err.message.contains("dateOfBirth"));
        assert_eq!(format_date(parse_date("0999-01-05").unwrap()), "0999-01-05");
    }

    #[test]
    fn dummy_status_refused_outside_dev_with_exact_message() {
        let err = parse(
            &body(json!({"clientId": "1", "dummyStatus": "APPROVED"})),
            &TokenDefaults::default(),
            Environment::Demo,
        )
        .unwrap_err();
        assert_eq!(err.identifier, Identifier::PermissionsError);
        assert_eq!(err.message, "This endpoint is not available for DEMO partners.");
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_on_string_fields(key in "[a-zA-Z]{1,20}", text in ".{0,120}") {
            let _ = parse_dev(json!({"clientId": "x", key: text}));
        }
    }
}
