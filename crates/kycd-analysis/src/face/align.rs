//! The face crop the embedding model was trained on: dlib's `get_face_chip_details(shape, 150,
//! 0.25)` for the 5-point landmarks, i.e. the similarity that puts the landmarks where dlib's
//! mean face has them in a 150 × 150 chip with a quarter of padding, sampled bilinearly. Like
//! dlib, a face much larger than the chip is halved first (more than twice the chip per side),
//! so that bilinear sampling does not alias.

use super::{landmarks::Landmarks, similarity::Similarity};
use crate::geometry::Point;
use image::{Rgb, RgbImage, imageops};

pub const CHIP: u32 = 150;
const PADDING: f64 = 0.25;
/// dlib's mean positions of the five points in a unit face box (interpolation.h).
const TEMPLATE: [(f64, f64); 5] = [
    (0.859_567_459_599_2, 0.213_498_153_801_4),
    (0.646_060_476_410_4, 0.228_967_438_767_7),
    (0.120_575_062_078_9, 0.213_727_452_684_8),
    (0.334_085_061_371_2, 0.229_064_240_324_2),
    (0.490_112_313_567_9, 0.627_797_531_647_5),
];

/// Where the template points fall in the chip.
fn chip_points() -> Vec<Point> {
    let to_chip = |v: f64| (PADDING + v) / (2.0 * PADDING + 1.0) * f64::from(CHIP);
    TEMPLATE.iter().map(|&(x, y)| Point::new(to_chip(x), to_chip(y))).collect()
}

/// The chip → image transform for `landmarks`.
pub fn chip_to_image(landmarks: &Landmarks) -> Option<Similarity> {
    Similarity::fit(&chip_points(), landmarks)
}

/// The aligned 150 × 150 colour chip of the face with `landmarks` in `image`.
pub fn chip(image: &RgbImage, landmarks: &Landmarks) -> Option<RgbImage> {
    let mut transform = chip_to_image(landmarks)?;
    let mut source = std::borrow::Cow::Borrowed(image);
    while transform.scale() > 2.0 && source.width() > 1 && source.height() > 1 {
        let halved = imageops::resize(
            source.as_ref(),
            source.width() / 2,
            source.height() / 2,
            imageops::FilterType::Triangle,
        );
        source = std::borrow::Cow::Owned(halved);
        transform = transform.then_scale(0.5);
    }
    // dlib maps the chip's first and last pixel to the edges of the crop's rectangle, which
    // stretches the grid by CHIP / (CHIP − 1) about its centre.
    let half = f64::from(CHIP) / 2.0;
    let stretch = f64::from(CHIP) / f64::from(CHIP - 1);
    let grid = |v: u32| half + (f64::from(v) - (half - 0.5)) * stretch;
    Some(RgbImage::from_fn(CHIP, CHIP, |x, y| {
        let p = transform.apply(Point::new(grid(x), grid(y)));
        sample(&source, p.x, p.y)
    }))
}

/// Bilinear sample; outside the image is black, as in dlib.
fn sample(image: &RgbImage, x: f64, y: f64) -> Rgb<u8> {
    let (w, h) = (i64::from(image.width()), i64::from(image.height()));
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let pixel = |px: i64, py: i64| -> [f64; 3] {
        if px < 0 || py < 0 || px >= w || py >= h {
            [0.0; 3]
        } else {
            image.get_pixel(px as u32, py as u32).0.map(f64::from)
        }
    };
    let (x0, y0) = (x0 as i64, y0 as i64);
    let (a, b, c, d) = (pixel(x0, y0), pixel(x0 + 1, y0), pixel(x0, y0 + 1), pixel(x0 + 1, y0 + 1));
    let mut out = [0u8; 3];
    for i in 0..3 {
        let top = a[i] * (1.0 - fx) + b[i] * fx;
        let bottom = c[i] * (1.0 - fx) + d[i] * fx;
        out[i] = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
    }
    Rgb(out)
}
