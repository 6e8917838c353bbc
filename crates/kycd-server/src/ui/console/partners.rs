//! `GET /console/partners`: each partner the operator may see — environment, credits, webhook
//! URL and the deliveries that are failing — and `POST /console/webhooks/{id}/resend` to send
//! one again (reviewers and admins, CSRF-checked; viewers only read).

use super::{Chrome, Reviewer, SignedIn, cross_site, refused, render};
use crate::{AppState, params::ApiPath};
use askama::Template;
use axum::{
    Form,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use kycd_domain::ids::WebhookId;

struct Failing {
    id: String,
    scan_ref: String,
    event: String,
    state: &'static str,
    attempts: i64,
    last: String,
    created: String,
}

struct PartnerRow {
    name: String,
    environment: &'static str,
    enabled: bool,
    credits: String,
    webhook_url: String,
    failing: Vec<Failing>,
}

#[derive(Template)]
#[template(path = "console/partners.html")]
struct PartnersPage {
    chrome: Chrome,
    partners: Vec<PartnerRow>,
    can_resend: bool,
    shown: i64,
}

pub async fn partners(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let found = match kycd_core::oversight::partners(&state.core, &signed_in.operator).await {
        Ok(found) => found,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let partners = found
        .into_iter()
        .map(|health| PartnerRow {
            name: health.partner.name.clone(),
            environment: health.partner.environment.as_str(),
            enabled: health.partner.enabled,
            credits: health.partner.credits.map_or("unlimited".to_owned(), |c| c.to_string()),
            webhook_url: health.partner.webhook_url.clone().unwrap_or_default(),
            failing: health
                .failing
                .into_iter()
                .map(|d| Failing {
                    id: d.id.as_str().to_owned(),
                    scan_ref: d.scan_ref.as_str().to_owned(),
                    event: d.event_type.to_string(),
                    state: d.state.as_str(),
                    attempts: d.attempts,
                    last: match (d.last_status, d.last_error) {
                        (Some(code), _) => format!("answered {code}"),
                        (None, Some(error)) => error,
                        (None, None) => String::new(),
                    },
                    created: d.created_at.format(rfc3339).unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let page = PartnersPage {
        can_resend: signed_in.operator.role.may_decide(),
        chrome: Chrome::of(&signed_in),
        partners,
        shown: kycd_core::oversight::FAILING_SHOWN,
    };
    render(&page, StatusCode::OK)
}

#[derive(serde::Deserialize)]
pub struct Csrf {
    #[serde(default)]
    csrf: String,
}

pub async fn resend(
    State(state): State<AppState>,
    Reviewer(signed_in): Reviewer,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<Csrf>,
) -> Response {
    if !signed_in.posted_by_session(&state, &headers, &form.csrf) {
        return cross_site();
    }
    let id = WebhookId::from_trusted(id);
    match kycd_core::oversight::resend(&state.core, &signed_in.operator, &id).await {
        Ok(()) => Redirect::to("/console/partners").into_response(),
        Err(error) => refused(error),
    }
}
