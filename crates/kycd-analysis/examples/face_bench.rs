//! The face benchmark behind docs/accuracy.md (run by tools/face/benchmark.sh): every generated
//! document against every selfie photo that is not the photo printed on it. File names carry the
//! truth: documents `IDENTITY__PHOTO__FORMAT-CONDITION.jpg`, selfies `IDENTITY__PHOTO.jpg`.
//! Prints one JSON object per pair, then the timing of whole analyses (document + face).
//! `cargo run -p kycd-analysis --release --example face_bench -- DOCUMENTS_DIR SELFIES_DIR`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kycd_analysis::{decode::DecodeLimits, document, face};
use std::{path::Path, time::Instant};

fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension()? == "jpg").then(|| {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).unwrap())
            })
        })
        .collect();
    out.sort();
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (documents, selfies) = (files(&args[1]), files(&args[2]));
    let limits = DecodeLimits::default();
    let today = time::macros::date!(2026 - 12 - 01);
    let mut whole = Vec::new();
    for (doc_name, doc) in &documents {
        let parts: Vec<&str> = doc_name.split("__").collect();
        let (identity, photo, kind) = (parts[0], parts[1], parts[2]);
        for (selfie_name, selfie) in &selfies {
            let (selfie_identity, selfie_photo) = selfie_name.split_once("__").unwrap();
            if selfie_photo == photo {
                continue;
            }
            let start = Instant::now();
            let c = face::compare(doc, selfie, &limits).unwrap();
            let ms = start.elapsed().as_secs_f64() * 1e3;
            let decision = kycd_domain::face_check::decide(&c.evidence());
            println!(
                "{}",
                serde_json::json!({
                    "document": doc_name, "kind": kind, "identity": identity, "photo": photo,
                    "selfie": selfie_name, "same": identity == selfie_identity,
                    "distance": c.distance, "status": decision.status.as_str(),
                    "portraitFound": c.document.main.is_some(), "selfieFound": c.selfie.main.is_some(),
                    "ms": ms,
                })
            );
        }
        // A whole analysis: the document read, then the faces compared, as the job does.
        let selfie = &selfies.iter().find(|(n, _)| !n.ends_with(photo)).unwrap().1;
        let start = Instant::now();
        let analysis = document::analyse(&[(document::Side::Front, doc)], &limits, today).unwrap();
        let _ = face::compare(doc, selfie, &limits).unwrap();
        whole.push(start.elapsed().as_secs_f64() * 1e3);
        let _ = analysis;
    }
    whole.sort_by(f64::total_cmp);
    let p = |q: f64| whole[((whole.len() - 1) as f64 * q).round() as usize];
    println!(
        "{}",
        serde_json::json!({"whole_ms": {"n": whole.len(), "p50": p(0.5), "p90": p(0.9), "max": p(1.0)},
                           "documents": documents.len(), "selfies": selfies.len(),
                           "dir": Path::new(&args[1]).display().to_string()})
    );
}
