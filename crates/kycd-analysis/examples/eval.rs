//! Measures the document pipeline on a directory of generated, labelled images
//! (`tools/mrz/generate.py --zones …` or `tools/mrz/documents.py …`): for every `NAME.json` with
//! `lines` and `condition`, the image `NAME.png` / `NAME.jpg` is analysed and the zone compared
//! with the truth. Prints the exact-zone share and the time per document, per condition.
//!
//! `cargo run --release -p kycd-analysis --example eval -- DIR [--verbose]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kycd_analysis::{
    decode::DecodeLimits,
    document::{Side, analyse},
};
use std::{collections::BTreeMap, path::Path, time::Instant};
use time::macros::date;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(args.first().expect("usage: eval DIR [--verbose]"));
    let verbose = args.iter().any(|a| a == "--verbose");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    // condition -> (documents, exact, found, total ms, times)
    let mut stats: BTreeMap<String, (usize, usize, usize, Vec<f64>)> = BTreeMap::new();
    for json_path in names {
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
        let Some(lines) = truth["lines"].as_array() else { continue };
        let lines: Vec<String> = lines.iter().map(|l| l.as_str().unwrap().to_owned()).collect();
        let condition = truth["condition"].as_str().unwrap_or("?").to_owned();
        let image = ["png", "jpg", "jpeg"]
            .iter()
            .map(|ext| json_path.with_extension(ext))
            .find(|p| p.exists())
            .expect("image next to the JSON");
        let bytes = std::fs::read(&image).unwrap();
        let started = Instant::now();
        let analysis =
            analyse(&[(Side::Front, &bytes)], &DecodeLimits::default(), date!(2026 - 12 - 01))
                .unwrap();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let read = analysis.mrz.as_ref().map(|m| m.lines.clone());
        let exact = read.as_ref() == Some(&lines);
        let entry = stats.entry(condition.clone()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(exact);
        entry.2 += usize::from(analysis.mrz_side.is_some());
        entry.3.push(ms);
        if verbose && !exact {
            eprintln!(
                "{} {condition} {}: {read:?} vs {lines:?} conf {:?} {:?}",
                image.display(),
                truth["flags"],
                analysis.confidence,
                analysis.timings_ms
            );
        }
    }
    println!("| condition | documents | zone found | exact zone | ms p50 | ms p95 |");
    println!("|---|---|---|---|---|---|");
    let mut all = (0, 0, 0, Vec::new());
    for (condition, (n, exact, found, times)) in &stats {
        row(condition, *n, *exact, *found, times);
        all.0 += n;
        all.1 += exact;
        all.2 += found;
        all.3.extend(times);
    }
    row("all", all.0, all.1, all.2, &all.3);
}

fn row(condition: &str, n: usize, exact: usize, found: usize, times: &[f64]) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied();
    let pct = |k: usize| 100.0 * k as f64 / n.max(1) as f64;
    println!(
        "| {condition} | {n} | {found} ({:.1} %) | {exact} ({:.1} %) | {:.0} | {:.0} |",
        pct(found),
        pct(exact),
        at(0.5).unwrap_or(0.0),
        at(0.95).unwrap_or(0.0)
    );
}
