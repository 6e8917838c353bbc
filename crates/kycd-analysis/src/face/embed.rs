//! Face embeddings: dlib's ResNet face recogniser (`dlib_face_recognition_resnet_model_v1`,
//! CC0, by Davis King; 99.38 % on LFW), converted once to ONNX by tools/face (checked against
//! dlib's own output) and run with tract. Input: the aligned 150 × 150 chip, RGB, raw 0–255 (the
//! graph subtracts the mean and divides by 256); output: 128 numbers. Two faces of one person lie
//! closer than about 0.6 (Euclidean).

use super::align::CHIP;
use image::RgbImage;
use std::sync::{Arc, OnceLock};
use tract_onnx::prelude::*;

const MODEL: &[u8] =
    include_bytes!("../../../../models/face/dlib_face_recognition_resnet_model_v1.onnx");
pub const DIMENSIONS: usize = 128;

pub type Embedding = [f32; DIMENSIONS];

#[derive(Debug, Clone, thiserror::Error)]
#[error("the face embedding model failed: {0}")]
pub struct EmbedError(String);

impl EmbedError {
    pub fn new(message: String) -> Self {
        Self(message)
    }
}

fn plan() -> Result<&'static Arc<TypedRunnableModel>, EmbedError> {
    static PLAN: OnceLock<Result<Arc<TypedRunnableModel>, String>> = OnceLock::new();
    PLAN.get_or_init(|| {
        tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(MODEL))
            .and_then(|m| {
                m.with_input_fact(0, f32::fact([1, 3, CHIP as usize, CHIP as usize]).into())
            })
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| format!("{e:#}"))
    })
    .as_ref()
    .map_err(|e| EmbedError(e.clone()))
}

/// The embedding of an aligned chip.
pub fn embed(chip: &RgbImage) -> Result<Embedding, EmbedError> {
    if chip.dimensions() != (CHIP, CHIP) {
        return Err(EmbedError(format!("the chip is {:?}, not {CHIP}²", chip.dimensions())));
    }
    let input: Tensor = tract_ndarray::Array4::from_shape_fn(
        (1, 3, CHIP as usize, CHIP as usize),
        |(_, c, y, x)| f32::from(chip.get_pixel(x as u32, y as u32).0[c]),
    )
    .into();
    let outputs = plan()?.run(tvec!(input.into())).map_err(|e| EmbedError(e.to_string()))?;
    let view = outputs[0].to_plain_array_view::<f32>().map_err(|e| EmbedError(e.to_string()))?;
    let values: Vec<f32> = view.iter().copied().collect();
    values
        .try_into()
        .map_err(|v: Vec<f32>| EmbedError(format!("{} values, not {DIMENSIONS}", v.len())))
}

/// Euclidean distance between two embeddings.
pub fn distance(a: &Embedding, b: &Embedding) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
}
