//! The "custom settings" keys of POST /api/v2/token (reference §2.2 and the OAS extras): their
//! types, their limits, and whether kycd can honour them. DECISIONS.md: a setting kycd cannot
//! honour is refused with PARTNER_CONTRACT_ERROR when it asks for something, never silently ignored.

use crate::{countries, fields::Fields, rejection::Rejection};
use serde_json::{Map, Value};

/// What kycd does with a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Acted on today; the string says how (rendered into docs/api.md).
    Honoured(&'static str),
    /// Stored and echoed; it changes nothing kycd does yet, and asking for it cannot be wrong
    /// (a threshold or a UI hint). The string says where it will take effect.
    Stored(&'static str),
    /// A capability kycd does not have: `false`, `null` or `[]` is accepted, anything else is
    /// refused with 403 PARTNER_CONTRACT_ERROR naming the setting.
    RefusedWhenEnabled,
}

/// The JSON type and limits of a setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Bool,
    Int { min: i64, max: i64 },
    Float { min: f64, max: f64 },
    StringList { allowed: Option<&'static [&'static str]>, countries: bool },
    NullableString { max: usize },
    NullableUuid,
}

#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub key: &'static str,
    pub kind: Kind,
    pub support: Support,
}

const fn s(key: &'static str, kind: Kind, support: Support) -> Setting {
    Setting { key, kind, support }
}

use Kind::{Bool, Float, Int, NullableString, NullableUuid, StringList};
use Support::{Honoured, RefusedWhenEnabled as Refused, Stored};

/// Every custom-settings key kycd knows, in the order of the reference tables.
pub const SETTINGS: &[Setting] = &[
    // No permissively licensed liveness model exists in a reachable registry (ADR 0016): a
    // token asking for liveness is refused, never approved without it.
    s("checkLiveness", Bool, Refused),
    s(
        "reviewSuccessful",
        Bool,
        Honoured(
            "auto-approved results get a manual review: the auto webhook is sent with final=false",
        ),
    ),
    s(
        "reviewFailed",
        Bool,
        Honoured(
            "auto-failed results get a manual review: the auto webhook is sent with final=false",
        ),
    ),
    s(
        "driverLicenseBack",
        Bool,
        Honoured("the hosted flow asks for the back of a driving licence"),
    ),
    s("autoAmlMonitoring", Bool, Refused),
    s(
        "fraudServices",
        StringList { allowed: Some(&["AML_NAMES_CHECK", "LID", "AML_NEWS"]), countries: false },
        Refused,
    ),
    s("checkIpProxy", Bool, Refused),
    s(
        "maxAttemptCount",
        Int { min: 0, max: 10 },
        Honoured("extra attempts in the hosted flow after a failed automatic check"),
    ),
    s(
        "checkFaceBlacklist",
        Bool,
        Honoured("the selfie is compared with the partner's face blocklist: FACE_BLACKLISTED"),
    ),
    s(
        "checkDocFaceBlacklist",
        Bool,
        Honoured(
            "the document's portrait is compared with the partner's face blocklist: DOC_FACE_BLACKLISTED",
        ),
    ),
    s(
        "checkDuplicateFaces",
        Bool,
        Honoured(
            "the selfie is compared with the partner's earlier selfies of other clientIds: DUPLICATE_FACE and data.duplicateFaces",
        ),
    ),
    s(
        "checkDuplicateDocFaces",
        Bool,
        Honoured(
            "the document's portrait is compared with the partner's earlier portraits of other clientIds: DUPLICATE_DOC_FACE and data.duplicateDocFaces",
        ),
    ),
    s("nfcRequired", Bool, Refused),
    s(
        "faceMatchingThresholdModifier",
        Float { min: 0.0, max: 10.0 },
        Stored("face-match threshold of the automated face check"),
    ),
    s(
        "levenshteinTextMatchRatio",
        Float { min: 0.0, max: 1.0 },
        Stored("text similarity threshold of the data comparison"),
    ),
    s(
        "levenshteinMrzMatchRatio",
        Float { min: 0.0, max: 1.0 },
        Stored("MRZ similarity threshold of the data comparison"),
    ),
    s("checkUrjanet", Bool, Refused),
    s(
        "detectionTypes",
        StringList { allowed: Some(&["FACE", "EYES"]), countries: false },
        Stored("selfie detection priority on mobile"),
    ),
    s("questionnaire", NullableString { max: 100 }, Refused),
    s("questionnaireRequired", Bool, Stored("only meaningful with a questionnaire")),
    s("riskAssessmentProfile", NullableUuid, Refused),
    s("theme", NullableUuid, Stored("hosted-flow theme id")),
    s("registryCentersCountries", StringList { allowed: None, countries: true }, Refused),
    s("verifyEmail", Bool, Refused),
    s("verifyPhone", Bool, Refused),
    s("verifyBank", Bool, Refused),
    s("verifyBankAccounts", Bool, Refused),
    s("verifyBankBalances", Bool, Refused),
    s("verifyBankTransactions", Bool, Refused),
    s("bankCardVerification", Bool, Refused),
    s("bankCardPdfUpload", Bool, Refused),
    s("verifyAddress", Bool, Refused),
    s("checkAml", Bool, Refused),
    s("checkCriminal", Bool, Refused),
    s(
        "checkPersonBlacklist",
        Bool,
        Honoured(
            "the data read from the document is compared with the partner's DOCUMENT_INFO blocklist: DATA_BLACKLISTED",
        ),
    ),
    s("checkDuplicatePersonalData", Bool, Refused),
    s("checkDriverLicense", Bool, Refused),
    s("checkLid", Bool, Refused),
    s("allowBsnMasking", Bool, Stored("masking of Dutch BSN numbers in stored images")),
    s("nfcOptional", Bool, Stored("NFC is never required by kycd")),
    s(
        "ageLimit",
        Int { min: 0, max: 150 },
        Stored("minimum age compared with the document's date of birth"),
    ),
    s(
        "ageMax",
        Int { min: 0, max: 150 },
        Stored("maximum age compared with the document's date of birth"),
    ),
];

pub fn find(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|setting| setting.key == key)
}

/// Validates every custom-settings key present in the request body and returns them, in the
/// order of [`SETTINGS`], with their JSON values normalised (upper-cased country lists).
pub fn parse(body: &Map<String, Value>) -> Result<Map<String, Value>, Rejection> {
    let fields = Fields::new(body);
    let mut out = Map::new();
    for setting in SETTINGS {
        if !body.contains_key(setting.key) {
            continue;
        }
        let value = parse_one(&fields, setting)?;
        if setting.support == Support::RefusedWhenEnabled && asks_for_something(&value) {
            return Err(Rejection::contract(format!(
                "Custom setting '{}' is not available: kycd does not provide this check. Omit it or set it to false.",
                setting.key
            )));
        }
        out.insert(setting.key.to_owned(), value);
    }
    if let (Some(min), Some(max)) =
        (out.get("ageLimit").and_then(Value::as_i64), out.get("ageMax").and_then(Value::as_i64))
        && min > max
    {
        return Err(Rejection::bad_value(format!(
            "Field 'ageLimit' ({min}) must not be greater than 'ageMax' ({max})."
        )));
    }
    Ok(out)
}

fn parse_one(fields: &Fields<'_>, setting: &Setting) -> Result<Value, Rejection> {
    let key = setting.key;
    Ok(match setting.kind {
        Kind::Bool => fields.opt_bool(key)?.map_or(Value::Null, Value::Bool),
        Kind::Int { min, max } => match fields.opt_int(key)? {
            None => Value::Null,
            Some(n) if (min..=max).contains(&n) => Value::from(n),
            Some(_) => {
                return Err(Rejection::bad_value(format!(
                    "Field '{key}' must be an integer from {min} to {max}."
                )));
            }
        },
        Kind::Float { min, max } => match fields.opt_number(key)? {
            None => Value::Null,
            Some(x) if x > min && x <= max => Value::from(x),
            Some(_) => {
                return Err(Rejection::bad_value(format!(
                    "Field '{key}' must be a number greater than {min} and at most {max}."
                )));
            }
        },
        Kind::StringList { allowed, countries: is_countries } => {
            let Some(items) = fields.opt_string_list(key)? else {
                return Ok(Value::Null);
            };
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if is_countries {
                    let code = item.to_ascii_uppercase();
                    if !countries::is_alpha2(&code) {
                        return Err(Rejection::bad_value(format!(
                            "Field '{key}' must contain only ISO 3166-1 alpha-2 codes; '{item}' is not one."
                        )));
                    }
                    out.push(Value::String(code));
                } else if let Some(allowed) = allowed {
                    if !allowed.contains(&item) {
                        return Err(Rejection::bad_value(format!(
                            "Field '{key}' contains '{item}'; allowed values are {}.",
                            allowed.join(", ")
                        )));
                    }
                    out.push(Value::String(item.to_owned()));
                }
            }
            Value::Array(out)
        }
        Kind::NullableString { max } => match fields.opt_str(key)? {
            None => Value::Null,
            Some(text) if text.chars().count() <= max => Value::String(text.to_owned()),
            Some(_) => {
                return Err(Rejection::bad_value(format!(
                    "Field '{key}' must be at most {max} characters long."
                )));
            }
        },
        Kind::NullableUuid => match fields.opt_str(key)? {
            None => Value::Null,
            Some(text) if uuid::Uuid::parse_str(text).is_ok() => Value::String(text.to_owned()),
            Some(_) => {
                return Err(Rejection::bad_value(format!("Field '{key}' must be a UUID.")));
            }
        },
    })
}

fn asks_for_something(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::Array(items) => !items.is_empty(),
        _ => true,
    }
}
