//! Screening a verification against its partner's earlier verifications and blocklists
//! (reference §5.4; DECISIONS.md "Automatic analysis"): which checks the token asked for, what
//! counts as the same face and the same person, and the fraud tags and `data` fields the
//! findings give. Any of these tags makes the result SUSPECTED (§5.7 rule 3). The search itself
//! (stored faces, sealed) is kycd-core's; this module holds only the rules.

use crate::{
    ScanRef,
    document_check::{identifier, normalise},
    face_check::MATCH_DISTANCE,
    result::DocumentData,
    token_request::TokenRequest,
    vocabulary::{FaceOrigin, FraudTag},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// At or below this embedding distance two stored faces are the same person. The same threshold
/// as a selfie-to-portrait match: duplicates and blocklist hits compare faces of the same kind
/// (selfie with selfie, portrait with portrait), which lie closer than a selfie and a portrait.
pub const SAME_FACE_DISTANCE: f32 = MATCH_DISTANCE;

/// Most scanRefs named in `duplicateFaces` / `duplicateDocFaces` (the earliest first).
pub const MAX_DUPLICATES_NAMED: usize = 100;

/// Euclidean distance between two embeddings; `None` when they are not of one model (lengths
/// differ), so such faces never count as the same.
pub fn face_distance(a: &[f32], b: &[f32]) -> Option<f32> {
    (a.len() == b.len() && !a.is_empty())
        .then(|| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt())
}

/// Whether two embeddings are the same person's face.
pub fn same_face(a: &[f32], b: &[f32]) -> bool {
    face_distance(a, b).is_some_and(|d| d <= SAME_FACE_DISTANCE)
}

/// The screening checks a token's custom settings ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScreeningAsked {
    /// `checkDuplicateFaces`: the selfie against the partner's earlier selfies.
    pub duplicate_faces: bool,
    /// `checkDuplicateDocFaces`: the portrait against the partner's earlier portraits.
    pub duplicate_doc_faces: bool,
    /// `checkFaceBlacklist`: the selfie against the partner's face blocklist.
    pub face_blocklist: bool,
    /// `checkDocFaceBlacklist`: the portrait against the partner's face blocklist.
    pub doc_face_blocklist: bool,
    /// `checkPersonBlacklist`: the data read from the document against the person blocklist.
    pub person_blocklist: bool,
}

impl ScreeningAsked {
    pub fn of(request: &TokenRequest) -> Self {
        let asked =
            |key: &str| request.custom_settings.get(key).and_then(Value::as_bool).unwrap_or(false);
        Self {
            duplicate_faces: asked("checkDuplicateFaces"),
            duplicate_doc_faces: asked("checkDuplicateDocFaces"),
            face_blocklist: asked("checkFaceBlacklist"),
            doc_face_blocklist: asked("checkDocFaceBlacklist"),
            person_blocklist: asked("checkPersonBlacklist"),
        }
    }

    /// Whether the partner's earlier faces of `origin` are searched for duplicates.
    pub fn duplicates_of(&self, origin: FaceOrigin) -> bool {
        match origin {
            FaceOrigin::Selfie => self.duplicate_faces,
            FaceOrigin::Document => self.duplicate_doc_faces,
        }
    }

    /// Whether the face of `origin` is compared with the face blocklist.
    pub fn blocklist_of(&self, origin: FaceOrigin) -> bool {
        match origin {
            FaceOrigin::Selfie => self.face_blocklist,
            FaceOrigin::Document => self.doc_face_blocklist,
        }
    }
}

/// What screening found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Earlier verifications (of other clients) with the same selfie face, earliest first.
    pub duplicate_faces: Vec<ScanRef>,
    /// Earlier verifications (of other clients) with the same portrait, earliest first.
    pub duplicate_doc_faces: Vec<ScanRef>,
    /// The selfie's face is on the blocklist.
    pub face_blocklisted: bool,
    /// The portrait's face is on the blocklist.
    pub doc_face_blocklisted: bool,
    /// The person's data is on the blocklist.
    pub person_blocklisted: bool,
}

impl Findings {
    pub fn duplicates_mut(&mut self, origin: FaceOrigin) -> &mut Vec<ScanRef> {
        match origin {
            FaceOrigin::Selfie => &mut self.duplicate_faces,
            FaceOrigin::Document => &mut self.duplicate_doc_faces,
        }
    }

    pub fn set_face_blocklisted(&mut self, origin: FaceOrigin) {
        match origin {
            FaceOrigin::Selfie => self.face_blocklisted = true,
            FaceOrigin::Document => self.doc_face_blocklisted = true,
        }
    }

    /// The fraud tags, in the vocabulary's order.
    pub fn fraud_tags(&self) -> Vec<FraudTag> {
        let mut tags = Vec::new();
        if self.person_blocklisted {
            tags.push(FraudTag::DataBlacklisted);
        }
        if !self.duplicate_faces.is_empty() {
            tags.push(FraudTag::DuplicateFace);
        }
        if !self.duplicate_doc_faces.is_empty() {
            tags.push(FraudTag::DuplicateDocFace);
        }
        if self.face_blocklisted {
            tags.push(FraudTag::FaceBlacklisted);
        }
        if self.doc_face_blocklisted {
            tags.push(FraudTag::DocFaceBlacklisted);
        }
        tags
    }

    /// Writes the duplicate lists into the webhook `data` (null when none, as iDenfy sends).
    pub fn fill(&self, data: &mut DocumentData) {
        let named = |refs: &[ScanRef]| {
            (!refs.is_empty()).then(|| {
                refs.iter().take(MAX_DUPLICATES_NAMED).map(|r| r.as_str().to_owned()).collect()
            })
        };
        data.duplicate_faces = named(&self.duplicate_faces);
        data.duplicate_doc_faces = named(&self.duplicate_doc_faces);
    }
}

/// The person a DOCUMENT_INFO blocklist entry holds: the identifying data read from the document
/// (the OAS `IdentificationDataBlacklistResponse` fields). Sealed at rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BlocklistedPerson {
    pub full_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub personal_number: Option<String>,
    pub document_number: Option<String>,
    pub nationality: Option<String>,
    /// Kept for the keys: a document number is only unique within its issuing state.
    pub issuing_country: Option<String>,
}

impl BlocklistedPerson {
    /// The person as read from a verification's document; `None` when nothing identifies them
    /// (no key could be made).
    pub fn from_data(data: &DocumentData) -> Option<Self> {
        let full_name = data.full_name.clone().or_else(|| {
            match (data.doc_first_name.as_deref(), data.doc_last_name.as_deref()) {
                (None, None) => None,
                (first, last) => {
                    Some([first, last].into_iter().flatten().collect::<Vec<_>>().join(" "))
                }
            }
        });
        let person = Self {
            full_name,
            date_of_birth: data.doc_dob.clone(),
            personal_number: data.doc_personal_code.clone(),
            document_number: data.doc_number.clone(),
            nationality: data.doc_nationality.clone(),
            issuing_country: data.doc_issuing_country.clone(),
        };
        (!person.keys().is_empty()).then_some(person)
    }

    /// The keys under which the person is looked up (each one alone identifies them): the
    /// document number within its issuing state, the personal code within the nationality, and
    /// the name with the date of birth. Names are compared as ICAO writes them (upper case A–Z,
    /// diacritics transliterated, fillers as spaces), numbers without separators, so the same
    /// person read twice, or corrected by hand, gives the same keys. Only keyed digests of these
    /// are stored.
    pub fn keys(&self) -> Vec<String> {
        let text = |value: &Option<String>, clean: fn(&str) -> String| {
            value.as_deref().map(clean).filter(|v| !v.is_empty())
        };
        let name = text(&self.full_name, |n| normalise(n, false));
        let born = text(&self.date_of_birth, |d| d.trim().to_owned());
        let number = text(&self.document_number, identifier);
        let code = text(&self.personal_number, identifier);
        let country = |value: &Option<String>| text(value, identifier).unwrap_or_default();
        let mut keys = Vec::new();
        if let Some(number) = number {
            keys.push(format!("document:{}:{number}", country(&self.issuing_country)));
        }
        if let Some(code) = code {
            let state = self.nationality.as_ref().or(self.issuing_country.as_ref()).cloned();
            keys.push(format!("personal-code:{}:{code}", country(&state)));
        }
        if let (Some(name), Some(born)) = (name, born) {
            keys.push(format!("person:{name}:{born}"));
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{environment::Environment, token_request};

    fn jonas_data() -> DocumentData {
        DocumentData {
            doc_first_name: Some("JONAS".into()),
            doc_last_name: Some("JONAITIS".into()),
            doc_number: Some("LT1234567".into()),
            doc_dob: Some("1990-05-17".into()),
            doc_nationality: Some("LT".into()),
            doc_issuing_country: Some("LT".into()),
            ..DocumentData::default()
        }
    }

    #[test]
    fn faces_are_the_same_within_the_threshold_and_only_of_one_model() {
        let a = [0.0f32; 128];
        let mut b = a;
        b[0] = SAME_FACE_DISTANCE;
        assert!(same_face(&a, &b));
        b[0] = SAME_FACE_DISTANCE + 0.01;
        assert!(!same_face(&a, &b));
        assert_eq!(face_distance(&a, &a[..64]), None);
        assert!(!same_face(&[], &[]));
    }

    #[test]
    fn the_token_names_the_checks_it_wants() {
        let map = serde_json::json!({"clientId": "c",
            "checkDuplicateFaces": true, "checkDocFaceBlacklist": true, "checkFaceBlacklist": false});
        let request =
            token_request::parse(map.as_object().unwrap(), &Default::default(), Environment::Dev)
                .unwrap();
        let asked = ScreeningAsked::of(&request);
        assert!(asked.duplicates_of(FaceOrigin::Selfie));
        assert!(!asked.duplicates_of(FaceOrigin::Document));
        assert!(asked.blocklist_of(FaceOrigin::Document));
        assert!(!asked.blocklist_of(FaceOrigin::Selfie));
        assert!(!asked.person_blocklist);
    }

    #[test]
    fn findings_give_tags_and_the_duplicate_lists() {
        let mut findings = Findings::default();
        assert!(findings.fraud_tags().is_empty());
        let mut data = jonas_data();
        findings.fill(&mut data);
        assert_eq!((data.duplicate_faces, data.duplicate_doc_faces), (None, None));

        findings.duplicates_mut(FaceOrigin::Selfie).push(ScanRef::from_trusted("first"));
        findings.set_face_blocklisted(FaceOrigin::Document);
        findings.person_blocklisted = true;
        assert_eq!(
            findings.fraud_tags(),
            [FraudTag::DataBlacklisted, FraudTag::DuplicateFace, FraudTag::DocFaceBlacklisted]
        );
        let mut data = jonas_data();
        findings.fill(&mut data);
        assert_eq!(data.duplicate_faces, Some(vec!["first".to_owned()]));
        assert_eq!(data.duplicate_doc_faces, None);
    }

    #[test]
    fn a_person_is_keyed_by_document_code_and_name_with_birth_date() {
        let person = BlocklistedPerson::from_data(&jonas_data()).unwrap();
        assert_eq!(person.full_name.as_deref(), Some("JONAS JONAITIS"));
        assert_eq!(person.keys(), ["document:LT:LT1234567", "person:JONAS JONAITIS:1990-05-17"]);
        // Read again with separators, or corrected by hand with diacritics: the same keys.
        let again = BlocklistedPerson {
            full_name: Some("Jonas  Jonaitis".into()),
            document_number: Some("lt 123-4567".into()),
            ..person.clone()
        };
        assert_eq!(again.keys(), person.keys());
        let accented = BlocklistedPerson { full_name: Some("Jónas Jonaitís".into()), ..person };
        assert!(accented.keys().contains(&"person:JONAS JONAITIS:1990-05-17".to_owned()));
    }

    #[test]
    fn a_personal_code_is_a_key_and_nothing_identifying_is_no_person() {
        let coded = DocumentData {
            doc_personal_code: Some("39005170000".into()),
            ..DocumentData::default()
        };
        let person = BlocklistedPerson::from_data(&coded).unwrap();
        assert_eq!(person.keys(), ["personal-code::39005170000"]);
        let name_only =
            DocumentData { doc_first_name: Some("JONAS".into()), ..DocumentData::default() };
        assert_eq!(BlocklistedPerson::from_data(&name_only), None, "a name alone is no key");
    }
}
