//! `face-search`: the cost of a duplicate-face check as a partner's stored faces grow
//! (docs/benchmarks.md "Duplicate face search"). Fills a fresh store with N verifications of one
//! partner, each with a sealed selfie and portrait embedding, through the store API, then times
//! `kycd_core::screening::screen` for new verifications asking `checkDuplicateFaces` and
//! `checkDuplicateDocFaces` — the same call the analysis job makes — and reports the time per
//! check and the process's peak RSS.
//!
//! `cargo run --release -p kycd-bench --bin face-search -- --faces 10000 --faces 100000`
//! (SQLite in a directory under /dev/shm unless `--dir` names another; `--database
//! postgres://…` for PostgreSQL: a fresh database is created beside the one named).

use anyhow::Context;
use clap::Parser;
use kycd_core::{DataPolicy, Services, files, screening};
use kycd_domain::{Clock, Environment, SystemClock, vocabulary::FaceOrigin};
use kycd_store::{
    FacesFound, NewFace, Partner, Store, Verification,
    conformance::{sample_partner, sample_verification},
    crypto::MasterKey,
};
use std::{sync::Arc, time::Instant};

#[derive(Debug, Parser)]
#[command(name = "face-search", about = "Duplicate-face search time against stored faces")]
struct Args {
    /// Stored verifications (each with a selfie and a portrait face); repeat for several sizes.
    #[arg(long = "faces", default_values_t = [10_000usize, 100_000])]
    sizes: Vec<usize>,
    /// Checks timed per size.
    #[arg(long, default_value_t = 20)]
    checks: usize,
    /// Where the SQLite databases go (a tmpfs keeps the filling quick) [default: /dev/shm].
    #[arg(long, default_value = "/dev/shm")]
    dir: std::path::PathBuf,
    /// A PostgreSQL server URL instead of SQLite.
    #[arg(long)]
    database: Option<String>,
}

/// A deterministic stream of embedding-like vectors: 128 numbers of norm 1 (dlib's embeddings
/// lie near a sphere), so random pairs are far apart, as different people are.
struct Embeddings(u64);

impl Embeddings {
    fn next(&mut self) -> Vec<f32> {
        let mut v: Vec<f32> = (0..128)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                (self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        v
    }
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A conformance sample verification of `partner` for `client`, asking `settings`.
fn verification(partner: &Partner, client: &str, settings: serde_json::Value) -> Verification {
    let mut v = sample_verification(partner, client);
    if let Some(extra) = settings.as_object() {
        v.request.custom_settings.extend(extra.clone());
    }
    v
}

fn faces(v: &Verification, embeddings: &mut Embeddings) -> FacesFound {
    FacesFound {
        partner_id: v.partner_id,
        scan_ref: v.scan_ref.clone(),
        client_id: v.client_id.clone(),
        faces: vec![
            NewFace { origin: FaceOrigin::Selfie, embedding: embeddings.next() },
            NewFace { origin: FaceOrigin::Document, embedding: embeddings.next() },
        ],
        at: SystemClock.now(),
    }
}

async fn open(args: &Args, size: usize, master: &MasterKey) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(url) = &args.database {
        let fresh = kycd_store_postgres::testing::fresh_database(url).await?;
        return Ok(Arc::new(kycd_store_postgres::PostgresStore::open(&fresh, master).await?));
    }
    let path = args.dir.join(format!("kycd-face-search-{size}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());
    Ok(Arc::new(kycd_store_sqlite::SqliteStore::open(&url, master).await?))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let master = MasterKey::generate();
    println!("| stored verifications | faces stored | fill | check p50 | check p95 | peak RSS |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for &size in &args.sizes {
        let store = open(&args, size, &master).await?;
        let files_dir = tempfile::tempdir()?;
        let core = Services {
            store: store.clone(),
            clock: Arc::new(SystemClock),
            files: files::FileStore::open(None, files_dir.path(), store.key_ring())
                .context("file store")?,
            links: files::LinkSigner::new(
                master.derive("kycd-file-links"),
                time::Duration::hours(1),
            ),
            policy: Arc::new(DataPolicy::default()),
            webhook_wake: Default::default(),
            analysis_wake: Default::default(),
            public_url: "http://127.0.0.1".into(),
            review: Default::default(),
        };
        let partner = sample_partner("bench", Environment::Dev, None);
        store.create_partner(&partner).await?;

        let filling = Instant::now();
        let tasks = 16;
        let mut running = Vec::new();
        for task in 0..tasks {
            let (store, partner) = (store.clone(), partner.clone());
            running.push(tokio::spawn(async move {
                let mut embeddings = Embeddings(0x9E37_79B9_7F4A_7C15 ^ (task as u64 + 1));
                for i in (task..size).step_by(tasks) {
                    let v = verification(&partner, &format!("client-{i}"), serde_json::json!({}));
                    store.create_verification(&v, &[]).await?;
                    store.record_faces(&faces(&v, &mut embeddings)).await?;
                }
                anyhow::Ok(())
            }));
        }
        for task in running {
            task.await??;
        }
        let fill_s = filling.elapsed().as_secs_f64();

        let asking =
            serde_json::json!({"checkDuplicateFaces": true, "checkDuplicateDocFaces": true});
        let mut embeddings = Embeddings(42);
        let mut times = Vec::new();
        for check in 0..args.checks {
            let v = verification(&partner, &format!("new-{check}"), asking.clone());
            store.create_verification(&v, &[]).await?;
            let seen = faces(&v, &mut embeddings).faces;
            let started = Instant::now();
            let found = screening::screen(&core, &v, seen, &Default::default()).await?;
            times.push(started.elapsed().as_secs_f64() * 1e3);
            anyhow::ensure!(found.duplicate_faces.is_empty(), "random faces matched");
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "| {size} | {} | {fill_s:.0} s | {:.0} ms | {:.0} ms | {:.0} MB |",
            size * 2,
            at(0.5),
            at(0.95),
            peak_rss_mb()
        );
        if args.database.is_none() {
            let path = args.dir.join(format!("kycd-face-search-{size}-{}.db", std::process::id()));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
    Ok(())
}
