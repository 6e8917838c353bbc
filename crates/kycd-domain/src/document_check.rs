//! The automatic document decision (reference §5, DECISIONS.md "Automatic analysis"): from what
//! the analysis read off the document, the document status (`autoDocument`), the mismatch tags
//! from comparing it with the partner's data and the age rules, and the webhook's `data` fields.
//!
//! Comparison (DECISIONS.md): names are upper-cased and transliterated as ICAO 9303 does
//! (diacritics dropped; Ä Ö Ü Å Æ Ø ß also tried as AE OE UE AA AE OE SS), separators become
//! single spaces, and similarity = 1 − Levenshtein(a, b) / max(len a, len b) must reach 0.7
//! (every value here comes from the zone; the 0.8 of printed text applies once the visual zone is
//! read). A zone name that is a prefix of the partner's name matches: zones truncate long names.
//! Dates, sex, nationality and document numbers are compared exactly.

use crate::{
    countries,
    result::DocumentData,
    token_request::{TokenRequest, format_date},
    vocabulary::{DocumentKind, DocumentStatus, MismatchTag, Sex},
};
use serde_json::Value;
use time::Date;

/// Similarity a zone-derived value needs to match the partner's (`levenshteinMrzMatchRatio`).
pub const MRZ_MATCH_RATIO: f64 = 0.7;

/// What the analysis got from the document.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentReading {
    /// No document in the images.
    NoDocument,
    /// A document, but no machine readable zone on it.
    NoZone,
    /// A zone was seen but not read; the image quality says why, when it does.
    Unreadable { too_blurry: bool, glared: bool },
    /// The zone as read.
    Read(ZoneFields),
}

/// A read zone, as plain values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZoneFields {
    /// Every check digit holds.
    pub valid: bool,
    /// The recogniser was sure of every character (else a person should look).
    pub confident: bool,
    /// The document code: `P`, `PD`, `I`, `ID`, `IR`, `AC`, `V` …
    pub document_code: String,
    /// ICAO state codes as printed (`LTU`, `D`, `UTO` …).
    pub issuing_country: String,
    pub nationality: String,
    pub surname: String,
    pub given_names: String,
    pub document_number: String,
    pub personal_number: Option<String>,
    pub date_of_birth: Option<Date>,
    pub date_of_expiry: Option<Date>,
    /// None for `<` or `X`.
    pub sex: Option<Sex>,
}

/// The decision about the document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentDecision {
    pub status: Option<DocumentStatus>,
    pub mismatch_tags: Vec<MismatchTag>,
    pub data: DocumentData,
}

/// The kind of document a zone's document code names.
pub fn kind_of(code: &str) -> Option<DocumentKind> {
    let mut chars = code.chars();
    match (chars.next(), chars.next()) {
        (Some('P'), _) => Some(DocumentKind::Passport),
        (Some('V'), _) => Some(DocumentKind::Visa),
        (Some('I' | 'A' | 'C'), Some('R')) | (Some('R'), _) => Some(DocumentKind::ResidencePermit),
        (Some('I' | 'A' | 'C'), _) => Some(DocumentKind::IdCard),
        _ => None,
    }
}

/// What the person chose in the flow (or /api/v2/process named): the country and document type
/// they said the document is. `None` leaves the token's own values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choice {
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub document: Option<DocumentKind>,
}

/// Decides the document of `request` from `reading`, `today`: DOC_TYPE_MISMATCH when the zone's
/// document is not the kind chosen, DOC_NOT_ALLOWED when it is not among the token's
/// `documents`, COUNTRY_MISMATCH when its issuer is not the chosen (else the token's) country.
pub fn decide(
    request: &TokenRequest,
    chosen: &Choice,
    reading: &DocumentReading,
    today: Date,
) -> DocumentDecision {
    let country = chosen.country.as_deref().or(request.country.as_deref());
    let fields = match reading {
        DocumentReading::NoDocument => return status(DocumentStatus::DocNotFound),
        DocumentReading::NoZone if !needs_zone(&request.documents) => {
            // Most driving licences carry no zone: a person reads them (a barcode reader is a
            // later step).
            return status(DocumentStatus::AutoUnverifiable);
        }
        DocumentReading::NoZone => return status(DocumentStatus::MrzNotFound),
        DocumentReading::Unreadable { too_blurry: true, .. } => {
            return status(DocumentStatus::DocTooBlurry);
        }
        DocumentReading::Unreadable { glared: true, .. } => {
            return status(DocumentStatus::DocGlared);
        }
        DocumentReading::Unreadable { .. } => return status(DocumentStatus::MrzOcrReadingError),
        DocumentReading::Read(fields) => fields,
    };
    let data = document_data(country, fields);
    if !fields.valid {
        return DocumentDecision { data, ..status(DocumentStatus::MrzInvalid) };
    }
    if !fields.confident {
        return DocumentDecision { data, ..status(DocumentStatus::AutoUnverifiable) };
    }
    let mismatch_tags = mismatches(request, fields, today);
    let verdict = match kind_of(&fields.document_code) {
        None => DocumentStatus::DocNotSupported,
        Some(kind) if chosen.document.is_some_and(|c| !kind_allowed(kind, &[c])) => {
            DocumentStatus::DocTypeMismatch
        }
        Some(kind) if !kind_allowed(kind, &request.documents) => DocumentStatus::DocNotAllowed,
        Some(_) if country_differs(country, fields) => DocumentStatus::CountryMismatch,
        Some(_) if fields.date_of_expiry.is_some_and(|expiry| expiry < today) => {
            DocumentStatus::DocExpired
        }
        Some(_) => DocumentStatus::DocValidated,
    };
    DocumentDecision { status: Some(verdict), mismatch_tags, data }
}

fn status(status: DocumentStatus) -> DocumentDecision {
    DocumentDecision { status: Some(status), ..DocumentDecision::default() }
}

/// Whether every document kind the partner allows carries a zone (a driving licence need not).
fn needs_zone(allowed: &[DocumentKind]) -> bool {
    !allowed.is_empty() && !allowed.contains(&DocumentKind::DriverLicense)
}

/// An ID card's zone is also accepted where only residence permits are allowed, and the other
/// way round: issuers print either code on both.
fn kind_allowed(kind: DocumentKind, allowed: &[DocumentKind]) -> bool {
    use DocumentKind::{IdCard, ResidencePermit};
    allowed.is_empty()
        || allowed.contains(&kind)
        || (matches!(kind, IdCard | ResidencePermit)
            && (allowed.contains(&IdCard) || allowed.contains(&ResidencePermit)))
}

fn country_differs(country: Option<&str>, fields: &ZoneFields) -> bool {
    let Some(chosen) = country else { return false };
    countries::alpha2_of_icao(&fields.issuing_country).is_some_and(|issuer| issuer != chosen)
}

fn mismatches(request: &TokenRequest, fields: &ZoneFields, today: Date) -> Vec<MismatchTag> {
    let mut tags = Vec::new();
    let name_differs =
        request.first_name.as_deref().is_some_and(|n| !names_match(n, &fields.given_names));
    let surname_differs =
        request.last_name.as_deref().is_some_and(|n| !names_match(n, &fields.surname));
    if name_differs {
        tags.push(MismatchTag::Name);
    }
    if surname_differs {
        tags.push(MismatchTag::Surname);
    }
    if name_differs && surname_differs {
        tags.push(MismatchTag::FullName);
    }
    if request.date_of_birth.is_some_and(|d| Some(d) != fields.date_of_birth) {
        tags.push(MismatchTag::DateOfBirth);
    }
    if request
        .document_number
        .as_deref()
        .is_some_and(|n| identifier(n) != identifier(&fields.document_number))
    {
        tags.push(MismatchTag::DocumentNumber);
    }
    if request
        .personal_number
        .as_deref()
        .is_some_and(|n| fields.personal_number.as_deref().map(identifier) != Some(identifier(n)))
    {
        tags.push(MismatchTag::PersonalCode);
    }
    if request.date_of_expiry.is_some_and(|d| Some(d) != fields.date_of_expiry) {
        tags.push(MismatchTag::ExpiryDate);
    }
    if request
        .nationality
        .as_deref()
        .is_some_and(|n| countries::alpha2_of_icao(&fields.nationality) != Some(n))
    {
        tags.push(MismatchTag::Nationality);
    }
    if request.sex.is_some_and(|s| Some(s) != fields.sex) {
        tags.push(MismatchTag::Sex);
    }
    tags.extend(age_tag(request, fields.date_of_birth, today));
    tags
}

/// `ageLimit` / `ageMax`: UNDER_AGE below the limit, OVER_AGE above the maximum, UNKNOWN_AGE
/// when a limit is set but the birth date is not known.
fn age_tag(request: &TokenRequest, born: Option<Date>, today: Date) -> Option<MismatchTag> {
    let setting = |key: &str| request.custom_settings.get(key).and_then(Value::as_i64);
    let (min, max) = (setting("ageLimit"), setting("ageMax"));
    if min.is_none() && max.is_none() {
        return None;
    }
    let Some(born) = born else { return Some(MismatchTag::UnknownAge) };
    let age = age_on(born, today);
    if min.is_some_and(|m| age < m) {
        Some(MismatchTag::UnderAge)
    } else if max.is_some_and(|m| age > m) {
        Some(MismatchTag::OverAge)
    } else {
        None
    }
}

/// Whole years between `born` and `today`.
pub fn age_on(born: Date, today: Date) -> i64 {
    let mut age = i64::from(today.year() - born.year());
    if (u8::from(today.month()), today.day()) < (u8::from(born.month()), born.day()) {
        age -= 1;
    }
    age
}

/// Document and personal numbers: upper case, without spaces, dashes and fillers.
pub(crate) fn identifier(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Whether the partner's name and the zone's name are the same name.
pub fn names_match(partner: &str, zone: &str) -> bool {
    let zone = normalise(zone, false);
    if zone.is_empty() {
        return false;
    }
    [normalise(partner, false), normalise(partner, true)].iter().any(|given| {
        // Zones truncate long names; a truncated name is a prefix of the whole.
        similarity(given, &zone) >= MRZ_MATCH_RATIO || (zone.len() >= 3 && given.starts_with(&zone))
    })
}

/// Upper case A–Z and single spaces, diacritics transliterated as ICAO 9303 does; `expanded`
/// writes Ä Ö Ü Å Æ Ø ß as two letters.
pub(crate) fn normalise(name: &str, expanded: bool) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_uppercase) {
        let mapped: &str = match c {
            'A'..='Z' => {
                out.push(c);
                continue;
            }
            'Ä' if expanded => "AE",
            'Ö' | 'Ø' if expanded => "OE",
            'Ü' if expanded => "UE",
            'Å' if expanded => "AA",
            'Æ' => "AE",
            'ẞ' | 'ß' => "SS",
            'Þ' => "TH",
            'Ð' | 'Đ' => "D",
            'Ł' => "L",
            'Ø' => "O",
            'Œ' => "OE",
            'Ŋ' => "N",
            'Ħ' => "H",
            'ı' | 'İ' => "I",
            other => fold(other),
        };
        out.push_str(mapped);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The base letter of an accented Latin letter; separators become a space; anything else is
/// dropped.
fn fold(c: char) -> &'static str {
    const TABLE: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅĀĂĄǍ", "A"),
        ("ÇĆĈĊČ", "C"),
        ("ĎÐ", "D"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("ĜĞĠĢ", "G"),
        ("ĤĦ", "H"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("Ĵ", "J"),
        ("Ķ", "K"),
        ("ĹĻĽĿŁ", "L"),
        ("ÑŃŅŇ", "N"),
        ("ÒÓÔÕÖŌŎŐ", "O"),
        ("ŔŖŘ", "R"),
        ("ŚŜŞŠȘ", "S"),
        ("ŢŤŦȚ", "T"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("Ŵ", "W"),
        ("ÝŶŸ", "Y"),
        ("ŹŻŽ", "Z"),
    ];
    if c.is_whitespace() || matches!(c, '-' | '<' | '\'' | '’' | '.' | ',') {
        return " ";
    }
    TABLE.iter().find(|(letters, _)| letters.contains(c)).map_or("", |(_, base)| base)
}

/// 1 − Levenshtein distance / length of the longer string (1 for two empty strings).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    1.0 - previous[b.len()] as f64 / longest as f64
}

/// The webhook `data` fields the zone fills (names as printed, dates YYYY-MM-DD, countries as
/// ISO alpha-2).
fn document_data(country: Option<&str>, fields: &ZoneFields) -> DocumentData {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let full_name = [fields.given_names.as_str(), fields.surname.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    DocumentData {
        doc_first_name: text(&fields.given_names),
        doc_last_name: text(&fields.surname),
        doc_number: text(&fields.document_number),
        doc_personal_code: fields.personal_number.clone(),
        doc_expiry: fields.date_of_expiry.map(format_date),
        doc_dob: fields.date_of_birth.map(format_date),
        doc_type: kind_of(&fields.document_code).map(|k| k.as_str().to_owned()),
        doc_sex: Some(
            match fields.sex {
                Some(Sex::Male) => "MALE",
                Some(Sex::Female) => "FEMALE",
                None => "UNDEFINED",
            }
            .to_owned(),
        ),
        doc_nationality: countries::alpha2_of_icao(&fields.nationality).map(str::to_owned),
        doc_issuing_country: countries::alpha2_of_icao(&fields.issuing_country).map(str::to_owned),
        full_name: text(&full_name),
        selected_country: country.map(str::to_owned),
        ..DocumentData::default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{environment::Environment, token_request};
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    fn request(body: serde_json::Value) -> TokenRequest {
        let map = body.as_object().unwrap().clone();
        token_request::parse(&map, &Default::default(), Environment::Dev).unwrap()
    }

    fn zone() -> ZoneFields {
        ZoneFields {
            valid: true,
            confident: true,
            document_code: "P".into(),
            issuing_country: "LTU".into(),
            nationality: "LTU".into(),
            surname: "JONAITIS".into(),
            given_names: "JURATE".into(),
            document_number: "LT1234567".into(),
            personal_number: Some("48901011234".into()),
            date_of_birth: Some(date!(1989 - 01 - 01)),
            date_of_expiry: Some(date!(2031 - 05 - 20)),
            sex: Some(Sex::Female),
        }
    }

    fn decide_zone(body: serde_json::Value, fields: ZoneFields) -> DocumentDecision {
        decide(&request(body), &Choice::default(), &DocumentReading::Read(fields), TODAY)
    }

    #[test]
    fn a_valid_zone_matching_the_partner_data_is_validated_and_fills_data() {
        let decision = decide_zone(
            serde_json::json!({"clientId": "c", "firstName": "Jūratė", "lastName": "Jonaitis",
                "dateOfBirth": "1989-01-01", "nationality": "LT", "sex": "F",
                "documentNumber": "lt1234567", "country": "LT"}),
            zone(),
        );
        assert_eq!(decision.status, Some(DocumentStatus::DocValidated));
        assert!(decision.mismatch_tags.is_empty(), "{:?}", decision.mismatch_tags);
        assert_eq!(decision.data.doc_first_name.as_deref(), Some("JURATE"));
        assert_eq!(decision.data.doc_dob.as_deref(), Some("1989-01-01"));
        assert_eq!(decision.data.doc_nationality.as_deref(), Some("LT"));
        assert_eq!(decision.data.doc_type.as_deref(), Some("PASSPORT"));
        assert_eq!(decision.data.doc_sex.as_deref(), Some("FEMALE"));
        assert_eq!(decision.data.full_name.as_deref(), Some("JURATE JONAITIS"));
    }

    #[test]
    fn every_rule_has_its_status() {
        let base = serde_json::json!({"clientId": "c"});
        let with = |f: fn(&mut ZoneFields)| {
            let mut z = zone();
            f(&mut z);
            decide_zone(base.clone(), z).status
        };
        assert_eq!(with(|z| z.valid = false), Some(DocumentStatus::MrzInvalid));
        assert_eq!(with(|z| z.confident = false), Some(DocumentStatus::AutoUnverifiable));
        assert_eq!(
            with(|z| z.date_of_expiry = Some(date!(2025 - 01 - 01))),
            Some(DocumentStatus::DocExpired)
        );
        assert_eq!(with(|z| z.document_code = "X".into()), Some(DocumentStatus::DocNotSupported));
        let passport_only =
            serde_json::json!({"clientId": "c", "documents": ["PASSPORT"], "country": "LV"});
        let mut id = zone();
        id.document_code = "ID".into();
        assert_eq!(
            decide_zone(passport_only.clone(), id.clone()).status,
            Some(DocumentStatus::DocNotAllowed)
        );
        let chose_passport = Choice { document: Some(DocumentKind::Passport), country: None };
        let any = request(serde_json::json!({"clientId": "c"}));
        assert_eq!(
            decide(&any, &chose_passport, &DocumentReading::Read(id.clone()), TODAY).status,
            Some(DocumentStatus::DocTypeMismatch),
            "an ID card where the person chose a passport"
        );
        let chose_latvia = Choice { country: Some("LV".into()), document: None };
        assert_eq!(
            decide(&any, &chose_latvia, &DocumentReading::Read(zone()), TODAY).status,
            Some(DocumentStatus::CountryMismatch),
            "the chosen country decides, not only the token's"
        );
        assert_eq!(
            decide_zone(passport_only, zone()).status,
            Some(DocumentStatus::CountryMismatch)
        );
        let r = request(base);
        let st = |reading: DocumentReading| decide(&r, &Choice::default(), &reading, TODAY).status;
        assert_eq!(st(DocumentReading::NoDocument), Some(DocumentStatus::DocNotFound));
        assert_eq!(
            st(DocumentReading::NoZone),
            Some(DocumentStatus::AutoUnverifiable),
            "licences allowed"
        );
        assert_eq!(
            st(DocumentReading::Unreadable { too_blurry: true, glared: true }),
            Some(DocumentStatus::DocTooBlurry)
        );
        assert_eq!(
            st(DocumentReading::Unreadable { too_blurry: false, glared: true }),
            Some(DocumentStatus::DocGlared)
        );
        assert_eq!(
            st(DocumentReading::Unreadable { too_blurry: false, glared: false }),
            Some(DocumentStatus::MrzOcrReadingError)
        );
        let no_licences =
            request(serde_json::json!({"clientId": "c", "documents": ["PASSPORT", "ID_CARD"]}));
        assert_eq!(
            decide(&no_licences, &Choice::default(), &DocumentReading::NoZone, TODAY).status,
            Some(DocumentStatus::MrzNotFound)
        );
    }

    #[test]
    fn partner_data_that_differs_is_tagged() {
        let decision = decide_zone(
            serde_json::json!({"clientId": "c", "firstName": "Marija", "lastName": "Petrauskiene",
                "dateOfBirth": "1989-01-02", "documentNumber": "LT7654321", "nationality": "LV",
                "sex": "M", "dateOfExpiry": "2031-05-21", "personalNumber": "1"}),
            zone(),
        );
        use MismatchTag as M;
        assert_eq!(
            decision.mismatch_tags,
            [
                M::Name,
                M::Surname,
                M::FullName,
                M::DateOfBirth,
                M::DocumentNumber,
                M::PersonalCode,
                M::ExpiryDate,
                M::Nationality,
                M::Sex
            ]
        );
        assert_eq!(
            decision.status,
            Some(DocumentStatus::DocValidated),
            "tags, not a document failure"
        );
    }

    #[test]
    fn age_limits_tag_under_over_and_unknown_age() {
        let tags = |settings: serde_json::Value, dob: Option<Date>| {
            let mut body = serde_json::json!({"clientId": "c"});
            body.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
            decide_zone(body, ZoneFields { date_of_birth: dob, ..zone() }).mismatch_tags
        };
        let limit = serde_json::json!({"ageLimit": 40});
        assert_eq!(tags(limit.clone(), Some(date!(1989 - 01 - 01))), [MismatchTag::UnderAge]);
        assert_eq!(
            tags(serde_json::json!({"ageMax": 30}), Some(date!(1989 - 01 - 01))),
            [MismatchTag::OverAge]
        );
        assert_eq!(tags(limit, None), [MismatchTag::UnknownAge]);
        assert!(
            tags(serde_json::json!({"ageLimit": 18}), Some(date!(2008 - 12 - 01))).is_empty(),
            "18 today"
        );
        assert_eq!(
            tags(serde_json::json!({"ageLimit": 18}), Some(date!(2008 - 12 - 02))),
            [MismatchTag::UnderAge]
        );
    }

    #[test]
    fn names_compare_after_transliteration_with_the_zone_ratio() {
        assert!(names_match("Müller", "MUELLER"));
        assert!(names_match("Müller", "MULLER"));
        assert!(names_match("Anna-Maria", "ANNA MARIA"));
        assert!(names_match("Jonas", "JONAS"));
        assert!(names_match("Jonaitis", "JONAITIZ"), "one letter in eight: 0.875");
        assert!(
            names_match("Wolfeschlegelsteinhausenbergerdorff", "WOLFESCHLEGELSTEINHAUSENBERG"),
            "truncated"
        );
        assert!(!names_match("Jonas", "PETRAS"));
        assert!(!names_match("Jo", ""));
        assert!((similarity("KITTEN", "SITTING") - (1.0 - 3.0 / 7.0)).abs() < 1e-12);
    }
}
