//! Compares kycd's face pipeline with dlib's own output (tools/face/dlib_reference.cpp).
//! `cargo run -p kycd-analysis --release --example face_reference -- ref.json`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kycd_analysis::face::{
    align, detect, embed,
    landmarks::{FaceBox, ShapePredictor},
};
use serde_json::Value;

fn main() {
    let path = std::env::args().nth(1).expect("ref.json");
    let entries: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let predictor = ShapePredictor::embedded().unwrap();
    for e in entries {
        let file = e["image"].as_str().unwrap();
        let rgb = image::open(file).unwrap().to_rgb8();
        let grey = image::GrayImage::from_fn(rgb.width(), rgb.height(), |x, y| {
            let p = rgb.get_pixel(x, y).0;
            image::Luma([((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3) as u8])
        });
        let found = detect::find(&grey);
        println!(
            "{file}: rustface {:?}",
            found
                .iter()
                .map(|f| (f.left as i32, f.top as i32, f.width as i32, f.score as i32))
                .collect::<Vec<_>>()
        );
        let Some(b) = e["boxes"].as_array().and_then(|b| b.first()) else { continue };
        let b: Vec<f64> = b.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        println!("  hog {b:?}");
        let hog = FaceBox { left: b[0], top: b[1], right: b[2], bottom: b[3] };
        let ours = predictor.predict(&grey, hog);
        let theirs: Vec<(f64, f64)> = e["landmarks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        let err: f64 =
            ours.iter().zip(&theirs).map(|(o, t)| (o.x - t.0).hypot(o.y - t.1)).fold(0.0, f64::max);
        println!(
            "  landmarks max error {err:.2} px: {:?}",
            ours.iter().map(|p| (p.x.round(), p.y.round())).collect::<Vec<_>>()
        );
        let chip = align::chip(&rgb, &ours).unwrap();
        let dchip = image::open(e["chip"].as_str().unwrap()).unwrap().to_rgb8();
        let diff: f64 = chip
            .as_raw()
            .iter()
            .zip(dchip.as_raw())
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
            .sum::<f64>()
            / chip.as_raw().len() as f64;
        let t = std::time::Instant::now();
        let ours_e = embed::embed(&chip).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let dchip_e = embed::embed(&dchip).unwrap();
        let theirs_e: Vec<f32> = e["descriptor"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let theirs_e: embed::Embedding = theirs_e.try_into().unwrap();
        let max_abs =
            dchip_e.iter().zip(&theirs_e).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        println!(
            "  chip mean abs diff {diff:.2}; onnx on dlib chip max abs {max_abs:.2e}; our chip vs dlib descriptor distance {:.4} ({ms:.1} ms)",
            embed::distance(&ours_e, &theirs_e)
        );
        if let Some(f) = found.first() {
            println!(
                "  rustface→hog: left {:+.3} top {:+.3} size {:.3}",
                (b[0] - f.left) / f.width,
                (b[1] - f.top) / f.width,
                (b[2] - b[0] + 1.0) / f.width
            );
        }
    }
}
