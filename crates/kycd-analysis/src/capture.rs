//! The check a photo gets when the person uploads it in the hosted flow, before an attempt is
//! spent: it must decode within the limits, be large enough, sharp enough and not washed out.
//! The problems are ones the person can fix by taking the photo again; the full analysis runs
//! only on the submitted attempt. "No document" uses the same finder as the analysis (the
//! document's outline, or rows of print) and "no face" the analysis's face finder; callers
//! decide how often to insist on them.

use crate::{
    decode::{self, DecodeError, DecodeLimits},
    face, locate,
    quality::{self, Quality},
    zone,
};
use image::imageops::FilterType;

/// What the photo is meant to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Document,
    Selfie,
}

/// Why a photo is refused, each with something the person can do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaptureProblem {
    #[error("the photo cannot be used: {0}")]
    Unreadable(#[from] DecodeError),
    #[error(
        "the photo is {width}×{height} pixels; at least {MIN_LONG_SIDE} px on the long side and {MIN_SHORT_SIDE} px on the short side are needed"
    )]
    TooSmall { width: u32, height: u32 },
    #[error(
        "the photo is blurred (sharpness {sharpness:.0}, at least {MIN_SHARPNESS:.0} is needed)"
    )]
    TooBlurry { sharpness: f64 },
    #[error("the photo has glare ({percent:.0} % of it is blown out)")]
    Glared { percent: f64 },
    /// With the measures of the photo otherwise fit for use, for a caller that accepts it anyway.
    #[error("no document can be seen in the photo")]
    NoDocument { quality: Quality },
    /// Likewise, for a selfie.
    #[error("no face can be seen in the photo")]
    NoFace { quality: Quality },
}

impl CaptureProblem {
    /// The photo's measures when the only problem is that its subject was not seen: the finders
    /// can miss, so a caller may accept such a photo after insisting a few times.
    pub fn unseen_subject(&self) -> Option<Quality> {
        match self {
            Self::NoDocument { quality } | Self::NoFace { quality } => Some(*quality),
            _ => None,
        }
    }
}

/// Smallest photo accepted: a VGA frame, which webcams and phone cameras all give.
pub const MIN_LONG_SIDE: u32 = 640;
pub const MIN_SHORT_SIDE: u32 = 400;
/// Sharpness (variance of the Laplacian) at the measuring size below which a photo is blurred.
/// Sharp document photos measure 150–2,000 there; a photo blurred so that print runs together
/// measures under 20.
pub const MIN_SHARPNESS: f64 = 25.0;
/// Share of blown-out pixels above which a document photo has glare.
pub const MAX_GLARE: f64 = 0.25;
/// Long side the sharpness is measured at, so the measure does not depend on the camera.
const MEASURE_LONG_SIDE: u32 = 1_000;

/// Checks one uploaded photo; the measures when it passes.
pub fn check(
    bytes: &[u8],
    limits: &DecodeLimits,
    subject: Subject,
) -> Result<Quality, CaptureProblem> {
    let image = decode::decode(bytes, limits)?;
    let (width, height) = (image.width(), image.height());
    if width.max(height) < MIN_LONG_SIDE || width.min(height) < MIN_SHORT_SIDE {
        return Err(CaptureProblem::TooSmall { width, height });
    }
    let scale = f64::from(MEASURE_LONG_SIDE) / f64::from(width.max(height));
    let gray = if scale < 1.0 {
        let (w, h) = (f64::from(width) * scale, f64::from(height) * scale);
        image.resize_exact(w.round() as u32, h.round() as u32, FilterType::Triangle).to_luma8()
    } else {
        image.to_luma8()
    };
    let measured = quality::measure(&gray);
    if measured.sharpness < MIN_SHARPNESS {
        return Err(CaptureProblem::TooBlurry { sharpness: measured.sharpness });
    }
    if subject == Subject::Document && measured.glare > MAX_GLARE {
        return Err(CaptureProblem::Glared { percent: measured.glare * 100.0 });
    }
    if subject == Subject::Document && locate::find(&gray).is_none() && !zone::has_text(&gray) {
        return Err(CaptureProblem::NoDocument { quality: Quality { width, height, ..measured } });
    }
    if subject == Subject::Selfie && face::find(&image).is_ok_and(|found| found.main.is_none()) {
        return Err(CaptureProblem::NoFace { quality: Quality { width, height, ..measured } });
    }
    Ok(Quality { width, height, ..measured })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, ImageFormat, Luma};
    use std::io::Cursor;

    fn png(image: &GrayImage) -> Vec<u8> {
        let mut out = Vec::new();
        image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    /// Rows of "print": dark strokes on a light page.
    fn page(width: u32, height: u32) -> GrayImage {
        GrayImage::from_fn(width, height, |x, y| {
            if (y / 12) % 2 == 0 && (x / 5) % 3 != 0 { Luma([30]) } else { Luma([215]) }
        })
    }

    #[test]
    fn a_sharp_page_passes_with_its_measures() {
        let quality =
            check(&png(&page(1200, 800)), &DecodeLimits::default(), Subject::Document).unwrap();
        assert_eq!((quality.width, quality.height), (1200, 800));
        assert!(quality.sharpness > MIN_SHARPNESS * 10.0, "{quality:?}");
    }

    #[test]
    fn blurred_small_glared_and_broken_photos_are_refused() {
        let limits = DecodeLimits::default();
        let blurred = image::imageops::blur(&page(1200, 800), 6.0);
        assert!(matches!(
            check(&png(&blurred), &limits, Subject::Document),
            Err(CaptureProblem::TooBlurry { .. })
        ));
        assert!(matches!(
            check(&png(&page(320, 240)), &limits, Subject::Document),
            Err(CaptureProblem::TooSmall { width: 320, height: 240 })
        ));
        let mut glared = page(1200, 800);
        for (x, _, pixel) in glared.enumerate_pixels_mut() {
            if x < 500 {
                *pixel = Luma([255]);
            }
        }
        assert!(matches!(
            check(&png(&glared), &limits, Subject::Document),
            Err(CaptureProblem::Glared { .. })
        ));
        assert!(
            matches!(
                check(&png(&glared), &limits, Subject::Selfie),
                Err(CaptureProblem::NoFace { .. })
            ),
            "glare is judged on documents only; this selfie has no face"
        );
        assert!(matches!(
            check(b"not an image", &limits, Subject::Selfie),
            Err(CaptureProblem::Unreadable(_))
        ));
    }

    #[test]
    fn a_selfie_with_a_face_passes_and_one_without_is_named() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it/fixtures/faces/obama2.jpg");
        let face = std::fs::read(path).unwrap();
        let limits = DecodeLimits::default();
        assert!(check(&face, &limits, Subject::Selfie).is_ok());
        let problem = check(&png(&page(1200, 800)), &limits, Subject::Selfie).unwrap_err();
        assert!(problem.unseen_subject().is_some(), "{problem}");
        assert!(matches!(problem, CaptureProblem::NoFace { .. }));
    }
}
