//! One document's analysis from its photos: decode each image, find the document in it and
//! straighten it (perspective and rotation; a scan that is all document is taken whole), find
//! the machine readable zone (on the front, else the back — a TD1 card carries it on the back;
//! upside-down photos are turned; if the straightened document shows none, the whole photo is
//! searched, in case the quad was something else), read its lines with the recogniser at the line length of each possible format, and
//! read the zone. The result is what the domain's document decision needs
//! ([`kycd_domain::document_check::DocumentReading`]) plus what an operator wants to see:
//! the zone as read, the image quality and the time each stage took.

use crate::{
    decode::{self, DecodeError, DecodeLimits},
    geometry::Quad,
    locate,
    mrz::{self, MrzFormat, MrzReading},
    quality::{self, Quality},
    recognise::{self, RecogniserError},
    zone,
};
use image::GrayImage;
use kycd_domain::document_check::DocumentReading;
use serde::Serialize;
use std::{collections::BTreeMap, time::Instant};
use time::Date;

/// A line the recogniser reads with less mean confidence than this goes to a person.
pub const CONFIDENT_LINE: f32 = 0.90;
/// A name character the recogniser is less sure of than this sends the zone to a person: names
/// carry no check digit (calibrated on the benchmark set, docs/accuracy.md).
pub const CONFIDENT_NAME_CHAR: f32 = 0.80;
/// Below this sharpness (variance of the Laplacian, 0–255 scale) an unread zone is "too blurry".
pub const BLURRY: f64 = 40.0;
/// Above this share of blown-out pixels an unread zone is "glared".
pub const GLARED: f64 = 0.08;

/// Which side of the document an image shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Front,
    Back,
}

/// Everything the analysis found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentAnalysis {
    /// The zone as read, if one was found and read.
    pub mrz: Option<MrzReading>,
    /// Which image held the zone.
    pub mrz_side: Option<Side>,
    /// The lowest mean confidence of the zone's lines (1 = certain).
    pub confidence: Option<f32>,
    /// Quality of the image that held the zone (else of the front).
    pub quality: Option<Quality>,
    /// A document was seen: its outline, its zone, or rows of print filling the photo. False
    /// means DOC_NOT_FOUND rather than MRZ_NOT_FOUND.
    pub document_found: bool,
    /// The outline of the document in the image that held the zone (else the first outline
    /// found), corners top-left first, in that image's pixels (after EXIF orientation).
    pub document_quad: Option<Quad>,
    /// Milliseconds per stage.
    pub timings_ms: BTreeMap<&'static str, f64>,
    #[serde(skip)]
    pub reading: DocumentReading,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AnalysisError {
    #[error("{side:?} image: {error}")]
    Image { side: Side, error: DecodeError },
    #[error(transparent)]
    Recogniser(#[from] RecogniserError),
}

/// Analyses the document in `images` (front first), judging birth-date centuries by `today`.
pub fn analyse(
    images: &[(Side, &[u8])],
    limits: &DecodeLimits,
    today: Date,
) -> Result<DocumentAnalysis, AnalysisError> {
    let mut timings = BTreeMap::new();
    let mut first_quality = None;
    let mut first_quad = None;
    let mut saw_document = false;
    for &(side, bytes) in images {
        let started = Instant::now();
        let image = decode::decode(bytes, limits)
            .map_err(|error| AnalysisError::Image { side, error })?
            .to_luma8();
        lap(&mut timings, "decode", started);
        let started = Instant::now();
        let document = locate::find(&image);
        let page = document.as_ref().and_then(|d| d.rectify(&image));
        lap(&mut timings, "locate", started);
        if document.is_some() {
            saw_document = true;
            first_quad = first_quad.or(document.map(|d| d.quad));
        }
        let started = Instant::now();
        // The quality of the document itself, not of the table it lies on.
        let quality = quality::measure(page.as_ref().unwrap_or(&image));
        first_quality.get_or_insert(quality);
        lap(&mut timings, "quality", started);
        let (found, read) = read_views(page.as_ref(), &image, today, &mut timings)?;
        if !found {
            saw_document |= zone::has_text(page.as_ref().unwrap_or(&image));
            continue;
        }
        let document_quad = document.map(|d| d.quad);
        let Some((reading, confidence)) = read else {
            let reading = DocumentReading::Unreadable {
                too_blurry: quality.sharpness < BLURRY,
                glared: quality.glare > GLARED,
            };
            return Ok(DocumentAnalysis {
                mrz: None,
                mrz_side: Some(side),
                confidence: None,
                quality: Some(quality),
                document_found: true,
                document_quad,
                timings_ms: timings,
                reading,
            });
        };
        let sure_of_name = reading.name_confidence.is_none_or(|c| c >= CONFIDENT_NAME_CHAR);
        let fields = reading.zone_fields(confidence >= CONFIDENT_LINE && sure_of_name);
        return Ok(DocumentAnalysis {
            mrz: Some(reading),
            mrz_side: Some(side),
            confidence: Some(confidence),
            quality: Some(quality),
            document_found: true,
            document_quad,
            timings_ms: timings,
            reading: DocumentReading::Read(fields),
        });
    }
    Ok(DocumentAnalysis {
        mrz: None,
        mrz_side: None,
        confidence: None,
        quality: first_quality,
        document_found: saw_document,
        document_quad: first_quad,
        timings_ms: timings,
        reading: if saw_document { DocumentReading::NoZone } else { DocumentReading::NoDocument },
    })
}

/// Finds and reads the zone in the straightened document as it is and upside down (the zone
/// finder cannot tell a zone's top from its bottom, and the recogniser reads upright lines
/// only), and — only when neither shows a zone, in case the outline was something else — in
/// the whole image both ways. Stops at the first reading whose check digits hold; otherwise
/// keeps the most confident. Returns whether any zone was found, and the reading.
fn read_views(
    page: Option<&GrayImage>,
    image: &GrayImage,
    today: Date,
    timings: &mut BTreeMap<&'static str, f64>,
) -> Result<(bool, Option<(MrzReading, f32)>), AnalysisError> {
    let mut found_any = false;
    let mut best: Option<(MrzReading, f32)> = None;
    let sources: Vec<&GrayImage> = page.into_iter().chain(std::iter::once(image)).collect();
    for (n, source) in sources.into_iter().enumerate() {
        if n > 0 && found_any {
            break;
        }
        for turned in [false, true] {
            let started = Instant::now();
            let view = if turned { image::imageops::rotate180(source) } else { source.clone() };
            let found = zone::find(&view);
            lap(timings, "zone", started);
            let Some(found) = found else { continue };
            found_any = true;
            let started = Instant::now();
            let read = read_zone(&found.lines, today)?;
            lap(timings, "recognise", started);
            let Some((reading, confidence)) = read else { continue };
            let better = best.as_ref().is_none_or(|(held, held_confidence)| {
                (reading.valid && !held.valid)
                    || (reading.valid == held.valid && confidence > *held_confidence)
            });
            let valid = reading.valid;
            if better {
                best = Some((reading, confidence));
            }
            if valid {
                return Ok((true, best));
            }
        }
    }
    Ok((found_any, best))
}

fn lap(timings: &mut BTreeMap<&'static str, f64>, stage: &'static str, started: Instant) {
    *timings.entry(stage).or_default() += started.elapsed().as_secs_f64() * 1000.0;
}

/// Reads the lines as each format they could be (3 lines: TD1; 2 lines: TD3 or TD2) and keeps
/// the reading whose check digits hold, else the more confident one; None when no format parses.
fn read_zone(lines: &[GrayImage], today: Date) -> Result<Option<(MrzReading, f32)>, AnalysisError> {
    let formats: &[MrzFormat] = match lines.len() {
        3 => &[MrzFormat::Td1],
        2 => &[MrzFormat::Td3, MrzFormat::Td2],
        _ => &[],
    };
    let mut best: Option<(MrzReading, f32)> = None;
    for &format in formats {
        let mut texts = Vec::with_capacity(lines.len());
        let mut confidence = 1.0f32;
        let mut name_confidence = None;
        let (name_line, name_start) = mrz::name_field(format);
        for (n, line) in lines.iter().enumerate() {
            let Some(read) = recognise::read_line(line, format.line_length())? else {
                break;
            };
            confidence = confidence.min(read.confidence);
            if n == name_line {
                name_confidence =
                    read.char_confidence.iter().skip(name_start).copied().reduce(f32::min);
            }
            texts.push(read.text);
        }
        if texts.len() != lines.len() {
            continue;
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let Ok(mut reading) = mrz::read(&refs, today) else { continue };
        reading.name_confidence = name_confidence;
        let better = match &best {
            None => true,
            Some((held, held_confidence)) => {
                (reading.valid && !held.valid)
                    || (reading.valid == held.valid && confidence > *held_confidence)
            }
        };
        if better {
            best = Some((reading, confidence));
        }
    }
    Ok(best)
}
