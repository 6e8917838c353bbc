//! kycd's server: the HTTP API (axum), the CLI (clap), configuration and wiring. Handlers only
//! extract, call the domain or the store, and map the result; rules live in kycd-domain, storage
//! behind kycd-store, and every failure becomes HTTP in `error.rs` alone.

pub mod app;
pub mod auth;
pub mod body;
pub mod cli;
pub mod config;
pub mod error;
pub mod files;
pub mod keys;
pub mod lifecycle;
pub mod openapi;
pub mod partners;
pub mod routes;
pub mod sample_images;
pub mod sandbox_cli;
pub mod secrets;
pub mod store;
pub mod telemetry;

pub use app::{AppState, RunningServer, start_server};
