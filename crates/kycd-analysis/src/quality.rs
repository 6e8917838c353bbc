//! Image quality measures the person can act on: sharpness (variance of the Laplacian), glare
//! (share of blown-out pixels) and size. They tell DOC_TOO_BLURRY / DOC_GLARED apart from a zone
//! that is merely unreadable, and let an upload be refused before an attempt is spent.

use image::GrayImage;
use serde::Serialize;

/// Measures of one grayscale image (or region).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quality {
    /// Variance of the 4-neighbour Laplacian: low for blurred images (below ~50 on a 0–255 scale
    /// is soft, below ~15 is unreadable for text of MRZ size).
    pub sharpness: f64,
    /// Share of pixels at 250 or brighter: flash glare and washed-out areas.
    pub glare: f64,
    pub width: u32,
    pub height: u32,
}

pub fn measure(image: &GrayImage) -> Quality {
    let (width, height) = image.dimensions();
    Quality { sharpness: laplacian_variance(image), glare: glare_share(image), width, height }
}

fn laplacian_variance(image: &GrayImage) -> f64 {
    let (w, h) = image.dimensions();
    if w < 3 || h < 3 {
        return 0.0;
    }
    let px = |x: u32, y: u32| f64::from(image.get_pixel(x, y).0[0]);
    let (mut sum, mut sum_sq, mut n) = (0.0, 0.0, 0.0);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let l = px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4.0 * px(x, y);
            sum += l;
            sum_sq += l * l;
            n += 1.0;
        }
    }
    let mean = sum / n;
    sum_sq / n - mean * mean
}

fn glare_share(image: &GrayImage) -> f64 {
    let total = image.pixels().len();
    if total == 0 {
        return 0.0;
    }
    let blown = image.pixels().filter(|p| p.0[0] >= 250).count();
    blown as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn stripes(width: u32, period: u32) -> GrayImage {
        GrayImage::from_fn(width, 40, |x, _| {
            Luma([if (x / period).is_multiple_of(2) { 30 } else { 220 }])
        })
    }

    fn box_blur(image: &GrayImage, radius: u32) -> GrayImage {
        let (w, h) = image.dimensions();
        GrayImage::from_fn(w, h, |x, y| {
            let (lo, hi) = (x.saturating_sub(radius), (x + radius).min(w - 1));
            let sum: u32 = (lo..=hi).map(|xx| u32::from(image.get_pixel(xx, y).0[0])).sum();
            Luma([(sum / (hi - lo + 1)) as u8])
        })
    }

    #[test]
    fn blur_lowers_sharpness() {
        let sharp = stripes(200, 3);
        let soft = box_blur(&sharp, 3);
        assert!(measure(&sharp).sharpness > 10.0 * measure(&soft).sharpness);
        assert_eq!(measure(&GrayImage::from_pixel(50, 50, Luma([128]))).sharpness, 0.0);
    }

    #[test]
    fn blown_out_pixels_count_as_glare() {
        let mut image = GrayImage::from_pixel(100, 100, Luma([120]));
        for y in 0..50 {
            for x in 0..50 {
                image.put_pixel(x, y, Luma([255]));
            }
        }
        let q = measure(&image);
        assert!((q.glare - 0.25).abs() < 1e-9, "{q:?}");
        assert_eq!((q.width, q.height), (100, 100));
    }
}
