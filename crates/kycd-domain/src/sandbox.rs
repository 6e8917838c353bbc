//! Sandbox power tools (DEV only): `dummyResult` (any outcome, validated against the vocabulary),
//! named scenarios with the webhooks they produce, and adversarial webhook delivery ("chaos").
//! The overall status is always derived by the rule of result.rs, so results stay consistent.

use crate::{
    fields::Fields,
    rejection::Rejection,
    result::DocumentData,
    token_request::parse_date,
    vocabulary::{
        DocumentStatus, DummyStatus, EventType, FaceStatus, FraudTag, MismatchTag, OverallStatus,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Ways to deliver a webhook badly on purpose, so integrators can prove their handler copes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Chaos {
    /// The same delivery twice (same webhook-id).
    Duplicate,
    /// The manual-review webhook before the automatic one.
    OutOfOrder,
    /// `webhook-timestamp` ten minutes in the past (signatures valid for it).
    StaleTimestamp,
    /// Both signatures made with a wrong key.
    WrongSignature,
    /// Only the first half of the body (signatures of the whole body).
    TruncatedBody,
}

impl Chaos {
    pub const ALL: [Chaos; 5] = [
        Self::Duplicate,
        Self::OutOfOrder,
        Self::StaleTimestamp,
        Self::WrongSignature,
        Self::TruncatedBody,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Duplicate => "DUPLICATE",
            Self::OutOfOrder => "OUT_OF_ORDER",
            Self::StaleTimestamp => "STALE_TIMESTAMP",
            Self::WrongSignature => "WRONG_SIGNATURE",
            Self::TruncatedBody => "TRUNCATED_BODY",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// A requested dummy outcome. Unset values come from the scenario (or stay null).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DummyResult {
    pub scenario: Option<String>,
    pub auto_face: Option<FaceStatus>,
    pub auto_document: Option<DocumentStatus>,
    pub fraud_tags: Vec<FraudTag>,
    pub mismatch_tags: Vec<MismatchTag>,
    pub manual_face: Option<FaceStatus>,
    pub manual_document: Option<DocumentStatus>,
    /// Seconds between the automatic result and the manual review (when manual values are set).
    pub manual_review_after: i64,
    /// Leave the token unused so it expires at expiryTime (IDENTIFICATION_EXPIRED).
    pub abandon: bool,
    /// Document data fields to report (keys of `DocumentData`).
    pub data: Map<String, Value>,
    pub webhook_chaos: Vec<Chaos>,
}

pub const DEFAULT_MANUAL_REVIEW_AFTER: i64 = 300;

impl DummyResult {
    /// The automatic result a `dummyStatus` stands for, as the base that `dummyResult` fields
    /// override; None for ACTIVE and EXPIRED, which have no result to override.
    pub fn from_status(status: DummyStatus) -> Option<Self> {
        let (face, document, fraud_tags) = match status {
            DummyStatus::Approved => (FaceStatus::FaceMatch, DocumentStatus::DocValidated, vec![]),
            DummyStatus::Denied => {
                (FaceStatus::FaceNotAnalysed, DocumentStatus::DocNotFound, vec![])
            }
            DummyStatus::Suspected => {
                (FaceStatus::FaceMatch, DocumentStatus::DocValidated, vec![FraudTag::FaceSuspected])
            }
            DummyStatus::Expired | DummyStatus::Active => return None,
        };
        Some(Self {
            auto_face: Some(face),
            auto_document: Some(document),
            fraud_tags,
            ..Self::default()
        })
    }

    pub fn has_manual_review(&self) -> bool {
        self.manual_face.is_some() || self.manual_document.is_some()
    }
}

/// A named scenario: what it sets and the webhooks it produces, in order.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub description: &'static str,
    pub expected: &'static [(EventType, OverallStatus, bool)],
    build: fn() -> DummyResult,
}

impl Scenario {
    pub fn result(&self) -> DummyResult {
        DummyResult { scenario: Some(self.name.to_owned()), ..(self.build)() }
    }
}

fn with_data(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

use EventType::{AutoFinished as Auto, Expired as ExpiredEvent, ManualFinished as Manual};
use OverallStatus as S;

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "approved",
        description: "Face matches, document valid: approved at once.",
        expected: &[(Auto, S::Approved, true)],
        build: || DummyResult {
            auto_face: Some(FaceStatus::FaceMatch),
            auto_document: Some(DocumentStatus::DocValidated),
            ..DummyResult::default()
        },
    },
    Scenario {
        name: "denied-expired-doc",
        description: "The document expired (DOC_EXPIRED): denied.",
        expected: &[(Auto, S::Denied, true)],
        build: || DummyResult {
            auto_face: Some(FaceStatus::FaceMatch),
            auto_document: Some(DocumentStatus::DocExpired),
            data: with_data(&[("docExpiry", Value::from("2020-01-31"))]),
            ..DummyResult::default()
        },
    },
    Scenario {
        name: "suspected-duplicate-face",
        description: "The selfie matches an earlier verification (DUPLICATE_FACE): suspected.",
        expected: &[(Auto, S::Suspected, true)],
        build: || DummyResult {
            auto_face: Some(FaceStatus::FaceMatch),
            auto_document: Some(DocumentStatus::DocValidated),
            fraud_tags: vec![FraudTag::DuplicateFace],
            data: with_data(&[(
                "duplicateFaces",
                Value::from(vec!["0191f4a2-7c00-7000-8000-000000000001"]),
            )]),
            ..DummyResult::default()
        },
    },
    Scenario {
        name: "under-age",
        description: "The holder is younger than the age limit (UNDER_AGE): suspected.",
        expected: &[(Auto, S::Suspected, true)],
        build: || DummyResult {
            auto_face: Some(FaceStatus::FaceMatch),
            auto_document: Some(DocumentStatus::DocValidated),
            mismatch_tags: vec![MismatchTag::UnderAge],
            data: with_data(&[("docDob", Value::from("2012-03-04"))]),
            ..DummyResult::default()
        },
    },
    Scenario {
        name: "manual-review-then-approved",
        description: "The automatic check cannot decide (AUTO_UNVERIFIABLE): auto webhook with final=false now, a reviewer approves 300 s later.",
        expected: &[(Auto, S::Denied, false), (Manual, S::Approved, true)],
        build: || DummyResult {
            auto_face: Some(FaceStatus::FaceMatch),
            auto_document: Some(DocumentStatus::AutoUnverifiable),
            manual_face: Some(FaceStatus::FaceMatch),
            manual_document: Some(DocumentStatus::DocValidated),
            manual_review_after: DEFAULT_MANUAL_REVIEW_AFTER,
            ..DummyResult::default()
        },
    },
    Scenario {
        name: "manual-review-then-denied",
        description: "A reviewer finds the document fake (DOC_FAKE) 300 s after an inconclusive automatic check.",
        expected: &[(Auto, S::Denied, false), (Manual, S::Denied, true)],
        build: || DummyResult {
            auto_face: Some(FaceStatus::FaceMatch),
            auto_document: Some(DocumentStatus::AutoUnverifiable),
            manual_face: Some(FaceStatus::FaceMatch),
            manual_document: Some(DocumentStatus::DocFake),
            manual_review_after: DEFAULT_MANUAL_REVIEW_AFTER,
            ..DummyResult::default()
        },
    },
    Scenario {
        name: "abandoned-expired",
        description: "The person never finishes: the token expires at expiryTime (IDENTIFICATION_EXPIRED).",
        expected: &[(ExpiredEvent, S::Expired, true)],
        build: || DummyResult { abandon: true, ..DummyResult::default() },
    },
];

pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// The named scenario, or a message listing the names there are.
pub fn known_scenario(name: &str) -> Result<&'static Scenario, String> {
    scenario(name).ok_or_else(|| {
        let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        format!("unknown scenario '{name}'; choose one of {}", names.join(", "))
    })
}

/// The scenarios as a Markdown table (docs/sandbox.md embeds exactly this; a test keeps it so).
pub fn scenarios_markdown() -> String {
    let mut out = String::from(
        "| scenario | what happens | webhooks (event, overall, final) |\n|---|---|---|\n",
    );
    for s in SCENARIOS {
        let hooks: Vec<String> = s
            .expected
            .iter()
            .map(|(event, overall, is_final)| format!("{event} {overall} final={is_final}"))
            .collect();
        out.push_str(&format!("| `{}` | {} | {} |\n", s.name, s.description, hooks.join("; ")));
    }
    out
}

const DATE_FIELDS: &[&str] = &["docExpiry", "docDob", "docDateOfIssue"];

/// Parses and validates `dummyResult` (reference vocabularies; data keys of the webhook `data`).
/// The keys `dummyResult` understands (it is kycd's own object, so a typo is an error).
const DUMMY_RESULT_KEYS: &[&str] = &[
    "scenario",
    "autoFace",
    "autoDocument",
    "fraudTags",
    "mismatchTags",
    "manualFace",
    "manualDocument",
    "manualReviewAfter",
    "abandon",
    "data",
    "webhookChaos",
];

///
/// `dummy_status` (the token's `dummyStatus`, if any) is the base outcome the fields override:
/// `{"dummyStatus":"APPROVED","dummyResult":{"mismatchTags":["UNDER_AGE"]}}` is SUSPECTED.
pub fn parse_dummy_result(
    value: &Map<String, Value>,
    dummy_status: Option<DummyStatus>,
) -> Result<DummyResult, Rejection> {
    if let Some(unknown) = value.keys().find(|k| !DUMMY_RESULT_KEYS.contains(&k.as_str())) {
        return Err(Rejection::bad_value(format!(
            "Field 'dummyResult.{unknown}' is not known; dummyResult takes {}.",
            DUMMY_RESULT_KEYS.join(", ")
        )));
    }
    let f = Fields::nested(value, "dummyResult.");
    let status_base = match dummy_status {
        None => None,
        Some(status) => Some(DummyResult::from_status(status).ok_or_else(|| {
            Rejection::bad_value(format!(
                "Fields 'dummyStatus' {status} and 'dummyResult' cannot be used together: {status} has no result to override (use dummyStatus APPROVED, DENIED or SUSPECTED as the base)."
            ))
        })?),
    };
    if status_base.is_some() && value.contains_key("scenario") {
        return Err(Rejection::bad_value(
            "Fields 'dummyStatus' and 'dummyResult.scenario' cannot be used together: both choose the base outcome.",
        ));
    }
    let base = match f.opt_str("scenario")? {
        None => status_base.unwrap_or_default(),
        Some(name) => scenario(name).map(Scenario::result).ok_or_else(|| {
            let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
            Rejection::bad_value(format!(
                "Field 'dummyResult.scenario' must be one of {}.",
                names.join(", ")
            ))
        })?,
    };
    let face = |key: &str| -> Result<Option<FaceStatus>, Rejection> {
        f.opt_str(key)?
            .map(|raw| {
                FaceStatus::parse(raw).ok_or_else(|| {
                    Rejection::bad_value(format!(
                        "Field 'dummyResult.{key}' must be one of {}.",
                        FaceStatus::allowed()
                    ))
                })
            })
            .transpose()
    };
    let document = |key: &str| -> Result<Option<DocumentStatus>, Rejection> {
        f.opt_str(key)?
            .map(|raw| {
                DocumentStatus::parse(raw).ok_or_else(|| {
                    Rejection::bad_value(format!(
                        "Field 'dummyResult.{key}' must be one of {}.",
                        DocumentStatus::allowed()
                    ))
                })
            })
            .transpose()
    };
    let mut result = base;
    if let Some(v) = face("autoFace")? {
        result.auto_face = Some(v);
    }
    if let Some(v) = document("autoDocument")? {
        result.auto_document = Some(v);
    }
    if let Some(v) = face("manualFace")? {
        result.manual_face = Some(v);
    }
    if let Some(v) = document("manualDocument")? {
        result.manual_document = Some(v);
    }
    if let Some(tags) = f.opt_string_list("fraudTags")? {
        result.fraud_tags = tags
            .into_iter()
            .map(|t| {
                FraudTag::parse(t).ok_or_else(|| {
                    Rejection::bad_value(format!(
                        "Field 'dummyResult.fraudTags' contains '{t}'; allowed values are {}.",
                        FraudTag::allowed()
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(tags) = f.opt_string_list("mismatchTags")? {
        result.mismatch_tags = tags
            .into_iter()
            .map(|t| {
                MismatchTag::parse(t).ok_or_else(|| {
                    Rejection::bad_value(format!(
                        "Field 'dummyResult.mismatchTags' contains '{t}'; allowed values are {}.",
                        MismatchTag::allowed()
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(seconds) = f.opt_int("manualReviewAfter")? {
        if !(0..=2_592_000).contains(&seconds) {
            return Err(Rejection::bad_value(
                "Field 'dummyResult.manualReviewAfter' must be from 0 to 2592000 seconds.",
            ));
        }
        result.manual_review_after = seconds;
    } else if result.has_manual_review() && result.manual_review_after == 0 {
        result.manual_review_after = DEFAULT_MANUAL_REVIEW_AFTER;
    }
    if let Some(abandon) = f.opt_bool("abandon")? {
        result.abandon = abandon;
    }
    if let Some(chaos) = f.opt_string_list("webhookChaos")? {
        result.webhook_chaos = chaos
            .into_iter()
            .map(|c| {
                Chaos::parse(c).ok_or_else(|| {
                    let names: Vec<&str> = Chaos::ALL.iter().map(|c| c.as_str()).collect();
                    Rejection::bad_value(format!(
                        "Field 'dummyResult.webhookChaos' contains '{c}'; allowed values are {}.",
                        names.join(", ")
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(data) = f.opt_object("data")? {
        let known = serde_json::to_value(DocumentData::default()).unwrap_or(Value::Null);
        for (key, value) in data {
            let Some(template) = known.get(key) else {
                return Err(Rejection::bad_value(format!(
                    "Field 'dummyResult.data.{key}' is not a field of the webhook's data object."
                )));
            };
            let ok = match (template, value) {
                (_, Value::Null) => true,
                (Value::Bool(_), Value::Bool(_)) => true,
                (Value::Object(_), Value::Object(_)) => true,
                (Value::Null, Value::Array(items)) if key.starts_with("duplicate") => {
                    items.iter().all(Value::is_string)
                }
                (Value::Null, Value::String(text)) => {
                    !DATE_FIELDS.contains(&key.as_str()) || parse_date(text).is_some()
                }
                _ => false,
            };
            if !ok {
                return Err(Rejection::bad_value(format!(
                    "Field 'dummyResult.data.{key}' has the wrong type or format (dates are YYYY-MM-DD, duplicate lists are arrays of scanRefs)."
                )));
            }
            check_data_value(&format!("dummyResult.data.{key}"), value)?;
            result.data.insert(key.clone(), value.clone());
        }
    }
    if result.abandon && (result.auto_face.is_some() || result.auto_document.is_some()) {
        return Err(Rejection::bad_value(
            "Field 'dummyResult.abandon' cannot be combined with automatic results.",
        ));
    }
    if !result.abandon
        && result.auto_face.is_none()
        && result.auto_document.is_none()
        && !result.has_manual_review()
    {
        return Err(Rejection::bad_value(
            "Field 'dummyResult' must name a scenario or set at least autoFace/autoDocument (or abandon).",
        ));
    }
    Ok(result)
}

/// Longest string kept in `dummyResult.data` (the longest real field, an address, fits), most
/// items of a duplicate list, and largest nested object as JSON.
pub const MAX_DATA_CHARS: usize = 500;
pub const MAX_DATA_ITEMS: usize = 100;
pub const MAX_DATA_OBJECT_BYTES: usize = 8 * 1024;

/// A `dummyResult.data` value within the limits above and without control characters.
fn check_data_value(field: &str, value: &Value) -> Result<(), Rejection> {
    match value {
        Value::String(text) => {
            crate::fields::check_text(field, text)?;
            if text.chars().count() > MAX_DATA_CHARS {
                return Err(Rejection::bad_value(format!(
                    "Field '{field}' must be at most {MAX_DATA_CHARS} characters long."
                )));
            }
            Ok(())
        }
        Value::Array(items) => {
            if items.len() > MAX_DATA_ITEMS {
                return Err(Rejection::bad_value(format!(
                    "Field '{field}' must hold at most {MAX_DATA_ITEMS} items."
                )));
            }
            items.iter().try_for_each(|item| check_data_value(field, item))
        }
        Value::Object(map) => {
            if serde_json::to_vec(map).map_or(usize::MAX, |json| json.len()) > MAX_DATA_OBJECT_BYTES
            {
                return Err(Rejection::bad_value(format!(
                    "Field '{field}' must be at most {MAX_DATA_OBJECT_BYTES} bytes as JSON."
                )));
            }
            map.iter().try_for_each(|(key, item)| {
                crate::fields::check_text(field, key)?;
                check_data_value(field, item)
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::Outcome;
    use crate::result::{VerificationResult, overall};

    /// Each scenario's declared webhooks agree with what the overall-status rule derives.
    #[test]
    fn scenarios_declare_what_the_rule_derives() {
        for s in SCENARIOS {
            let r = s.result();
            if r.abandon {
                assert_eq!(s.expected, &[(ExpiredEvent, S::Expired, true)]);
                continue;
            }
            let auto = overall(r.auto_face, r.auto_document, &r.fraud_tags, &r.mismatch_tags);
            assert_eq!(s.expected[0].1, auto.status(), "{}", s.name);
            assert_eq!(s.expected[0].2, !r.has_manual_review(), "{}", s.name);
            if r.has_manual_review() {
                let manual = VerificationResult {
                    manual_face: r.manual_face,
                    manual_document: r.manual_document,
                    auto_face: r.auto_face,
                    auto_document: r.auto_document,
                    ..Default::default()
                };
                assert_eq!(s.expected[1].1, manual.outcome().status(), "{}", s.name);
            }
        }
        assert_eq!(Outcome::Approved.status(), S::Approved);
    }

    #[test]
    fn dummy_result_is_validated_against_the_vocabulary() {
        let parse = |v: Value| parse_dummy_result(v.as_object().unwrap(), None);
        assert!(parse(serde_json::json!({"scenario": "under-age"})).is_ok());
        assert!(
            parse(serde_json::json!({"scenario": "nope"}))
                .unwrap_err()
                .message
                .contains("approved")
        );
        assert!(
            parse(serde_json::json!({"autoFace": "SMILE"}))
                .unwrap_err()
                .message
                .contains("dummyResult.autoFace")
        );
        assert!(parse(serde_json::json!({"autoFace": "FACE_MATCH", "fraudTags": ["X"]})).is_err());
        assert!(
            parse(serde_json::json!({"autoFace": "FACE_MATCH", "data": {"docDob": "1990-02-31"}}))
                .is_err()
        );
        assert!(
            parse(serde_json::json!({"autoFace": "FACE_MATCH", "data": {"shoeSize": "44"}}))
                .is_err()
        );
        assert!(
            parse(serde_json::json!({"autoFace": "FACE_MATCH", "webhookChaos": ["LOUD"]})).is_err()
        );
        assert!(parse(serde_json::json!({})).is_err());
        assert!(
            parse(serde_json::json!({"scenario": "approved", "autofFace": "X"}))
                .unwrap_err()
                .message
                .contains("autofFace")
        );
        assert_eq!(
            parse(serde_json::json!({"autoFace": 5})).unwrap_err().message,
            "Field 'dummyResult.autoFace' must be a string, got an integer."
        );
        let overridden =
            parse(serde_json::json!({"scenario": "approved", "manualDocument": "DOC_FAKE"}))
                .unwrap();
        assert_eq!(overridden.manual_review_after, DEFAULT_MANUAL_REVIEW_AFTER);
        let r = parse(serde_json::json!({"autoFace": "FACE_MATCH", "autoDocument": "DOC_VALIDATED", "manualDocument": "DOC_FAKE"})).unwrap();
        assert_eq!(r.manual_review_after, DEFAULT_MANUAL_REVIEW_AFTER);
    }
}
