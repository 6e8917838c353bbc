//! iDenfy-compatible partner endpoints under /api/v2.

pub mod add_dummy_status;
pub mod data;
pub mod delete;
pub mod files;
pub mod sandbox;
pub mod status;
pub mod token;

use crate::{AppState, error::ApiError};
use axum::{
    Router,
    routing::{get, post},
};
use kycd_domain::{ScanRef, fields::Fields};
use kycd_store::{AuditRecord, Partner, Verification};
use serde_json::{Map, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/token", post(token::create_token))
        .route("/add-dummy-status", post(add_dummy_status::add_dummy_status))
        .route("/status", post(status::status))
        .route("/data", post(data::data))
        .route("/files", post(files::files))
        .route("/delete", post(delete::delete))
        .route("/sandbox/scenarios", get(sandbox::scenarios::scenarios))
        .route("/sandbox/advance", post(sandbox::advance::advance))
        .route("/sandbox/reset", post(sandbox::reset::reset))
        .route("/sandbox/webhooks", get(sandbox::webhooks::log))
        .route("/sandbox/webhooks/{id}/resend", post(sandbox::webhooks::resend))
        .route("/sandbox/events", get(sandbox::events::events))
}

/// The calling partner's verification named by the body's `scanRef`: MISSING_VALUE without one,
/// 404 for an unknown scanRef or another partner's (indistinguishable).
pub async fn owned_verification(
    state: &AppState,
    partner: &Partner,
    body: &Map<String, Value>,
) -> Result<Verification, ApiError> {
    let scan_ref = ScanRef::from_trusted(Fields::new(body).required_str("scanRef")?);
    tracing::Span::current().record("scan_ref", scan_ref.as_str());
    state.store.verification(partner.id, &scan_ref).await?.ok_or(ApiError::ScanRefNotFound)
}

/// Records a read of personal data.
pub async fn audit(
    state: &AppState,
    partner: &Partner,
    action: &str,
    verification: &Verification,
    detail: Option<String>,
) -> Result<(), ApiError> {
    let record = AuditRecord {
        at: state.clock.now(),
        partner_id: Some(partner.id),
        actor: format!("partner:{}", partner.name),
        action: action.to_owned(),
        scan_ref: Some(verification.scan_ref.clone()),
        detail,
    };
    Ok(state.store.append_audit(&record).await?)
}
