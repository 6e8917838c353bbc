//! The face decision (DECISIONS.md "Automatic analysis", docs/accuracy.md for the figures
//! behind the numbers): from what the analysis measured on the document's portrait and on the
//! selfie, the face status iDenfy's vocabulary gives it, or the document status when the
//! document has no portrait to compare with.
//!
//! The embedding distance decides between match and mismatch with a grey zone in between that
//! goes to a person (`AUTO_UNVERIFIABLE`), never a guess. Tricks that need no liveness model are
//! caught first: the same photo sent twice, a selfie that shows a document, and a selfie face
//! nearly identical to the portrait (a photo of the document's photo).

use crate::vocabulary::{DocumentStatus, FaceStatus};

/// At or below this distance the faces are the same person.
pub const MATCH_DISTANCE: f32 = 0.50;
/// At or above this distance they are different people; in between a person decides.
pub const MISMATCH_DISTANCE: f32 = 0.60;
/// Below this distance the selfie is the portrait itself (a photo of the document's photo):
/// two photos of one person taken apart never come this close.
pub const SAME_PHOTO_DISTANCE: f32 = 0.12;
/// Sharpness (variance of the Laplacian on the 150 px face crop) below which a selfie face is
/// too blurred to compare.
pub const MIN_FACE_SHARPNESS: f64 = 15.0;
/// Share of blown-out pixels on the face crop above which it is glared.
pub const MAX_FACE_GLARE: f64 = 0.15;
/// Fewest pixels between the eyes for a face to be compared at all.
pub const MIN_EYE_DISTANCE: f64 = 12.0;

/// What was measured on one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceFacts {
    pub sharpness: f64,
    pub glare: f64,
    pub eye_distance: f64,
}

/// Everything the decision uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaceEvidence {
    /// The main face on the document photo, if one was found.
    pub document_face: Option<FaceFacts>,
    /// The main face in the selfie, if one was found.
    pub selfie_face: Option<FaceFacts>,
    /// Clear faces in the selfie (more than one is another person in the picture).
    pub selfie_clear_faces: usize,
    /// Distance of the two faces' embeddings, when both were found.
    pub distance: Option<f32>,
    /// The selfie is byte for byte the document photo.
    pub same_image: bool,
    /// The selfie shows a document.
    pub document_in_selfie: bool,
}

/// The decision on the faces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceDecision {
    pub status: FaceStatus,
    /// Set when the document itself fails for its portrait (`DOC_FACE_NOT_FOUND`,
    /// `DOC_FACE_GLARED`): the face is then not analysed.
    pub document_status: Option<DocumentStatus>,
    /// How sure the match is, 0–1 (0.5 in the middle of the grey zone), when compared.
    pub score: Option<f64>,
}

impl FaceDecision {
    fn face(status: FaceStatus) -> Self {
        Self { status, document_status: None, score: None }
    }
}

/// A 0–1 match score from a distance: a logistic curve centred on the grey zone, reaching 0.05
/// at [`MISMATCH_DISTANCE`] and 0.95 at [`MATCH_DISTANCE`].
pub fn match_score(distance: f32) -> f64 {
    let centre = f64::from(MATCH_DISTANCE + MISMATCH_DISTANCE) / 2.0;
    let half_width = f64::from(MISMATCH_DISTANCE - MATCH_DISTANCE) / 2.0;
    let steepness = 19f64.ln() / half_width;
    1.0 / (1.0 + (steepness * (f64::from(distance) - centre)).exp())
}

pub fn decide(evidence: &FaceEvidence) -> FaceDecision {
    if evidence.same_image {
        return FaceDecision::face(FaceStatus::FakeFace);
    }
    let Some(portrait) = evidence.document_face else {
        return FaceDecision {
            status: FaceStatus::FaceNotAnalysed,
            document_status: Some(DocumentStatus::DocFaceNotFound),
            score: None,
        };
    };
    if portrait.glare > MAX_FACE_GLARE {
        return FaceDecision {
            status: FaceStatus::FaceNotAnalysed,
            document_status: Some(DocumentStatus::DocFaceGlared),
            score: None,
        };
    }
    let Some(selfie) = evidence.selfie_face else {
        return FaceDecision::face(FaceStatus::NoFaceFound);
    };
    if evidence.document_in_selfie {
        return FaceDecision::face(FaceStatus::FakeFace);
    }
    if evidence.selfie_clear_faces > 1 {
        return FaceDecision::face(FaceStatus::TooManyFaces);
    }
    if selfie.glare > MAX_FACE_GLARE {
        return FaceDecision::face(FaceStatus::FaceGlared);
    }
    if selfie.sharpness < MIN_FACE_SHARPNESS || selfie.eye_distance < MIN_EYE_DISTANCE {
        return FaceDecision::face(FaceStatus::FaceTooBlurry);
    }
    let Some(distance) = evidence.distance else {
        return FaceDecision::face(FaceStatus::FaceError);
    };
    if distance < SAME_PHOTO_DISTANCE {
        return FaceDecision::face(FaceStatus::FakeFace);
    }
    let status = if distance <= MATCH_DISTANCE {
        FaceStatus::FaceMatch
    } else if distance >= MISMATCH_DISTANCE {
        FaceStatus::FaceMismatch
    } else {
        FaceStatus::AutoUnverifiable
    };
    FaceDecision { status, document_status: None, score: Some(match_score(distance)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: FaceFacts = FaceFacts { sharpness: 120.0, glare: 0.0, eye_distance: 60.0 };

    fn both(distance: f32) -> FaceEvidence {
        FaceEvidence {
            document_face: Some(GOOD),
            selfie_face: Some(GOOD),
            selfie_clear_faces: 1,
            distance: Some(distance),
            ..Default::default()
        }
    }

    #[test]
    fn the_distance_decides_with_a_grey_zone_for_a_person() {
        assert_eq!(decide(&both(0.35)).status, FaceStatus::FaceMatch);
        assert_eq!(decide(&both(MATCH_DISTANCE)).status, FaceStatus::FaceMatch);
        assert_eq!(decide(&both(0.55)).status, FaceStatus::AutoUnverifiable);
        assert_eq!(decide(&both(MISMATCH_DISTANCE)).status, FaceStatus::FaceMismatch);
        assert_eq!(decide(&both(0.9)).status, FaceStatus::FaceMismatch);
        assert_eq!(decide(&both(0.05)).status, FaceStatus::FakeFace, "the portrait itself");
    }

    #[test]
    fn the_score_is_calibrated_to_the_thresholds() {
        assert!((match_score(MATCH_DISTANCE) - 0.95).abs() < 1e-9);
        assert!((match_score(MISMATCH_DISTANCE) - 0.05).abs() < 1e-9);
        assert!((match_score(0.55) - 0.5).abs() < 1e-6);
        assert!(match_score(0.3) > match_score(0.4));
        assert_eq!(decide(&both(0.4)).score, Some(match_score(0.4)));
    }

    #[test]
    fn tricks_and_missing_faces_come_before_the_distance() {
        let same = FaceEvidence { same_image: true, ..both(0.0) };
        assert_eq!(decide(&same).status, FaceStatus::FakeFace);
        let shown = FaceEvidence { document_in_selfie: true, ..both(0.3) };
        assert_eq!(decide(&shown).status, FaceStatus::FakeFace);
        let crowd = FaceEvidence { selfie_clear_faces: 3, ..both(0.3) };
        assert_eq!(decide(&crowd).status, FaceStatus::TooManyFaces);
        let none = FaceEvidence { selfie_face: None, distance: None, ..both(0.3) };
        assert_eq!(decide(&none).status, FaceStatus::NoFaceFound);
        let no_portrait = FaceEvidence { document_face: None, distance: None, ..both(0.3) };
        let d = decide(&no_portrait);
        assert_eq!(
            (d.status, d.document_status),
            (FaceStatus::FaceNotAnalysed, Some(DocumentStatus::DocFaceNotFound))
        );
    }

    #[test]
    fn poor_selfies_and_portraits_are_named() {
        let blurred = FaceFacts { sharpness: 3.0, ..GOOD };
        let glared = FaceFacts { glare: 0.4, ..GOOD };
        let tiny = FaceFacts { eye_distance: 5.0, ..GOOD };
        let with = |selfie| FaceEvidence { selfie_face: Some(selfie), ..both(0.3) };
        assert_eq!(decide(&with(blurred)).status, FaceStatus::FaceTooBlurry);
        assert_eq!(decide(&with(tiny)).status, FaceStatus::FaceTooBlurry);
        assert_eq!(decide(&with(glared)).status, FaceStatus::FaceGlared);
        let glared_portrait = FaceEvidence { document_face: Some(glared), ..both(0.3) };
        assert_eq!(decide(&glared_portrait).document_status, Some(DocumentStatus::DocFaceGlared));
    }
}
