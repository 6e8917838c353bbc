//! kycd's server, the composition root: the HTTP API (axum), the CLI (clap), configuration,
//! middleware and start-up. Handlers and CLI commands only extract, call kycd-core, and map the
//! result; rules live in kycd-domain, orchestration in kycd-core, storage behind kycd-store, and
//! every failure becomes HTTP in `error.rs` alone. Only this crate picks the SQL backend.

pub mod app;
pub mod auth;
pub mod body;
pub mod cli;
pub mod config;
pub mod error;
pub mod http_server;
pub mod keys;
pub mod metrics;
pub mod openapi;
pub mod params;
pub mod private_files;
pub mod routes;
pub mod store;
pub mod telemetry;
pub mod ui;
pub mod unread_body;

pub use app::{AppState, RunningServer, start_server};
