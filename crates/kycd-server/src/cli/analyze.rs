//! `kycd analyze`: one document analysed from image files, as a submission would be, without a
//! server or a database — for operators checking a photo and for evaluation (one JSON object
//! with `--json`).

use anyhow::Context;
use clap::Args;
use kycd_core::analysis::{self, ImageLimits, Side};
use kycd_domain::{
    Environment,
    auto_result::{self, SubmissionFacts},
    document_check::{Choice, DocumentReading, kind_of},
    token_request::{self, TokenDefaults},
    vocabulary::DocumentKind,
};
use serde_json::{Map, Value, json};
use std::{path::PathBuf, time::Instant};

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The document's front (a passport's data page); JPEG, PNG or WebP.
    #[arg(long)]
    pub front: PathBuf,
    /// The document's back (a TD1 ID card carries its machine readable zone there).
    #[arg(long)]
    pub back: Option<PathBuf>,
    /// A selfie: its face is compared with the document's portrait.
    #[arg(long)]
    pub selfie: Option<PathBuf>,
    /// The document type the person chose (PASSPORT, ID_CARD, RESIDENCE_PERMIT …).
    #[arg(long)]
    pub document_type: Option<String>,
    /// The country the person chose (ISO 3166-1 alpha-2).
    #[arg(long)]
    pub country: Option<String>,
    /// A POST /api/v2/token body (JSON) to compare the document with: names, dates, numbers,
    /// `documents`, `ageLimit`/`ageMax` …
    #[arg(long, value_name = "JSON")]
    pub token_request: Option<String>,
    /// Judge expiry and ages as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: AnalyzeArgs) -> anyhow::Result<()> {
    let request = token_request(args.token_request.as_deref())?;
    let chosen = Choice {
        country: args.country.as_deref().map(str::to_ascii_uppercase),
        document: args
            .document_type
            .as_deref()
            .map(|name| {
                DocumentKind::parse(name).with_context(|| {
                    format!("--document-type must be one of {}", DocumentKind::allowed())
                })
            })
            .transpose()?,
    };
    let today = match &args.today {
        Some(text) => {
            time::Date::parse(text, &time::macros::format_description!("[year]-[month]-[day]"))
                .context("--today must be a date (YYYY-MM-DD)")?
        }
        None => time::OffsetDateTime::now_utc().date(),
    };
    let limits = ImageLimits::default();
    let mut images = vec![(Side::Front, read(&args.front)?)];
    if let Some(back) = &args.back {
        images.push((Side::Back, read(back)?));
    }
    let selfie = match &args.selfie {
        Some(path) => {
            let bytes = read(path)?;
            analysis::decode_image(&bytes, &limits)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Some(bytes)
        }
        None => None,
    };
    let front = images[0].1.clone();
    let started = Instant::now();
    let check = analysis::check_document(&request, &chosen, images, limits, today)
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut timings = check.analysis.timings_ms.clone();
    let faces = match selfie {
        Some(selfie) if analysis::face_follows(&check.decision) => Some(
            analysis::check_faces(front, selfie, limits)
                .await?
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        _ => None,
    };
    if let Some(faces) = &faces {
        timings.extend(faces.comparison.timings_ms.iter().map(|(k, v)| (*k, *v)));
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let facts = SubmissionFacts { submitted_at: now, decided_at: now, ..Default::default() };
    let auto = auto_result::from_analysis(
        &request,
        check.decision.clone(),
        faces.as_ref().map(|f| f.decision),
        // One image set on its own: there is nothing earlier to screen against.
        &Default::default(),
        facts,
    );
    let analysed: f64 = timings.values().sum();
    timings.insert("decide", (started.elapsed().as_secs_f64() * 1000.0 - analysed).max(0.0));

    let mrz = check.analysis.mrz.as_ref();
    let document_type = mrz.and_then(|m| kind_of(&m.document_type)).map(DocumentKind::as_str);
    let found = !matches!(check.analysis.reading, DocumentReading::NoDocument);
    let report = json!({
        "document": {
            "found": found,
            "type": document_type,
            "mrz": mrz.map(serde_json::to_value).transpose()?,
            "mrzSide": check.analysis.mrz_side,
            "confidence": check.analysis.confidence,
            "quality": check.analysis.quality,
        },
        "face": faces.as_ref().map(|f| json!({
            "documentFaceFound": f.comparison.document.main.is_some(),
            "selfieFaces": f.comparison.selfie.clear_faces,
            "distance": f.comparison.distance,
            "score": f.decision.score,
            "match": f.decision.status == kycd_domain::vocabulary::FaceStatus::FaceMatch,
            "documentFace": f.comparison.document.main,
            "selfieFace": f.comparison.selfie.main,
            "sameImage": f.comparison.same_image,
            "documentInSelfie": f.comparison.document_in_selfie,
        })),
        "autoDocument": auto.result.auto_document.map(|d| d.as_str()),
        "autoFace": auto.result.auto_face.map(|f| f.as_str()),
        "fraudTags": auto.result.fraud_tags,
        "mismatchTags": auto.result.mismatch_tags,
        "data": without_nulls(serde_json::to_value(&auto.result.data)?),
        "timingsMs": timings,
    });
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_summary(&report, &check.analysis, auto.undecided);
    }
    Ok(())
}

fn read(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn token_request(json: Option<&str>) -> anyhow::Result<token_request::TokenRequest> {
    let body: Map<String, Value> = match json {
        Some(text) => {
            serde_json::from_str(text).context("--token-request must be a JSON object")?
        }
        None => Map::new(),
    };
    let mut body = body;
    body.entry("clientId").or_insert_with(|| Value::String("kycd-analyze".into()));
    token_request::parse(&body, &TokenDefaults::default(), Environment::Prod)
        .map_err(|rejection| anyhow::anyhow!("--token-request: {}", rejection.message))
}

/// `data` with only the fields the analysis filled.
fn without_nulls(data: Value) -> Value {
    match data {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null() && v != &Value::Bool(false) && v != &json!({}))
                .collect(),
        ),
        other => other,
    }
}

fn print_summary(report: &Value, analysis: &analysis::DocumentAnalysis, undecided: bool) {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_owned();
    println!("autoDocument   {}", text(&report["autoDocument"]));
    println!("autoFace       {}", text(&report["autoFace"]));
    match &analysis.mrz {
        Some(mrz) => {
            println!(
                "zone           {:?} {} ({} side, confidence {:.3})",
                mrz.format,
                if mrz.valid { "valid" } else { "INVALID" },
                analysis.mrz_side.map_or("?", |s| match s {
                    Side::Front => "front",
                    Side::Back => "back",
                }),
                analysis.confidence.unwrap_or(0.0)
            );
            for line in &mrz.lines {
                println!("               {line}");
            }
            if !mrz.failed_checks.is_empty() {
                println!("failed checks  {}", mrz.failed_checks.join(", "));
            }
            println!("name           {} / {}", mrz.surname, mrz.given_names);
            println!("number         {}", mrz.document_number);
        }
        None => println!("zone           none read"),
    }
    if let Some(tags) = report["mismatchTags"].as_array().filter(|t| !t.is_empty()) {
        let names: Vec<String> = tags.iter().map(text).collect();
        println!("mismatchTags   {}", names.join(", "));
    }
    if let Some(face) = report["face"].as_object() {
        let distance = face["distance"].as_f64().map_or("-".to_owned(), |d| format!("{d:.3}"));
        let score = face["score"].as_f64().map_or("-".to_owned(), |s| format!("{s:.2}"));
        println!(
            "faces          portrait {}, selfie faces {}, distance {distance}, score {score}",
            if face["documentFaceFound"] == Value::Bool(true) { "found" } else { "not found" },
            face["selfieFaces"]
        );
    }
    if undecided {
        println!("verdict        a person decides (REVIEWING)");
    }
    let total: f64 =
        report["timingsMs"].as_object().map_or(0.0, |t| t.values().filter_map(Value::as_f64).sum());
    println!("time           {total:.0} ms");
}
