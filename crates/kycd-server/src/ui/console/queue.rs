//! `GET /console`: the verifications waiting for a person (REVIEWING) that the operator may see,
//! the longest waiting first, with the waiting time against the review SLA.

use super::{Chrome, SignedIn, render};
use crate::AppState;
use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use time::{Duration, OffsetDateTime};

/// iDenfy reviews "within 20 minutes" (reference §4.3): the queue marks cases past it.
pub const REVIEW_SLA: Duration = Duration::minutes(20);

struct Row {
    scan_ref: String,
    partner: String,
    environment: &'static str,
    client_id: String,
    waiting: String,
    overdue: bool,
    reason: String,
}

#[derive(Template)]
#[template(path = "console/queue.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<Row>,
    overdue: usize,
    sla_minutes: i64,
}

fn waited(since: OffsetDateTime, now: OffsetDateTime) -> String {
    let minutes = (now - since).whole_minutes().max(0);
    match minutes {
        0 => "under a minute".to_owned(),
        m if m < 120 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h {} min", m / 60, m % 60),
        m => format!("{} days", m / (24 * 60)),
    }
}

/// Why the case waits for a person, in a few words.
fn reason(result: Option<&kycd_domain::result::VerificationResult>) -> String {
    let Some(result) = result else { return "no result".to_owned() };
    let statuses = [result.auto_document.map(|s| s.as_str()), result.auto_face.map(|s| s.as_str())];
    let statuses: Vec<&str> = statuses.into_iter().flatten().collect();
    if statuses.is_empty() { "review requested".to_owned() } else { statuses.join(" · ") }
}

pub async fn queue(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let cases = match kycd_core::review::queue(&state.core, &signed_in.operator).await {
        Ok(cases) => cases,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let now = state.core.clock.now();
    let rows: Vec<Row> = cases
        .into_iter()
        .map(|case| Row {
            scan_ref: case.verification.scan_ref.as_str().to_owned(),
            partner: case.partner.name.clone(),
            environment: case.partner.environment.as_str(),
            client_id: case.verification.client_id.as_str().to_owned(),
            waiting: waited(case.waiting_since, now),
            overdue: now - case.waiting_since > REVIEW_SLA,
            reason: reason(case.verification.result.as_ref()),
        })
        .collect();
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let page = QueuePage {
        chrome: Chrome::of(&signed_in),
        rows,
        overdue,
        sla_minutes: REVIEW_SLA.whole_minutes(),
    };
    render(&page, StatusCode::OK)
}
