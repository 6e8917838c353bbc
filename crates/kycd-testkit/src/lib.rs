//! Dev-only helpers for kycd's integration tests: a real kycd on 127.0.0.1:0 with its own database
//! (a SQLite file, or a fresh PostgreSQL database with `KYCD_TEST_BACKEND=postgres`) and a fake
//! clock, an HTTP client that states the expected status on every call, and a
//! real webhook receiver. Nothing here mocks kycd's own code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod receiver;

use base64::Engine;
use kycd_core::{
    Services,
    partners::{self, IssuedCredentials, PartnerSpec},
};
use kycd_domain::{Clock, Environment, FakeClock};
use kycd_server::{AppState, RunningServer, start_server};
use kycd_store::Store;
use kycd_webhooks::RetrySchedule;
use serde_json::Value;
use std::{net::SocketAddr, sync::Arc, time::Duration};

pub use receiver::{Received, WebhookReceiver};

/// A kycd server running in this process for one test.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base_url: String,
    pub store: Arc<dyn Store>,
    pub clock: FakeClock,
    /// The services the app runs on (the same store and clock).
    pub core: Services,
    /// The SQLite file. Only meaningful when [`TestApp::database_url`] is a `sqlite://` URL: under
    /// `KYCD_TEST_BACKEND=postgres` nothing is written there.
    pub database_path: std::path::PathBuf,
    /// The database the app uses: `sqlite://<database_path>`, or a fresh PostgreSQL database.
    pub database_url: String,
    /// The DEV `sandbox` partner, as first start creates it.
    pub sandbox: IssuedCredentials,
    server: Option<RunningServer>,
    background: Option<kycd_server::app::Background>,
    pub data_dir: tempfile::TempDir,
}

#[derive(Debug, Clone)]
pub struct TestOptions {
    pub max_body_bytes: usize,
    /// Delays before each webhook retry (fake-clock time).
    pub retry_schedule: RetrySchedule,
    pub webhook_timeout: Duration,
    pub allowed_networks: Vec<String>,
    pub data_policy: kycd_core::DataPolicy,
    pub file_link_ttl: time::Duration,
    /// None: a directory in the data dir; else an object store URL (e.g. `s3://…`).
    pub object_store_url: Option<String>,
    /// Serve `GET /metrics` (as `kycd serve` does on loopback).
    pub metrics: bool,
    /// Run the webhook delivery worker (false: events stay in the outbox, as on an API-only node).
    pub deliver_webhooks: bool,
    /// Timeouts and connection limit of the HTTP server.
    pub http: kycd_server::http_server::HttpLimits,
    /// The review console's SLA and four-eyes partners.
    pub review: kycd_domain::console::ReviewPolicy,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            max_body_bytes: 256 * 1024,
            retry_schedule: RetrySchedule::default(),
            webhook_timeout: Duration::from_secs(10),
            allowed_networks: Vec::new(),
            data_policy: kycd_core::DataPolicy::default(),
            file_link_ttl: time::Duration::hours(1),
            object_store_url: None,
            metrics: true,
            deliver_webhooks: true,
            http: kycd_server::http_server::HttpLimits::default(),
            review: Default::default(),
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestOptions::default()).await
}

pub async fn spawn_app_with(options: TestOptions) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let database_path = data_dir.path().join("kycd.db");
    let database_url = test_database_url(&database_path).await;
    let master = kycd_store::crypto::MasterKey::generate();
    let store = kycd_server::store::open(&database_url, &master).await.unwrap();
    let clock = FakeClock::starting_now();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base_url = format!("http://{addr}");
    let core = Services {
        store: store.clone(),
        clock: Arc::new(clock.clone()) as Arc<dyn Clock>,
        files: kycd_core::files::FileStore::open(
            options.object_store_url.as_deref(),
            &data_dir.path().join("files"),
            store.key_ring(),
        )
        .unwrap(),
        links: kycd_core::files::LinkSigner::new(
            master.derive("kycd-file-links"),
            options.file_link_ttl,
        ),
        policy: Arc::new(options.data_policy.clone()),
        webhook_wake: Default::default(),
        analysis_wake: Default::default(),
        public_url: base_url.clone().into(),
        review: Arc::new(options.review.clone()),
    };
    let sandbox = partners::ensure_sandbox(&core)
        .await
        .unwrap()
        .expect("a fresh database gets the sandbox partner");
    let state = AppState {
        console_route: true,
        core: core.clone(),
        max_body_bytes: options.max_body_bytes,
        metrics_route: options.metrics,
        http: options.http,
    };
    // Background jobs poll fast so tests that advance the fake clock see the effect quickly.
    let settings = kycd_server::app::BackgroundSettings {
        worker: options.deliver_webhooks.then(|| kycd_webhooks::WorkerConfig {
            schedule: options.retry_schedule.clone(),
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_millis(25),
            ..Default::default()
        }),
        analysis: options.deliver_webhooks.then(|| kycd_core::analysis::RunnerConfig {
            poll_interval: Duration::from_millis(25),
            retry_after: Duration::from_millis(50),
            ..Default::default()
        }),
        webhook_timeout: options.webhook_timeout,
        network_policy: kycd_webhooks::network::NetworkPolicy {
            allowed_networks: options.allowed_networks.iter().map(|n| n.parse().unwrap()).collect(),
        },
        sweep_interval: Duration::from_millis(25),
    };
    let background = kycd_server::app::start_background(&core, settings).unwrap();
    let server = start_server(listener, state).unwrap();
    TestApp {
        addr,
        base_url,
        store,
        clock,
        core,
        database_path,
        database_url,
        sandbox,
        server: Some(server),
        background: Some(background),
        data_dir,
    }
}

/// Which backend the HTTP tests run on: `KYCD_TEST_BACKEND=postgres` gives every app a fresh,
/// uniquely named database on the server `KYCD_TEST_POSTGRES_URL` names; unset (or `sqlite`), a
/// SQLite file at `sqlite_path`.
async fn test_database_url(sqlite_path: &std::path::Path) -> String {
    let backend = std::env::var("KYCD_TEST_BACKEND").unwrap_or_default();
    match backend.as_str() {
        "" | "sqlite" => format!("sqlite://{}", sqlite_path.display()),
        "postgres" => {
            let server = kycd_store_postgres::testing::server_url().unwrap_or_else(|| {
                panic!(
                    "KYCD_TEST_BACKEND=postgres needs {} (e.g. postgres://postgres@127.0.0.1:5432/test)",
                    kycd_store_postgres::testing::URL_VAR
                )
            });
            kycd_store_postgres::testing::fresh_database(&server)
                .await
                .unwrap_or_else(|e| panic!("creating a test database on {server}: {e}"))
        }
        other => panic!("KYCD_TEST_BACKEND={other}: expected sqlite or postgres"),
    }
}

impl TestApp {
    /// Creates another partner directly in the store (as `kycd partner create` does).
    pub async fn create_partner(
        &self,
        name: &str,
        environment: Environment,
        credits: Option<i64>,
        rate_limit_per_hour: i64,
    ) -> IssuedCredentials {
        let spec = PartnerSpec {
            name: name.to_owned(),
            environment,
            webhook_url: None,
            signing_key: None,
            credits,
            rate_limit_per_hour,
        };
        partners::create(&self.core, spec).await.unwrap()
    }

    pub fn clock_now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// A client authenticated as the sandbox partner.
    pub fn sandbox_client(&self) -> Client {
        self.client_for(&self.sandbox)
    }

    pub fn client_for(&self, credentials: &IssuedCredentials) -> Client {
        Client::new(&self.base_url).with_basic(&credentials.api_key, &credentials.api_secret)
    }

    /// A client without credentials.
    pub fn anonymous_client(&self) -> Client {
        Client::new(&self.base_url)
    }

    pub async fn shutdown(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.unwrap();
        }
        if let Some(background) = self.background.take() {
            background.stop().await;
        }
    }

    /// Sets the partner's default webhook URL.
    pub async fn set_webhook_url(&self, partner: &str, url: &str) {
        let update = kycd_store::PartnerUpdate {
            webhook_url: Some(Some(url.to_owned())),
            ..Default::default()
        };
        self.store.update_partner(partner, &update).await.unwrap();
    }
}

/// A thin HTTP client over reqwest; every call names the status it expects.
#[derive(Debug, Clone)]
pub struct Client {
    base_url: String,
    authorization: Option<String>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(base_url: &str) -> Self {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { base_url: base_url.to_owned(), authorization: None, http }
    }

    pub fn with_basic(mut self, key: &str, secret: &str) -> Self {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
        self.authorization = Some(format!("Basic {encoded}"));
        self
    }

    pub fn with_authorization(mut self, header: &str) -> Self {
        self.authorization = Some(header.to_owned());
        self
    }

    /// POSTs `body` as JSON.
    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(
            reqwest::Method::POST,
            path,
            Some(serde_json::to_vec(body).unwrap()),
            Some("application/json"),
        )
        .await
    }

    /// POSTs raw bytes with the given content type (None = no header).
    pub async fn post_raw(&self, path: &str, body: Vec<u8>, content_type: Option<&str>) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body), content_type).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
        content_type: Option<&str>,
    ) -> Reply {
        let mut request = self.http.request(method.clone(), format!("{}{path}", self.base_url));
        if let Some(auth) = &self.authorization {
            request = request.header("authorization", auth);
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        Reply { method: method.to_string(), path: path.to_owned(), status, headers, body }
    }
}

/// A response, kept whole so assertions can show it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// Panics with the whole response unless the status is `expected`.
    #[track_caller]
    pub fn expect(self, expected: u16) -> Self {
        assert_eq!(
            self.status,
            expected,
            "{} {} answered {} instead of {expected}: {}",
            self.method,
            self.path,
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} {} body is not JSON ({e}): {}",
                self.method,
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the spec's error shape and returns (identifier, message).
    #[track_caller]
    pub fn error(&self) -> (String, String) {
        let body = self.json();
        let identifier =
            body["identifier"].as_str().unwrap_or_else(|| panic!("no identifier in {body}"));
        let message = body["message"].as_str().unwrap_or_else(|| panic!("no message in {body}"));
        (identifier.to_owned(), message.to_owned())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
