//! Decoding uploads: JPEG, PNG or WebP only, recognised by their first bytes; the byte size, the
//! dimensions and the decoder's allocations are limited before and while decoding, so a
//! decompression bomb is refused instead of exhausting memory; EXIF orientation is applied, so a
//! phone photo taken sideways arrives upright.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// What an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest file accepted.
    pub max_bytes: usize,
    /// Largest width and height.
    pub max_side: u32,
    /// Largest width × height.
    pub max_pixels: u64,
}

impl Default for DecodeLimits {
    /// 10 MB, 8,000 px a side, 40 megapixels: any phone camera's full-resolution photo fits.
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024, max_side: 8_000, max_pixels: 40_000_000 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the file is not a JPEG, PNG or WebP image")]
    UnsupportedFormat,
    #[error(
        "the image is {width}×{height} pixels; the limit is {max_side} px a side and {max_pixels} pixels"
    )]
    TooManyPixels { width: u32, height: u32, max_side: u32, max_pixels: u64 },
    #[error("the image data is damaged or truncated: {0}")]
    Corrupt(String),
}

/// The image format the bytes start with, if it is one kycd accepts.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Decodes `bytes` within `limits`, upright.
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<DynamicImage, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(DecodeError::TooLarge { size: bytes.len(), limit: limits.max_bytes });
    }
    let format = sniff(bytes).ok_or(DecodeError::UnsupportedFormat)?;
    let corrupt = |e: image::ImageError| DecodeError::Corrupt(e.to_string());
    // The header first: refuse by dimensions before a single pixel is decoded.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decoder_limits(limits));
    let mut decoder = reader.into_decoder().map_err(|e| refusal(e, limits))?;
    let (width, height) = decoder.dimensions();
    let too_many = width > limits.max_side
        || height > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels;
    if too_many || width == 0 || height == 0 {
        return Err(DecodeError::TooManyPixels {
            width,
            height,
            max_side: limits.max_side,
            max_pixels: limits.max_pixels,
        });
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The decoder's own limits: the same sides, and memory for the pixels plus headroom for its
/// working buffers (4 bytes per pixel, twice).
fn decoder_limits(limits: &DecodeLimits) -> Limits {
    let mut decoder = Limits::default();
    decoder.max_image_width = Some(limits.max_side);
    decoder.max_image_height = Some(limits.max_side);
    decoder.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    decoder
}

fn refusal(error: image::ImageError, limits: &DecodeLimits) -> DecodeError {
    match error {
        image::ImageError::Limits(_) => DecodeError::TooManyPixels {
            width: 0,
            height: 0,
            max_side: limits.max_side,
            max_pixels: limits.max_pixels,
        },
        other => DecodeError::Corrupt(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use image::{ImageEncoder, RgbImage, codecs::png::PngEncoder};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_pixel(width, height, image::Rgb([200, 180, 160]));
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(image.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    #[test]
    fn a_small_png_decodes() {
        let image = decode(&png(40, 30), &DecodeLimits::default()).unwrap();
        assert_eq!((image.width(), image.height()), (40, 30));
    }

    #[test]
    fn empty_large_foreign_and_truncated_files_are_refused_by_name() {
        let limits = DecodeLimits::default();
        assert_eq!(decode(&[], &limits), Err(DecodeError::Empty));
        assert_eq!(decode(b"GIF89a......", &limits), Err(DecodeError::UnsupportedFormat));
        assert_eq!(decode(b"%PDF-1.7", &limits), Err(DecodeError::UnsupportedFormat));
        let small = DecodeLimits { max_bytes: 10, ..limits };
        assert!(matches!(decode(&png(4, 4), &small), Err(DecodeError::TooLarge { .. })));
        let whole = png(64, 64);
        assert!(matches!(decode(&whole[..whole.len() / 2], &limits), Err(DecodeError::Corrupt(_))));
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        // A 20,000 × 20,000 PNG of one colour compresses to a few hundred KB; the header alone
        // is enough to refuse it. Build only the header and one row: the decoder must not start.
        let mut header = png(1, 1);
        // IHDR width/height live at bytes 16..24; the CRC is then wrong, so patch it too.
        header[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        header[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&header[12..29]);
        header[29..33].copy_from_slice(&crc.to_be_bytes());
        let refused = decode(&header, &DecodeLimits::default());
        assert!(matches!(refused, Err(DecodeError::TooManyPixels { .. })), "{refused:?}");
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let _ = decode(&bytes, &DecodeLimits::default());
        }

        #[test]
        fn damaged_pngs_never_panic(flip in 8usize..200, value in proptest::num::u8::ANY) {
            let mut bytes = png(16, 16);
            let at = flip % bytes.len();
            bytes[at] = value;
            let _ = decode(&bytes, &DecodeLimits::default());
        }
    }
}
