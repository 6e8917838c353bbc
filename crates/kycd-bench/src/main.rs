//! `kycd-bench`: runs one benchmark scenario (kycd and its comparator, alternating) and writes
//! `<out>/<scenario>.json` and `.md`; or drives any loopback server with `load`.

use anyhow::{Context, ensure};
use bytes::Bytes;
use clap::{Args, Parser, Subcommand};
use http::StatusCode;
use kycd_bench::{bodies, harness::Programs, load, report::Report, scenarios};
use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

#[derive(Debug, Parser)]
#[command(name = "kycd-bench", about = "Loopback benchmarks of kycd against its comparators")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// POST /api/v2/token (full §2 example): kycd vs the baseline server.
    Token(Common),
    /// POST /api/v2/status on 1,000 pre-created verifications: kycd vs the baseline server.
    Status(Common),
    /// Dummy token → signed webhook to an in-process receiver: kycd vs the baseline server.
    Webhook {
        #[command(flatten)]
        common: Common,
        /// At most this many tokens per round.
        #[arg(long, default_value_t = 300_000)]
        max_requests: u64,
    },
    /// The token scenario at 1, 16, 64 and 256 connections: the baseline's ceiling, kycd beside it.
    Baseline(Common),
    /// The token scenario against Stoplight Prism mocking iDenfy's OpenAPI document.
    Prism(Common),
    /// Start-up time to /health, idle RSS and RSS under load: kycd vs the baseline.
    Footprint(Common),
    /// Drive any loopback server: POST (or GET without a body) one path with N connections.
    Load(LoadArgs),
}

#[derive(Debug, Args)]
struct Common {
    /// Measured rounds per target (kycd and comparator alternate).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Seconds per round.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of unmeasured load before the first round of each target.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Concurrent connections.
    #[arg(long, short = 'c', default_value_t = 64)]
    connections: usize,
    /// Results directory [default: target/bench].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The kycd binary [default: beside this binary].
    #[arg(long)]
    kycd: Option<PathBuf>,
    /// The baseline binary [default: beside this binary].
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Prism's launcher [default: <out>/prism/node_modules/.bin/prism].
    #[arg(long)]
    prism: Option<PathBuf>,
    /// iDenfy's OpenAPI document [default: ../shared/spec/idenfy-kyc-openapi.yml].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Run kycd on PostgreSQL: a server URL such as postgres://postgres@127.0.0.1:5432/test; each
    /// kycd gets a fresh database there (created beside that URL's database).
    #[arg(long, env = "KYCD_BENCH_POSTGRES")]
    postgres: Option<String>,
    /// Where kycd's temporary data directories go (their disk takes the fsyncs) [default: <out>/data].
    #[arg(long)]
    data_parent: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// Server address, e.g. 127.0.0.1:8080 (loopback only).
    #[arg(long)]
    addr: SocketAddr,
    #[arg(long, default_value = "/api/v2/token")]
    path: String,
    /// JSON body file; without it the request is a GET.
    #[arg(long)]
    body: Option<PathBuf>,
    /// API key:secret for Basic auth.
    #[arg(long)]
    auth: Option<String>,
    #[arg(long, short = 'c', default_value_t = 64)]
    connections: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Stop after this many requests.
    #[arg(long)]
    requests: Option<u64>,
    /// The status that counts as success.
    #[arg(long, default_value_t = 201)]
    expect: u16,
}

impl Common {
    fn settings(&self) -> anyhow::Result<(scenarios::Settings, PathBuf)> {
        ensure!(self.rounds >= 1, "--rounds must be at least 1");
        ensure!(self.duration > 0.0 && self.duration <= 600.0, "--duration must be in (0, 600]");
        ensure!((0.0..=60.0).contains(&self.warmup), "--warmup must be in [0, 60]");
        ensure!((1..=4096).contains(&self.connections), "--connections must be in 1..=4096");
        let exe = std::env::current_exe().context("locating this binary")?;
        let exe_dir = exe.parent().context("this binary has no directory")?.to_path_buf();
        // target/release/kycd-bench → the repository is two levels up.
        let repo = exe_dir.parent().and_then(|p| p.parent()).map(PathBuf::from);
        let out = self.out.clone().unwrap_or_else(|| {
            repo.as_ref().map(|r| r.join("target/bench")).unwrap_or_else(|| "bench".into())
        });
        let spec = self.spec.clone().unwrap_or_else(|| {
            repo.as_ref()
                .map(|r| r.join("../shared/spec/idenfy-kyc-openapi.yml"))
                .unwrap_or_default()
        });
        let programs = Programs {
            kycd: self.kycd.clone().unwrap_or_else(|| exe_dir.join("kycd")),
            baseline: self.baseline.clone().unwrap_or_else(|| exe_dir.join("baseline")),
            prism: Some(
                self.prism.clone().unwrap_or_else(|| out.join("prism/node_modules/.bin/prism")),
            ),
            spec,
            data_parent: self.data_parent.clone().unwrap_or_else(|| out.join("data")),
            log_dir: out.join("logs"),
            postgres_server: self.postgres.clone(),
        };
        ensure!(
            programs.kycd.exists(),
            "{} is missing: cargo build --release -p kycd-server -p kycd-bench",
            programs.kycd.display()
        );
        let settings = scenarios::Settings {
            programs,
            rounds: self.rounds,
            duration: Duration::from_secs_f64(self.duration),
            warmup: Duration::from_secs_f64(self.warmup),
            connections: self.connections,
        };
        Ok((settings, out))
    }
}

async fn run_load(args: &LoadArgs) -> anyhow::Result<()> {
    ensure!(args.addr.ip().is_loopback(), "kycd-bench load only drives loopback addresses");
    let body = match &args.body {
        Some(path) => Some(Bytes::from(std::fs::read(path)?)),
        None => None,
    };
    let auth = match &args.auth {
        Some(pair) => {
            let (key, secret) = pair.split_once(':').context("--auth must be KEY:SECRET")?;
            bodies::basic_auth(key, secret)
        }
        None => http::HeaderValue::from_static("Basic Og=="),
    };
    let (addr, path) = (args.addr, args.path.clone());
    let make: load::MakeRequest = Arc::new(move |_| match &body {
        Some(body) => bodies::post_json(addr, &path, &auth, body.clone()),
        None => bodies::get(addr, &path),
    });
    let mut plan = load::Plan::new(args.addr, args.connections, StatusCode::from_u16(args.expect)?)
        .for_duration(Duration::from_secs_f64(args.duration.clamp(0.001, 600.0)));
    if let Some(requests) = args.requests {
        plan = plan.for_requests(requests);
    }
    let outcome = load::run(&plan, make, None).await?;
    println!("{}", serde_json::to_string_pretty(&outcome)?);
    Ok(())
}

async fn run(command: Command) -> anyhow::Result<()> {
    let (common, scenario) = match &command {
        Command::Load(args) => return run_load(args).await,
        Command::Token(c) => (c, "token"),
        Command::Status(c) => (c, "status"),
        Command::Webhook { common, .. } => (common, "webhook"),
        Command::Baseline(c) => (c, "baseline"),
        Command::Prism(c) => (c, "prism"),
        Command::Footprint(c) => (c, "footprint"),
    };
    let (settings, out) = common.settings()?;
    eprintln!("kycd-bench {scenario}: load average {}", kycd_bench::report::load_average());
    let work = async {
        match &command {
            Command::Token(_) => scenarios::token(&settings).await,
            Command::Status(_) => scenarios::status(&settings).await,
            Command::Webhook { max_requests, .. } => {
                scenarios::webhook(&settings, *max_requests).await
            }
            Command::Baseline(_) => scenarios::baseline_sweep(&settings).await,
            Command::Prism(_) => scenarios::prism(&settings).await,
            Command::Footprint(_) => scenarios::footprint(&settings).await,
            Command::Load(_) => unreachable!("handled above"),
        }
    };
    // Every scenario is bounded by its rounds; this is the backstop.
    let mut report: Report = tokio::select! {
        report = tokio::time::timeout(Duration::from_secs(40 * 60), work) => {
            report.context("the scenario ran for over 40 minutes")??
        }
        _ = tokio::signal::ctrl_c() => anyhow::bail!("interrupted"),
    };
    report.write(&out)?;
    println!("{}", report.markdown());
    eprintln!("wrote {}/{scenario}.json and .md", out.display());
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // One worker thread: the generator takes at most one of the machine's cores, whatever the
    // server does with the rest.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(run(cli.command))
}
