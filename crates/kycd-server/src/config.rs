//! Configuration: built-in defaults, then an optional TOML file (`--config`), then environment
//! variables and command-line flags (clap reads both; env overrides the file). Unknown keys in the
//! file are an error, so a typo never silently falls back to a default.

use anyhow::Context;
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

/// Whether `GET /metrics` is served on the API address (docs/adr/0013-metrics-endpoint.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MetricsSetting {
    /// On the API address when it is a loopback address; elsewhere only via `metrics_listen`.
    #[default]
    Auto,
    On,
    Off,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where kycd keeps its SQLite file and (later) stored images and keys.
    pub data_dir: PathBuf,
    /// Store URL; default `sqlite://<data_dir>/kycd.db`.
    pub database_url: Option<String>,
    /// Address the HTTP server binds.
    pub listen: SocketAddr,
    /// Externally visible base URL used in links (redirectUrl, file links); default from `listen`.
    pub public_url: Option<String>,
    pub log_format: LogFormat,
    /// tracing filter used when RUST_LOG is not set.
    pub log_filter: String,
    /// Largest request body accepted on JSON endpoints, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a request's whole header may take to arrive; also how long an idle keep-alive
    /// connection stays open.
    pub http_header_timeout_secs: u64,
    /// Longest pause, in seconds, while a request body arrives.
    pub http_body_timeout_secs: u64,
    /// Seconds an answer (up to its headers) may take; 503 after.
    pub http_request_timeout_secs: u64,
    /// Largest request header in bytes (431 beyond).
    pub http_max_header_bytes: usize,
    /// Open connections at most (503 beyond); capped by the open-files limit.
    pub max_connections: usize,
    /// Delays before each webhook retry (the first attempt is immediate), e.g. "5s,30s,2m".
    pub webhook_retry_schedule: String,
    /// Per-attempt HTTP timeout for webhooks, in seconds.
    pub webhook_timeout_secs: u64,
    /// How long a worker reserves a claimed delivery; a crashed worker's deliveries are taken up
    /// again after this. Must exceed the timeout.
    pub webhook_lease_secs: u64,
    /// Webhook deliveries in flight at once on this node.
    pub webhook_max_in_flight: usize,
    /// Deliveries in flight at once to one receiver (scheme, host and port), across all nodes:
    /// a receiver that never answers holds no more slots than this.
    pub webhook_in_flight_per_receiver: usize,
    /// Deliveries in flight at once for one partner, across all nodes and receivers.
    pub webhook_in_flight_per_partner: usize,
    /// Non-public networks that non-DEV webhooks may reach anyway (CIDR), e.g. ["10.0.0.0/8"];
    /// from the environment also a comma-separated string.
    #[serde(deserialize_with = "list_or_comma_separated")]
    pub webhook_allow_networks: Vec<String>,
    /// How often the expiry sweeper looks for tokens that ran out, in milliseconds.
    pub sweep_interval_ms: u64,
    /// Base64 master key (32 bytes) protecting personal data at rest. Prefer a key file or a
    /// secret store; set the same key on every node.
    pub master_key: Option<SecretText>,
    /// Key file used when `master_key` is unset; default `<data_dir>/master.key` (created 0600).
    pub master_key_file: Option<PathBuf>,
    /// Where images are stored: default `<data_dir>/files`; `s3://bucket/prefix` for S3.
    pub object_store_url: Option<String>,
    /// How long file links stay valid, in seconds.
    pub file_link_ttl_secs: u64,
    /// /api/v2/status calls allowed per verification per window (0 = unlimited).
    pub status_poll_limit: i64,
    pub status_poll_window_secs: u64,
    /// Days each environment keeps verification data; unset = forever.
    pub retention_days_dev: Option<u32>,
    pub retention_days_test: Option<u32>,
    pub retention_days_demo: Option<u32>,
    pub retention_days_prod: Option<u32>,
    /// Prometheus metrics on the API address: auto (loopback only), on, off.
    pub metrics: MetricsSetting,
    /// A separate address serving only `GET /metrics` (then not on the API address).
    pub metrics_listen: Option<SocketAddr>,
    /// Document analyses one worker node runs at once (each keeps one core busy while it runs).
    pub analysis_concurrency: usize,
    /// A separate address serving only the review console (then not on the API address).
    pub console_listen: Option<SocketAddr>,
    /// Minutes a case may wait in the review queue before it is marked overdue.
    pub review_sla_minutes: u32,
    /// Partners (by name) whose review decisions a second reviewer confirms before they are
    /// sent; "*" = every partner. From the environment also a comma-separated string.
    #[serde(deserialize_with = "list_or_comma_separated")]
    pub four_eyes_partners: Vec<String>,
}

fn list_or_comma_separated<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(items) => items,
        Either::Text(text) => {
            text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
        }
    })
}

/// A configuration secret: never printed by Debug.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretText(String);

impl SecretText {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./kycd-data"),
            database_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            log_format: LogFormat::Pretty,
            log_filter: "info,sqlx=warn".to_owned(),
            max_body_bytes: 256 * 1024,
            http_header_timeout_secs: 10,
            http_body_timeout_secs: 30,
            http_request_timeout_secs: 60,
            http_max_header_bytes: 64 * 1024,
            max_connections: 4096,
            webhook_retry_schedule: "5s,30s,2m,10m,30m,1h,3h,6h,12h".to_owned(),
            webhook_timeout_secs: 10,
            webhook_lease_secs: 60,
            webhook_max_in_flight: 64,
            webhook_in_flight_per_receiver: 16,
            webhook_in_flight_per_partner: 32,
            webhook_allow_networks: Vec::new(),
            sweep_interval_ms: 1000,
            master_key: None,
            master_key_file: None,
            object_store_url: None,
            file_link_ttl_secs: 3600,
            status_poll_limit: 10,
            status_poll_window_secs: 60,
            retention_days_dev: Some(7),
            retention_days_test: Some(14),
            retention_days_demo: Some(14),
            retention_days_prod: None,
            metrics: MetricsSetting::Auto,
            metrics_listen: None,
            analysis_concurrency: 1,
            console_listen: None,
            review_sla_minutes: 20,
            four_eyes_partners: Vec::new(),
        }
    }
}

/// Config keys settable as KYCD_<KEY> that have no command-line flag.
const ENV_KEYS: &[&str] = &[
    "log_filter",
    "max_body_bytes",
    "http_header_timeout_secs",
    "http_body_timeout_secs",
    "http_request_timeout_secs",
    "http_max_header_bytes",
    "max_connections",
    "webhook_retry_schedule",
    "webhook_timeout_secs",
    "webhook_lease_secs",
    "webhook_max_in_flight",
    "webhook_in_flight_per_receiver",
    "webhook_in_flight_per_partner",
    "webhook_allow_networks",
    "sweep_interval_ms",
    "master_key",
    "master_key_file",
    "object_store_url",
    "file_link_ttl_secs",
    "status_poll_limit",
    "status_poll_window_secs",
    "retention_days_dev",
    "retention_days_test",
    "retention_days_demo",
    "retention_days_prod",
    "metrics",
    "metrics_listen",
    "analysis_concurrency",
    "console_listen",
    "review_sla_minutes",
    "four_eyes_partners",
];

/// Values given on the command line or in KYCD_* variables; `None` = not given.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

impl Config {
    pub fn load(file: Option<&std::path::Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            anyhow::ensure!(path.exists(), "config file {} does not exist", path.display());
            figment = figment.merge(Toml::file(path));
        }
        figment
            .merge(Env::prefixed("KYCD_").only(ENV_KEYS))
            .merge(Serialized::defaults(overrides))
            .extract()
            .context("reading configuration")
    }

    /// The background-job settings this configuration describes.
    pub fn background(
        &self,
        deliver_webhooks: bool,
    ) -> anyhow::Result<crate::app::BackgroundSettings> {
        let schedule = kycd_webhooks::RetrySchedule::parse(&self.webhook_retry_schedule)?;
        let allowed_networks = self
            .webhook_allow_networks
            .iter()
            .map(|net| net.parse())
            .collect::<Result<Vec<kycd_webhooks::network::Cidr>, _>>()?;
        anyhow::ensure!(
            self.webhook_lease_secs > self.webhook_timeout_secs,
            "webhook_lease_secs ({}) must be greater than webhook_timeout_secs ({})",
            self.webhook_lease_secs,
            self.webhook_timeout_secs
        );
        anyhow::ensure!(
            self.webhook_max_in_flight >= 1
                && self.webhook_in_flight_per_receiver >= 1
                && self.webhook_in_flight_per_partner >= 1,
            "webhook_max_in_flight, webhook_in_flight_per_receiver and \
             webhook_in_flight_per_partner must each be at least 1"
        );
        let worker = kycd_webhooks::WorkerConfig {
            schedule,
            lease: std::time::Duration::from_secs(self.webhook_lease_secs),
            max_in_flight: self.webhook_max_in_flight,
            share: kycd_domain::fair_share::FairShare {
                per_receiver: self.webhook_in_flight_per_receiver,
                per_partner: self.webhook_in_flight_per_partner,
            },
            ..Default::default()
        };
        anyhow::ensure!(self.analysis_concurrency >= 1, "analysis_concurrency must be at least 1");
        let analysis = kycd_core::analysis::RunnerConfig {
            concurrency: self.analysis_concurrency,
            ..Default::default()
        };
        Ok(crate::app::BackgroundSettings {
            worker: deliver_webhooks.then_some(worker),
            analysis: deliver_webhooks.then_some(analysis),
            webhook_timeout: std::time::Duration::from_secs(self.webhook_timeout_secs),
            network_policy: kycd_webhooks::network::NetworkPolicy { allowed_networks },
            sweep_interval: std::time::Duration::from_millis(self.sweep_interval_ms),
        })
    }

    /// The HTTP server's limits; the connection limit leaves room under `open_files` for the
    /// database, the object store and outgoing webhooks.
    pub fn http_limits(&self, open_files: Option<u64>) -> crate::http_server::HttpLimits {
        let fd_room = open_files
            .map_or(usize::MAX, |n| usize::try_from(n.saturating_sub(256)).unwrap_or(usize::MAX));
        let secs = |s: u64| std::time::Duration::from_secs(s.max(1));
        crate::http_server::HttpLimits {
            header_timeout: secs(self.http_header_timeout_secs),
            body_timeout: secs(self.http_body_timeout_secs),
            request_timeout: secs(self.http_request_timeout_secs),
            max_header_bytes: self.http_max_header_bytes.max(1024),
            max_connections: self.max_connections.min(fd_room).max(1),
        }
    }

    pub fn data_policy(&self) -> kycd_core::DataPolicy {
        use kycd_domain::Environment as E;
        // 0 or unset: keep forever.
        let days =
            |d: Option<u32>| d.filter(|d| *d > 0).map(|d| time::Duration::days(i64::from(d)));
        kycd_core::DataPolicy {
            status_poll_limit: self.status_poll_limit,
            status_poll_window: time::Duration::seconds(self.status_poll_window_secs.max(1) as i64),
            retention: vec![
                (E::Dev, days(self.retention_days_dev)),
                (E::Test, days(self.retention_days_test)),
                (E::Demo, days(self.retention_days_demo)),
                (E::Prod, days(self.retention_days_prod)),
            ],
        }
    }

    pub fn review_policy(&self) -> kycd_domain::console::ReviewPolicy {
        kycd_domain::console::ReviewPolicy {
            sla: time::Duration::minutes(i64::from(self.review_sla_minutes.max(1))),
            four_eyes: self.four_eyes_partners.clone(),
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("kycd.db").display()))
    }

    /// The public base URL without a trailing slash, derived from the bound address if unset.
    /// Where `/metrics` is served for an API bound at `bound`.
    pub fn metrics_exposure(&self, bound: SocketAddr) -> crate::app::MetricsExposure {
        use crate::app::MetricsExposure as M;
        match (self.metrics, self.metrics_listen) {
            (MetricsSetting::Off, _) => M::Off,
            (_, Some(addr)) => M::Separate(addr),
            (MetricsSetting::On, None) => M::OnApi,
            (MetricsSetting::Auto, None) if bound.ip().is_loopback() => M::OnApi,
            (MetricsSetting::Auto, None) => M::Off,
        }
    }

    pub fn public_url_for(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None if bound.ip().is_unspecified() => format!("http://localhost:{}", bound.port()),
            None => format!("http://{bound}"),
        }
    }
}

/// `kycd config example`: every key with its default, commented.
pub const EXAMPLE: &str = r#"# kycd configuration (TOML). Every key is optional; the values shown are the defaults.
# Precedence: built-in defaults < this file (--config / KYCD_CONFIG) < KYCD_* environment < flags.

# Where kycd keeps its SQLite database and other local state.  (KYCD_DATA_DIR, --data-dir)
data_dir = "./kycd-data"

# Store URL. Default: sqlite://<data_dir>/kycd.db  (KYCD_DATABASE_URL, --database-url)
# database_url = "sqlite://./kycd-data/kycd.db"

# Address the HTTP server listens on.  (KYCD_LISTEN, --listen)
listen = "127.0.0.1:8080"

# Externally visible base URL, used in redirectUrl and file links.
# Default: http://<listen>  (KYCD_PUBLIC_URL, --public-url)
# public_url = "https://kyc.example.com"

# "pretty" for terminals, "json" for log collectors.  (KYCD_LOG_FORMAT, --log-format)
log_format = "pretty"

# tracing filter used when RUST_LOG is not set.
log_filter = "info,sqlx=warn"

# Largest JSON request body accepted, in bytes (larger bodies get 413).
max_body_bytes = 262144

# HTTP limits, so slow, idle or oversized clients cannot hold memory or connections. A request's
# whole header must arrive within http_header_timeout_secs (an idle keep-alive connection is
# closed after the same time); a body may pause at most http_body_timeout_secs; an answer must
# be ready within http_request_timeout_secs (else 503). Headers over http_max_header_bytes get
# 431. Over max_connections open connections, a new one gets 503 and is closed (the limit is
# also kept 256 below the open-files limit, which kycd raises to the hard limit at start).
http_header_timeout_secs = 10
http_body_timeout_secs = 30
http_request_timeout_secs = 60
http_max_header_bytes = 65536
max_connections = 4096

# Webhooks. The first attempt is immediate; these are the delays before each retry
# (units ms, s, m, h). 2xx ends a delivery, 410 stops it, anything else retries; a longer
# Retry-After from the receiver wins; each delay gets +-10% jitter.  (KYCD_WEBHOOK_RETRY_SCHEDULE)
webhook_retry_schedule = "5s,30s,2m,10m,30m,1h,3h,6h,12h"

# Per-attempt timeout, and how long a worker reserves a claimed delivery (a crashed node's
# deliveries are retried by others after this).  (KYCD_WEBHOOK_TIMEOUT_SECS, KYCD_WEBHOOK_LEASE_SECS)
webhook_timeout_secs = 10
webhook_lease_secs = 60

# Webhooks of DEMO/TEST/PROD partners must use https and reach a public address (checked after
# DNS). List private networks (CIDR) they may reach anyway.  (KYCD_WEBHOOK_ALLOW_NETWORKS)
webhook_allow_networks = []

# How often expired tokens are looked for, in milliseconds.  (KYCD_SWEEP_INTERVAL_MS)
sweep_interval_ms = 1000

# Personal data and images are encrypted at rest (AES-256-GCM) under data keys that are wrapped
# by a master key. By default the master key lives in <data_dir>/master.key (created on first
# start, mode 0600). Several nodes must share one key: set it here or in KYCD_MASTER_KEY (base64
# of 32 random bytes, e.g. `openssl rand -base64 32`), or point every node at the same file.
# `kycd keys rotate` re-wraps the data keys under a new master key.
# master_key = "..."            (KYCD_MASTER_KEY)
# master_key_file = "/etc/kycd/master.key"   (KYCD_MASTER_KEY_FILE)

# Images are stored encrypted in an object store: a directory (default <data_dir>/files) or an
# S3-compatible bucket, "s3://bucket/prefix" (credentials, region and endpoint from the usual
# AWS_* variables).  (KYCD_OBJECT_STORE_URL)
# object_store_url = "s3://kyc-images/prod"

# File links (/api/v2/files, webhooks) are signed and expire after this many seconds.
file_link_ttl_secs = 3600

# Polling guard: /api/v2/status calls allowed per verification per window; more answer 429
# with Retry-After. Use webhooks instead of polling. 0 disables the guard.
status_poll_limit = 10
status_poll_window_secs = 60

# Retention: days each environment keeps verification data before it is deleted as
# /api/v2/delete would. 0 (or, for PROD, leaving the key out) keeps data forever.
retention_days_dev = 7
retention_days_test = 14
retention_days_demo = 14
# retention_days_prod = 365

# Prometheus metrics at GET /metrics (request counts and latency by route and status, webhook
# delivery outcomes, outbox depth and the age of the oldest due delivery). "auto" serves them on
# the API address only when it is a loopback address; "on" always; "off" never. With
# metrics_listen set, they are served only there (also by `kycd worker`), e.g. on an address
# that only the monitoring network reaches.  (KYCD_METRICS, KYCD_METRICS_LISTEN)
metrics = "auto"
# metrics_listen = "10.0.0.5:9464"

# Submitted documents (/api/v2/process) are analysed by a job queue in the database that every
# worker node (`serve` without --no-worker, `kycd worker`) takes jobs from. This is how many
# analyses one node runs at once; each keeps one core busy for a few hundred milliseconds.
# (KYCD_ANALYSIS_CONCURRENCY)
analysis_concurrency = 1

# The review console (/console, docs/console.md) is served on the API address unless
# console_listen names an address of its own (e.g. one only the office network reaches); then it
# is served only there.  (KYCD_CONSOLE_LISTEN)
# console_listen = "10.0.0.5:8443"
#
# Cases waiting longer than this many minutes are
# marked overdue in the queue. Partners named in four_eyes_partners ("*" = all) need a second
# reviewer to confirm each decision before its webhook is sent.
# (KYCD_REVIEW_SLA_MINUTES, KYCD_FOUR_EYES_PARTNERS)
review_sla_minutes = 20
four_eyes_partners = []
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_to_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kycd.toml");
        std::fs::write(&path, EXAMPLE).unwrap();
        let loaded = Config::load(Some(&path), &Overrides::default()).unwrap();
        assert_eq!(loaded, Config::default());
    }

    #[test]
    fn retention_of_zero_days_keeps_data_forever_as_every_document_says() {
        let config = Config { retention_days_dev: Some(0), ..Config::default() };
        let policy = config.data_policy();
        let kept = |environment| {
            policy.retention.iter().find(|(e, _)| *e == environment).and_then(|(_, d)| *d)
        };
        assert_eq!(kept(kycd_domain::Environment::Dev), None, "0 keeps forever");
        assert_eq!(kept(kycd_domain::Environment::Test), Some(time::Duration::days(14)));
        assert_eq!(kept(kycd_domain::Environment::Prod), None, "unset keeps forever");
        assert!(EXAMPLE.contains("0 (or, for PROD, leaving the key out) keeps data forever"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        assert!(readme.contains("`0` keeps data forever"), "README says what the code does");
        assert!(!readme.contains("deletes\n  finished verifications at once"));
        let api = std::fs::read_to_string(root.join("docs/api.md")).unwrap();
        assert!(api.contains(
            "`retention_days_* = 0`, like an unset `retention_days_prod`, keeps data forever"
        ));
    }

    #[test]
    fn overrides_beat_the_file_and_unknown_keys_fail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kycd.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9000\"\ndata_dir = \"/tmp/x\"\n").unwrap();
        let overrides =
            Overrides { listen: Some("127.0.0.1:9100".parse().unwrap()), ..Default::default() };
        let loaded = Config::load(Some(&path), &overrides).unwrap();
        assert_eq!(loaded.listen.port(), 9100);
        assert_eq!(loaded.data_dir, PathBuf::from("/tmp/x"));
        std::fs::write(&path, "listne = \"127.0.0.1:9000\"\n").unwrap();
        assert!(Config::load(Some(&path), &Overrides::default()).is_err());
    }

    #[test]
    fn metrics_are_on_the_api_only_on_loopback_unless_configured() {
        use crate::app::MetricsExposure as M;
        let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let public: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let separate: SocketAddr = "127.0.0.1:9464".parse().unwrap();
        let with =
            |metrics, metrics_listen| Config { metrics, metrics_listen, ..Config::default() };
        assert_eq!(Config::default().metrics_exposure(loopback), M::OnApi);
        assert_eq!(Config::default().metrics_exposure(public), M::Off);
        assert_eq!(with(MetricsSetting::On, None).metrics_exposure(public), M::OnApi);
        assert_eq!(with(MetricsSetting::Off, None).metrics_exposure(loopback), M::Off);
        assert_eq!(
            with(MetricsSetting::Auto, Some(separate)).metrics_exposure(public),
            M::Separate(separate)
        );
        assert_eq!(with(MetricsSetting::Off, Some(separate)).metrics_exposure(public), M::Off);
    }
}
