//! Five face landmarks (the outer and inner corner of each eye and the base of the nose) with
//! dlib's 5-point shape predictor (`shape_predictor_5_face_landmarks.dat`, CC0, by Davis King),
//! read from dlib's own serialisation and run here: a cascade of ensembles of regression trees
//! (Kazemi and Sullivan, 2014). Each level samples pixel intensities at points anchored to the
//! current shape, and every tree of the level adds the offset of the leaf those pixel differences
//! lead to. The file is embedded; its sha256 is in models/face/SHA256SUMS.

use super::similarity::Similarity;
use crate::geometry::Point;
use image::GrayImage;
use std::sync::OnceLock;

const MODEL: &[u8] = include_bytes!("../../../../models/face/shape_predictor_5_face_landmarks.dat");

/// The five points, in the predictor's order: image-right eye outer and inner corner, image-left
/// eye outer and inner corner, base of the nose.
pub type Landmarks = [Point; 5];

/// A face box as dlib's detector gives it (inclusive pixel bounds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceBox {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl FaceBox {
    pub fn width(&self) -> f64 {
        self.right - self.left + 1.0
    }
}

struct Split {
    idx1: usize,
    idx2: usize,
    thresh: f32,
}

struct Tree {
    splits: Vec<Split>,
    leaves: Vec<Vec<f32>>,
}

struct Level {
    trees: Vec<Tree>,
    anchors: Vec<usize>,
    deltas: Vec<(f32, f32)>,
}

pub struct ShapePredictor {
    initial: Vec<f32>,
    levels: Vec<Level>,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("the shape predictor file is damaged: {0}")]
pub struct ModelError(&'static str);

/// dlib's serialisation: integers as a control byte (bit 7 sign, low 4 bits byte count) then
/// little-endian bytes; floats as an integer mantissa and a 16-bit exponent.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn int(&mut self) -> Result<i64, ModelError> {
        let (&control, rest) = self.bytes.split_first().ok_or(ModelError("truncated"))?;
        let size = usize::from(control & 0x0f);
        if size > 8 || rest.len() < size {
            return Err(ModelError("bad integer"));
        }
        let magnitude = rest[..size].iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        self.bytes = &rest[size..];
        let value = i64::try_from(magnitude).map_err(|_| ModelError("integer too large"))?;
        Ok(if control & 0x80 != 0 { -value } else { value })
    }

    fn count(&mut self) -> Result<usize, ModelError> {
        usize::try_from(self.int()?).map_err(|_| ModelError("negative size"))
    }

    fn float(&mut self) -> Result<f32, ModelError> {
        let mantissa = self.int()?;
        let exponent = self.int()?;
        if exponent >= 32000 {
            return Err(ModelError("infinite or NaN value"));
        }
        Ok((mantissa as f64 * 2f64.powi(exponent as i32)) as f32)
    }

    /// A column vector (`matrix<float,0,1>`), stored as -rows, -cols, then the values.
    fn column(&mut self) -> Result<Vec<f32>, ModelError> {
        let rows = self.int()?.unsigned_abs() as usize;
        let cols = self.int()?.unsigned_abs() as usize;
        if cols != 1 || rows > 1 << 20 {
            return Err(ModelError("expected a column vector"));
        }
        (0..rows).map(|_| self.float()).collect()
    }
}

impl ShapePredictor {
    pub fn parse(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader { bytes };
        if r.int()? != 1 {
            return Err(ModelError("unknown version"));
        }
        let initial = r.column()?;
        let mut levels: Vec<Level> = (0..r.count()?)
            .map(|_| {
                let trees = (0..r.count()?)
                    .map(|_| {
                        let splits = (0..r.count()?)
                            .map(|_| {
                                Ok(Split { idx1: r.count()?, idx2: r.count()?, thresh: r.float()? })
                            })
                            .collect::<Result<_, ModelError>>()?;
                        let leaves =
                            (0..r.count()?).map(|_| r.column()).collect::<Result<_, _>>()?;
                        Ok(Tree { splits, leaves })
                    })
                    .collect::<Result<_, ModelError>>()?;
                Ok(Level { trees, anchors: Vec::new(), deltas: Vec::new() })
            })
            .collect::<Result<_, ModelError>>()?;
        if r.count()? != levels.len() {
            return Err(ModelError("anchor levels"));
        }
        for level in &mut levels {
            level.anchors = (0..r.count()?).map(|_| r.count()).collect::<Result<_, _>>()?;
        }
        if r.count()? != levels.len() {
            return Err(ModelError("delta levels"));
        }
        for level in &mut levels {
            level.deltas =
                (0..r.count()?).map(|_| Ok((r.float()?, r.float()?))).collect::<Result<_, _>>()?;
        }
        if !r.bytes.is_empty() {
            return Err(ModelError("trailing bytes"));
        }
        let points = initial.len() / 2;
        let consistent = initial.len() == 10
            && levels.iter().all(|level| {
                level.anchors.len() == level.deltas.len()
                    && level.anchors.iter().all(|&a| a < points)
                    && level.trees.iter().all(|tree| {
                        tree.leaves.len() == tree.splits.len() + 1
                            && tree.leaves.iter().all(|leaf| leaf.len() == initial.len())
                            && tree
                                .splits
                                .iter()
                                .all(|s| s.idx1 < level.deltas.len() && s.idx2 < level.deltas.len())
                    })
            });
        if !consistent {
            return Err(ModelError("inconsistent sizes"));
        }
        Ok(Self { initial, levels })
    }

    /// The embedded model, parsed once per process.
    pub fn embedded() -> Result<&'static Self, ModelError> {
        static MODEL_ONCE: OnceLock<Result<ShapePredictor, ModelError>> = OnceLock::new();
        MODEL_ONCE.get_or_init(|| Self::parse(MODEL)).as_ref().map_err(Clone::clone)
    }

    /// The landmarks of the face in `face` (dlib's detector box convention) of `image` (grey:
    /// dlib reads colour images as the mean of R, G and B).
    pub fn predict(&self, image: &GrayImage, face: FaceBox) -> Landmarks {
        let to_image = |x: f32, y: f32| {
            let x = face.left + f64::from(x) * (face.right - face.left);
            let y = face.top + f64::from(y) * (face.bottom - face.top);
            (x, y)
        };
        let points = |shape: &[f32]| -> Vec<Point> {
            shape.chunks(2).map(|p| Point { x: f64::from(p[0]), y: f64::from(p[1]) }).collect()
        };
        let reference = points(&self.initial);
        let mut shape = self.initial.clone();
        let mut features = Vec::new();
        for level in &self.levels {
            // Pixels are sampled relative to the current shape, rotated and scaled as it is
            // relative to the mean shape (translation dropped).
            let tform = Similarity::fit(&reference, &points(&shape)).unwrap_or_default();
            features.clear();
            features.extend(level.anchors.iter().zip(&level.deltas).map(|(&anchor, &(dx, dy))| {
                let (rx, ry) = tform.rotate_scale(f64::from(dx), f64::from(dy));
                let (x, y) = to_image(
                    (rx + f64::from(shape[2 * anchor])) as f32,
                    (ry + f64::from(shape[2 * anchor + 1])) as f32,
                );
                let (x, y) = (x.round(), y.round());
                if x >= 0.0
                    && y >= 0.0
                    && x < f64::from(image.width())
                    && y < f64::from(image.height())
                {
                    f32::from(image.get_pixel(x as u32, y as u32).0[0])
                } else {
                    0.0
                }
            }));
            for tree in &level.trees {
                let mut node = 0;
                while node < tree.splits.len() {
                    let split = &tree.splits[node];
                    node = if features[split.idx1] - features[split.idx2] > split.thresh {
                        2 * node + 1
                    } else {
                        2 * node + 2
                    };
                }
                for (value, delta) in shape.iter_mut().zip(&tree.leaves[node - tree.splits.len()]) {
                    *value += delta;
                }
            }
        }
        let mut out = [Point { x: 0.0, y: 0.0 }; 5];
        for (i, p) in out.iter_mut().enumerate() {
            let (x, y) = to_image(shape[2 * i], shape[2 * i + 1]);
            *p = Point { x, y };
        }
        out
    }
}
