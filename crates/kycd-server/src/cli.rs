//! The `kycd` command line: global options (also as KYCD_* variables) and one module per command
//! group. Each command parses its arguments, calls kycd-core and prints the result: output meant
//! for people goes to stdout, logs to stderr.

mod analyze;
mod audit;
mod keys;
mod maintenance;
mod operator;
mod partner;
mod sandbox;
mod user;
mod webhooks;

use crate::config::{Config, LogFormat, Overrides};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use kycd_core::Services;
use kycd_domain::SystemClock;
use std::{path::PathBuf, process::ExitCode, sync::Arc};

pub use sandbox::Remote;

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
    Serve(operator::ServeArgs),
    /// Manage partners (API key pairs).
    #[command(subcommand)]
    Partner(partner::PartnerCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(operator::ConfigCommand),
    /// Run database migrations and exit.
    Migrate,
    /// Run only the background jobs (webhook delivery, expiry and retention sweeps).
    Worker(operator::WorkerArgs),
    /// Inspect and resend webhook deliveries.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Manage the keys that protect personal data at rest.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Who read personal data, and when.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Review-console operators: create, list, disable, enable, set-role, set-partners,
    /// reset-password.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Database upkeep: reclaim the space of deleted data.
    #[command(subcommand)]
    Maintenance(maintenance::MaintenanceCommand),
    /// Read verifications from the command line (audited as cli.export).
    #[command(subcommand)]
    Verifications(operator::VerificationsCommand),
    /// Analyse a document from image files (no server, no database): reads and checks the
    /// machine readable zone and prints the automatic statuses.
    Analyze(analyze::AnalyzeArgs),
    /// Sandbox: create a token with a named scenario and print its scanRef.
    Trigger(sandbox::TriggerArgs),
    /// Sandbox: forward the sandbox partner's webhooks to a local URL (no inbound port needed).
    Listen(sandbox::ListenArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::private_files::restrict_new_files();
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
        Command::Config(command) => operator::config(command),
        Command::Serve(args) => operator::serve(config, !args.no_worker).await,
        Command::Worker(_) => operator::worker(config).await,
        Command::Migrate => operator::migrate(config).await,
        Command::Verifications(command) => operator::verifications(&config, command).await,
        Command::Partner(command) => partner::run(&config, command).await,
        Command::Keys(command) => keys::run(&config, command).await,
        Command::Webhooks(command) => webhooks::run(&config, command).await,
        Command::Audit(command) => audit::run(&config, command).await,
        Command::User(command) => user::run(&config, command).await,
        Command::Maintenance(command) => maintenance::run(&config, command).await,
        Command::Analyze(args) => analyze::run(args).await,
        Command::Trigger(args) => sandbox::trigger(&config, args).await,
        Command::Listen(args) => sandbox::listen(&config, args).await,
    }
}

/// The services of a node, from configuration; file links point at `public_url`.
pub async fn build_services(
    config: &Config,
    public_url: &str,
) -> anyhow::Result<(Services, kycd_store::crypto::MasterKey)> {
    crate::private_files::data_dir(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    let (store, master) = crate::keys::open_store(config).await?;
    let files = kycd_core::files::FileStore::open(
        config.object_store_url.as_deref(),
        &config.data_dir.join("files"),
        store.key_ring(),
    )?;
    let services = Services {
        store,
        clock: Arc::new(SystemClock),
        files,
        links: kycd_core::files::LinkSigner::new(
            master.derive("kycd-file-links"),
            time::Duration::seconds(config.file_link_ttl_secs as i64),
        ),
        policy: Arc::new(config.data_policy()),
        webhook_wake: Default::default(),
        analysis_wake: Default::default(),
        public_url: public_url.trim_end_matches('/').into(),
        review: Arc::new(config.review_policy()),
    };
    Ok((services, master))
}

/// The services for a one-off command: links point where the configuration says kycd listens.
async fn command_services(config: &Config) -> anyhow::Result<Services> {
    Ok(build_services(config, &config.public_url_for(config.listen)).await?.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
