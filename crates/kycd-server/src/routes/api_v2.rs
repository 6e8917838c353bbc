//! iDenfy-compatible partner endpoints under /api/v2.

pub mod add_dummy_status;
pub mod data;
pub mod delete;
pub mod files;
pub mod process;
pub mod sandbox;
pub mod status;
pub mod token;

use crate::{AppState, error::ApiError};
use axum::{
    Router,
    routing::{get, post},
};
use kycd_domain::{ScanRef, fields::Fields};
use serde_json::{Map, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/token", post(token::create_token))
        .route("/add-dummy-status", post(add_dummy_status::add_dummy_status))
        .route("/status", post(status::status))
        .route("/data", post(data::data))
        .route("/files", post(files::files))
        .route("/delete", post(delete::delete))
        .route("/process", post(process::process))
        .route("/redirect", get(crate::ui::flow::entry::redirect))
        .route("/sandbox/scenarios", get(sandbox::scenarios::scenarios))
        .route("/sandbox/advance", post(sandbox::advance::advance))
        .route("/sandbox/reset", post(sandbox::reset::reset))
        .route("/sandbox/webhooks", get(sandbox::webhooks::log))
        .route("/sandbox/webhooks/{id}/resend", post(sandbox::webhooks::resend))
        .route("/sandbox/events", get(sandbox::events::events))
}

/// The body's `scanRef` (MISSING_VALUE without one), recorded on the request's span.
pub fn scan_ref_of(body: &Map<String, Value>) -> Result<ScanRef, ApiError> {
    let scan_ref = ScanRef::from_trusted(Fields::new(body).required_str("scanRef")?);
    tracing::Span::current().record("scan_ref", scan_ref.as_str());
    Ok(scan_ref)
}
