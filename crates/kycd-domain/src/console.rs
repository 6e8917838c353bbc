//! The review console's rules (issue 14, DECISIONS.md "Review console"): operator roles and what
//! each may do, which partners an operator may see, names and passwords, the lock-out after
//! failed logins, and how long a console session lives. Pure: the service layer hashes,
//! stores and times.

use crate::{
    PartnerId, Rejection,
    vocabulary::{DocumentStatus, FaceStatus, FraudTag, MismatchTag},
};
use time::{Duration, OffsetDateTime};

crate::vocabulary::wire_enum!(
    /// What an operator may do in the console. `admin` manages operators and sees everything;
    /// `reviewer` decides verifications; `viewer` reads.
    Role {
        Admin = "admin",
        Reviewer = "reviewer",
        Viewer = "viewer",
    }
);

impl Role {
    /// Decides verifications (admins may too).
    pub const fn may_decide(self) -> bool {
        matches!(self, Self::Admin | Self::Reviewer)
    }

    /// Creates and changes operators, reads the audit log.
    pub const fn may_administer(self) -> bool {
        matches!(self, Self::Admin)
    }
}

/// The partners an operator sees: all of them, or only those named.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    AllPartners,
    Partners(Vec<PartnerId>),
}

impl Scope {
    /// The scope of `partners` as stored: none named is all.
    pub fn of(partners: Vec<PartnerId>) -> Self {
        if partners.is_empty() { Self::AllPartners } else { Self::Partners(partners) }
    }

    pub fn includes(&self, partner: PartnerId) -> bool {
        match self {
            Self::AllPartners => true,
            Self::Partners(partners) => partners.contains(&partner),
        }
    }

    /// The partners named (empty for all), as stored.
    pub fn partners(&self) -> &[PartnerId] {
        match self {
            Self::AllPartners => &[],
            Self::Partners(partners) => partners,
        }
    }
}

/// Shortest and longest operator names.
pub const NAME_LENGTH: std::ops::RangeInclusive<usize> = 2..=64;
/// Shortest password; the longest is bounded so hashing cannot be made to take long.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// An operator name: 2–64 of `a–z 0–9 . _ -`, starting with a letter or digit (lower case, so
/// "Alice" and "alice" cannot be two operators).
pub fn check_name(name: &str) -> Result<(), Rejection> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    let starts_well = name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if NAME_LENGTH.contains(&name.len()) && starts_well && name.chars().all(allowed) {
        Ok(())
    } else {
        Err(Rejection::bad_value(format!(
            "Operator name '{name}' must be {}–{} characters of a–z, 0–9, '.', '_' or '-', \
             starting with a letter or digit.",
            NAME_LENGTH.start(),
            NAME_LENGTH.end()
        )))
    }
}

/// A new password: at least [`MIN_PASSWORD_CHARS`] characters, at most [`MAX_PASSWORD_BYTES`]
/// bytes, not only spaces.
pub fn check_password(password: &str) -> Result<(), Rejection> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.trim().is_empty() {
        return Err(Rejection::bad_value(format!(
            "The password must be at least {MIN_PASSWORD_CHARS} characters."
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Rejection::bad_value(format!(
            "The password must be at most {MAX_PASSWORD_BYTES} bytes."
        )));
    }
    Ok(())
}

/// Failed logins in a row before the account locks.
pub const FAILURES_BEFORE_LOCK: i64 = 5;
/// How long a locked account stays locked (each further failure while locked starts it again).
pub const LOCK_FOR: Duration = Duration::minutes(15);

/// When the account locks after its `failures`-th failure in a row at `now`, if it does.
pub fn lock_after_failure(failures: i64, now: OffsetDateTime) -> Option<OffsetDateTime> {
    (failures >= FAILURES_BEFORE_LOCK).then_some(now + LOCK_FOR)
}

/// A session ends after this long without a request…
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// …and after this long in any case.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// Whether a session started at `created_at` and last used at `last_seen_at` is still good.
pub fn session_alive(
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    now: OffsetDateTime,
) -> bool {
    now < created_at + SESSION_LIFETIME && now < last_seen_at + SESSION_IDLE
}

/// How long a case may wait for a person before the queue marks it overdue, unless configured:
/// iDenfy reviews "within 20 minutes" (reference §4.3).
pub const DEFAULT_REVIEW_SLA: Duration = Duration::minutes(20);

/// How a deployment reviews: its SLA and which partners' decisions need a second reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewPolicy {
    pub sla: Duration,
    /// Partner names whose decisions a second reviewer confirms before they are sent ("four
    /// eyes"); `*` names every partner.
    pub four_eyes: Vec<String>,
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        Self { sla: DEFAULT_REVIEW_SLA, four_eyes: vec![] }
    }
}

impl ReviewPolicy {
    /// Whether the partner's decisions wait for a second reviewer.
    pub fn needs_second_reviewer(&self, partner_name: &str) -> bool {
        self.four_eyes.iter().any(|name| name == "*" || name == partner_name)
    }
}

/// How long opening a case for decision keeps it the reviewer's (renewed while they work on it).
pub const CLAIM_FOR: Duration = Duration::minutes(15);

/// The face values a reviewer chooses from (reference §5.2, iDenfy's restricted manual set).
pub const MANUAL_FACE: [FaceStatus; 6] = [
    FaceStatus::FaceMatch,
    FaceStatus::FaceMismatch,
    FaceStatus::NoFaceFound,
    FaceStatus::TooManyFaces,
    FaceStatus::FaceUncertain,
    FaceStatus::FakeFace,
];

/// The document values a reviewer chooses from (reference §5.3, iDenfy's restricted manual set).
pub const MANUAL_DOCUMENT: [DocumentStatus; 8] = [
    DocumentStatus::DocValidated,
    DocumentStatus::DocNotFullyVisible,
    DocumentStatus::DocNotSupported,
    DocumentStatus::DocExpired,
    DocumentStatus::DocDamaged,
    DocumentStatus::DocFake,
    DocumentStatus::DocPersonalCodeInvalid,
    DocumentStatus::MrzInvalid,
];

/// Longest internal note kept with a decision.
pub const MAX_NOTE_CHARS: usize = 1000;

/// A reviewer's choice, checked against the manual sets.
pub fn check_decision(
    face: &str,
    document: &str,
    note: &str,
) -> Result<(FaceStatus, DocumentStatus), Rejection> {
    let face = FaceStatus::parse(face).filter(|f| MANUAL_FACE.contains(f)).ok_or_else(|| {
        Rejection::bad_value(format!(
            "Field 'manualFace' must be one of {}.",
            MANUAL_FACE.map(|f| f.as_str()).join(", ")
        ))
    })?;
    let document = DocumentStatus::parse(document)
        .filter(|d| MANUAL_DOCUMENT.contains(d))
        .ok_or_else(|| {
            Rejection::bad_value(format!(
                "Field 'manualDocument' must be one of {}.",
                MANUAL_DOCUMENT.map(|d| d.as_str()).join(", ")
            ))
        })?;
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Rejection::bad_value(format!(
            "Field 'note' must be at most {MAX_NOTE_CHARS} characters."
        )));
    }
    Ok((face, document))
}

/// The fraud tags a reviewer may add: what a person sees in the images that the machine did not.
pub const MANUAL_FRAUD_TAGS: [FraudTag; 6] = [
    FraudTag::PortraitSubstitution,
    FraudTag::FaceSuspected,
    FraudTag::FakePhoto,
    FraudTag::DocPrintSpoofed,
    FraudTag::DocMobilePhoto,
    FraudTag::DuplicateFace,
];

/// The mismatch tags a reviewer may add: the document against what the partner sent.
pub const MANUAL_MISMATCH_TAGS: [MismatchTag; 10] = [
    MismatchTag::Name,
    MismatchTag::Surname,
    MismatchTag::FullName,
    MismatchTag::DateOfBirth,
    MismatchTag::DocumentNumber,
    MismatchTag::PersonalCode,
    MismatchTag::ExpiryDate,
    MismatchTag::Nationality,
    MismatchTag::Sex,
    MismatchTag::DocInfoMismatch,
];

/// A tag a reviewer adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddedTag {
    Fraud(FraudTag),
    Mismatch(MismatchTag),
}

/// A tag from the form's `add` field: one of [`MANUAL_FRAUD_TAGS`] or [`MANUAL_MISMATCH_TAGS`].
pub fn added_tag(text: &str) -> Result<AddedTag, Rejection> {
    if let Some(tag) = FraudTag::parse(text).filter(|t| MANUAL_FRAUD_TAGS.contains(t)) {
        return Ok(AddedTag::Fraud(tag));
    }
    if let Some(tag) = MismatchTag::parse(text).filter(|t| MANUAL_MISMATCH_TAGS.contains(t)) {
        return Ok(AddedTag::Mismatch(tag));
    }
    let allowed: Vec<&str> = MANUAL_FRAUD_TAGS
        .iter()
        .map(|t| t.as_str())
        .chain(MANUAL_MISMATCH_TAGS.iter().map(|t| t.as_str()))
        .collect();
    Err(Rejection::bad_value(format!("Field 'add' must be one of {}.", allowed.join(", "))))
}

crate::vocabulary::wire_enum!(
    /// The document data a reviewer may correct (the webhook `data` names).
    DataField {
        DocFirstName = "docFirstName",
        DocLastName = "docLastName",
        DocDob = "docDob",
        DocNumber = "docNumber",
        DocPersonalCode = "docPersonalCode",
        DocExpiry = "docExpiry",
        DocNationality = "docNationality",
    }
);

/// Longest corrected value.
pub const MAX_FIELD_CHARS: usize = 100;

impl DataField {
    fn slot(self, data: &mut crate::result::DocumentData) -> &mut Option<String> {
        match self {
            Self::DocFirstName => &mut data.doc_first_name,
            Self::DocLastName => &mut data.doc_last_name,
            Self::DocDob => &mut data.doc_dob,
            Self::DocNumber => &mut data.doc_number,
            Self::DocPersonalCode => &mut data.doc_personal_code,
            Self::DocExpiry => &mut data.doc_expiry,
            Self::DocNationality => &mut data.doc_nationality,
        }
    }

    /// The value as it stands.
    pub fn value(self, data: &crate::result::DocumentData) -> Option<String> {
        self.slot(&mut data.clone()).clone()
    }

    /// Sets the field to `value` (trimmed; empty clears it) if it is valid for the field;
    /// whether that changed anything.
    pub fn correct(
        self,
        data: &mut crate::result::DocumentData,
        value: &str,
    ) -> Result<bool, Rejection> {
        let value = value.trim();
        let invalid =
            |rule: &str| Rejection::bad_value(format!("Field '{}' {rule}.", self.as_str()));
        if value.chars().count() > MAX_FIELD_CHARS {
            return Err(invalid(&format!("must be at most {MAX_FIELD_CHARS} characters")));
        }
        if !value.is_empty() {
            match self {
                Self::DocDob | Self::DocExpiry => {
                    let format = time::macros::format_description!("[year]-[month]-[day]");
                    time::Date::parse(value, &format)
                        .map_err(|_| invalid("must be a date as YYYY-MM-DD"))?;
                }
                Self::DocNationality
                    if !crate::countries::is_alpha2(&value.to_ascii_uppercase()) =>
                {
                    return Err(invalid("must be an ISO 3166-1 alpha-2 code"));
                }
                _ => {}
            }
        }
        let new = match self {
            Self::DocNationality => value.to_ascii_uppercase(),
            _ => value.to_owned(),
        };
        let new = (!new.is_empty()).then_some(new);
        let slot = self.slot(data);
        if *slot == new {
            return Ok(false);
        }
        *slot = new;
        data.manually_data_changed = true;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reviewer_adds_only_the_manual_tags() {
        assert_eq!(added_tag("FAKE_PHOTO"), Ok(AddedTag::Fraud(FraudTag::FakePhoto)));
        assert_eq!(added_tag("SURNAME"), Ok(AddedTag::Mismatch(MismatchTag::Surname)));
        let refused = added_tag("AML_FAILED").unwrap_err();
        assert!(refused.message.contains("'add'") && refused.message.contains("FAKE_PHOTO"));
        assert!(added_tag("nonsense").is_err());
    }

    #[test]
    fn four_eyes_applies_to_the_named_partners_or_to_all() {
        let policy = ReviewPolicy { four_eyes: vec!["acme".into()], ..ReviewPolicy::default() };
        assert!(policy.needs_second_reviewer("acme"));
        assert!(!policy.needs_second_reviewer("acme2"));
        assert!(!ReviewPolicy::default().needs_second_reviewer("acme"));
        let all = ReviewPolicy { four_eyes: vec!["*".into()], ..ReviewPolicy::default() };
        assert!(all.needs_second_reviewer("anyone"));
    }
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

    #[test]
    fn decisions_come_from_the_manual_sets() {
        assert_eq!(
            check_decision("FACE_MATCH", "DOC_VALIDATED", ""),
            Ok((FaceStatus::FaceMatch, DocumentStatus::DocValidated))
        );
        let automatic_only = check_decision("AUTO_UNVERIFIABLE", "DOC_VALIDATED", "");
        assert!(automatic_only.unwrap_err().message.contains("'manualFace'"));
        assert!(check_decision("FACE_MATCH", "DOC_NOT_FOUND", "").is_err());
        assert!(check_decision("FACE_MATCH", "DOC_VALIDATED", &"n".repeat(1001)).is_err());
    }

    #[test]
    fn corrections_are_checked_and_mark_the_data_changed() {
        let mut data = crate::result::DocumentData {
            doc_first_name: Some("JONAS".into()),
            doc_dob: Some("1990-05-17".into()),
            ..Default::default()
        };
        assert_eq!(DataField::DocFirstName.correct(&mut data, " JONAS "), Ok(false));
        assert!(!data.manually_data_changed, "the same value is no change");
        assert_eq!(DataField::DocFirstName.correct(&mut data, "JONAS PETRAS"), Ok(true));
        assert!(data.manually_data_changed);
        assert_eq!(data.doc_first_name.as_deref(), Some("JONAS PETRAS"));
        assert!(DataField::DocDob.correct(&mut data, "17.05.1990").is_err());
        assert!(DataField::DocNationality.correct(&mut data, "XX").is_err());
        assert_eq!(DataField::DocNationality.correct(&mut data, "lt"), Ok(true));
        assert_eq!(data.doc_nationality.as_deref(), Some("LT"));
        assert_eq!(DataField::DocNumber.correct(&mut data, ""), Ok(false), "empty stays empty");
        assert!(DataField::DocNumber.correct(&mut data, &"9".repeat(101)).is_err());
        assert_eq!(DataField::DocDob.value(&data).as_deref(), Some("1990-05-17"));
    }

    #[test]
    fn roles_say_what_they_may_do() {
        assert!(Role::Admin.may_decide() && Role::Admin.may_administer());
        assert!(Role::Reviewer.may_decide() && !Role::Reviewer.may_administer());
        assert!(!Role::Viewer.may_decide() && !Role::Viewer.may_administer());
        assert_eq!(Role::parse("reviewer"), Some(Role::Reviewer));
        assert_eq!(Role::parse("Reviewer"), None);
    }

    #[test]
    fn a_scope_of_no_partners_is_all_of_them() {
        let (a, b) = (PartnerId::generate(), PartnerId::generate());
        assert!(Scope::of(vec![]).includes(a));
        let only_a = Scope::of(vec![a]);
        assert!(only_a.includes(a) && !only_a.includes(b));
        assert_eq!(only_a.partners(), &[a]);
    }

    #[test]
    fn names_and_passwords_follow_the_rules() {
        for good in ["alice", "bob.smith", "r2-d2", "a_b"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "a", "Alice", "-x", "al ice", "ällo", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_password("correct horse").is_ok());
        assert!(check_password("short").is_err());
        assert!(check_password(&" ".repeat(20)).is_err());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }

    #[test]
    fn the_fifth_failure_in_a_row_locks_for_a_while() {
        assert_eq!(lock_after_failure(4, T0), None);
        assert_eq!(lock_after_failure(5, T0), Some(T0 + LOCK_FOR));
        assert_eq!(lock_after_failure(9, T0), Some(T0 + LOCK_FOR));
    }

    #[test]
    fn sessions_end_when_idle_and_at_their_lifetime() {
        assert!(session_alive(T0, T0, T0 + Duration::minutes(29)));
        assert!(!session_alive(T0, T0, T0 + SESSION_IDLE));
        let busy = T0 + SESSION_LIFETIME - Duration::minutes(1);
        assert!(session_alive(T0, busy, busy + Duration::seconds(30)));
        assert!(!session_alive(T0, busy, T0 + SESSION_LIFETIME));
    }
}
