//! Finding the machine readable zone in a document image without a model: dark-on-light text
//! pixels by a local threshold that follows uneven light and glare, the skew (±15°) as the angle
//! whose row profile of those pixels is sharpest (coarse, then refined to 0.1°), then the text
//! rows of the straightened image; the zone is the lowest group of two or three rows of equal
//! height, equal extent and regular spacing that are wide and dense, as MRZ lines are. Each line
//! then gets its own quadrilateral (its top and bottom measured along its length, so perspective
//! and residual tilt are followed), and is cut out of the full-resolution image through that
//! quadrilateral with the margins the line recogniser was trained on.

use crate::geometry::{self, Point, Quad};
use image::{GrayImage, imageops};

/// Working width for the search (the crops come from the full image).
const WORK_WIDTH: u32 = 1000;
const MAX_SKEW_DEG: f64 = 16.0;
const SKEW_STEP_DEG: f64 = 0.5;
const FINE_STEP_DEG: f64 = 0.1;
/// Pieces along a line in which its top and bottom are measured.
const PIECES: usize = 6;

/// The lines of a zone as found: crops of each text line, top to bottom, and where they were.
#[derive(Debug, Clone)]
pub struct FoundZone {
    pub lines: Vec<GrayImage>,
    /// Each line's ink box (cap top to baseline, first to last character) in image pixels.
    pub quads: Vec<Quad>,
    /// Skew of the image, degrees (positive: the text runs downhill to the right).
    pub skew_degrees: f64,
    /// Height of one line of text in the full image, pixels.
    pub line_height: f64,
}

/// `image` at the working width (never enlarged), and the factor applied.
fn working_copy(image: &GrayImage) -> (GrayImage, f64) {
    let scale = (f64::from(WORK_WIDTH) / f64::from(image.width().max(1))).min(1.0);
    if scale < 1.0 {
        let h = ((f64::from(image.height()) * scale).round() as u32).max(1);
        (imageops::resize(image, WORK_WIDTH, h, imageops::FilterType::Triangle), scale)
    } else {
        (image.clone(), scale)
    }
}

/// Whether `image` shows rows of text at all (a document without a zone, as opposed to a
/// picture of something else).
pub fn has_text(image: &GrayImage) -> bool {
    let (small, _) = working_copy(image);
    let rows = text_rows(&Ink::of(&small));
    rows.iter().filter(|r| r.glyphs >= 5 && r.width() > 4.0 * r.height()).count() >= 2
}

/// The zone of `image`, if one is there.
pub fn find(image: &GrayImage) -> Option<FoundZone> {
    let (small, scale) = working_copy(image);
    let ink = Ink::of(&small);
    if ink.count < 200 {
        return None;
    }
    let skew = estimate_skew(&ink);
    let upright_small = geometry::rotate(&small, -skew);
    let upright_ink = Ink::of(&upright_small);
    let rows = text_rows(&upright_ink);
    let group = zone_rows(&rows, upright_small.width())?;
    let (w, h) = small.dimensions();
    // From the straightened working copy back to the image: undo the turn, then the scale.
    let to_image = |p: Point| {
        let q = geometry::rotate_point(p, skew, w, h);
        Point::new(q.x / scale, q.y / scale)
    };
    let mut quads = Vec::with_capacity(group.len());
    for (k, row) in group.iter().enumerate() {
        // From the middle of the line above to the middle of the line below: the runs of ink
        // in line_box stop at the gaps between them.
        let above = match k.checked_sub(1) {
            Some(previous) => (group[previous].top + group[previous].bottom) / 2.0,
            None => row.top - row.height(),
        };
        let below = match group.get(k + 1) {
            Some(next) => (next.top + next.bottom) / 2.0,
            None => row.bottom + row.height(),
        };
        let box_ = line_box(&upright_ink, row, above, below);
        quads.push(box_.map(to_image));
    }
    let line_height = quads.iter().map(quad_height).sum::<f64>() / quads.len() as f64;
    let lines = quads.iter().filter_map(|q| crop_line(image, q)).collect::<Vec<_>>();
    if lines.len() != quads.len() {
        return None;
    }
    Some(FoundZone { lines, quads, skew_degrees: skew, line_height })
}

fn quad_height(q: &Quad) -> f64 {
    (q[0].distance(q[3]) + q[1].distance(q[2])) / 2.0
}

/// Ink of a grey image: pixels darker than their neighbourhood by a margin, absolute and relative
/// to the local light.
struct Ink {
    width: u32,
    height: u32,
    mask: Vec<bool>,
    count: usize,
}

impl Ink {
    fn of(image: &GrayImage) -> Self {
        let (w, h) = image.dimensions();
        let integral = integral(image);
        let radius = (w / 40).max(4);
        let mut mask = vec![false; (w * h) as usize];
        let mut count = 0;
        for y in 0..h {
            for x in 0..w {
                let mean = box_mean(&integral, w, h, x, y, radius);
                let v = f64::from(image.get_pixel(x, y).0[0]);
                // 18 grey levels below the neighbourhood, and darker than 82 % of it: print,
                // not the lighter guilloche and texture; the share follows the light, so print
                // under glare or in shadow still counts.
                if v < mean - 18.0 && v < 0.82 * mean {
                    mask[(y * w + x) as usize] = true;
                    count += 1;
                }
            }
        }
        Self { width: w, height: h, mask, count }
    }

    fn at(&self, x: u32, y: u32) -> bool {
        self.mask[(y * self.width + x) as usize]
    }

    fn points(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let w = self.width;
        self.mask.iter().enumerate().filter(|(_, m)| **m).map(move |(i, _)| {
            let i = i as u32;
            (i % w, i / w)
        })
    }
}

fn integral(image: &GrayImage) -> Vec<u64> {
    let (w, h) = image.dimensions();
    let stride = w as usize + 1;
    let mut sums = vec![0u64; stride * (h as usize + 1)];
    for y in 0..h as usize {
        let mut row = 0u64;
        for x in 0..w as usize {
            row += u64::from(image.get_pixel(x as u32, y as u32).0[0]);
            sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + row;
        }
    }
    sums
}

fn box_mean(sums: &[u64], w: u32, h: u32, x: u32, y: u32, r: u32) -> f64 {
    let stride = w as usize + 1;
    let (x0, y0) = (x.saturating_sub(r) as usize, y.saturating_sub(r) as usize);
    let (x1, y1) = ((x + r + 1).min(w) as usize, (y + r + 1).min(h) as usize);
    let total = sums[y1 * stride + x1] + sums[y0 * stride + x0]
        - sums[y0 * stride + x1]
        - sums[y1 * stride + x0];
    total as f64 / ((x1 - x0) * (y1 - y0)) as f64
}

/// The angle (degrees) at which the ink falls into the sharpest row profile: every 0.5° over
/// ±16°, then every 0.1° around the best.
fn estimate_skew(ink: &Ink) -> f64 {
    let step = (ink.count / 60_000).max(1);
    let sample: Vec<(f64, f64)> =
        ink.points().step_by(step).map(|(x, y)| (f64::from(x), f64::from(y))).collect();
    let height = f64::from(ink.height);
    let bins = (height * 2.0) as usize + 64;
    let sharpness = |angle: f64| {
        let (sin, cos) = angle.to_radians().sin_cos();
        let mut profile = vec![0u32; bins];
        for &(x, y) in &sample {
            // The row of (x, y) once the image is turned by -angle.
            let row = y * cos - x * sin + height * 0.5 + 32.0;
            if row >= 0.0 && (row as usize) < bins {
                profile[row as usize] += 1;
            }
        }
        profile.iter().map(|&c| f64::from(c) * f64::from(c)).sum::<f64>()
    };
    let best_of = |angles: &mut dyn Iterator<Item = f64>| {
        angles
            .map(|a| (a, sharpness(a)))
            .fold((0.0, f64::MIN), |b, c| if c.1 > b.1 { c } else { b })
    };
    let coarse = (MAX_SKEW_DEG / SKEW_STEP_DEG) as i32;
    let (rough, _) = best_of(&mut (-coarse..=coarse).map(|i| f64::from(i) * SKEW_STEP_DEG));
    let fine = (SKEW_STEP_DEG / FINE_STEP_DEG) as i32;
    let (angle, _) = best_of(&mut (-fine..=fine).map(|i| rough + f64::from(i) * FINE_STEP_DEG));
    angle
}

/// One horizontal band of text in the straightened image.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Row {
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
    /// Share of the band's columns (between left and right) that hold ink.
    coverage: f64,
    /// Separate runs of inked columns: about one per character.
    glyphs: usize,
}

impl Row {
    fn height(&self) -> f64 {
        self.bottom - self.top
    }
    fn width(&self) -> f64 {
        self.right - self.left
    }
}

/// The bands of rows with ink, each with its extent.
fn text_rows(ink: &Ink) -> Vec<Row> {
    let (w, h) = (ink.width, ink.height);
    let per_row: Vec<usize> = (0..h).map(|y| (0..w).filter(|&x| ink.at(x, y)).count()).collect();
    let threshold = (w as usize / 60).max(3);
    let mut rows = Vec::new();
    let mut y = 0;
    while y < h {
        if per_row[y as usize] < threshold {
            y += 1;
            continue;
        }
        let top = y;
        while y < h && per_row[y as usize] >= threshold {
            y += 1;
        }
        let bottom = y;
        if bottom - top >= 4 {
            rows.push(describe_band(ink, top, bottom));
        }
    }
    rows
}

/// The band's extent and density. Its extent is that of its main stretch of print: runs of
/// inked columns closer than two and a half line heights join (a glare spot can wash out a few characters), and the stretch with the most ink
/// wins, so a speck of noise or a word printed beside the line does not widen it.
fn describe_band(ink: &Ink, top: u32, bottom: u32) -> Row {
    let inked: Vec<bool> = (0..ink.width).map(|x| (top..bottom).any(|y| ink.at(x, y))).collect();
    let join = ((bottom - top) as usize * 5 / 2).max(2);
    // (start, end, inked columns) of each stretch.
    let mut stretches: Vec<(usize, usize, usize)> = Vec::new();
    for (x, _) in inked.iter().enumerate().filter(|(_, i)| **i) {
        match stretches.last_mut() {
            Some(last) if x - last.1 <= join => {
                last.1 = x + 1;
                last.2 += 1;
            }
            _ => stretches.push((x, x + 1, 1)),
        }
    }
    let (left, right) =
        stretches.iter().max_by_key(|s| s.2).map_or((0, 0), |&(start, end, _)| (start, end));
    let span = &inked[left..right];
    let covered = span.iter().filter(|&&i| i).count();
    let glyphs = span.windows(2).filter(|p| !p[0] && p[1]).count() + usize::from(!span.is_empty());
    Row {
        top: f64::from(top),
        bottom: f64::from(bottom),
        left: left as f64,
        right: right as f64,
        coverage: if span.is_empty() { 0.0 } else { covered as f64 / span.len() as f64 },
        glyphs,
    }
}

/// The lowest run of 2 or 3 rows that look like MRZ lines: wide, many glyphs, equal heights and
/// extents, evenly spaced.
fn zone_rows(rows: &[Row], width: u32) -> Option<Vec<Row>> {
    let mrz_like = |r: &Row| {
        r.width() > f64::from(width) * 0.35
            && r.glyphs >= 12
            && r.width() / r.height() > 12.0
            && r.coverage > 0.35
    };
    let similar = |a: &Row, b: &Row| {
        let h = a.height().max(b.height());
        (a.height() - b.height()).abs() < 0.35 * h
            && (a.left - b.left).abs() < 2.0 * h
            && (a.right - b.right).abs() < 2.0 * h
            && b.top - a.bottom < 1.6 * h
    };
    for end in (0..rows.len()).rev() {
        for count in [3usize, 2] {
            if end + 1 < count {
                continue;
            }
            let group = &rows[end + 1 - count..=end];
            if group.iter().all(mrz_like) && group.windows(2).all(|p| similar(&p[0], &p[1])) {
                return Some(group.to_vec());
            }
        }
    }
    None
}

/// The ink box of one line in the straightened working image, as a quadrilateral: the line is
/// cut into pieces along its length, and in each piece the line's ink is the run of inked rows
/// around where the line is expected (from the middle outwards, each piece expects the line
/// where its neighbour found it), bounded by the gaps to the lines or print above and below.
/// Straight lines fitted through the runs' tops and bottoms give the box's top and bottom
/// edges, so the box follows perspective (one end taller) and residual tilt.
fn line_box(ink: &Ink, row: &Row, above: f64, below: f64) -> Quad {
    let h = row.height();
    let (y0, y1) = (above.max(0.0) as u32, (below.ceil() as u32).min(ink.height));
    let piece = row.width() / PIECES as f64;
    let mut tops: Vec<(f64, f64)> = Vec::new();
    let mut bottoms: Vec<(f64, f64)> = Vec::new();
    let middle = PIECES / 2;
    let order = (middle..PIECES).chain((0..middle).rev());
    let mut expected = (row.top + row.bottom) / 2.0;
    for k in order {
        if k + 1 == middle {
            // Back to the middle for the left half.
            expected = match (tops.first(), bottoms.first()) {
                (Some(t), Some(b)) => (t.1 + b.1) / 2.0,
                _ => (row.top + row.bottom) / 2.0,
            };
        }
        let x0 = (row.left + piece * k as f64) as u32;
        let x1 = ((row.left + piece * (k + 1) as f64) as u32).min(ink.width);
        let counts: Vec<usize> =
            (y0..y1).map(|y| (x0..x1).filter(|&x| ink.at(x, y)).count()).collect();
        let Some((top, bottom)) = run_around(&counts, expected - f64::from(y0), h) else {
            continue;
        };
        let (top, bottom) = (f64::from(y0) + top, f64::from(y0) + bottom);
        if !(0.5 * h..=1.6 * h).contains(&(bottom - top)) {
            continue;
        }
        let centre = f64::from(x0 + x1) / 2.0;
        tops.push((centre, top));
        bottoms.push((centre, bottom));
        expected = (top + bottom) / 2.0;
    }
    let at = |line: Option<(f64, f64)>, fallback: f64, x: f64| {
        line.map_or(fallback, |(slope, intercept)| slope * x + intercept)
    };
    let (top, bottom) = (fit(&tops), fit(&bottoms));
    let (l, r) = (row.left, row.right);
    [
        Point::new(l, at(top, row.top, l)),
        Point::new(r, at(top, row.top, r)),
        Point::new(r, at(bottom, row.bottom, r)),
        Point::new(l, at(bottom, row.bottom, l)),
    ]
}

/// The run of rows with ink (at least a fifth of the densest row near `expected`, so strokes
/// count and specks do not) that contains `expected` or starts nearest to it; `(top, bottom)`.
fn run_around(counts: &[usize], expected: f64, height: f64) -> Option<(f64, f64)> {
    let n = counts.len();
    let window = |c: f64, r: f64| ((c - r).max(0.0) as usize, ((c + r).ceil() as usize).min(n));
    let (w0, w1) = window(expected, 0.6 * height);
    let peak = counts.get(w0..w1)?.iter().copied().max()?;
    if peak < 3 {
        return None;
    }
    let floor = (peak / 5).max(1);
    let centre = (expected.max(0.0) as usize).min(n.saturating_sub(1));
    let seed = (0..n)
        .filter(|&y| counts[y] >= floor)
        .min_by_key(|&y| y.abs_diff(centre))
        .filter(|&y| (y as f64 - expected).abs() < 0.6 * height)?;
    let (mut top, mut bottom) = (seed, seed + 1);
    while top > 0 && counts[top - 1] >= floor {
        top -= 1;
    }
    while bottom < n && counts[bottom] >= floor {
        bottom += 1;
    }
    Some((top as f64, bottom as f64))
}

/// Least-squares straight line `(slope, intercept)` through points, refitted once without its
/// worst outlier (a piece where a neighbour's descender or a stray mark moved the extent).
fn fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let (slope, intercept) = least_squares(points)?;
    if points.len() < 4 {
        return Some((slope, intercept));
    }
    let error = |&(x, y): &(f64, f64)| (y - (slope * x + intercept)).abs();
    let worst = (0..points.len()).max_by(|&a, &b| error(&points[a]).total_cmp(&error(&points[b])));
    let kept: Vec<(f64, f64)> =
        points.iter().enumerate().filter(|(i, _)| Some(*i) != worst).map(|(_, &p)| p).collect();
    least_squares(&kept)
}

fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 2 {
        return points.first().map(|&(_, y)| (0.0, y));
    }
    let n = points.len() as f64;
    let (sx, sy) = points.iter().fold((0.0, 0.0), |(a, b), &(x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxx: f64 = points.iter().map(|&(x, _)| (x - mx) * (x - mx)).sum();
    let sxy: f64 = points.iter().map(|&(x, y)| (x - mx) * (y - my)).sum();
    let slope = if sxx > 1e-9 { sxy / sxx } else { 0.0 };
    Some((slope, my - slope * mx))
}

/// Cuts one line out of the full-resolution image through its ink box widened by the trained
/// margins (a quarter of the line height above and below, half a line height left and right),
/// straightened into a rectangle at about the image's own resolution.
fn crop_line(image: &GrayImage, quad: &Quad) -> Option<GrayImage> {
    let height = quad_height(quad);
    let length = (quad[0].distance(quad[1]) + quad[3].distance(quad[2])) / 2.0;
    if height < 2.0 || length < 4.0 {
        return None;
    }
    // Unit vectors along the line and down across it.
    let along = unit(quad[0], quad[1]);
    let down = unit(quad[0], quad[3]);
    let (dx, dy) = (0.5 * height, 0.25 * height);
    let shift = |p: Point, sx: f64, sy: f64| {
        Point::new(p.x + along.x * sx + down.x * sy, p.y + along.y * sx + down.y * sy)
    };
    let widened = [
        shift(quad[0], -dx, -dy),
        shift(quad[1], dx, -dy),
        shift(quad[2], dx, dy),
        shift(quad[3], -dx, dy),
    ];
    let width = (length + 2.0 * dx).round().clamp(8.0, 4096.0) as u32;
    let rows = (height * 1.5).round().clamp(4.0, 1024.0) as u32;
    geometry::warp(image, &widened, width, rows)
}

fn unit(a: Point, b: Point) -> Point {
    let d = a.distance(b).max(1e-9);
    Point::new((b.x - a.x) / d, (b.y - a.y) / d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use image::Luma;

    /// A page with a few short text-like rows and, at the bottom, `lines` rows of 44 glyphs.
    fn page(lines: usize) -> GrayImage {
        let mut page = GrayImage::from_pixel(900, 600, Luma([235]));
        let glyph = |page: &mut GrayImage, x: u32, y: u32, w: u32, h: u32| {
            for yy in y..y + h {
                for xx in x..x + w {
                    page.put_pixel(xx, yy, Luma([25]));
                }
            }
        };
        for r in 0..4 {
            for k in 0..8 {
                glyph(&mut page, 60 + k * 22, 60 + r * 50, 14, 20);
            }
        }
        for l in 0..lines as u32 {
            for k in 0..44 {
                glyph(&mut page, 60 + k * 18, 430 + l * 40, 12, 22);
            }
        }
        page
    }

    #[test]
    fn the_zone_rows_are_found_and_cut_out() {
        let zone = find(&page(2)).unwrap();
        assert_eq!(zone.lines.len(), 2);
        assert!(zone.skew_degrees.abs() < 0.6, "{}", zone.skew_degrees);
        let line = &zone.lines[0];
        assert!(line.width() > 780 && line.width() < 830, "{}", line.width());
        assert!((line.height() as f64) < zone.line_height * 1.8);
        assert_eq!(find(&page(3)).unwrap().lines.len(), 3);
    }

    #[test]
    fn a_tilted_page_is_straightened() {
        let tilted = geometry::rotate(&page(2), 8.0);
        let zone = find(&tilted).unwrap();
        assert!((zone.skew_degrees - 8.0).abs() <= 1.0, "{}", zone.skew_degrees);
        assert_eq!(zone.lines.len(), 2);
    }

    #[test]
    fn a_page_without_a_zone_has_none() {
        assert!(find(&page(0)).is_none());
        assert!(find(&GrayImage::from_pixel(300, 200, Luma([200]))).is_none());
    }
}
