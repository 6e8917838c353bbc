//! `GET /console`: the verifications waiting for a person (REVIEWING) that the operator may see,
//! the longest waiting first, with the waiting time against the review SLA.

use super::{Chrome, SignedIn, render};
use crate::AppState;
use askama::Template;
use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use kycd_core::review::QueuedCase;
use time::OffsetDateTime;

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
    /// The filter's choices (value, shown, selected) and how many cases it hides.
    partners: Vec<(String, bool)>,
    environments: Vec<(&'static str, bool)>,
    reasons: Vec<(String, bool)>,
    hidden: usize,
}

/// `?partner=NAME&environment=ENV&reason=WHY`: the first value of each counts; unknown values
/// match nothing.
#[derive(Debug, Default)]
struct Filter {
    partner: Option<String>,
    environment: Option<String>,
    reason: Option<String>,
}

impl Filter {
    fn parse(query: Option<&str>) -> Self {
        let mut filter = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = Some(value.into_owned()).filter(|v| !v.is_empty());
            match key.as_ref() {
                "partner" if filter.partner.is_none() => filter.partner = value,
                "environment" if filter.environment.is_none() => filter.environment = value,
                "reason" if filter.reason.is_none() => filter.reason = value,
                _ => {}
            }
        }
        filter
    }

    fn keeps(&self, case: &QueuedCase) -> bool {
        self.partner.as_ref().is_none_or(|p| *p == case.partner.name)
            && self.environment.as_ref().is_none_or(|e| e == case.partner.environment.as_str())
            && self.reason.as_ref().is_none_or(|r| *r == reason(case))
    }
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
fn reason(case: &QueuedCase) -> String {
    if case.proposed_by.is_some() {
        return "awaiting a second reviewer".to_owned();
    }
    let Some(result) = case.verification.result.as_ref() else { return "no result".to_owned() };
    let statuses = [result.auto_document.map(|s| s.as_str()), result.auto_face.map(|s| s.as_str())];
    let statuses: Vec<&str> = statuses.into_iter().flatten().collect();
    if statuses.is_empty() { "review requested".to_owned() } else { statuses.join(" · ") }
}

/// A filter's choices: the distinct values, sorted, with the chosen one marked.
fn choices(values: impl Iterator<Item = String>, chosen: &Option<String>) -> Vec<(String, bool)> {
    let mut values: Vec<String> = values.collect();
    values.sort();
    values.dedup();
    values
        .into_iter()
        .map(|value| {
            let selected = chosen.as_deref() == Some(value.as_str());
            (value, selected)
        })
        .collect()
}

pub async fn queue(
    State(state): State<AppState>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Response {
    let cases = match kycd_core::review::queue(&state.core, &signed_in.operator).await {
        Ok(cases) => cases,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let filter = Filter::parse(query.as_deref());
    let partners = choices(cases.iter().map(|c| c.partner.name.clone()), &filter.partner);
    let reasons = choices(cases.iter().map(reason), &filter.reason);
    let environments = kycd_domain::Environment::ALL
        .iter()
        .map(|e| (e.as_str(), filter.environment.as_deref() == Some(e.as_str())))
        .collect();
    let total = cases.len();
    let now = state.core.clock.now();
    let sla = state.core.review.sla;
    let rows: Vec<Row> = cases
        .into_iter()
        .filter(|case| filter.keeps(case))
        .map(|case| Row {
            reason: reason(&case),
            scan_ref: case.verification.scan_ref.as_str().to_owned(),
            partner: case.partner.name.clone(),
            environment: case.partner.environment.as_str(),
            client_id: case.verification.client_id.as_str().to_owned(),
            waiting: waited(case.waiting_since, now),
            overdue: now - case.waiting_since > sla,
        })
        .collect();
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let hidden = total - rows.len();
    let page = QueuePage {
        chrome: Chrome::of(&signed_in),
        rows,
        overdue,
        sla_minutes: sla.whole_minutes(),
        partners,
        environments,
        reasons,
        hidden,
    };
    render(&page, StatusCode::OK)
}
