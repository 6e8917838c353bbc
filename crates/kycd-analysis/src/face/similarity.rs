//! The least-squares similarity transform (rotation, uniform scale, translation) between two
//! point sets: Umeyama's estimate, which in the plane has a closed form. dlib uses it both inside
//! the shape predictor and to align a face to the embedding model's crop.

use crate::geometry::Point;

/// `p ↦ [a −b; b a]·p + t`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    a: f64,
    b: f64,
    tx: f64,
    ty: f64,
}

impl Default for Similarity {
    fn default() -> Self {
        Self { a: 1.0, b: 0.0, tx: 0.0, ty: 0.0 }
    }
}

impl Similarity {
    /// The similarity that maps `from` onto `to` with the least squared error; `None` when the
    /// sets differ in length or `from` has no extent.
    pub fn fit(from: &[Point], to: &[Point]) -> Option<Self> {
        if from.len() != to.len() || from.is_empty() {
            return None;
        }
        let n = from.len() as f64;
        let mean = |ps: &[Point]| {
            let (sx, sy) = ps.iter().fold((0.0, 0.0), |(x, y), p| (x + p.x, y + p.y));
            (sx / n, sy / n)
        };
        let (fx, fy) = mean(from);
        let (tx, ty) = mean(to);
        let (mut dot, mut cross, mut norm) = (0.0, 0.0, 0.0);
        for (f, t) in from.iter().zip(to) {
            let (x, y) = (f.x - fx, f.y - fy);
            let (u, v) = (t.x - tx, t.y - ty);
            dot += x * u + y * v;
            cross += x * v - y * u;
            norm += x * x + y * y;
        }
        if norm <= f64::EPSILON {
            return None;
        }
        let (a, b) = (dot / norm, cross / norm);
        Some(Self { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) })
    }

    pub fn apply(&self, p: Point) -> Point {
        let (x, y) = self.rotate_scale(p.x, p.y);
        Point { x: x + self.tx, y: y + self.ty }
    }

    /// The linear part alone.
    pub fn rotate_scale(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x - self.b * y, self.b * x + self.a * y)
    }

    pub fn scale(&self) -> f64 {
        self.a.hypot(self.b)
    }

    /// Rotation in degrees (positive turns x towards y, i.e. clockwise on screen).
    pub fn degrees(&self) -> f64 {
        self.b.atan2(self.a).to_degrees()
    }

    /// The same transform for an image scaled by `factor` (source coordinates × factor).
    pub fn then_scale(&self, factor: f64) -> Self {
        Self { a: self.a * factor, b: self.b * factor, tx: self.tx * factor, ty: self.ty * factor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_transform() {
        let truth = Similarity { a: 1.5 * 0.3f64.cos(), b: 1.5 * 0.3f64.sin(), tx: 12.0, ty: -4.0 };
        let from: Vec<Point> = [(0.0, 0.0), (10.0, 0.0), (3.0, 7.0), (-2.0, 5.0)]
            .map(|(x, y)| Point::new(x, y))
            .into();
        let to: Vec<Point> = from.iter().map(|&p| truth.apply(p)).collect();
        let fitted = Similarity::fit(&from, &to).unwrap();
        for (f, t) in from.iter().zip(&to) {
            assert!(fitted.apply(*f).distance(*t) < 1e-9);
        }
        assert!((fitted.scale() - 1.5).abs() < 1e-12);
        assert!((fitted.degrees() - 0.3f64.to_degrees()).abs() < 1e-9);
    }

    #[test]
    fn a_single_point_or_mismatched_sets_have_none() {
        let p = [Point::new(1.0, 1.0)];
        assert_eq!(Similarity::fit(&p, &p), None);
        assert_eq!(Similarity::fit(&p, &[]), None);
    }
}
