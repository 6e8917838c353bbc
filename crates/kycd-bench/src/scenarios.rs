//! The scenarios. Each one starts kycd and its comparator once, then measures them in turns
//! (kycd, comparator, kycd, comparator, …) for the configured number of rounds, so slow drifts of
//! the machine hit both alike, and reports medians, ratios and the goals.
//!
//! Over 500 lines on purpose: one function per scenario of docs/benchmarks.md, side by side, so
//! the scenarios stay comparable.

use crate::{
    bodies,
    harness::{self, Programs, Server},
    load::{self, MakeRequest, OnResponse, Plan},
    receiver::Receiver,
    report::{Report, Round},
    stats::{Percentiles, rate},
};
use anyhow::{Context, ensure};
use bytes::Bytes;
use http::StatusCode;
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// What every scenario is told.
#[derive(Debug, Clone)]
pub struct Settings {
    pub programs: Programs,
    pub rounds: usize,
    /// Length of one measured round.
    pub duration: Duration,
    /// Unmeasured load before the first round of each target.
    pub warmup: Duration,
    pub connections: usize,
}

impl Settings {
    fn describe(&self, report: &mut Report) {
        report.setting("rounds", self.rounds);
        report.setting("round_seconds", self.duration.as_secs_f64());
        report.setting("warmup_seconds", self.warmup.as_secs_f64());
        report.setting("connections", self.connections);
        report.setting("kycd", self.programs.kycd.display().to_string());
        report.setting("data_dir_parent", self.programs.data_parent.display().to_string());
        report.setting(
            "database",
            match &self.programs.postgres_server {
                Some(server) => format!("PostgreSQL (a fresh database on {server} per kycd)"),
                None => "SQLite (a fresh file per kycd)".to_owned(),
            },
        );
    }
}

/// Turns a load outcome into a report row.
fn round_from(phase: &str, target: &str, index: usize, outcome: &load::Outcome) -> Round {
    let mut round = Round::new(phase, target, index);
    round
        .metric("req/s", outcome.throughput_rps)
        .metric("p50 ms", outcome.latency.p50_ms)
        .metric("p90 ms", outcome.latency.p90_ms)
        .metric("p99 ms", outcome.latency.p99_ms)
        .metric("max ms", outcome.latency.max_ms)
        .metric("errors", outcome.errors as f64);
    for (kind, count) in &outcome.error_kinds {
        round.error_kinds.insert(kind.clone(), (*count).into());
    }
    round.error_samples = outcome.error_samples.clone();
    round
}

fn post_maker(server: &Server, path: &'static str, body: Bytes) -> MakeRequest {
    let addr = server.addr;
    let auth = bodies::basic_auth(&server.credentials.api_key, &server.credentials.api_secret);
    Arc::new(move |_| bodies::post_json(addr, path, &auth, body.clone()))
}

fn token_body() -> Bytes {
    Bytes::from(bodies::token_full_example().to_string())
}

async fn warm_up(
    settings: &Settings,
    server: &Server,
    make: MakeRequest,
    expect: StatusCode,
) -> anyhow::Result<()> {
    if settings.warmup.is_zero() {
        return Ok(());
    }
    let plan = Plan::new(server.addr, settings.connections, expect).for_duration(settings.warmup);
    load::run(&plan, make, None).await?;
    Ok(())
}

/// Token creation, kycd vs `other`, alternating, at `connections`.
async fn token_rounds(
    settings: &Settings,
    report: &mut Report,
    phase: &str,
    connections: usize,
    servers: &[&Server],
    expect: &[StatusCode],
    body: Bytes,
) -> anyhow::Result<()> {
    for (server, expect) in servers.iter().zip(expect) {
        let make = post_maker(server, "/api/v2/token", body.clone());
        let settings = Settings { connections, ..settings.clone() };
        warm_up(&settings, server, make, *expect).await?;
    }
    for index in 1..=settings.rounds {
        for (server, expect) in servers.iter().zip(expect) {
            let make = post_maker(server, "/api/v2/token", body.clone());
            let plan = Plan::new(server.addr, connections, *expect).for_duration(settings.duration);
            let outcome = load::run(&plan, make, None).await?;
            eprintln!(
                "  {phase} · {} · round {index}: {:.0} req/s, p99 {:.2} ms, {} errors",
                server.name, outcome.throughput_rps, outcome.latency.p99_ms, outcome.errors
            );
            report.rounds.push(round_from(phase, server.name, index, &outcome));
        }
    }
    Ok(())
}

/// `token`: POST /api/v2/token with the full §2 example, kycd (SQLite with synchronous=FULL, or
/// PostgreSQL with `--postgres`) vs the baseline server.
pub async fn token(settings: &Settings) -> anyhow::Result<Report> {
    let mut report = Report::new("token");
    settings.describe(&mut report);
    let kycd = harness::kycd(&settings.programs, &[], "token-kycd").await?;
    let base = harness::baseline(&settings.programs, "token-baseline").await?;
    let phase = format!("token, {} connections", settings.connections);
    token_rounds(
        settings,
        &mut report,
        &phase,
        settings.connections,
        &[&kycd, &base],
        &[StatusCode::CREATED, StatusCode::CREATED],
        token_body(),
    )
    .await?;
    kycd.stop().await;
    base.stop().await;
    report.summarise();
    let ratio = report.ratio(&phase, "req/s", "baseline").unwrap_or(f64::NAN);
    report.ratio(&phase, "p99 ms", "baseline");
    report.check("token throughput ≥ 0.5× baseline", format!("{ratio:.3}×"), ratio >= 0.5);
    let p99 = report.summary(&phase, "kycd").and_then(|s| s.get("p99 ms")).unwrap_or(f64::NAN);
    report.check(
        &format!("token p99 ≤ 10 ms at {} connections", settings.connections),
        format!("{p99:.2} ms"),
        p99 <= 10.0,
    );
    report.notes.push(match &settings.programs.postgres_server {
        None => "kycd writes through SQLite in WAL mode with synchronous=FULL (durable: every \
                 committed token survives power loss), batched by its group commit; the \
                 partner's rate limit is 0 so no rate-window write is made."
            .to_owned(),
        Some(_) => "kycd writes through PostgreSQL (the server's own durability settings, \
                    synchronous_commit on by default); the partner's rate limit is 0 so no \
                    rate-window write is made."
            .to_owned(),
    });
    report.notes.push(
        "The request body is the §2 full example with callbackUrl on the loopback discard port \
         (http://127.0.0.1:9/…) so nothing can ever address another host."
            .into(),
    );
    Ok(report)
}

/// `baseline`: the token scenario swept over 1, 16, 64 and 256 connections, so the ceiling of
/// this machine is known at every concurrency (kycd alongside for the ratio).
pub async fn baseline_sweep(settings: &Settings) -> anyhow::Result<Report> {
    let mut report = Report::new("baseline");
    settings.describe(&mut report);
    report.setting("connections", "1, 16, 64, 256");
    let kycd = harness::kycd(&settings.programs, &[], "baseline-kycd").await?;
    let base = harness::baseline(&settings.programs, "baseline-baseline").await?;
    let mut phases = Vec::new();
    for connections in [1, 16, 64, 256] {
        let phase = format!("token, {connections} connections");
        token_rounds(
            settings,
            &mut report,
            &phase,
            connections,
            &[&base, &kycd],
            &[StatusCode::CREATED, StatusCode::CREATED],
            token_body(),
        )
        .await?;
        phases.push(phase);
    }
    kycd.stop().await;
    base.stop().await;
    report.summarise();
    for phase in &phases {
        report.ratio(phase, "req/s", "baseline");
    }
    report.notes.push(
        "The baseline is an axum server that parses the same JSON body and answers a fixed 201 \
         (no storage, no validation): the practical ceiling of HTTP + JSON on this machine with \
         the load generator sharing the CPUs."
            .into(),
    );
    Ok(report)
}

/// Creates `count` ACTIVE verifications and returns their scanRefs.
async fn create_verifications(server: &Server, count: u64) -> anyhow::Result<Vec<String>> {
    let scan_refs = Arc::new(Mutex::new(Vec::new()));
    let sink = scan_refs.clone();
    let on_response: OnResponse = Arc::new(move |_, status, body| {
        if status != StatusCode::CREATED {
            return;
        }
        let scan_ref = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["scanRef"].as_str().map(str::to_owned));
        if let (Some(scan_ref), Ok(mut refs)) = (scan_ref, sink.lock()) {
            refs.push(scan_ref);
        }
    });
    let plan = Plan::new(server.addr, 8, StatusCode::CREATED).for_requests(count);
    let outcome =
        load::run(&plan, post_maker(server, "/api/v2/token", token_body()), Some(on_response))
            .await?;
    ensure!(outcome.errors == 0, "creating verifications failed: {:?}", outcome.error_samples);
    let refs = scan_refs.lock().map(|r| r.clone()).unwrap_or_default();
    ensure!(refs.len() as u64 == count, "expected {count} scanRefs, got {}", refs.len());
    Ok(refs)
}

/// `status`: POST /api/v2/status over 1,000 pre-created verifications, round robin. kycd runs
/// with KYCD_STATUS_POLL_LIMIT=0: its polling guard (10 calls per verification per minute by
/// default) would otherwise answer 429 almost at once.
pub async fn status(settings: &Settings) -> anyhow::Result<Report> {
    let mut report = Report::new("status");
    settings.describe(&mut report);
    report.setting("KYCD_STATUS_POLL_LIMIT", 0);
    report.setting("verifications", 1000);
    let env = [("KYCD_STATUS_POLL_LIMIT".to_owned(), "0".to_owned())];
    let kycd = harness::kycd(&settings.programs, &env, "status-kycd").await?;
    let base = harness::baseline(&settings.programs, "status-baseline").await?;
    let scan_refs: Arc<Vec<Bytes>> = Arc::new(
        create_verifications(&kycd, 1000).await?.iter().map(|s| bodies::status_body(s)).collect(),
    );
    let phase = format!("status, {} connections", settings.connections);
    let maker = |server: &Server| -> MakeRequest {
        let addr = server.addr;
        let auth = bodies::basic_auth(&server.credentials.api_key, &server.credentials.api_secret);
        let bodies_ = scan_refs.clone();
        Arc::new(move |seq| {
            let body = bodies_[(seq % bodies_.len() as u64) as usize].clone();
            bodies::post_json(addr, "/api/v2/status", &auth, body)
        })
    };
    for server in [&kycd, &base] {
        warm_up(settings, server, maker(server), StatusCode::OK).await?;
    }
    for index in 1..=settings.rounds {
        for server in [&kycd, &base] {
            let plan = Plan::new(server.addr, settings.connections, StatusCode::OK)
                .for_duration(settings.duration);
            let outcome = load::run(&plan, maker(server), None).await?;
            eprintln!(
                "  {phase} · {} · round {index}: {:.0} req/s, p99 {:.2} ms, {} errors",
                server.name, outcome.throughput_rps, outcome.latency.p99_ms, outcome.errors
            );
            report.rounds.push(round_from(&phase, server.name, index, &outcome));
        }
    }
    kycd.stop().await;
    base.stop().await;
    report.summarise();
    let ratio = report.ratio(&phase, "req/s", "baseline").unwrap_or(f64::NAN);
    report.ratio(&phase, "p99 ms", "baseline");
    report.check("status throughput ≥ 0.8× baseline", format!("{ratio:.3}×"), ratio >= 0.8);
    report.notes.push(
        "kycd ran with KYCD_STATUS_POLL_LIMIT=0, which turns the per-verification polling guard \
         off; with the default (10 per minute) nearly every call would be a 429."
            .into(),
    );
    Ok(report)
}

/// Measures one webhook round: dummy tokens sent for `duration`, then waits (bounded) for the
/// webhooks to arrive.
async fn webhook_round(
    settings: &Settings,
    receiver: &Receiver,
    server: &Server,
    connections: usize,
    first_seq: u64,
    max_requests: u64,
    measure: bool,
) -> anyhow::Result<Option<Round>> {
    let addr = server.addr;
    let receiver_addr = receiver.addr;
    let auth = bodies::basic_auth(&server.credentials.api_key, &server.credentials.api_secret);
    let tracker = receiver.tracker.clone();
    let make: MakeRequest = Arc::new(move |seq| {
        let global = first_seq + seq;
        tracker.mark_sent(global);
        bodies::post_json(addr, "/api/v2/token", &auth, bodies::dummy_token(global, receiver_addr))
    });
    let duration = if measure { settings.duration } else { settings.warmup };
    let plan = Plan::new(server.addr, connections, StatusCode::CREATED)
        .for_duration(duration)
        .for_requests(max_requests);
    let outcome = load::run(&plan, make, None).await?;
    // Wait for the deliveries: until all arrived, 5 s without progress, or 60 s.
    let range = first_seq..first_seq + max_requests;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = (receiver.tracker.received_in(range.clone()), Instant::now());
    loop {
        let received = receiver.tracker.received_in(range.clone());
        if received >= outcome.ok || Instant::now() >= deadline {
            break;
        }
        if received > last.0 {
            last = (received, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(5) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if !measure {
        return Ok(None);
    }
    let window = receiver.tracker.window(range);
    let e2e = Percentiles::from_nanos(window.latencies_nanos);
    let mut round = round_from("", server.name, 0, &outcome);
    round.metrics.clear();
    round
        .metric("tokens/s", outcome.throughput_rps)
        .metric("token p99 ms", outcome.latency.p99_ms)
        .metric("deliveries/s", rate(window.received, window.span))
        .metric("e2e p50 ms", e2e.p50_ms)
        .metric("e2e p90 ms", e2e.p90_ms)
        .metric("e2e p99 ms", e2e.p99_ms)
        .metric("e2e max ms", e2e.max_ms)
        .metric("delivered", window.received as f64)
        .metric("undelivered", outcome.ok.saturating_sub(window.received) as f64)
        .metric("errors", outcome.errors as f64);
    Ok(Some(round))
}

/// `webhook`: DEV dummy tokens (dummyStatus APPROVED) whose callbackUrl is the bench's own
/// receiver. End-to-end latency from request sent to webhook received, with 1 connection
/// (latency) and with `connections` (sustained deliveries/s). The comparator is the baseline
/// server firing the same-size signed webhook straight from memory, without any outbox.
pub async fn webhook(settings: &Settings, max_requests: u64) -> anyhow::Result<Report> {
    let mut report = Report::new("webhook");
    settings.describe(&mut report);
    report.setting("max_tokens_per_round", max_requests);
    let phases = [(1usize, "webhook, 1 connection"), (settings.connections, "webhook, saturated")];
    let slots = (settings.rounds + 1) * 2 * phases.len();
    let capacity = usize::try_from(max_requests)?.saturating_mul(slots);
    ensure!(capacity <= 50_000_000, "--max-requests is too large for the receiver's tables");
    let receiver = Receiver::start(capacity).await?;
    let kycd = harness::kycd(&settings.programs, &[], "webhook-kycd").await?;
    let base = harness::baseline(&settings.programs, "webhook-baseline").await?;
    let mut next_seq = 0u64;
    for (connections, phase) in phases {
        let phase = if connections == 1 {
            phase.to_owned()
        } else {
            format!("webhook, {connections} connections")
        };
        for server in [&kycd, &base] {
            webhook_round(settings, &receiver, server, connections, next_seq, max_requests, false)
                .await?;
            next_seq += max_requests;
        }
        for index in 1..=settings.rounds {
            for server in [&kycd, &base] {
                let round = webhook_round(
                    settings,
                    &receiver,
                    server,
                    connections,
                    next_seq,
                    max_requests,
                    true,
                )
                .await?;
                next_seq += max_requests;
                if let Some(mut round) = round {
                    round.phase = phase.clone();
                    round.round = index;
                    eprintln!(
                        "  {phase} · {} · round {index}: {:.0} deliveries/s, e2e p50 {:.2} ms p99 {:.2} ms",
                        server.name,
                        round.get("deliveries/s").unwrap_or(0.0),
                        round.get("e2e p50 ms").unwrap_or(0.0),
                        round.get("e2e p99 ms").unwrap_or(0.0),
                    );
                    report.rounds.push(round);
                }
            }
        }
    }
    kycd.stop().await;
    base.stop().await;
    let tracker = &receiver.tracker;
    report.setting("duplicates", tracker.duplicates.load(std::sync::atomic::Ordering::Relaxed));
    report.setting("unsigned", tracker.unsigned.load(std::sync::atomic::Ordering::Relaxed));
    report.summarise();
    let light = "webhook, 1 connection".to_owned();
    let saturated = format!("webhook, {} connections", settings.connections);
    for phase in [&light, &saturated] {
        report.ratio(phase, "deliveries/s", "baseline");
        report.ratio(phase, "e2e p50 ms", "baseline");
    }
    let get = |phase: &str, metric: &str| {
        report.summary(phase, "kycd").and_then(|s| s.get(metric)).unwrap_or(f64::NAN)
    };
    let (p50, p99) = (get(&light, "e2e p50 ms"), get(&light, "e2e p99 ms"));
    let (sat_p50, sat_p99) = (get(&saturated, "e2e p50 ms"), get(&saturated, "e2e p99 ms"));
    let sustained = get(&saturated, "deliveries/s");
    report.check(
        "dummy token → webhook received p50 ≤ 5 ms (1 connection)",
        format!("{p50:.2} ms"),
        p50 <= 5.0,
    );
    report.check(
        "dummy token → webhook received p99 ≤ 50 ms (1 connection)",
        format!("{p99:.2} ms"),
        p99 <= 50.0,
    );
    report.check(
        &format!("… the same under saturation ({} connections)", settings.connections),
        format!("p50 {sat_p50:.2} ms, p99 {sat_p99:.2} ms"),
        sat_p50 <= 5.0 && sat_p99 <= 50.0,
    );
    report.check(
        "≥ 5,000 webhook deliveries/s sustained",
        format!("{sustained:.0}/s"),
        sustained >= 5000.0,
    );
    report.notes.push(
        "deliveries/s = webhooks received ÷ (first token sent → last webhook received) of the \
         round, so a backlog that drains after the load stops counts against it."
            .into(),
    );
    Ok(report)
}

/// `prism`: the token scenario against Stoplight Prism mocking iDenfy's OpenAPI document (what
/// integrators use today), alternating with kycd.
pub async fn prism(settings: &Settings) -> anyhow::Result<Report> {
    let mut report = Report::new("prism");
    settings.describe(&mut report);
    let prism = match harness::prism(&settings.programs, "prism-prism").await {
        Ok(prism) => prism,
        Err(error) => {
            let reason = format!("{error:#}");
            eprintln!("SKIPPED: prism scenario: {reason}");
            report.skipped = Some(reason);
            return Ok(report);
        }
    };
    // iDenfy's own schema types additionalSteps/additionalData as objects, so Prism answers the
    // §2 example's `null`s with 422; both servers get the example without those two keys.
    let mut example = bodies::token_full_example();
    if let Some(map) = example.as_object_mut() {
        map.remove("additionalSteps");
        map.remove("additionalData");
    }
    let request_body = Bytes::from(example.to_string());
    let probe = bodies::post_json(
        prism.addr,
        "/api/v2/token",
        &bodies::basic_auth("prism-key", "prism-secret"),
        request_body.clone(),
    );
    let (status, answer) = load::once(prism.addr, probe, Duration::from_secs(30)).await?;
    ensure!(
        status.is_success(),
        "Prism answered the token example with {status}: {}",
        String::from_utf8_lossy(&answer)
    );
    report.setting("prism_status", status.as_u16());
    report.setting("prism_ready_ms", prism.ready_after.as_secs_f64() * 1000.0);
    let kycd = harness::kycd(&settings.programs, &[], "prism-kycd").await?;
    let phase = format!("token, {} connections", settings.connections);
    token_rounds(
        settings,
        &mut report,
        &phase,
        settings.connections,
        &[&kycd, &prism],
        &[StatusCode::CREATED, status],
        request_body,
    )
    .await?;
    kycd.stop().await;
    prism.stop().await;
    report.summarise();
    let ratio = report.ratio(&phase, "req/s", "prism").unwrap_or(f64::NAN);
    report.ratio(&phase, "p99 ms", "prism");
    report.check("token throughput ≥ 20× Prism", format!("{ratio:.1}×"), ratio >= 20.0);
    report.notes.push(
        "Both servers get the §2 example without `additionalSteps: null` and \
         `additionalData: null`: iDenfy's OpenAPI document types both as objects, so Prism \
         answers the unmodified example with 422."
            .into(),
    );
    report.notes.push(format!(
        "Prism: `prism mock -v warn {}`; it answers {} with the spec's example and does not \
         store anything.",
        settings.programs.spec.display(),
        status.as_u16()
    ));
    Ok(report)
}

/// Samples a process's RSS every 20 ms while `work` runs; returns the work's result and the
/// largest RSS seen (KiB).
async fn with_peak_rss<T>(pid: u32, work: impl std::future::Future<Output = T>) -> (T, u64) {
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampler_peak = peak.clone();
    let sampler = tokio::spawn(async move {
        loop {
            if let Some(rss) = harness::rss_kib(pid) {
                sampler_peak.fetch_max(rss, std::sync::atomic::Ordering::Relaxed);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let result = work.await;
    sampler.abort();
    (result, peak.load(std::sync::atomic::Ordering::Relaxed))
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

/// `footprint`: time from process start to the first 200 on /health, idle RSS, RSS under token
/// load; kycd and the baseline alternating, each round a fresh process.
pub async fn footprint(settings: &Settings) -> anyhow::Result<Report> {
    let mut report = Report::new("footprint");
    settings.describe(&mut report);
    let phase = "footprint";
    let idle = Duration::from_secs(2);
    let load_for = settings.duration.min(Duration::from_secs(5));
    report.setting("idle_seconds", idle.as_secs_f64());
    report.setting("load_seconds", load_for.as_secs_f64());
    for index in 1..=settings.rounds {
        for target in ["kycd", "baseline"] {
            let name = format!("footprint-{target}-{index}");
            let server = if target == "kycd" {
                harness::kycd(&settings.programs, &[], &name).await?
            } else {
                harness::baseline(&settings.programs, &name).await?
            };
            let ready_ms = server.ready_after.as_secs_f64() * 1000.0;
            tokio::time::sleep(idle).await;
            let idle_rss = server.rss_kib().context("reading the server's RSS")?;
            let plan = Plan::new(server.addr, settings.connections, StatusCode::CREATED)
                .for_duration(load_for);
            let make = post_maker(&server, "/api/v2/token", token_body());
            let (outcome, peak) = with_peak_rss(server.pid, load::run(&plan, make, None)).await;
            let outcome = outcome?;
            let after = server.rss_kib().unwrap_or(0);
            server.stop().await;
            let mut round = Round::new(phase, target, index);
            round
                .metric("start→/health ms", ready_ms)
                .metric("idle RSS MB", mb(idle_rss))
                .metric("peak RSS under load MB", mb(peak))
                .metric("RSS after load MB", mb(after))
                .metric("req/s under load", outcome.throughput_rps)
                .metric("errors", outcome.errors as f64);
            eprintln!(
                "  footprint · {target} · round {index}: start {ready_ms:.1} ms, idle {:.1} MB, peak {:.1} MB",
                mb(idle_rss),
                mb(peak)
            );
            report.rounds.push(round);
        }
    }
    // kycd on an empty data directory: migrations, master key and the sandbox partner included.
    for index in 1..=settings.rounds {
        std::fs::create_dir_all(&settings.programs.data_parent)?;
        let dir = tempfile::Builder::new()
            .prefix("kycd-empty-")
            .tempdir_in(&settings.programs.data_parent)?;
        let database = harness::database_env(&settings.programs).await?;
        let server = harness::start_kycd(
            &settings.programs,
            dir,
            harness::Credentials::default(),
            &database,
            &format!("footprint-kycd-empty-{index}"),
        )
        .await?;
        let ready_ms = server.ready_after.as_secs_f64() * 1000.0;
        tokio::time::sleep(idle).await;
        let idle_rss = server.rss_kib().unwrap_or(0);
        server.stop().await;
        let mut round = Round::new("first start on an empty data directory", "kycd", index);
        round.metric("start→/health ms", ready_ms).metric("idle RSS MB", mb(idle_rss));
        report.rounds.push(round);
    }
    report.summarise();
    report.ratio(phase, "idle RSS MB", "baseline");
    report.ratio(phase, "start→/health ms", "baseline");
    let get = |metric: &str| {
        report.summary(phase, "kycd").and_then(|s| s.get(metric)).unwrap_or(f64::NAN)
    };
    let (idle_mb, start_ms) = (get("idle RSS MB"), get("start→/health ms"));
    report.check("idle RSS ≤ 20 MB", format!("{idle_mb:.1} MB"), idle_mb <= 20.0);
    report.check(
        "start → first 200 on /health ≤ 150 ms (release build)",
        format!("{start_ms:.1} ms"),
        start_ms <= 150.0,
    );
    report.notes.push(
        "MB = 10^6 bytes. Start time runs from spawning `kycd serve` to the first 200 on /health, \
         polled every millisecond, on a data directory that `kycd partner create` had already \
         migrated (the restart case); the empty-directory phase includes migrations and key \
         creation."
            .into(),
    );
    Ok(report)
}
