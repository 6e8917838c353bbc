//! Starting and stopping what is measured: `kycd serve` on a fresh data directory with a DEV
//! partner created beforehand through the CLI (rate limit 0), the `baseline` server and Stoplight
//! Prism. Every server listens on 127.0.0.1 only and is killed when its [`Server`] is dropped.

use crate::{bodies, load};
use anyhow::{Context, bail, ensure};
use serde::Deserialize;
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};
use tokio::process::{Child, Command};

/// The API key pair of the benchmark partner.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    pub api_key: String,
    pub api_secret: String,
    #[serde(default)]
    pub signing_key: String,
}

/// Where the programs under test are.
#[derive(Debug, Clone)]
pub struct Programs {
    pub kycd: PathBuf,
    pub baseline: PathBuf,
    /// `node_modules/.bin/prism`, when installed.
    pub prism: Option<PathBuf>,
    /// iDenfy's OpenAPI document, which Prism mocks.
    pub spec: PathBuf,
    /// Parent of kycd's temporary data directories (its disk is the one kycd fsyncs to).
    pub data_parent: PathBuf,
    /// Server logs go here.
    pub log_dir: PathBuf,
    /// A PostgreSQL server URL: each kycd then gets a fresh database there instead of SQLite.
    pub postgres_server: Option<String>,
}

/// The environment that points a kycd at its database: nothing for SQLite (the file in the data
/// directory), or `KYCD_DATABASE_URL` for a fresh, empty PostgreSQL database.
pub async fn database_env(programs: &Programs) -> anyhow::Result<Vec<(String, String)>> {
    let Some(server) = &programs.postgres_server else { return Ok(Vec::new()) };
    let url = kycd_store_postgres::testing::fresh_database(server)
        .await
        .with_context(|| format!("creating a database on {server}"))?;
    Ok(vec![("KYCD_DATABASE_URL".to_owned(), url)])
}

/// A running server under test.
pub struct Server {
    pub name: &'static str,
    pub addr: SocketAddr,
    pub pid: u32,
    /// From spawn to the first successful readiness probe.
    pub ready_after: Duration,
    pub credentials: Credentials,
    child: Child,
    _data_dir: Option<tempfile::TempDir>,
}

impl Server {
    /// Resident set size now, in KiB (Linux /proc).
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid)
    }

    /// SIGTERM (so a profiler wrapping the server writes its output), then SIGKILL after 10 s.
    pub async fn stop(mut self) {
        if self.pid != 0 {
            let _ = Command::new("kill").arg(self.pid.to_string()).status().await;
            if tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await.is_ok() {
                return;
            }
        }
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

/// VmRSS of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Environment for every kycd the bench starts: JSON logs at warn (logging out of the hot path)
/// and the expiry sweeper effectively off (one pass at start, then hourly), so a run never
/// expires tokens and queues webhooks of its own.
pub fn kycd_env() -> Vec<(String, String)> {
    vec![
        ("KYCD_LOG_FORMAT".into(), "json".into()),
        ("RUST_LOG".into(), "warn".into()),
        ("KYCD_SWEEP_INTERVAL_MS".into(), "3600000".into()),
    ]
}

fn log_file(dir: &Path, name: &str) -> anyhow::Result<(Stdio, Stdio)> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{name}.log"));
    let file = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
    Ok((Stdio::from(file.try_clone()?), Stdio::from(file)))
}

fn clean_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    for (key, _) in std::env::vars() {
        if key.starts_with("KYCD_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command.kill_on_drop(true);
    command
}

/// A fresh data directory with a migrated database and the DEV partner `bench` (rate limit 0),
/// created through `kycd partner create --json` before any server runs.
/// Returns the directory, the partner's credentials and the environment `kycd serve` needs to
/// find the same database.
pub async fn prepare_kycd_dir(
    programs: &Programs,
) -> anyhow::Result<(tempfile::TempDir, Credentials, Vec<(String, String)>)> {
    std::fs::create_dir_all(&programs.data_parent)?;
    let dir = tempfile::Builder::new().prefix("kycd-").tempdir_in(&programs.data_parent)?;
    let database = database_env(programs).await?;
    let output = clean_command(&programs.kycd)
        .envs(kycd_env())
        .envs(database.iter().cloned())
        .arg("--data-dir")
        .arg(dir.path())
        .args(["partner", "create", "--name", "bench", "--environment", "dev"])
        .args(["--rate-limit", "0", "--json"])
        .stdin(Stdio::null())
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .context("kycd partner create took over 60 s")?
        .with_context(|| format!("running {}", programs.kycd.display()))?;
    ensure!(
        output.status.success(),
        "kycd partner create failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let credentials: Credentials = serde_json::from_slice(&output.stdout)
        .context("kycd partner create --json did not print the expected JSON")?;
    Ok((dir, credentials, database))
}

/// Starts `kycd serve` on `dir` (prepared by [`prepare_kycd_dir`]) with extra environment.
pub async fn start_kycd(
    programs: &Programs,
    dir: tempfile::TempDir,
    credentials: Credentials,
    extra_env: &[(String, String)],
    log_name: &str,
) -> anyhow::Result<Server> {
    let port = free_port()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (out, err) = log_file(&programs.log_dir, log_name)?;
    let started = Instant::now();
    // KYCD_BENCH_WRAP="strace -f -c -o FILE" (or valgrind …) runs `kycd serve` under a profiler.
    let wrap = std::env::var("KYCD_BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut command = match words.next() {
        Some(wrapper) => {
            let mut command = clean_command(Path::new(wrapper));
            command.args(words).arg(&programs.kycd);
            command
        }
        None => clean_command(&programs.kycd),
    };
    let child = command
        .envs(kycd_env())
        .envs(extra_env.iter().cloned())
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", &addr.to_string()])
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("starting {}", programs.kycd.display()))?;
    let pid = child.id().unwrap_or(0);
    let mut server = Server {
        name: "kycd",
        addr,
        pid,
        ready_after: Duration::ZERO,
        credentials,
        child,
        _data_dir: Some(dir),
    };
    server.ready_after = wait_ready(&mut server, started, "/health", true).await?;
    Ok(server)
}

/// Prepares a data directory and starts kycd on it.
pub async fn kycd(
    programs: &Programs,
    extra_env: &[(String, String)],
    log_name: &str,
) -> anyhow::Result<Server> {
    let (dir, credentials, mut env) = prepare_kycd_dir(programs).await?;
    env.extend(extra_env.iter().cloned());
    start_kycd(programs, dir, credentials, &env, log_name).await
}

/// Starts the baseline server.
pub async fn baseline(programs: &Programs, log_name: &str) -> anyhow::Result<Server> {
    let port = free_port()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (out, err) = log_file(&programs.log_dir, log_name)?;
    let started = Instant::now();
    let child = clean_command(&programs.baseline)
        .args(["--listen", &addr.to_string()])
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("starting {}", programs.baseline.display()))?;
    let pid = child.id().unwrap_or(0);
    let credentials = Credentials {
        api_key: "baseline-key".into(),
        api_secret: "baseline-secret".into(),
        signing_key: "baseline-signing-key".into(),
    };
    let mut server = Server {
        name: "baseline",
        addr,
        pid,
        ready_after: Duration::ZERO,
        credentials,
        child,
        _data_dir: None,
    };
    server.ready_after = wait_ready(&mut server, started, "/health", true).await?;
    Ok(server)
}

/// Starts `prism mock` on iDenfy's OpenAPI document, or says why it cannot.
pub async fn prism(programs: &Programs, log_name: &str) -> anyhow::Result<Server> {
    let Some(prism) = &programs.prism else { bail!("Prism is not installed") };
    ensure!(prism.exists(), "Prism is not installed at {}", prism.display());
    ensure!(programs.spec.exists(), "the OpenAPI spec {} is missing", programs.spec.display());
    let port = free_port()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (out, err) = log_file(&programs.log_dir, log_name)?;
    let started = Instant::now();
    let child = clean_command(prism)
        .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string(), "-v", "warn"])
        .arg(&programs.spec)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("starting {}", prism.display()))?;
    let pid = child.id().unwrap_or(0);
    let credentials = Credentials {
        api_key: "prism-key".into(),
        api_secret: "prism-secret".into(),
        signing_key: String::new(),
    };
    let mut server = Server {
        name: "prism",
        addr,
        pid,
        ready_after: Duration::ZERO,
        credentials,
        child,
        _data_dir: None,
    };
    // Prism has no health route: any HTTP answer means it is serving.
    server.ready_after = wait_ready(&mut server, started, "/", false).await?;
    Ok(server)
}

/// Polls `path` every millisecond until it answers (200 if `need_ok`), the process exits, or 60 s
/// pass. Returns the time since `started`.
async fn wait_ready(
    server: &mut Server,
    started: Instant,
    path: &str,
    need_ok: bool,
) -> anyhow::Result<Duration> {
    let deadline = started + Duration::from_secs(60);
    loop {
        if let Some(status) = server.child.try_wait()? {
            bail!("{} exited during start-up with {status}; see its log", server.name);
        }
        let probe = bodies::get(server.addr, path);
        if let Ok((status, _)) = load::once(server.addr, probe, Duration::from_secs(2)).await
            && (!need_ok || status.is_success())
        {
            return Ok(started.elapsed());
        }
        if Instant::now() >= deadline {
            let _ = server.child.start_kill();
            bail!("{} did not answer {path} within 60 s", server.name);
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
