//! `GET /console/dashboard`: verifications of the operator's partners per status per UTC day for
//! the last two weeks, and the median time from submission to decision. Read-only, every role.

use super::{Chrome, SignedIn, render};
use crate::AppState;
use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    statuses: Vec<&'static str>,
    /// (YYYY-MM-DD, counts per status, total), newest first.
    days: Vec<(String, Vec<i64>, i64)>,
    decided: usize,
    median: String,
    window: i64,
}

fn spoken(duration: time::Duration) -> String {
    let seconds = duration.whole_seconds();
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s => format!("{} days", s / 86_400),
    }
}

pub async fn dashboard(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let dashboard = match kycd_core::oversight::dashboard(&state.core, &signed_in.operator).await {
        Ok(dashboard) => dashboard,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let page = DashboardPage {
        chrome: Chrome::of(&signed_in),
        statuses: dashboard.statuses.iter().map(|s| s.as_str()).collect(),
        days: dashboard
            .days
            .into_iter()
            .map(|(date, counts)| {
                let total = counts.iter().sum();
                (kycd_domain::token_request::format_date(date), counts, total)
            })
            .collect(),
        decided: dashboard.decided,
        median: dashboard.median_decision.map(spoken).unwrap_or_else(|| "—".to_owned()),
        window: kycd_core::oversight::DASHBOARD_DAYS,
    };
    render(&page, StatusCode::OK)
}
