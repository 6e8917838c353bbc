//! Finding the document in a photo: the quadrilateral of a card or passport page lying on a
//! background, from its edges. On a small, smoothed copy of the image, edge pixels (gradient
//! maxima) vote for straight lines in a Hough transform, each only for lines along its own
//! edge direction; the strongest lines are combined into quadrilaterals of two roughly parallel
//! pairs, and the quadrilateral whose four sides are best backed by edges of one polarity (the
//! document lighter, or darker, than what it lies on), with a document's proportions, wins.
//! It does not read anything: a photo that is all document (a scan) has no quad, and the caller
//! then works on the whole image.

use crate::geometry::{self, Point, Quad};
use image::{GrayImage, imageops};

/// Working size of the longer side: edges of a document stay several pixels long, text and
/// texture blur away, and the transform stays cheap.
const WORK_SIDE: u32 = 480;
/// Hough angle resolution.
const ANGLES: usize = 180;
/// Lines kept from the transform.
const MAX_LINES: usize = 28;
/// A side counts as backed when this share of its length lies on matching edges.
const MIN_SUPPORT: f64 = 0.45;

/// A document found in an image: its corners in image pixels, top-left first, the long side
/// on top (for a landscape document turned less than 45°).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Document {
    pub quad: Quad,
    /// Share of the perimeter backed by edges (0–1).
    pub support: f64,
}

impl Document {
    /// Width and height of the upright document at the image's resolution.
    pub fn size(&self) -> (f64, f64) {
        let q = &self.quad;
        let width = (q[0].distance(q[1]) + q[3].distance(q[2])) / 2.0;
        let height = (q[0].distance(q[3]) + q[1].distance(q[2])) / 2.0;
        (width, height)
    }

    /// The document cut out of `image` and straightened: at its own resolution (at most
    /// [`MAX_RECTIFIED`] wide), in the proportions of the nearest standard size when it is
    /// close to one (perspective shortens one side; the standard sizes undo that).
    pub fn rectify(&self, image: &GrayImage) -> Option<GrayImage> {
        let (width, height) = self.size();
        let measured = (width / height.max(1.0)).max(1e-3);
        let width = width.min(MAX_RECTIFIED);
        let aspect = [ID1_ASPECT, TD3_ASPECT]
            .into_iter()
            .find(|a| (measured / a - 1.0).abs() < 0.12)
            .unwrap_or(measured);
        let rows = (width / aspect).round().max(1.0) as u32;
        geometry::warp(image, &self.quad, width.round().max(1.0) as u32, rows)
    }
}

/// Widest straightened document (pixels): an MRZ character is then still ~30 px wide.
pub const MAX_RECTIFIED: f64 = 2000.0;
/// ID-1 cards (TD1): 85.6 × 54 mm.
const ID1_ASPECT: f64 = 85.6 / 54.0;
/// Passport pages (TD3, 125 × 88 mm) and TD2 documents (105 × 74 mm).
const TD3_ASPECT: f64 = 125.0 / 88.0;

/// The document in `image`, if its four edges can be seen.
pub fn find(image: &GrayImage) -> Option<Document> {
    let (w, h) = image.dimensions();
    if w < 32 || h < 32 {
        return None;
    }
    let scale = (f64::from(WORK_SIDE) / f64::from(w.max(h))).min(1.0);
    let (sw, sh) = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let small = imageops::resize(image, sw, sh, imageops::FilterType::Triangle);
    let smooth = imageops::blur(&small, 1.5);
    let gradients = Gradients::of(&smooth);
    let edges = gradients.edges();
    if edges.len() < 50 {
        return None;
    }
    let lines = hough_lines(&edges, &gradients, sw, sh);
    let best = best_quad(&lines, &gradients, sw, sh)?;
    let refined = refine(&best.quad, &edges, &gradients).unwrap_or(best.quad);
    let quad = refined.map(|p| Point::new(p.x / scale, p.y / scale));
    Some(Document { quad: upright(quad), support: best.support })
}

/// Sobel gradients of a smoothed image.
struct Gradients {
    width: u32,
    height: u32,
    gx: Vec<f32>,
    gy: Vec<f32>,
    magnitude: Vec<f32>,
    /// Magnitude an edge pixel must reach.
    threshold: f32,
}

impl Gradients {
    fn of(image: &GrayImage) -> Self {
        let (w, h) = image.dimensions();
        let n = (w * h) as usize;
        let (mut gx, mut gy, mut magnitude) = (vec![0f32; n], vec![0f32; n], vec![0f32; n]);
        let px = |x: u32, y: u32| f32::from(image.get_pixel(x, y).0[0]);
        for y in 1..h.saturating_sub(1) {
            for x in 1..w.saturating_sub(1) {
                let dx = (px(x + 1, y - 1) + 2.0 * px(x + 1, y) + px(x + 1, y + 1))
                    - (px(x - 1, y - 1) + 2.0 * px(x - 1, y) + px(x - 1, y + 1));
                let dy = (px(x - 1, y + 1) + 2.0 * px(x, y + 1) + px(x + 1, y + 1))
                    - (px(x - 1, y - 1) + 2.0 * px(x, y - 1) + px(x + 1, y - 1));
                let i = (y * w + x) as usize;
                // Per pixel of grey level (the Sobel weights sum to 8 across the edge).
                gx[i] = dx / 8.0;
                gy[i] = dy / 8.0;
                magnitude[i] = gx[i].hypot(gy[i]);
            }
        }
        // Edges of a document against its background are among the strongest in the photo;
        // the floor keeps faint texture out when the photo is almost flat.
        let mut sorted: Vec<f32> = magnitude.iter().copied().filter(|&m| m > 0.5).collect();
        sorted.sort_by(f32::total_cmp);
        let high = sorted.get(sorted.len() * 9 / 10).copied().unwrap_or(0.0);
        let threshold = (high * 0.6).max(2.5);
        Self { width: w, height: h, gx, gy, magnitude, threshold }
    }

    fn at(&self, x: i64, y: i64) -> Option<usize> {
        (x >= 0 && y >= 0 && x < i64::from(self.width) && y < i64::from(self.height))
            .then(|| (y as u32 * self.width + x as u32) as usize)
    }

    /// Edge pixels: above the threshold and a maximum across the edge (non-maximum suppression).
    fn edges(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for y in 1..self.height.saturating_sub(1) {
            for x in 1..self.width.saturating_sub(1) {
                let i = (y * self.width + x) as usize;
                let m = self.magnitude[i];
                if m < self.threshold {
                    continue;
                }
                let (ux, uy) = (self.gx[i] / m, self.gy[i] / m);
                let (ox, oy) = (ux.round() as i64, uy.round() as i64);
                let (xi, yi) = (i64::from(x), i64::from(y));
                let before = self.at(xi - ox, yi - oy).map_or(0.0, |j| self.magnitude[j]);
                let after = self.at(xi + ox, yi + oy).map_or(0.0, |j| self.magnitude[j]);
                if m >= before && m >= after {
                    out.push((x, y));
                }
            }
        }
        out
    }
}

/// A straight line `x cos θ + y sin θ = ρ` with its vote count.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Line {
    theta: f64,
    rho: f64,
    votes: u32,
}

impl Line {
    fn intersection(&self, other: &Line) -> Option<Point> {
        let (s1, c1) = self.theta.sin_cos();
        let (s2, c2) = other.theta.sin_cos();
        let det = c1 * s2 - s1 * c2;
        if det.abs() < 1e-6 {
            return None;
        }
        Some(Point::new(
            (self.rho * s2 - other.rho * s1) / det,
            (c1 * other.rho - c2 * self.rho) / det,
        ))
    }
}

/// The strongest lines of the edge pixels. Each pixel votes only for angles within a few
/// degrees of its gradient direction, so text and texture spread their votes thin.
fn hough_lines(edges: &[(u32, u32)], g: &Gradients, w: u32, h: u32) -> Vec<Line> {
    let diagonal = f64::from(w).hypot(f64::from(h)).ceil() as usize;
    let rhos = 2 * diagonal + 1;
    let mut votes = vec![0u32; ANGLES * rhos];
    let trig: Vec<(f64, f64)> =
        (0..ANGLES).map(|a| (a as f64 * std::f64::consts::PI / ANGLES as f64).sin_cos()).collect();
    for &(x, y) in edges {
        let i = (y * w + x) as usize;
        // The normal of the line is the gradient direction, folded into [0°, 180°).
        let angle = f64::from(g.gy[i]).atan2(f64::from(g.gx[i])).to_degrees().rem_euclid(180.0);
        let centre = angle.round() as i64;
        for da in -3..=3 {
            let a = (centre + da).rem_euclid(ANGLES as i64) as usize;
            let (sin, cos) = trig[a];
            let rho = f64::from(x) * cos + f64::from(y) * sin;
            let r = (rho.round() as i64 + diagonal as i64).clamp(0, rhos as i64 - 1) as usize;
            votes[a * rhos + r] += 1;
        }
    }
    // A line a fraction of a degree off a bin's angle spreads its votes over neighbouring ρ
    // bins and angles: sum each 3 × 3 neighbourhood so it counts whole.
    let mut smoothed = vec![0u32; ANGLES * rhos];
    for a in 0..ANGLES {
        for r in 1..rhos - 1 {
            smoothed[a * rhos + r] = [ANGLES - 1, 0, 1]
                .iter()
                .map(|&da| {
                    let aa = (a + da) % ANGLES;
                    // Across the 180° fold the same line has ρ negated.
                    let rr = if (a == 0 && da == ANGLES - 1) || (a == ANGLES - 1 && da == 1) {
                        2 * diagonal - r
                    } else {
                        r
                    };
                    votes[aa * rhos + rr - 1] + votes[aa * rhos + rr] + votes[aa * rhos + rr + 1]
                })
                .sum();
        }
    }
    let votes = smoothed;
    let min_votes = (f64::from(w.min(h)) * 0.12) as u32 * 2;
    let mut peaks = Vec::new();
    for a in 0..ANGLES {
        for r in 0..rhos {
            let v = votes[a * rhos + r];
            if v < min_votes.max(8) {
                continue;
            }
            // A local maximum in a window of ±3° and ±5 px (angles wrap with ρ negated).
            let mut is_peak = true;
            'window: for da in -3i64..=3 {
                for dr in -5i64..=5 {
                    if da == 0 && dr == 0 {
                        continue;
                    }
                    let mut aa = a as i64 + da;
                    let mut rr = r as i64 + dr;
                    if aa < 0 || aa >= ANGLES as i64 {
                        aa = aa.rem_euclid(ANGLES as i64);
                        rr = 2 * diagonal as i64 - rr;
                    }
                    if rr < 0 || rr >= rhos as i64 {
                        continue;
                    }
                    let other = votes[aa as usize * rhos + rr as usize];
                    // Ties go to the first in scan order.
                    if other > v || (other == v && (aa, rr) < (a as i64, r as i64)) {
                        is_peak = false;
                        break 'window;
                    }
                }
            }
            if is_peak {
                peaks.push(Line {
                    theta: a as f64 * std::f64::consts::PI / ANGLES as f64,
                    rho: r as f64 - diagonal as f64,
                    votes: v,
                });
            }
        }
    }
    peaks.sort_by_key(|line| std::cmp::Reverse(line.votes));
    peaks.truncate(MAX_LINES);
    peaks
}

/// Angle between two line normals, folded to [0°, 90°].
fn angle_between(a: &Line, b: &Line) -> f64 {
    let d = (a.theta - b.theta).to_degrees().rem_euclid(180.0);
    d.min(180.0 - d)
}

struct Candidate {
    quad: Quad,
    support: f64,
    score: f64,
}

/// The quadrilateral of two roughly parallel pairs of lines that edges back best.
fn best_quad(lines: &[Line], g: &Gradients, w: u32, h: u32) -> Option<Candidate> {
    let min_gap = f64::from(w.min(h)) * 0.15;
    let mut pairs = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a, b) = (&lines[i], &lines[j]);
            if angle_between(a, b) > 20.0 {
                continue;
            }
            // Distance between the two lines, measured at the image centre (normals folded
            // into [0°, 180°) may point opposite ways).
            let centre = Point::new(f64::from(w) / 2.0, f64::from(h) / 2.0);
            let offset = |l: &Line| centre.x * l.theta.cos() + centre.y * l.theta.sin() - l.rho;
            let same_way = (a.theta - b.theta).cos() >= 0.0;
            let gap = if same_way { offset(a) - offset(b) } else { offset(a) + offset(b) };
            if gap.abs() < min_gap {
                continue;
            }
            pairs.push((i, j));
        }
    }
    let image_area = f64::from(w) * f64::from(h);
    let margin = f64::from(w.max(h)) * 0.04;
    let mut best: Option<Candidate> = None;
    for (p, &(a1, a2)) in pairs.iter().enumerate() {
        for &(b1, b2) in &pairs[p + 1..] {
            if [b1, b2].contains(&a1) || [b1, b2].contains(&a2) {
                continue;
            }
            let cross = angle_between(&lines[a1], &lines[b1]);
            if cross < 55.0 {
                continue;
            }
            let Some(quad) = corners(&lines[a1], &lines[b1], &lines[a2], &lines[b2]) else {
                continue;
            };
            let inside = quad.iter().all(|c| {
                c.x > -margin
                    && c.y > -margin
                    && c.x < f64::from(w) + margin
                    && c.y < f64::from(h) + margin
            });
            let area = geometry::area(&quad);
            if !inside || !geometry::is_convex(&quad) || area < 0.1 * image_area {
                continue;
            }
            let sides: [f64; 4] = std::array::from_fn(|k| quad[k].distance(quad[(k + 1) % 4]));
            let (long, short) = {
                let (p, q) = ((sides[0] + sides[2]) / 2.0, (sides[1] + sides[3]) / 2.0);
                (p.max(q), p.min(q).max(1.0))
            };
            // ID-1 cards are 1.59:1, passport pages and TD2 documents 1.42:1; perspective
            // stretches that either way.
            if !(1.05..=2.3).contains(&(long / short)) {
                continue;
            }
            let Some(support) = support(&quad, g) else { continue };
            let score = support * sides.iter().sum::<f64>();
            if best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Candidate { quad, support, score });
            }
        }
    }
    best
}

/// The corners of the quad bounded by lines in the order a, b, c, d (a and c parallel), sorted
/// clockwise on screen from the corner nearest the top-left.
fn corners(a: &Line, b: &Line, c: &Line, d: &Line) -> Option<Quad> {
    let mut points =
        [a.intersection(b)?, b.intersection(c)?, c.intersection(d)?, d.intersection(a)?];
    if geometry::area(&points) < 0.0 {
        points.reverse();
    }
    let first = (0..4)
        .min_by(|&i, &j| (points[i].x + points[i].y).total_cmp(&(points[j].x + points[j].y)))?;
    points.rotate_left(first);
    Some(points)
}

/// The share of the quad's perimeter lying on edges whose gradient runs across the side with
/// one polarity for all four sides; None when a side is not backed.
fn support(quad: &Quad, g: &Gradients) -> Option<f64> {
    let mut backed = [0.0f64; 2];
    let mut total = 0.0;
    let mut per_side = [[0.0f64; 2]; 4];
    for k in 0..4 {
        let (a, b) = (quad[k], quad[(k + 1) % 4]);
        let length = a.distance(b);
        // Inward normal for clockwise-on-screen corners.
        let (nx, ny) = ((a.y - b.y) / length, (b.x - a.x) / length);
        let samples = (length / 2.0).clamp(8.0, 400.0) as usize;
        for s in 0..samples {
            let t = (s as f64 + 0.5) / samples as f64;
            let p = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
            // The strongest aligned gradient within 2 px across the side.
            let mut found: Option<usize> = None;
            for off in -2i64..=2 {
                let (x, y) = (p.x + nx * off as f64, p.y + ny * off as f64);
                let Some(i) = g.at(x.round() as i64, y.round() as i64) else { continue };
                let m = g.magnitude[i];
                if m < g.threshold * 0.6 {
                    continue;
                }
                let along = (f64::from(g.gx[i]) * nx + f64::from(g.gy[i]) * ny) / f64::from(m);
                if along.abs() > 0.85 {
                    found = Some(usize::from(along > 0.0));
                    break;
                }
            }
            if let Some(polarity) = found {
                per_side[k][polarity] += 1.0 / samples as f64;
            }
        }
        total += 1.0;
        backed[0] += per_side[k][0];
        backed[1] += per_side[k][1];
    }
    // Gradient pointing inwards = the document is lighter than the background (polarity 1).
    let polarity = usize::from(backed[1] >= backed[0]);
    if per_side.iter().any(|side| side[polarity] < MIN_SUPPORT) {
        return None;
    }
    Some(backed[polarity] / total)
}

/// The quad with each side refitted to the edge pixels along it (orthogonal least squares, twice,
/// in a narrowing band): the transform's 1° and 1 px bins leave the ends of a long side a few
/// pixels off.
fn refine(quad: &Quad, edges: &[(u32, u32)], g: &Gradients) -> Option<Quad> {
    let mut sides: Vec<(Point, Point)> = (0..4).map(|k| (quad[k], quad[(k + 1) % 4])).collect();
    for band in [4.0, 2.0] {
        for side in &mut sides {
            let (a, b) = *side;
            let length = a.distance(b).max(1.0);
            let (ux, uy) = ((b.x - a.x) / length, (b.y - a.y) / length);
            let near: Vec<Point> = edges
                .iter()
                .filter_map(|&(x, y)| {
                    let (dx, dy) = (f64::from(x) - a.x, f64::from(y) - a.y);
                    let t = dx * ux + dy * uy;
                    let d = -dx * uy + dy * ux;
                    let i = (y * g.width + x) as usize;
                    let m = f64::from(g.magnitude[i]).max(1e-6);
                    let across = (-f64::from(g.gx[i]) * uy + f64::from(g.gy[i]) * ux) / m;
                    (t > 0.05 * length
                        && t < 0.95 * length
                        && d.abs() <= band
                        && across.abs() > 0.9)
                        .then(|| Point::new(f64::from(x), f64::from(y)))
                })
                .collect();
            if near.len() < 10 {
                continue;
            }
            let n = near.len() as f64;
            let (mx, my) = near.iter().fold((0.0, 0.0), |(sx, sy), p| (sx + p.x / n, sy + p.y / n));
            let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
            for p in &near {
                sxx += (p.x - mx) * (p.x - mx);
                sxy += (p.x - mx) * (p.y - my);
                syy += (p.y - my) * (p.y - my);
            }
            // The direction of largest spread: the principal axis of the points.
            let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
            let (dy, dx) = angle.sin_cos();
            // Keep the side's direction of travel.
            let (dx, dy) = if dx * ux + dy * uy < 0.0 { (-dx, -dy) } else { (dx, dy) };
            *side = (Point::new(mx, my), Point::new(mx + dx, my + dy));
        }
    }
    let line = |(a, b): (Point, Point)| {
        let theta = (b.x - a.x).atan2(-(b.y - a.y));
        Line { theta, rho: a.x * theta.cos() + a.y * theta.sin(), votes: 0 }
    };
    let lines: Vec<Line> = sides.into_iter().map(line).collect();
    let corners = [
        lines[3].intersection(&lines[0])?,
        lines[0].intersection(&lines[1])?,
        lines[1].intersection(&lines[2])?,
        lines[2].intersection(&lines[3])?,
    ];
    // A refit that moved a corner far is a refit onto something else.
    let moved = corners.iter().zip(quad).map(|(a, b)| a.distance(*b)).fold(0.0, f64::max);
    (geometry::is_convex(&corners) && moved < 12.0).then_some(corners)
}

/// The corners reordered so that the top side is a long side: a document that shows up
/// portrait is lying sideways, and is turned a quarter (the upside-down retry covers the other
/// quarter).
fn upright(quad: Quad) -> Quad {
    let top_bottom = quad[0].distance(quad[1]) + quad[3].distance(quad[2]);
    let left_right = quad[0].distance(quad[3]) + quad[1].distance(quad[2]);
    let mut q = quad;
    if left_right > top_bottom {
        q.rotate_left(1);
    }
    q
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::geometry::{Homography, rotate_point};
    use image::Luma;

    /// A light card with some dark "text" on a darker textured table, its corners at `quad`.
    fn scene(quad: Quad, size: (u32, u32)) -> GrayImage {
        let card = [
            Point::new(0.0, 0.0),
            Point::new(856.0, 0.0),
            Point::new(856.0, 540.0),
            Point::new(0.0, 540.0),
        ];
        let to_card = Homography::between(&quad, &card).unwrap();
        GrayImage::from_fn(size.0, size.1, |x, y| {
            let p = to_card.apply(Point::new(f64::from(x), f64::from(y)));
            let inside = p.x >= 0.0 && p.y >= 0.0 && p.x < 856.0 && p.y < 540.0;
            let texture = ((x * 7 + y * 13) % 23) as u8;
            if !inside {
                Luma([70 + texture])
            } else if (p.y as u32 % 60) < 18
                && (p.x as u32 % 24) < 14
                && (300.0..800.0).contains(&p.x)
                && (60.0..480.0).contains(&p.y)
            {
                Luma([40])
            } else {
                Luma([215 + texture / 3])
            }
        })
    }

    fn near(a: &Quad, b: &Quad, tolerance: f64) -> bool {
        a.iter().zip(b).all(|(p, q)| p.distance(*q) < tolerance)
    }

    #[test]
    fn a_card_turned_and_in_perspective_is_found() {
        for degrees in [-15.0, -4.0, 0.0, 9.0, 15.0] {
            let flat = [
                Point::new(300.0, 250.0),
                Point::new(1100.0, 240.0),
                Point::new(1130.0, 760.0),
                Point::new(280.0, 740.0),
            ];
            let quad = flat.map(|p| rotate_point(p, degrees, 1400, 1000));
            let found = find(&scene(quad, (1400, 1000))).unwrap();
            assert!(near(&found.quad, &quad, 12.0), "{degrees}°: {:?} vs {quad:?}", found.quad);
            let (w, h) = found.size();
            assert!(w > h);
        }
    }

    #[test]
    fn a_portrait_photo_of_a_card_keeps_the_long_side_on_top() {
        let quad = [
            Point::new(150.0, 400.0),
            Point::new(850.0, 420.0),
            Point::new(840.0, 860.0),
            Point::new(160.0, 850.0),
        ];
        let found = find(&scene(quad, (1000, 1300))).unwrap();
        assert!(near(&found.quad, &quad, 12.0), "{:?}", found.quad);
    }

    #[test]
    fn no_quad_in_a_flat_page_or_a_blank_image() {
        let blank = GrayImage::from_pixel(800, 600, Luma([200]));
        assert!(find(&blank).is_none());
        // All document, no background: nothing to find.
        let everywhere = [
            Point::new(-50.0, -50.0),
            Point::new(900.0, -50.0),
            Point::new(900.0, 700.0),
            Point::new(-50.0, 700.0),
        ];
        assert!(find(&scene(everywhere, (800, 600))).is_none());
        assert!(find(&GrayImage::new(10, 10)).is_none());
    }
}
