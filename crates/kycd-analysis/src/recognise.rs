//! The MRZ line recogniser: a small CRNN trained here on synthetic OCR-B lines (tools/mrz,
//! models/mrz/README in the repository), embedded in the binary and run with tract (pure Rust).
//! A line crop is stretched to 32 × 512 grey pixels (value = pixel / 255, dark ink on light
//! paper), the model gives log-probabilities for 128 frames over blank + `<0-9A-Z`, and the text
//! is decoded with exactly the line length of the format (see [`crate::ctc`]).

use crate::ctc::{self, Frames};
use image::{GrayImage, imageops};
use std::sync::OnceLock;
use tract_onnx::prelude::*;

const MODEL: &[u8] = include_bytes!("../../../models/mrz/mrz-line.onnx");
pub const HEIGHT: u32 = 32;
pub const WIDTH: u32 = 512;
/// The classes after the CTC blank, in the model's order.
pub const ALPHABET: [char; 37] = [
    '<', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H',
    'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z',
];

type Plan = std::sync::Arc<TypedRunnableModel>;

#[derive(Debug, Clone, thiserror::Error)]
#[error("the MRZ line model failed: {0}")]
pub struct RecogniserError(String);

/// The model, loaded and optimised once per process.
fn plan() -> Result<&'static Plan, RecogniserError> {
    static PLAN: OnceLock<Result<Plan, String>> = OnceLock::new();
    PLAN.get_or_init(|| load().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| RecogniserError(e.clone()))
}

fn load() -> TractResult<Plan> {
    tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(MODEL))?
        .with_input_fact(0, f32::fact([1, 1, HEIGHT as usize, WIDTH as usize]).into())?
        .into_optimized()?
        .into_runnable()
}

/// Per-frame log-probabilities for one line crop.
pub fn frames(line: &GrayImage) -> Result<Frames, RecogniserError> {
    let stretched = imageops::resize(line, WIDTH, HEIGHT, imageops::FilterType::Triangle);
    let input: Tensor = tract_ndarray::Array4::from_shape_fn(
        (1, 1, HEIGHT as usize, WIDTH as usize),
        |(_, _, y, x)| f32::from(stretched.get_pixel(x as u32, y as u32).0[0]) / 255.0,
    )
    .into();
    let outputs = plan()?.run(tvec!(input.into())).map_err(|e| RecogniserError(e.to_string()))?;
    let view =
        outputs[0].to_plain_array_view::<f32>().map_err(|e| RecogniserError(e.to_string()))?;
    let shape = view.shape().to_vec();
    let [1, frames, classes] = shape[..] else {
        return Err(RecogniserError(format!("unexpected output shape {shape:?}")));
    };
    Ok((0..frames).map(|t| (0..classes).map(|c| view[[0, t, c]]).collect()).collect())
}

/// One line as read: the text of exactly `length` characters and how sure the model was.
#[derive(Debug, Clone, PartialEq)]
pub struct LineReading {
    pub text: String,
    /// Mean per-frame probability of the chosen path (1 = certain).
    pub confidence: f32,
    /// Per character, how sure the model was of it (see [`ctc::Decoded::char_confidence`]).
    pub char_confidence: Vec<f32>,
}

/// Reads `line` as a line of `length` characters.
pub fn read_line(line: &GrayImage, length: usize) -> Result<Option<LineReading>, RecogniserError> {
    let frames = frames(line)?;
    let count = frames.len().max(1) as f32;
    Ok(ctc::decode_exact_scored(&frames, &ALPHABET, length).map(|d| LineReading {
        text: d.text,
        confidence: (d.log_probability / count).exp(),
        char_confidence: d.char_confidence,
    }))
}

/// The most likely text of any length (to guess the format of a two-line zone).
pub fn read_free(line: &GrayImage) -> Result<String, RecogniserError> {
    Ok(ctc::decode_greedy(&frames(line)?, &ALPHABET))
}
