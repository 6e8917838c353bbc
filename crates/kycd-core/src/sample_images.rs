//! Sample document and selfie images for dummy verifications: real PNG files drawn in code (a
//! fictitious ID card front and back, and a face), so integrators can test downloads and image
//! handling without any personal data. Stored sealed like real images.

use crate::{CoreResult, Services};
use kycd_domain::{ScanRef, vocabulary::FileKind};
use std::sync::LazyLock;

const WIDTH: usize = 320;
const HEIGHT: usize = 200;

type Rgb = [u8; 3];

struct Canvas {
    pixels: Vec<Rgb>,
}

impl Canvas {
    fn new(background: Rgb) -> Self {
        Self { pixels: vec![background; WIDTH * HEIGHT] }
    }
    fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, color: Rgb) {
        for row in y..(y + h).min(HEIGHT) {
            for col in x..(x + w).min(WIDTH) {
                self.pixels[row * WIDTH + col] = color;
            }
        }
    }
    fn ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, color: Rgb) {
        for row in 0..HEIGHT {
            for col in 0..WIDTH {
                let dx = (col as f64 - cx) / rx;
                let dy = (row as f64 - cy) / ry;
                if dx * dx + dy * dy <= 1.0 {
                    self.pixels[row * WIDTH + col] = color;
                }
            }
        }
    }
    fn face(&mut self, cx: f64, cy: f64, scale: f64) {
        self.ellipse(cx, cy + 70.0 * scale, 55.0 * scale, 35.0 * scale, [60, 70, 110]);
        self.ellipse(cx, cy, 32.0 * scale, 40.0 * scale, [225, 185, 150]);
        self.ellipse(cx - 12.0 * scale, cy - 8.0 * scale, 4.0 * scale, 4.0 * scale, [40, 40, 40]);
        self.ellipse(cx + 12.0 * scale, cy - 8.0 * scale, 4.0 * scale, 4.0 * scale, [40, 40, 40]);
        self.ellipse(cx, cy + 18.0 * scale, 10.0 * scale, 3.0 * scale, [170, 80, 80]);
    }
    fn png(&self) -> Vec<u8> {
        encode_png(&self.pixels)
    }
}

fn front() -> Vec<u8> {
    let mut c = Canvas::new([214, 232, 244]);
    c.rect(0, 0, WIDTH, 28, [30, 80, 140]);
    c.rect(16, 40, 90, 110, [190, 200, 210]);
    c.face(61.0, 85.0, 0.9);
    for (i, width) in [150, 120, 170, 90, 130].iter().enumerate() {
        c.rect(122, 46 + i * 20, *width, 8, [60, 60, 70]);
    }
    for line in 0..2 {
        for k in 0..28 {
            c.rect(16 + k * 10, 164 + line * 16, 7, 10, [30, 30, 30]);
        }
    }
    c.png()
}

fn back() -> Vec<u8> {
    let mut c = Canvas::new([226, 236, 230]);
    for k in 0..60 {
        let width = 1 + (k * 7 % 4);
        c.rect(20 + k * 4, 30, width, 60, [20, 20, 20]);
    }
    for (i, width) in [260, 200, 240].iter().enumerate() {
        c.rect(20, 110 + i * 22, *width, 8, [70, 70, 80]);
    }
    c.png()
}

fn face() -> Vec<u8> {
    let mut c = Canvas::new([200, 205, 212]);
    c.face(160.0, 90.0, 1.6);
    c.png()
}

static FRONT: LazyLock<Vec<u8>> = LazyLock::new(front);
static BACK: LazyLock<Vec<u8>> = LazyLock::new(back);
static FACE: LazyLock<Vec<u8>> = LazyLock::new(face);

/// The PNG bytes for FRONT, BACK or FACE.
pub fn sample(kind: FileKind) -> Option<&'static [u8]> {
    match kind {
        FileKind::Front => Some(FRONT.as_slice()),
        FileKind::Back => Some(BACK.as_slice()),
        FileKind::Face => Some(FACE.as_slice()),
        _ => None,
    }
}

/// Stores the sample for each of `kinds` (an empty file for kinds without one), side by side:
/// each put is a round trip to the blocking pool (or to S3).
pub async fn store(core: &Services, scan_ref: &ScanRef, kinds: &[FileKind]) -> CoreResult<()> {
    futures::future::try_join_all(kinds.iter().map(|&kind| {
        let bytes = sample(kind).unwrap_or_default();
        core.files.put(scan_ref, kind, bytes)
    }))
    .await?;
    Ok(())
}

/// A minimal PNG encoder: 8-bit RGB, zlib-compressed image data.
fn encode_png(pixels: &[Rgb]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(HEIGHT * (WIDTH * 3 + 1));
    for row in pixels.chunks(WIDTH) {
        raw.push(0); // filter: none
        for pixel in row {
            raw.extend_from_slice(pixel);
        }
    }
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6);

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&(WIDTH as u32).to_be_bytes());
    header.extend_from_slice(&(HEIGHT as u32).to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_known_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn samples_are_pngs_of_the_stated_size() {
        for kind in [FileKind::Front, FileKind::Back, FileKind::Face] {
            let png = sample(kind).unwrap();
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
            assert_eq!(&png[12..16], b"IHDR");
            assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 320);
        }
        assert!(sample(FileKind::UtilityBill).is_none());
    }
}
