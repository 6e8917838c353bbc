//! Finding faces: SeetaFace's funnel-structured cascade (`seeta_fd_frontal_v1.0.bin`, BSD-2-Clause,
//! VIPL/ICT CAS, as shipped in the `rustface` crate) on a grey copy of the image at most
//! [`WORK_SIDE`] px on its longest side. It finds frontal faces (±30° or so of yaw and roll); a
//! face lying sideways is found by trying the image turned a quarter either way.

use super::landmarks::FaceBox;
use crate::geometry::Point;
use image::{GrayImage, imageops};
use rustface::Model;
use std::sync::OnceLock;

const MODEL: &[u8] = include_bytes!("../../../../models/face/seeta_fd_frontal_v1.0.bin");
/// Longest side of the image the detector sees.
pub const WORK_SIDE: u32 = 800;
/// Smallest face the detector looks for, in work pixels.
pub const MIN_FACE: u32 = 40;
/// Detector score a face must reach (SeetaFace's own examples use 2.0).
pub const MIN_SCORE: f64 = 2.0;

/// A face found, in the pixels of the image given to [`find`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub score: f64,
}

impl Found {
    pub fn centre(&self) -> Point {
        Point::new(self.left + self.width / 2.0, self.top + self.height / 2.0)
    }

    /// The box dlib's own detector would draw around this face, which the shape predictor was
    /// trained on: SeetaFace's box is larger and reaches higher (measured against dlib's HOG
    /// detector on the test photos in tools/face: left +4 %, top +15 %, side 93 % of SeetaFace's).
    pub fn dlib_box(&self) -> FaceBox {
        let side = self.width * 0.93;
        let (left, top) = (self.left + 0.04 * self.width, self.top + 0.15 * self.width);
        FaceBox { left, top, right: left + side - 1.0, bottom: top + side - 1.0 }
    }
}

fn model() -> Option<&'static Model> {
    static MODEL_ONCE: OnceLock<Option<Model>> = OnceLock::new();
    MODEL_ONCE.get_or_init(|| rustface::read_model(std::io::Cursor::new(MODEL)).ok()).as_ref()
}

/// The faces in `grey`, largest first.
pub fn find(grey: &GrayImage) -> Vec<Found> {
    let Some(model) = model() else { return Vec::new() };
    let longest = grey.width().max(grey.height());
    if longest < MIN_FACE {
        return Vec::new();
    }
    let factor = (f64::from(WORK_SIDE) / f64::from(longest)).min(1.0);
    let work = if factor < 1.0 {
        let (w, h) = (
            ((f64::from(grey.width()) * factor).round() as u32).max(1),
            ((f64::from(grey.height()) * factor).round() as u32).max(1),
        );
        imageops::resize(grey, w, h, imageops::FilterType::Triangle)
    } else {
        grey.clone()
    };
    let mut detector = rustface::create_detector_with_model(model.clone());
    detector.set_min_face_size(MIN_FACE);
    detector.set_score_thresh(MIN_SCORE);
    detector.set_pyramid_scale_factor(0.8);
    detector.set_slide_window_step(4, 4);
    let mut faces: Vec<Found> = detector
        .detect(&rustface::ImageData::new(work.as_raw(), work.width(), work.height()))
        .into_iter()
        .map(|f| {
            let b = f.bbox();
            Found {
                left: f64::from(b.x()) / factor,
                top: f64::from(b.y()) / factor,
                width: f64::from(b.width()) / factor,
                height: f64::from(b.height()) / factor,
                score: f.score(),
            }
        })
        .collect();
    faces.sort_by(|a, b| (b.width * b.height).total_cmp(&(a.width * a.height)));
    faces
}
