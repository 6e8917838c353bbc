//! Prints what the face pipeline finds in each image given: `cargo run -p kycd-analysis
//! --release --example faces -- IMAGE...`
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let image = kycd_analysis::decode::decode(&bytes, &Default::default()).unwrap();
        let start = std::time::Instant::now();
        let found = kycd_analysis::face::find(&image).unwrap();
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let grey = image.to_luma8();
        let all = kycd_analysis::face::detect::find(&grey);
        println!(
            "{path}: {} clear, {ms:.0} ms, boxes {:?}, main {:?}",
            found.clear_faces,
            all.iter()
                .map(|f| (f.width.round(), (f.score * 10.0).round() / 10.0))
                .collect::<Vec<_>>(),
            found.main.map(|m| (
                m.score.round(),
                m.eye_distance.round(),
                m.quality.sharpness.round(),
                m.quality.glare
            ))
        );
    }
}
