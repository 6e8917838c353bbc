//! Face checks: find the faces in an image ([`detect`]), place five landmarks on the largest
//! ([`landmarks`]), cut the aligned crop ([`align`], on [`similarity`]) and embed it ([`embed`]);
//! then compare the document's portrait with the selfie ([`compare`]). The decision — match,
//! mismatch, a person looks, or a trick — is the domain's (`kycd_domain::face_check`); this
//! module only measures.

pub mod align;
pub mod detect;
pub mod embed;
pub mod landmarks;
pub mod similarity;

use crate::{
    decode::{self, DecodeError, DecodeLimits},
    geometry::{self, Point},
    locate,
    quality::{self, Quality},
    zone,
};
use embed::{EmbedError, Embedding};
use image::{DynamicImage, GrayImage, Luma, RgbImage, imageops};
use kycd_domain::face_check::{FaceEvidence, FaceFacts};
use landmarks::ShapePredictor;
use serde::Serialize;
use std::{collections::BTreeMap, time::Instant};

/// A face counts from this detector score: photos of real faces and printed portraits score
/// 15–40, drawn heads and faces of a few dozen pixels mostly 2–8 (tools/face/README.md).
pub const FACE_SCORE: f64 = 10.0;
/// A second face counts as another person in the selfie from this share of the main face's
/// width: smaller ones are in the background.
pub const CLEAR_FACE_SHARE: f64 = 0.4;

/// One face as the checks see it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Face {
    /// Box and landmarks in the pixels of the image as decoded (EXIF orientation applied),
    /// after turning it by `turned` degrees clockwise.
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub turned: u16,
    /// The detector's confidence (SeetaFace score; 2 is its threshold, clear faces score 10+).
    pub score: f64,
    pub landmarks: [Point; 5],
    /// Distance between the eye centres, in pixels: the face's real resolution.
    pub eye_distance: f64,
    /// Tilt of the eye line, degrees.
    pub roll_degrees: f64,
    /// Sharpness and glare of the aligned 150 × 150 crop.
    pub quality: Quality,
    #[serde(skip)]
    pub embedding: Embedding,
}

/// The faces in one image: how many clear ones, and the main (largest) one measured.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FacesFound {
    pub clear_faces: usize,
    pub main: Option<Face>,
}

/// Finds the faces in `image` (turning it a quarter either way, then upside down, when none
/// is found upright) and measures the largest.
pub fn find(image: &DynamicImage) -> Result<FacesFound, EmbedError> {
    let rgb = image.to_rgb8();
    for turned in [0u16, 90, 270, 180] {
        let turned_rgb = match turned {
            0 => std::borrow::Cow::Borrowed(&rgb),
            90 => std::borrow::Cow::Owned(imageops::rotate90(&rgb)),
            180 => std::borrow::Cow::Owned(imageops::rotate180(&rgb)),
            _ => std::borrow::Cow::Owned(imageops::rotate270(&rgb)),
        };
        let grey = mean_grey(&turned_rgb);
        let found: Vec<detect::Found> =
            detect::find(&grey).into_iter().filter(|f| f.score >= FACE_SCORE).collect();
        let Some(largest) = found.first().copied() else { continue };
        let clear_faces =
            found.iter().filter(|f| f.width >= CLEAR_FACE_SHARE * largest.width).count();
        let main = measure(&turned_rgb, &grey, largest, turned)?;
        return Ok(FacesFound { clear_faces, main: Some(main) });
    }
    Ok(FacesFound { clear_faces: 0, main: None })
}

fn measure(
    rgb: &RgbImage,
    grey: &GrayImage,
    found: detect::Found,
    turned: u16,
) -> Result<Face, EmbedError> {
    let predictor = ShapePredictor::embedded().map_err(|e| EmbedError::new(e.to_string()))?;
    let landmarks = predictor.predict(grey, found.dlib_box());
    let chip = align::chip(rgb, &landmarks)
        .ok_or_else(|| EmbedError::new("the landmarks have no extent".into()))?;
    let embedding = embed::embed(&chip)?;
    let eye = |a: Point, b: Point| Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
    // Points 0–1 are the eye on the image's right, 2–3 the one on its left.
    let (right_eye, left_eye) = (eye(landmarks[0], landmarks[1]), eye(landmarks[2], landmarks[3]));
    Ok(Face {
        left: found.left,
        top: found.top,
        width: found.width,
        height: found.height,
        turned,
        score: found.score,
        landmarks,
        eye_distance: left_eye.distance(right_eye),
        roll_degrees: (right_eye.y - left_eye.y).atan2(right_eye.x - left_eye.x).to_degrees(),
        quality: quality::measure(&imageops::grayscale(&chip)),
        embedding,
    })
}

/// Grey as dlib sees a colour image: the mean of R, G and B.
fn mean_grey(rgb: &RgbImage) -> GrayImage {
    GrayImage::from_fn(rgb.width(), rgb.height(), |x, y| {
        let [r, g, b] = rgb.get_pixel(x, y).0;
        Luma([((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8])
    })
}

/// Which image a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    Document,
    Selfie,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum FaceError {
    #[error("{which:?} image: {error}")]
    Image { which: Which, error: DecodeError },
    #[error(transparent)]
    Model(#[from] EmbedError),
}

/// The face's box with a margin, cut from `image` (as decoded) turned the way the face was found,
/// at most `max_side` pixels on its longer side, as PNG — what a reviewer compares.
pub fn crop_png(image: &DynamicImage, face: &Face, max_side: u32) -> Vec<u8> {
    let turned = match face.turned {
        90 => image.rotate90(),
        180 => image.rotate180(),
        270 => image.rotate270(),
        _ => image.clone(),
    };
    let margin = 0.25 * face.width.max(face.height);
    let (w, h) = (f64::from(turned.width()), f64::from(turned.height()));
    let left = (face.left - margin).clamp(0.0, w - 1.0);
    let top = (face.top - margin).clamp(0.0, h - 1.0);
    let right = (face.left + face.width + margin).clamp(left + 1.0, w);
    let bottom = (face.top + face.height + margin).clamp(top + 1.0, h);
    let crop =
        turned.crop_imm(left as u32, top as u32, (right - left) as u32, (bottom - top) as u32);
    let crop = if crop.width().max(crop.height()) > max_side {
        crop.thumbnail(max_side, max_side)
    } else {
        crop
    };
    let mut png = Vec::new();
    // Encoding RGB into memory cannot fail.
    let _ = crop.to_rgb8().write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
    png
}

/// The document's portrait against the selfie.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaceComparison {
    pub document: FacesFound,
    pub selfie: FacesFound,
    /// Euclidean distance of the two embeddings (same person below about 0.6).
    pub distance: Option<f32>,
    /// The selfie is byte for byte the document photo.
    pub same_image: bool,
    /// The selfie shows a document (its outline around the face, or rows of print).
    pub document_in_selfie: bool,
    pub timings_ms: BTreeMap<&'static str, f64>,
}

impl FaceComparison {
    /// The facts the domain decides on.
    pub fn evidence(&self) -> FaceEvidence {
        let facts = |f: &Face| FaceFacts {
            sharpness: f.quality.sharpness,
            glare: f.quality.glare,
            eye_distance: f.eye_distance,
        };
        FaceEvidence {
            document_face: self.document.main.as_ref().map(facts),
            selfie_face: self.selfie.main.as_ref().map(facts),
            selfie_clear_faces: self.selfie.clear_faces,
            distance: self.distance,
            same_image: self.same_image,
            document_in_selfie: self.document_in_selfie,
        }
    }
}

/// Finds and compares the face on the document photo `document` and in `selfie`.
pub fn compare(
    document: &[u8],
    selfie: &[u8],
    limits: &DecodeLimits,
) -> Result<FaceComparison, FaceError> {
    let mut timings_ms = BTreeMap::new();
    let mut timed = |stage: &'static str, start: Instant| {
        timings_ms.insert(stage, start.elapsed().as_secs_f64() * 1e3);
    };
    let start = Instant::now();
    let decode = |bytes: &[u8], which| {
        decode::decode(bytes, limits).map_err(|error| FaceError::Image { which, error })
    };
    let document_image = decode(document, Which::Document)?;
    let selfie_image = decode(selfie, Which::Selfie)?;
    timed("decode", start);
    let start = Instant::now();
    let document_faces = find(&document_image)?;
    timed("documentFace", start);
    let start = Instant::now();
    let selfie_faces = find(&selfie_image)?;
    timed("selfieFace", start);
    let start = Instant::now();
    let document_in_selfie = shows_document(&selfie_image, selfie_faces.main.as_ref());
    timed("selfieDocument", start);
    let distance = match (&document_faces.main, &selfie_faces.main) {
        (Some(d), Some(s)) => Some(embed::distance(&d.embedding, &s.embedding)),
        _ => None,
    };
    Ok(FaceComparison {
        document: document_faces,
        selfie: selfie_faces,
        distance,
        same_image: document == selfie,
        document_in_selfie,
        timings_ms,
    })
}

/// A selfie that is a photo of a document: a document's outline around the face with rows of
/// print in the picture. Either alone is not enough: a flag's stripes look like rows of print,
/// a door frame like an outline.
fn shows_document(image: &DynamicImage, face: Option<&Face>) -> bool {
    let Some(face) = face.filter(|f| f.turned == 0) else { return false };
    let side = 1_000f64;
    let factor = (side / f64::from(image.width().max(image.height()))).min(1.0);
    let grey = image
        .resize(
            (f64::from(image.width()) * factor).round() as u32,
            (f64::from(image.height()) * factor).round() as u32,
            imageops::FilterType::Triangle,
        )
        .to_luma8();
    let centre = Point::new(
        (face.left + face.width / 2.0) * factor,
        (face.top + face.height / 2.0) * factor,
    );
    let outline_around_face = locate::find(&grey).is_some_and(|document| {
        let quad = document.quad;
        let image_area = f64::from(grey.width()) * f64::from(grey.height());
        geometry::area(&quad).abs() < 0.95 * image_area && geometry::contains(&quad, centre)
    });
    outline_around_face && zone::has_text(&grey)
}
