//! Plane geometry on grey images: points and quadrilaterals, the homography that maps one
//! quadrilateral onto another, and resampling (perspective warp, rotation) with bilinear
//! interpolation. Pure arithmetic: it knows nothing of documents or zones.

use image::{GrayImage, Luma};
use serde::Serialize;

/// A point in image pixels (x to the right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
    pub fn distance(self, other: Self) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// Four corners: top-left, top-right, bottom-right, bottom-left (clockwise on screen).
pub type Quad = [Point; 4];

/// Area of a polygon (shoelace formula), positive for clockwise-on-screen order.
pub fn area(points: &[Point]) -> f64 {
    let n = points.len();
    let twice: f64 = (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum();
    twice / 2.0
}

/// Whether the quad is convex with its corners in clockwise-on-screen order.
pub fn is_convex(quad: &Quad) -> bool {
    (0..4).all(|i| {
        let (a, b, c) = (quad[i], quad[(i + 1) % 4], quad[(i + 2) % 4]);
        (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x) > 0.0
    })
}

/// Whether `p` lies inside the convex, clockwise-on-screen `quad`.
pub fn contains(quad: &Quad, p: Point) -> bool {
    (0..4).all(|i| {
        let (a, b) = (quad[i], quad[(i + 1) % 4]);
        (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= 0.0
    })
}

/// A projective map of the plane: `(x, y) -> ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w)`
/// with `w = h6 x + h7 y + 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homography([f64; 8]);

impl Homography {
    /// The homography that sends each `from[i]` to `to[i]`; None when the points are degenerate
    /// (three of them on a line).
    pub fn between(from: &Quad, to: &Quad) -> Option<Self> {
        let mut a = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let (x, y, u, v) = (from[i].x, from[i].y, to[i].x, to[i].y);
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        solve(a).map(Self)
    }

    pub fn apply(&self, p: Point) -> Point {
        let h = &self.0;
        let w = h[6] * p.x + h[7] * p.y + 1.0;
        let w = if w.abs() < 1e-12 { 1e-12 } else { w };
        Point::new((h[0] * p.x + h[1] * p.y + h[2]) / w, (h[3] * p.x + h[4] * p.y + h[5]) / w)
    }
}

/// Gaussian elimination with partial pivoting on an 8 × 9 augmented matrix.
fn solve(mut a: [[f64; 9]; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-10 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col];
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                if f != 0.0 {
                    for (value, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                        *value -= f * p;
                    }
                }
            }
        }
    }
    let mut x = [0.0; 8];
    for (i, xi) in x.iter_mut().enumerate() {
        *xi = a[i][8] / a[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Cuts `quad` out of `image` and straightens it into a `width` × `height` rectangle (the quad's
/// corners land on the rectangle's corners); pixels from outside the image repeat its edge.
pub fn warp(image: &GrayImage, quad: &Quad, width: u32, height: u32) -> Option<GrayImage> {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let target = [Point::new(0.0, 0.0), Point::new(w, 0.0), Point::new(w, h), Point::new(0.0, h)];
    // From destination pixels back to the source: every output pixel gets exactly one sample.
    let back = Homography::between(&target, quad)?;
    Some(GrayImage::from_fn(width.max(1), height.max(1), |x, y| {
        let p = back.apply(Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5));
        Luma([sample(image, p.x - 0.5, p.y - 0.5)])
    }))
}

/// `image` turned by `degrees` about its centre (bilinear), on a white background, same size.
pub fn rotate(image: &GrayImage, degrees: f64) -> GrayImage {
    if degrees.abs() < 1e-6 {
        return image.clone();
    }
    let (w, h) = image.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
        // Source point of the destination pixel.
        let sx = cos * dx + sin * dy + cx;
        let sy = -sin * dx + cos * dy + cy;
        if sx < 0.0 || sy < 0.0 || sx > f64::from(w) - 1.0 || sy > f64::from(h) - 1.0 {
            Luma([255])
        } else {
            Luma([sample(image, sx, sy)])
        }
    })
}

/// Where a point of the original lands once the image is turned by `degrees` with [`rotate`].
pub fn rotate_point(p: Point, degrees: f64, width: u32, height: u32) -> Point {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (f64::from(width) / 2.0, f64::from(height) / 2.0);
    let (dx, dy) = (p.x - cx, p.y - cy);
    Point::new(cos * dx - sin * dy + cx, sin * dx + cos * dy + cy)
}

/// Bilinear sample at (x, y), repeating the edge pixels outside the image.
pub fn sample(image: &GrayImage, x: f64, y: f64) -> u8 {
    let (w, h) = image.dimensions();
    if w == 0 || h == 0 {
        return 255;
    }
    let x = if x.is_finite() { x.clamp(0.0, f64::from(w - 1)) } else { 0.0 };
    let y = if y.is_finite() { y.clamp(0.0, f64::from(h - 1)) } else { 0.0 };
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - f64::from(x0), y - f64::from(y0));
    let p = |xx, yy| f64::from(image.get_pixel(xx, yy).0[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn quad(points: [(f64, f64); 4]) -> Quad {
        points.map(|(x, y)| Point::new(x, y))
    }

    #[test]
    fn a_homography_maps_the_corners_and_is_projective_inside() {
        let from = quad([(0.0, 0.0), (100.0, 0.0), (100.0, 50.0), (0.0, 50.0)]);
        let to = quad([(10.0, 20.0), (120.0, 5.0), (130.0, 90.0), (0.0, 70.0)]);
        let h = Homography::between(&from, &to).unwrap();
        for i in 0..4 {
            assert!(h.apply(from[i]).distance(to[i]) < 1e-6);
        }
        // Degenerate corners have no homography.
        let line = quad([(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]);
        assert!(Homography::between(&line, &to).is_none());
    }

    #[test]
    fn warping_a_rotated_square_back_gives_it_upright() {
        // A dark square on white, turned by 10°, and the turned corners warped back.
        let mut image = GrayImage::from_pixel(200, 200, Luma([255]));
        for y in 60..140 {
            for x in 60..140 {
                image.put_pixel(x, y, Luma([0]));
            }
        }
        let turned = rotate(&image, 10.0);
        let corners = quad([(60.0, 60.0), (140.0, 60.0), (140.0, 140.0), (60.0, 140.0)])
            .map(|p| rotate_point(p, 10.0, 200, 200));
        assert!(is_convex(&corners));
        assert!((area(&corners) - 6400.0).abs() < 1.0);
        let back = warp(&turned, &corners, 80, 80).unwrap();
        let dark = back.pixels().filter(|p| p.0[0] < 128).count();
        assert!(dark > 80 * 80 * 95 / 100, "{dark}");
    }

    #[test]
    fn samples_outside_the_image_repeat_the_edge() {
        let image = GrayImage::from_fn(4, 4, |x, _| Luma([(x * 60) as u8]));
        assert_eq!(sample(&image, -5.0, 1.0), 0);
        assert_eq!(sample(&image, 50.0, 1.0), 180);
        assert_eq!(sample(&image, f64::NAN, 1.0), 0);
    }
}
