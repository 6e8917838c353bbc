//! Finding the machine readable zone in a document image without a model: dark-on-light text
//! pixels by a local threshold, the skew (±15°) as the angle whose row profile of those pixels is
//! sharpest, then the text rows of the straightened image; the zone is the lowest group of two or
//! three rows of equal height, equal extent and regular spacing that are wide and dense, as MRZ
//! lines are. Each line is cut out of the straightened full-resolution image with the margins
//! the line recogniser was trained on.

use image::{GrayImage, Luma, imageops};

/// Working width for the search (the crops come from the full image).
const WORK_WIDTH: u32 = 1000;
const MAX_SKEW_DEG: f64 = 15.0;
const SKEW_STEP_DEG: f64 = 0.5;

/// The lines of a zone as found: crops of each text line, top to bottom, and where they were.
#[derive(Debug, Clone)]
pub struct FoundZone {
    pub lines: Vec<GrayImage>,
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

/// Whether `image` shows any rows of text at all (a document without a zone, as opposed to a
/// picture of something else).
pub fn has_text(image: &GrayImage) -> bool {
    let (small, _) = working_copy(image);
    text_rows(&small).iter().filter(|r| r.glyphs >= 5).count() >= 2
}

/// The zone of `image`, if one is there.
pub fn find(image: &GrayImage) -> Option<FoundZone> {
    let (small, scale) = working_copy(image);
    let dark = dark_pixels(&small);
    if dark.len() < 200 {
        return None;
    }
    let skew = estimate_skew(&dark, small.height());
    let upright_small = rotate(&small, -skew);
    let rows = text_rows(&upright_small);
    let group = zone_rows(&rows, upright_small.width())?;
    let upright = rotate(image, -skew);
    let factor = 1.0 / scale;
    let line_height = group.iter().map(|r| r.height()).sum::<f64>() / group.len() as f64 * factor;
    let lines = group.iter().map(|row| crop_line(&upright, row, factor)).collect();
    Some(FoundZone { lines, skew_degrees: skew, line_height })
}

/// Pixels darker than their neighbourhood by a margin: text, lines and edges.
fn dark_pixels(image: &GrayImage) -> Vec<(u32, u32)> {
    let (w, h) = image.dimensions();
    let integral = integral(image);
    let radius = (w / 40).max(4);
    let mut out = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let mean = box_mean(&integral, w, h, x, y, radius);
            let v = f64::from(image.get_pixel(x, y).0[0]);
            if v < mean - 18.0 && v < 170.0 {
                out.push((x, y));
            }
        }
    }
    out
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

/// The angle (degrees) at which the dark pixels fall into the sharpest row profile.
fn estimate_skew(dark: &[(u32, u32)], height: u32) -> f64 {
    let step = (dark.len() / 60_000).max(1);
    let sample: Vec<(f64, f64)> =
        dark.iter().step_by(step).map(|&(x, y)| (f64::from(x), f64::from(y))).collect();
    let bins = (f64::from(height) * 2.0) as usize + 64;
    let mut best = (0.0, f64::MIN);
    let steps = (MAX_SKEW_DEG / SKEW_STEP_DEG) as i32;
    for i in -steps..=steps {
        let angle = f64::from(i) * SKEW_STEP_DEG;
        let (sin, cos) = angle.to_radians().sin_cos();
        let mut profile = vec![0u32; bins];
        for &(x, y) in &sample {
            // The row of (x, y) once the image is turned by -angle.
            let row = y * cos - x * sin + f64::from(height) * 0.5 + 32.0;
            if row >= 0.0 && (row as usize) < bins {
                profile[row as usize] += 1;
            }
        }
        let score: f64 = profile.iter().map(|&c| f64::from(c) * f64::from(c)).sum();
        if score > best.1 {
            best = (angle, score);
        }
    }
    best.0
}

/// `image` turned by `degrees` about its centre (bilinear), on a white background, same size.
fn rotate(image: &GrayImage, degrees: f64) -> GrayImage {
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
        Luma([bilinear(image, sx, sy)])
    })
}

fn bilinear(image: &GrayImage, x: f64, y: f64) -> u8 {
    let (w, h) = image.dimensions();
    if x < 0.0 || y < 0.0 || x > f64::from(w - 1) || y > f64::from(h - 1) {
        return 255;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - f64::from(x0), y - f64::from(y0));
    let p = |xx, yy| f64::from(image.get_pixel(xx, yy).0[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
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
fn text_rows(image: &GrayImage) -> Vec<Row> {
    let (w, h) = image.dimensions();
    let mut ink = vec![false; (w * h) as usize];
    for (x, y) in dark_pixels(image) {
        ink[(y * w + x) as usize] = true;
    }
    let per_row: Vec<usize> =
        (0..h).map(|y| (0..w).filter(|&x| ink[(y * w + x) as usize]).count()).collect();
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
            rows.push(describe_band(&ink, w, top, bottom));
        }
    }
    rows
}

fn describe_band(ink: &[bool], w: u32, top: u32, bottom: u32) -> Row {
    let inked: Vec<bool> =
        (0..w).map(|x| (top..bottom).any(|y| ink[(y * w + x) as usize])).collect();
    let left = inked.iter().position(|&i| i).unwrap_or(0);
    let right = inked.iter().rposition(|&i| i).unwrap_or(0) + 1;
    let span = &inked[left..right.max(left)];
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
            && r.glyphs >= 20
            && r.width() / r.height() > 12.0
            && r.coverage > 0.35
    };
    let similar = |a: &Row, b: &Row| {
        let h = a.height().max(b.height());
        (a.height() - b.height()).abs() < 0.35 * h
            && (a.left - b.left).abs() < 1.5 * h
            && (a.right - b.right).abs() < 1.5 * h
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

/// Cuts one line out of the full-resolution straightened image: a quarter of the line height
/// above and below, half a line height left and right.
fn crop_line(image: &GrayImage, row: &Row, factor: f64) -> GrayImage {
    let h = row.height() * factor;
    let top = (row.top * factor - 0.25 * h).max(0.0) as u32;
    let bottom = ((row.bottom * factor + 0.25 * h) as u32).min(image.height());
    let left = (row.left * factor - 0.5 * h).max(0.0) as u32;
    let right = ((row.right * factor + 0.5 * h) as u32).min(image.width());
    imageops::crop_imm(image, left, top, (right - left).max(1), (bottom - top).max(1)).to_image()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
        let tilted = rotate(&page(2), 8.0);
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
