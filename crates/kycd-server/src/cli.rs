//! The `kycd` command line: global options (also as KYCD_* variables), `serve`, partner
//! administration, `config example` and `migrate`. Output meant for people goes to stdout; logs go
//! to stderr.

use crate::{
    AppState,
    config::{self, Config, LogFormat, Overrides},
    partners::{self, IssuedCredentials, PartnerSpec},
    start_server, telemetry,
};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use kycd_domain::{Clock, Environment, SystemClock};
use kycd_store::{Partner, PartnerUpdate, Store};
use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

#[derive(Debug, Parser)]
#[command(
    name = "kycd",
    version,
    about = "Self-hosted identity verification, wire-compatible with iDenfy's API v2"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Directory for the SQLite database and other local state [default: ./kycd-data]
    #[arg(long, env = "KYCD_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Store URL [default: sqlite://<data-dir>/kycd.db]
    #[arg(long, env = "KYCD_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// TOML configuration file (see `kycd config example`)
    #[arg(long, env = "KYCD_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Log format: pretty (terminals) or json
    #[arg(long, env = "KYCD_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// Manage partners (API key pairs).
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run database migrations and exit.
    Migrate,
    /// Run only the background jobs (webhook delivery, expiry and retention sweeps).
    Worker(WorkerArgs),
    /// Inspect and resend webhook deliveries.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Manage the keys that protect personal data at rest.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Who read personal data, and when.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Read verifications from the command line (audited as cli.export).
    #[command(subcommand)]
    Verifications(VerificationsCommand),
    /// Sandbox: create a token with a named scenario and print its scanRef.
    Trigger(TriggerArgs),
    /// Sandbox: forward the sandbox partner's webhooks to a local URL (no inbound port needed).
    Listen(ListenArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RemoteArgs {
    /// The kycd server
    #[arg(long, env = "KYCD_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// API key of a DEV partner (remote servers); without it the local `sandbox` partner is used
    #[arg(long, env = "KYCD_API_KEY", requires = "api_secret")]
    pub api_key: Option<String>,
    #[arg(long, env = "KYCD_API_SECRET", requires = "api_key")]
    pub api_secret: Option<String>,
}

impl RemoteArgs {
    fn remote(&self) -> Option<crate::sandbox_cli::Remote> {
        Some(crate::sandbox_cli::Remote {
            url: self.url.clone(),
            api_key: self.api_key.clone()?,
            api_secret: self.api_secret.clone()?,
        })
    }
}

#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// approved, denied-expired-doc, suspected-duplicate-face, under-age,
    /// manual-review-then-approved, manual-review-then-denied, abandoned-expired
    pub scenario: String,
    #[arg(long, default_value = "kycd-trigger")]
    pub client_id: String,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Where to POST each webhook (byte-exact, with its headers)
    #[arg(long)]
    pub forward_to: String,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit records, newest first.
    List {
        #[arg(long)]
        scan_ref: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
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

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Re-wrap every data key under a new master key (the old one stops working).
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List webhook events with every delivery attempt.
    List {
        /// Only this verification's events
        #[arg(long)]
        scan_ref: Option<String>,
        /// Only deliveries that failed (given up, gone, or last attempt not 2xx)
        #[arg(long)]
        failed: bool,
        /// At most this many events
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Queue another attempt of an event now (same webhook-id, fresh timestamp and signatures).
    Resend { id: String },
}

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
pub enum PartnerCommand {
    /// Create a partner and print its credentials (the API secret is shown only now).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_environment)]
        environment: Environment,
        /// Default webhook URL for this partner's verifications
        #[arg(long)]
        webhook_url: Option<String>,
        /// Webhook signing key [default: generated]
        #[arg(long)]
        signing_key: Option<String>,
        /// Credit balance [default: unlimited]
        #[arg(long)]
        credits: Option<i64>,
        /// Requests per hour (0 = unlimited)
        #[arg(long, default_value_t = partners::DEFAULT_RATE_LIMIT_PER_HOUR)]
        rate_limit: i64,
        /// Print exactly one JSON object
        #[arg(long)]
        json: bool,
    },
    /// List partners.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Refuse all API calls of a partner (403 "Partner inactive").
    Disable { name: String },
    /// Allow a disabled partner again.
    Enable { name: String },
    /// Delete all verifications of a DEV partner (images, data, webhook events).
    Reset { name: String },
    /// Issue a new API secret; the old one stops working at once.
    RotateSecret {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Change a partner's settings.
    Set {
        name: String,
        /// New credit balance
        #[arg(long, conflicts_with = "unlimited_credits")]
        credits: Option<i64>,
        /// Make credits unlimited
        #[arg(long)]
        unlimited_credits: bool,
        #[arg(long, conflicts_with = "clear_webhook_url")]
        webhook_url: Option<String>,
        /// Remove the partner's default webhook URL
        #[arg(long)]
        clear_webhook_url: bool,
        /// Requests per hour (0 = unlimited)
        #[arg(long)]
        rate_limit: Option<i64>,
        #[arg(long)]
        signing_key: Option<String>,
        /// DEV only: deliver every webhook badly on purpose, comma-separated: DUPLICATE,
        /// OUT_OF_ORDER, STALE_TIMESTAMP, WRONG_SIGNATURE, TRUNCATED_BODY ("" = off)
        #[arg(long)]
        webhook_chaos: Option<String>,
    },
}

fn parse_environment(value: &str) -> Result<Environment, String> {
    value.parse().map_err(|e: kycd_domain::environment::UnknownEnvironment| e.to_string())
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let serve_overrides = match &cli.command {
        Command::Serve(args) => (args.listen, args.public_url.clone()),
        Command::Worker(args) => (None, args.public_url.clone()),
        _ => (None, None),
    };
    let overrides = Overrides {
        data_dir: cli.global.data_dir.clone(),
        database_url: cli.global.database_url.clone(),
        listen: serve_overrides.0,
        public_url: serve_overrides.1,
        log_format: cli.global.log_format,
    };
    let config = Config::load(cli.global.config.as_deref(), &overrides)?;
    match cli.command {
        Command::Config(ConfigCommand::Example) => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
        Command::Serve(args) => serve(config, !args.no_worker).await,
        Command::Worker(_) => worker(config).await,
        Command::Migrate => {
            telemetry::init(config.log_format, &config.log_filter);
            let store = open_store(&config).await?;
            println!("database {} is migrated ({})", config.database_url(), store.backend_name());
            Ok(())
        }
        Command::Partner(command) => {
            let store = open_store(&config).await?;
            partner_command(
                store.as_ref(),
                command,
                config.data_dir.join("files"),
                config.object_store_url.clone(),
            )
            .await
        }
        Command::Keys(KeysCommand::Rotate) => {
            std::fs::create_dir_all(&config.data_dir)?;
            let (key, count, source) = crate::keys::rotate(&config).await?;
            match source {
                crate::keys::KeySource::File(path) => println!(
                    "re-wrapped {count} data key(s) under new master key {}; written to {}",
                    key.id(),
                    path.display()
                ),
                crate::keys::KeySource::Config => println!(
                    "re-wrapped {count} data key(s) under new master key {}.\nSet master_key / KYCD_MASTER_KEY on every node to (shown once):\n{}",
                    key.id(),
                    key.to_base64()
                ),
            }
            Ok(())
        }
        Command::Webhooks(command) => {
            let store = open_store(&config).await?;
            webhooks_command(store.as_ref(), command).await
        }
        Command::Audit(AuditCommand::List { scan_ref, limit, json }) => {
            let store = open_store(&config).await?;
            let filter = kycd_store::AuditFilter {
                scan_ref: scan_ref.map(kycd_domain::ScanRef::from_trusted),
                limit,
            };
            let records = store.audit_records(&filter).await?;
            if json {
                let rows: Vec<_> = records
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "at": r.at.unix_timestamp(),
                            "actor": r.actor,
                            "action": r.action,
                            "scanRef": r.scan_ref,
                            "detail": r.detail,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for r in &records {
                    println!(
                        "{}  {:<24} {:<14} {}  {}",
                        r.at,
                        r.actor,
                        r.action,
                        r.scan_ref.as_ref().map_or("-", |s| s.as_str()),
                        r.detail.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(())
        }
        Command::Trigger(args) => {
            let scan_ref = crate::sandbox_cli::trigger(
                &config,
                &args.remote.url,
                args.remote.remote().as_ref(),
                &args.scenario,
                &args.client_id,
            )
            .await?;
            println!("{scan_ref}");
            Ok(())
        }
        Command::Listen(args) => {
            crate::sandbox_cli::listen(
                &config,
                &args.remote.url,
                args.remote.remote().as_ref(),
                &args.forward_to,
            )
            .await
        }
        Command::Verifications(VerificationsCommand::Export { scan_ref, partner }) => {
            let store = open_store(&config).await?;
            let owner = store
                .partner_by_name(&partner)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no partner named '{partner}'"))?;
            let scan = kycd_domain::ScanRef::from_trusted(scan_ref.clone());
            let verification = store.verification(owner.id, &scan).await?.ok_or_else(|| {
                anyhow::anyhow!("partner '{partner}' has no verification {scan_ref}")
            })?;
            store
                .append_audit(&kycd_store::AuditRecord {
                    at: SystemClock.now(),
                    partner_id: Some(owner.id),
                    actor: "cli".into(),
                    action: "cli.export".into(),
                    scan_ref: Some(scan),
                    detail: None,
                })
                .await?;
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
    }
}

async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    Ok(crate::keys::open_store(config).await?.0)
}

/// Everything a node needs, from configuration.
pub(crate) async fn build_state(
    config: &Config,
    public_url: &str,
) -> anyhow::Result<(AppState, kycd_store::crypto::MasterKey)> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    let (store, master) = crate::keys::open_store(config).await?;
    let files = crate::files::FileStore::open(
        config.object_store_url.as_deref(),
        &config.data_dir.join("files"),
        store.key_ring(),
    )?;
    let state = AppState {
        store,
        clock: Arc::new(SystemClock),
        public_url: public_url.into(),
        max_body_bytes: config.max_body_bytes,
        webhook_wake: Default::default(),
        files,
        links: crate::files::LinkSigner::new(
            master.derive("kycd-file-links"),
            time::Duration::seconds(config.file_link_ttl_secs as i64),
        ),
        policy: Arc::new(config.data_policy()),
    };
    Ok((state, master))
}

async fn serve(config: Config, background_jobs: bool) -> anyhow::Result<()> {
    telemetry::init(config.log_format, &config.log_filter);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let bound = listener.local_addr()?;
    let public_url = config.public_url_for(bound);
    let (state, _) = build_state(&config, &public_url).await?;
    if let Some(credentials) =
        partners::ensure_sandbox(state.store.as_ref(), state.clock.as_ref()).await?
    {
        print_sandbox_banner(&credentials, &public_url);
    }
    let background = if background_jobs {
        Some(crate::app::start_background(&state, config.background(true)?)?)
    } else {
        None
    };
    let backend = state.store.backend_name();
    let server = start_server(listener, state)?;
    tracing::info!(%bound, %public_url, backend, background_jobs, "kycd is listening");
    let stop = server.stop_handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutdown requested; finishing in-flight requests");
        let _ = stop.send(true);
    });
    server.wait().await?;
    if let Some(background) = background {
        background.stop().await;
    }
    tracing::info!("kycd stopped");
    Ok(())
}

/// A worker-only node: webhook delivery and the sweepers, no HTTP API.
async fn worker(config: Config) -> anyhow::Result<()> {
    telemetry::init(config.log_format, &config.log_filter);
    let public_url = config.public_url_for(config.listen);
    let (state, _) = build_state(&config, &public_url).await?;
    let background = crate::app::start_background(&state, config.background(true)?)?;
    tracing::info!(backend = state.store.backend_name(), "kycd worker running");
    shutdown_signal().await;
    tracing::info!("shutdown requested; finishing in-flight deliveries");
    background.stop().await;
    Ok(())
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

async fn partner_command(
    store: &dyn Store,
    command: PartnerCommand,
    files_dir: std::path::PathBuf,
    object_store_url: Option<String>,
) -> anyhow::Result<()> {
    let clock = SystemClock;
    match command {
        PartnerCommand::Create {
            name,
            environment,
            webhook_url,
            signing_key,
            credits,
            rate_limit,
            json,
        } => {
            let spec = PartnerSpec {
                name,
                environment,
                webhook_url,
                signing_key,
                credits,
                rate_limit_per_hour: rate_limit,
            };
            let issued = partners::create(store, &clock, spec).await?;
            if json {
                println!("{}", serde_json::to_string(&issued)?);
            } else {
                println!(
                    "created partner '{}' ({})\n  API key      {}\n  API secret   {}   (shown only now)\n  Signing key  {}\n  credits      {}\n  rate limit   {}",
                    issued.name,
                    issued.environment,
                    issued.api_key,
                    issued.api_secret,
                    issued.signing_key,
                    issued.credits.map_or("unlimited".to_owned(), |c| c.to_string()),
                    describe_rate(issued.rate_limit_per_hour),
                );
            }
        }
        PartnerCommand::List { json } => {
            let partners = store.list_partners().await?;
            if json {
                let rows: Vec<_> = partners.iter().map(partner_summary).collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                println!(
                    "{:<20} {:<5} {:<8} {:>10} {:>12}  {:<34} WEBHOOK",
                    "NAME", "ENV", "ENABLED", "CREDITS", "RATE/HOUR", "API KEY"
                );
                for p in &partners {
                    println!(
                        "{:<20} {:<5} {:<8} {:>10} {:>12}  {:<34} {}",
                        p.name,
                        p.environment,
                        if p.enabled { "yes" } else { "no" },
                        p.credits.map_or("unlimited".to_owned(), |c| c.to_string()),
                        describe_rate(p.rate_limit_per_hour),
                        p.api_key,
                        p.webhook_url.as_deref().unwrap_or("-"),
                    );
                }
            }
        }
        PartnerCommand::Disable { name } => {
            let update = PartnerUpdate { enabled: Some(false), ..Default::default() };
            partners::update_named(store, &name, &update).await?;
            println!("partner '{name}' disabled");
        }
        PartnerCommand::Enable { name } => {
            let update = PartnerUpdate { enabled: Some(true), ..Default::default() };
            partners::update_named(store, &name, &update).await?;
            println!("partner '{name}' enabled");
        }
        PartnerCommand::RotateSecret { name, json } => {
            let (partner, secret) = partners::rotate_secret(store, &name).await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"name": partner.name, "apiKey": partner.api_key, "apiSecret": secret})
                );
            } else {
                println!("new API secret for '{name}' (shown only now): {secret}");
            }
        }
        PartnerCommand::Reset { name } => {
            let partner = store
                .partner_by_name(&name)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no partner named '{name}'"))?;
            anyhow::ensure!(
                partner.environment.is_sandbox(),
                "only DEV partners can be reset ('{name}' is {})",
                partner.environment
            );
            let removed = store.delete_partner_verifications(partner.id).await?;
            let files = crate::files::FileStore::open(
                object_store_url.as_deref(),
                &files_dir,
                store.key_ring(),
            )?;
            for scan_ref in &removed {
                files.delete_all(scan_ref).await?;
            }
            println!("deleted {} verification(s) of '{name}'", removed.len());
        }
        PartnerCommand::Set {
            name,
            credits,
            unlimited_credits,
            webhook_url,
            clear_webhook_url,
            rate_limit,
            signing_key,
            webhook_chaos,
        } => {
            if let Some(url) = &webhook_url {
                let partner = store
                    .partner_by_name(&name)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no partner named '{name}'"))?;
                partners::validate_webhook_url(url, partner.environment)?;
            }
            anyhow::ensure!(credits.is_none_or(|c| c >= 0), "credits must be zero or more");
            anyhow::ensure!(
                rate_limit.is_none_or(|r| r >= 0),
                "rate limit must be zero (unlimited) or more"
            );
            anyhow::ensure!(
                signing_key.as_ref().is_none_or(|k| k.len() >= 8),
                "signing key must be at least 8 characters long"
            );
            let token_defaults = match webhook_chaos {
                None => None,
                Some(list) => {
                    let partner = store
                        .partner_by_name(&name)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no partner named '{name}'"))?;
                    anyhow::ensure!(
                        partner.environment.is_sandbox(),
                        "webhook chaos is for DEV partners only"
                    );
                    let chaos = list
                        .split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(|c| {
                            kycd_domain::sandbox::Chaos::parse(&c.to_ascii_uppercase())
                                .ok_or_else(|| anyhow::anyhow!("unknown chaos kind '{c}'"))
                        })
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    Some(kycd_domain::token_request::TokenDefaults {
                        webhook_chaos: chaos,
                        ..partner.token_defaults
                    })
                }
            };
            let update = PartnerUpdate {
                credits: if unlimited_credits { Some(None) } else { credits.map(Some) },
                webhook_url: if clear_webhook_url { Some(None) } else { webhook_url.map(Some) },
                rate_limit_per_hour: rate_limit,
                signing_key,
                token_defaults,
                ..Default::default()
            };
            anyhow::ensure!(
                update != PartnerUpdate::default(),
                "nothing to change: name at least one setting (see --help)"
            );
            let partner = partners::update_named(store, &name, &update).await?;
            println!("{}", serde_json::to_string(&partner_summary(&partner))?);
        }
    }
    Ok(())
}

fn describe_rate(per_hour: i64) -> String {
    if per_hour == 0 { "unlimited".to_owned() } else { per_hour.to_string() }
}

fn partner_summary(p: &Partner) -> serde_json::Value {
    serde_json::json!({
        "name": p.name,
        "environment": p.environment,
        "enabled": p.enabled,
        "apiKey": p.api_key,
        "webhookUrl": p.webhook_url,
        "credits": p.credits,
        "rateLimit": p.rate_limit_per_hour,
    })
}

async fn webhooks_command(store: &dyn Store, command: WebhooksCommand) -> anyhow::Result<()> {
    match command {
        WebhooksCommand::List { scan_ref, failed, limit, json } => {
            let filter = kycd_store::DeliveryFilter {
                partner_id: None,
                scan_ref: scan_ref.map(kycd_domain::ScanRef::from_trusted),
                failed_only: failed,
                limit,
            };
            let deliveries = store.deliveries(&filter).await?;
            let mut rows = Vec::with_capacity(deliveries.len());
            for delivery in &deliveries {
                let attempts = store.attempts(&delivery.id).await?;
                rows.push((delivery, attempts));
            }
            if json {
                let out: Vec<_> = rows.iter().map(|(d, a)| delivery_json(d, a)).collect();
                println!("{}", serde_json::to_string(&out)?);
                return Ok(());
            }
            if rows.is_empty() {
                println!("no webhook events match");
            }
            for (d, attempts) in rows {
                println!(
                    "{}  {}  {}  {}  {}  attempts={}  {}",
                    d.id,
                    d.created_at,
                    d.event_type,
                    d.scan_ref,
                    d.state.as_str(),
                    d.attempts,
                    d.target_url.as_deref().unwrap_or("(no target)"),
                );
                for a in attempts {
                    println!(
                        "    #{} {}  status={}  {} ms  {}",
                        a.attempt,
                        a.attempted_at,
                        a.status_code.map_or("-".to_owned(), |s| s.to_string()),
                        a.latency_ms,
                        a.error.as_deref().unwrap_or(""),
                    );
                }
            }
        }
        WebhooksCommand::Resend { id } => {
            let now = SystemClock.now();
            if !store.resend_delivery(&id, now).await? {
                anyhow::bail!("no webhook event '{id}' with a target to send to");
            }
            println!(
                "event {id} queued for another attempt (a running server sends it within a second)"
            );
        }
    }
    Ok(())
}

fn delivery_json(
    d: &kycd_store::Delivery,
    attempts: &[kycd_store::DeliveryAttempt],
) -> serde_json::Value {
    serde_json::json!({
        "id": d.id,
        "scanRef": d.scan_ref,
        "eventType": d.event_type,
        "state": d.state.as_str(),
        "targetUrl": d.target_url,
        "createdAt": d.created_at.unix_timestamp(),
        "attempts": attempts.iter().map(|a| serde_json::json!({
            "attempt": a.attempt,
            "attemptedAt": a.attempted_at.unix_timestamp(),
            "statusCode": a.status_code,
            "latencyMs": a.latency_ms,
            "error": a.error,
            "responseExcerpt": a.response_excerpt,
        })).collect::<Vec<_>>(),
    })
}
