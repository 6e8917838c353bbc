//! The face pipeline on real photos (tools/face/README.md lists each source and its licence) and
//! on the generated documents of the server tests, whose portrait is `faces/obama.jpg` printed
//! in grey. Regression guards on a handful of identities, with no timing: the measured rates are
//! in docs/accuracy.md.

use kycd_analysis::{
    decode::DecodeLimits,
    face::{self, FaceComparison},
};
use kycd_domain::{face_check, vocabulary::FaceStatus};

fn face_photo(name: &str) -> Vec<u8> {
    read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/faces").join(name),
    )
}

/// A generated document of the server tests (the portrait is obama.jpg).
fn document(name: &str) -> Vec<u8> {
    read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kycd-server/tests/fixtures/documents")
            .join(name),
    )
}

fn read(path: std::path::PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn compare(document: &[u8], selfie: &[u8]) -> (FaceComparison, FaceStatus) {
    let comparison = face::compare(document, selfie, &DecodeLimits::default()).unwrap();
    let status = face_check::decide(&comparison.evidence()).status;
    (comparison, status)
}

fn jpeg(image: &image::DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

#[test]
fn the_person_on_the_passport_matches_their_selfies_and_no_one_else() {
    let passport = document("passport-valid.jpg");
    for selfie in ["obama2.jpg", "obama3.jpg"] {
        let (c, status) = compare(&passport, &face_photo(selfie));
        assert_eq!(status, FaceStatus::FaceMatch, "{selfie}: {:?}", c.distance);
        assert_eq!(c.selfie.clear_faces, 1);
    }
    for other in ["biden.jpg", "grace-hopper.jpg", "astronaut.jpg"] {
        let (c, status) = compare(&passport, &face_photo(other));
        assert_eq!(status, FaceStatus::FaceMismatch, "{other}: {:?}", c.distance);
    }
}

#[test]
fn the_id_card_portrait_is_found_and_compared() {
    let (c, status) = compare(&document("id-card-front.jpg"), &face_photo("obama2.jpg"));
    assert!(c.document.main.is_some());
    assert_eq!(status, FaceStatus::FaceMatch, "{:?}", c.distance);
}

#[test]
fn a_face_turned_a_quarter_is_still_found_and_matched() {
    let selfie = image::load_from_memory(&face_photo("obama2.jpg")).unwrap().rotate90();
    let (c, status) = compare(&document("passport-valid.jpg"), &jpeg(&selfie));
    let main = c.selfie.main.as_ref().unwrap();
    assert_eq!(main.turned, 270, "turned back the other way");
    assert_eq!(status, FaceStatus::FaceMatch, "{:?}", c.distance);
}

#[test]
fn a_grey_print_of_a_face_is_compared() {
    let grey = image::load_from_memory(&face_photo("obama3.jpg")).unwrap().grayscale();
    let (c, status) = compare(&document("passport-valid.jpg"), &jpeg(&grey));
    assert_eq!(status, FaceStatus::FaceMatch, "{:?}", c.distance);
}

#[test]
fn a_selfie_with_someone_else_in_it_has_too_many_faces() {
    let left = image::load_from_memory(&face_photo("obama2.jpg")).unwrap();
    let right = image::load_from_memory(&face_photo("biden.jpg")).unwrap();
    let mut both = image::RgbImage::new(left.width() + right.width(), left.height());
    image::imageops::overlay(&mut both, &left.to_rgb8(), 0, 0);
    image::imageops::overlay(&mut both, &right.to_rgb8(), i64::from(left.width()), 0);
    let (c, status) = compare(&document("passport-valid.jpg"), &jpeg(&both.into()));
    assert_eq!(c.selfie.clear_faces, 2);
    assert_eq!(status, FaceStatus::TooManyFaces);
}

#[test]
fn no_face_a_tiny_selfie_and_a_drawn_portrait_are_named() {
    let passport = document("passport-valid.jpg");
    let (_, status) = compare(&passport, &document("no-document.jpg"));
    assert_eq!(status, FaceStatus::NoFaceFound);
    let tiny = image::load_from_memory(&face_photo("obama2.jpg")).unwrap().resize_exact(
        32,
        32,
        image::imageops::FilterType::Triangle,
    );
    let (c, status) = compare(&passport, &jpeg(&tiny));
    assert!(c.selfie.main.is_none());
    assert_eq!(status, FaceStatus::NoFaceFound);
    // The analysis tests' own documents carry a drawn head, which is no face.
    let drawn = read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it/fixtures/documents/td3-scan.jpg"),
    );
    let (c, _) = compare(&drawn, &face_photo("obama2.jpg"));
    let decision = face_check::decide(&c.evidence());
    assert_eq!(
        decision.document_status,
        Some(kycd_domain::vocabulary::DocumentStatus::DocFaceNotFound)
    );
}

#[test]
fn a_photo_of_the_document_as_selfie_is_a_fake_face() {
    let passport = document("passport-valid.jpg");
    let (_, status) = compare(&passport, &passport);
    assert_eq!(status, FaceStatus::FakeFace, "the same bytes");
    // A flat scan of the same page fills the picture (no outline around the face), but its
    // portrait is the printed one itself.
    let (c, status) = compare(&passport, &document("passport-expired.jpg"));
    assert!(c.distance.unwrap() < kycd_domain::face_check::SAME_PHOTO_DISTANCE, "{c:?}");
    assert_eq!(status, FaceStatus::FakeFace);
}

#[test]
fn an_enormous_selfie_is_refused_by_the_limits_before_decoding() {
    let huge = image::DynamicImage::new_rgb8(9_000, 6_000);
    let bytes = jpeg(&huge);
    let error = face::compare(&document("passport-valid.jpg"), &bytes, &DecodeLimits::default())
        .unwrap_err();
    assert!(matches!(error, face::FaceError::Image { which: face::Which::Selfie, .. }), "{error}");
}
