//! `GET /console/search`: every verification the operator may see, newest first, by scanRef,
//! clientId, partner, status and creation date (`from`/`to`, YYYY-MM-DD, both days included).
//! A value that cannot be read is named on the page with a 400; nothing is searched then.

use super::{Chrome, SignedIn, render};
use crate::AppState;
use askama::Template;
use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use kycd_domain::{ScanRef, vocabulary::OverallStatus};
use kycd_store::VerificationSearch;
use time::{Date, Duration, OffsetDateTime, macros::format_description};

struct Row {
    scan_ref: String,
    partner: String,
    client_id: String,
    status: &'static str,
    created: String,
}

#[derive(Template)]
#[template(path = "console/search.html")]
struct SearchPage {
    chrome: Chrome,
    /// The form as sent.
    scan_ref: String,
    client_id: String,
    from: String,
    to: String,
    statuses: Vec<(&'static str, bool)>,
    partners: Vec<(String, bool)>,
    /// Why the search was not run.
    error: Option<String>,
    /// None: no search asked yet.
    rows: Option<Vec<Row>>,
    limit: i64,
}

#[derive(Default)]
struct Form {
    scan_ref: String,
    client_id: String,
    partner: String,
    status: String,
    from: String,
    to: String,
}

impl Form {
    fn parse(query: Option<&str>) -> Self {
        let mut form = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = value.trim().to_owned();
            match key.as_ref() {
                "scanRef" => form.scan_ref = value,
                "clientId" => form.client_id = value,
                "partner" => form.partner = value,
                "status" => form.status = value,
                "from" => form.from = value,
                "to" => form.to = value,
                _ => {}
            }
        }
        form
    }

    fn asked(&self) -> bool {
        [&self.scan_ref, &self.client_id, &self.partner, &self.status, &self.from, &self.to]
            .iter()
            .any(|v| !v.is_empty())
    }
}

fn day(field: &str, value: &str) -> Result<Option<OffsetDateTime>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .map(|d| Some(d.midnight().assume_utc()))
        .map_err(|_| format!("The field {field} must be a date as YYYY-MM-DD, not '{value}'."))
}

fn search_of(form: &Form, partners: &[kycd_store::Partner]) -> Result<VerificationSearch, String> {
    let status = match form.status.as_str() {
        "" => None,
        text => Some(OverallStatus::parse(text).ok_or_else(|| {
            format!("The field status must be one of the statuses listed, not '{text}'.")
        })?),
    };
    let partner = match form.partner.as_str() {
        "" => vec![],
        name => match partners.iter().find(|p| p.name == name) {
            Some(partner) => vec![partner.id],
            None => {
                return Err(format!("The field partner names no partner you may see: '{name}'."));
            }
        },
    };
    let created_from = day("from", &form.from)?;
    let created_before = day("to", &form.to)?.map(|to| to + Duration::days(1));
    if let (Some(from), Some(before)) = (created_from, created_before)
        && before <= from
    {
        return Err("The field to must not be before the field from.".to_owned());
    }
    Ok(VerificationSearch {
        partners: partner,
        scan_ref: Some(form.scan_ref.clone()).filter(|s| !s.is_empty()).map(ScanRef::from_trusted),
        client_id: Some(form.client_id.clone()).filter(|c| !c.is_empty()),
        status,
        created_from,
        created_before,
        limit: kycd_core::review::SEARCH_LIMIT,
    })
}

pub async fn search(
    State(state): State<AppState>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Response {
    let form = Form::parse(query.as_deref());
    let scope = kycd_core::operators::scope(&signed_in.operator);
    let partners = match state.core.store.list_partners().await {
        Ok(partners) => partners.into_iter().filter(|p| scope.includes(p.id)).collect::<Vec<_>>(),
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let (mut error, mut rows) = (None, None);
    if form.asked() {
        match search_of(&form, &partners) {
            Err(text) => error = Some(text),
            Ok(search) => {
                match kycd_core::review::search(&state.core, &signed_in.operator, search).await {
                    Ok(found) => {
                        rows = Some(
                            found
                                .into_iter()
                                .map(|(v, partner)| Row {
                                    scan_ref: v.scan_ref.as_str().to_owned(),
                                    partner: partner.name,
                                    client_id: v.client_id.as_str().to_owned(),
                                    status: v.status.as_str(),
                                    created: v
                                        .created_at
                                        .format(&time::format_description::well_known::Rfc3339)
                                        .unwrap_or_default(),
                                })
                                .collect(),
                        )
                    }
                    Err(error) => return crate::error::ApiError::from(error).into_response(),
                }
            }
        }
    }
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = SearchPage {
        chrome: Chrome::of(&signed_in),
        statuses: OverallStatus::ALL
            .iter()
            .map(|s| (s.as_str(), form.status == s.as_str()))
            .collect(),
        partners: partners.iter().map(|p| (p.name.clone(), form.partner == p.name)).collect(),
        scan_ref: form.scan_ref,
        client_id: form.client_id,
        from: form.from,
        to: form.to,
        error,
        rows,
        limit: kycd_core::review::SEARCH_LIMIT,
    };
    render(&page, status)
}
