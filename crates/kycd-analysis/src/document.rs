//! One document's analysis from its photos: decode each image, find the machine readable zone
//! (on the front, else the back — a TD1 card carries it on the back; upside-down photos are
//! turned), read its lines with the recogniser at the line length of each possible format, and
//! read the zone. The result is what the domain's document decision needs
//! ([`kycd_domain::document_check::DocumentReading`]) plus what an operator wants to see:
//! the zone as read, the image quality and the time each stage took.

use crate::{
    decode::{self, DecodeError, DecodeLimits},
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
    let mut saw_text = false;
    for &(side, bytes) in images {
        let started = Instant::now();
        let image = decode::decode(bytes, limits)
            .map_err(|error| AnalysisError::Image { side, error })?
            .to_luma8();
        lap(&mut timings, "decode", started);
        let started = Instant::now();
        let quality = quality::measure(&image);
        first_quality.get_or_insert(quality);
        let found = zone::find(&image).or_else(|| zone::find(&image::imageops::rotate180(&image)));
        lap(&mut timings, "zone", started);
        let Some(found) = found else {
            saw_text |= zone::has_text(&image);
            continue;
        };
        let started = Instant::now();
        let read = read_zone(&found.lines, today)?;
        lap(&mut timings, "recognise", started);
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
                timings_ms: timings,
                reading,
            });
        };
        let fields = reading.zone_fields(confidence >= CONFIDENT_LINE);
        return Ok(DocumentAnalysis {
            mrz: Some(reading),
            mrz_side: Some(side),
            confidence: Some(confidence),
            quality: Some(quality),
            timings_ms: timings,
            reading: DocumentReading::Read(fields),
        });
    }
    Ok(DocumentAnalysis {
        mrz: None,
        mrz_side: None,
        confidence: None,
        quality: first_quality,
        timings_ms: timings,
        reading: if saw_text { DocumentReading::NoZone } else { DocumentReading::NoDocument },
    })
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
        for line in lines {
            let Some(read) = recognise::read_line(line, format.line_length())? else {
                break;
            };
            confidence = confidence.min(read.confidence);
            texts.push(read.text);
        }
        if texts.len() != lines.len() {
            continue;
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let Ok(reading) = mrz::read(&refs, today) else { continue };
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
