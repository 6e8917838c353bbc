//! Prints what the face pipeline finds in each image given, one JSON object per line:
//! `cargo run -p kycd-analysis --release --example faces -- IMAGE...` (tools/face/benchmark.sh
//! uses the boxes to crop portraits for its generated documents).
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let image = kycd_analysis::decode::decode(&bytes, &Default::default()).unwrap();
        let start = std::time::Instant::now();
        let found = kycd_analysis::face::find(&image).unwrap();
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let line = serde_json::json!({"image": path, "ms": ms, "found": found});
        println!("{line}");
    }
}
