//! Running kycd: `serve`, `worker`, `migrate`, `config example`, and an operator's read of one
//! verification (`verifications export`).

use super::{build_services, command_services};
use crate::{
    app::MetricsExposure,
    config::{self, Config},
    start_server, telemetry,
};
use anyhow::Context;
use clap::{Args, Subcommand};
use kycd_core::partners::IssuedCredentials;
use std::net::SocketAddr;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve the API only: no webhook delivery, no expiry/retention sweeps (run `kycd worker`
    /// elsewhere)
    #[arg(long, env = "KYCD_NO_WORKER")]
    pub no_worker: bool,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "KYCD_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Externally visible base URL [default: http://<listen>]
    #[arg(long, env = "KYCD_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Externally visible base URL of the API nodes (used in file links of webhooks)
    #[arg(long, env = "KYCD_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example configuration file.
    Example,
}

#[derive(Debug, Subcommand)]
pub enum VerificationsCommand {
    /// Print one verification's status, result and document data as JSON.
    Export {
        scan_ref: String,
        /// The partner that owns it
        #[arg(long)]
        partner: String,
    },
}

pub fn config(command: ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Example => print!("{}", config::EXAMPLE),
    }
    Ok(())
}

pub async fn migrate(config: Config) -> anyhow::Result<()> {
    telemetry::init(config.log_format, &config.log_filter);
    crate::private_files::data_dir(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    let (store, _) = crate::keys::open_store(&config).await?;
    println!("database {} is migrated ({})", config.database_url(), store.backend_name());
    Ok(())
}

pub async fn serve(config: Config, background_jobs: bool) -> anyhow::Result<()> {
    telemetry::init(config.log_format, &config.log_filter);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let bound = listener.local_addr()?;
    let public_url = config.public_url_for(bound);
    let (core, _) = build_services(&config, &public_url).await?;
    if let Some(credentials) = kycd_core::partners::ensure_sandbox(&core).await? {
        print_sandbox_banner(&credentials, &public_url);
    }
    let background = if background_jobs {
        Some(crate::app::start_background(&core, config.background(true)?)?)
    } else {
        None
    };
    let backend = core.store.backend_name();
    let exposure = config.metrics_exposure(bound);
    let metrics_server = start_separate_metrics(exposure, &core).await?;
    let open_files = crate::http_server::raise_open_files_limit();
    let http = config.http_limits(open_files);
    tracing::info!(?open_files, max_connections = http.max_connections, "connection limits");
    let state = crate::AppState {
        core,
        max_body_bytes: config.max_body_bytes,
        metrics_route: exposure == MetricsExposure::OnApi,
        http,
        console_route: config.console_listen.is_none(),
    };
    let console_server = match config.console_listen {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the console address {addr}"))?;
            let bound = listener.local_addr()?;
            tracing::info!(%bound, "serving the review console");
            Some(crate::app::start_console_server(listener, state.clone())?)
        }
        None => None,
    };
    let server = start_server(listener, state)?;
    tracing::info!(%bound, %public_url, backend, background_jobs, "kycd is listening");
    let stop = server.stop_handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutdown requested; finishing in-flight requests");
        let _ = stop.send(true);
    });
    server.wait().await?;
    if let Some(console) = console_server {
        let _ = console.shutdown().await;
    }
    if let Some(metrics) = metrics_server {
        let _ = metrics.shutdown().await;
    }
    if let Some(background) = background {
        background.stop().await;
    }
    tracing::info!("kycd stopped");
    Ok(())
}

/// A worker-only node: webhook delivery and the sweepers, no HTTP API.
pub async fn worker(config: Config) -> anyhow::Result<()> {
    telemetry::init(config.log_format, &config.log_filter);
    let public_url = config.public_url_for(config.listen);
    let (core, _) = build_services(&config, &public_url).await?;
    let background = crate::app::start_background(&core, config.background(true)?)?;
    // A worker has no API address: its metrics are served only on metrics_listen.
    let exposure = match config.metrics_exposure(config.listen) {
        separate @ MetricsExposure::Separate(_) => separate,
        _ => MetricsExposure::Off,
    };
    let metrics_server = start_separate_metrics(exposure, &core).await?;
    tracing::info!(backend = core.store.backend_name(), "kycd worker running");
    shutdown_signal().await;
    tracing::info!("shutdown requested; finishing in-flight deliveries");
    if let Some(metrics) = metrics_server {
        let _ = metrics.shutdown().await;
    }
    background.stop().await;
    Ok(())
}

pub async fn verifications(config: &Config, command: VerificationsCommand) -> anyhow::Result<()> {
    let VerificationsCommand::Export { scan_ref, partner } = command;
    let core = command_services(config).await?;
    let scan_ref = kycd_domain::ScanRef::from_trusted(scan_ref);
    let verification = kycd_core::verifications::export(&core, &partner, &scan_ref).await?;
    let out = serde_json::json!({
        "scanRef": verification.scan_ref,
        "clientId": verification.client_id,
        "status": verification.status.as_str(),
        "createdAt": verification.created_at.unix_timestamp(),
        "request": verification.request,
        "result": verification.result,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Binds the separate metrics address, when the configuration names one.
async fn start_separate_metrics(
    exposure: MetricsExposure,
    core: &kycd_core::Services,
) -> anyhow::Result<Option<crate::RunningServer>> {
    let MetricsExposure::Separate(addr) = exposure else { return Ok(None) };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the metrics address {addr}"))?;
    tracing::info!(%addr, "serving /metrics");
    Ok(Some(crate::app::start_metrics_server(listener, core.clone())?))
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

fn print_sandbox_banner(credentials: &IssuedCredentials, public_url: &str) {
    let line = "=".repeat(72);
    println!(
        "{line}\n kycd created the DEV partner 'sandbox' (unlimited credits, dummy results on).\n \
         Copy these now: the API secret is shown only this once and stored only as a hash.\n\n   \
         Base URL     {public_url}\n   API key      {key}\n   API secret   {secret}\n   \
         Signing key  {signing}   (verifies Idenfy-Signature on webhooks)\n\n \
         Try it:\n   curl -u {key}:{secret} -H 'Content-Type: application/json' \\\n        \
         -d '{{\"clientId\":\"client-1\"}}' {public_url}/api/v2/token\n{line}",
        key = credentials.api_key,
        secret = credentials.api_secret,
        signing = credentials.signing_key,
    );
}
