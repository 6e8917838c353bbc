//! A partner's logo for the hosted flow: whatever image the operator gives is decoded within
//! limits, fitted into [`MAX_WIDTH`] × [`MAX_HEIGHT`] and written again as a PNG that kycd made,
//! so the pages only ever serve a small, plain image (no metadata, no odd format).

use crate::decode::{self, DecodeError, DecodeLimits};
use image::imageops::FilterType;

pub const MAX_WIDTH: u32 = 480;
pub const MAX_HEIGHT: u32 = 160;
/// Largest logo file accepted, and largest PNG kept after fitting.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;
pub const MAX_PNG_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LogoError {
    #[error("the logo cannot be used: {0}")]
    Unreadable(#[from] DecodeError),
    #[error(
        "the logo is {0} bytes as a {MAX_WIDTH}×{MAX_HEIGHT} PNG; at most {MAX_PNG_BYTES} are kept (use fewer colours or a simpler image)"
    )]
    TooLarge(usize),
}

/// The logo as kycd serves it: a PNG of at most [`MAX_WIDTH`] × [`MAX_HEIGHT`] pixels.
pub fn normalise(bytes: &[u8]) -> Result<Vec<u8>, LogoError> {
    let limits = DecodeLimits { max_bytes: MAX_INPUT_BYTES, ..DecodeLimits::default() };
    let image = decode::decode(bytes, &limits)?;
    let fitted = if image.width() > MAX_WIDTH || image.height() > MAX_HEIGHT {
        image.resize(MAX_WIDTH, MAX_HEIGHT, FilterType::Lanczos3)
    } else {
        image
    };
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(fitted.to_rgba8())
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| LogoError::Unreadable(DecodeError::Corrupt(e.to_string())))?;
    if png.len() > MAX_PNG_BYTES {
        return Err(LogoError::TooLarge(png.len()));
    }
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, _| {
            if x % 40 < 20 { image::Rgb([200, 30, 30]) } else { image::Rgb([255, 255, 255]) }
        });
        let mut out = Vec::new();
        image.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_large_logo_is_fitted_and_a_small_one_kept() {
        let fitted = image::load_from_memory(&normalise(&png(1200, 300)).unwrap()).unwrap();
        assert_eq!((fitted.width(), fitted.height()), (480, 120));
        let kept = image::load_from_memory(&normalise(&png(200, 50)).unwrap()).unwrap();
        assert_eq!((kept.width(), kept.height()), (200, 50));
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        assert!(matches!(normalise(b"<svg/>"), Err(LogoError::Unreadable(_))));
    }
}
