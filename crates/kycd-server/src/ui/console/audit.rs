//! `GET /console/audit[?scanRef=…]`: the audit log for admins, newest first — every case view,
//! decision, login and operator change, and every partner read of personal data.

use super::{Admin, Chrome, render};
use crate::AppState;
use askama::Template;
use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use kycd_domain::ScanRef;
use kycd_store::AuditFilter;

struct Row {
    at: String,
    actor: String,
    action: String,
    scan_ref: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<Row>,
    scan_ref: String,
}

/// Most records shown at once.
const SHOWN: i64 = 500;

pub async fn audit(
    State(state): State<AppState>,
    Admin(signed_in): Admin,
    RawQuery(query): RawQuery,
) -> Response {
    let scan_ref = query
        .as_deref()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "scanRef"))
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let filter =
        AuditFilter { scan_ref: scan_ref.clone().map(ScanRef::from_trusted), limit: SHOWN };
    let records = match kycd_core::audit::list(&state.core, &filter).await {
        Ok(records) => records,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let rows = records
        .into_iter()
        .map(|r| Row {
            at: r.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            actor: r.actor,
            action: r.action,
            scan_ref: r.scan_ref.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            detail: r.detail.unwrap_or_default(),
        })
        .collect();
    let page =
        AuditPage { chrome: Chrome::of(&signed_in), rows, scan_ref: scan_ref.unwrap_or_default() };
    render(&page, StatusCode::OK)
}
