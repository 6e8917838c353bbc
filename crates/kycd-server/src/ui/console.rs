//! The review console (`/console`, issue 14; docs/console.md): server-rendered pages for the
//! operator's staff, English only, strict CSP, no framing, nothing cached. Closed (404) until the
//! first admin exists. A session is a `kycd_console` cookie (HttpOnly, SameSite=Strict,
//! Path=/console, Secure behind https) holding a random token whose digest the store keeps;
//! every form post also carries the session's CSRF token and must come from this origin.
//! [`SignedIn`] is the extractor every page behind the login takes; [`Reviewer`] and [`Admin`]
//! refuse an operator whose role does not allow what the page does, so a handler cannot forget.

pub mod audit;
pub mod case;
pub mod dashboard;
pub mod login;
pub mod logout;
pub mod partners;
pub mod queue;
pub mod search;

use crate::AppState;
use askama::Template;
use axum::{
    Router,
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kycd_store::Operator;

pub const COOKIE: &str = "kycd_console";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(queue::queue))
        .route("/console/", get(queue::queue))
        .route("/console/login", get(login::form).post(login::login))
        .route("/console/logout", post(logout::logout))
        .route("/console/audit", get(audit::audit))
        .route("/console/search", get(search::search))
        .route("/console/partners", get(partners::partners))
        .route("/console/dashboard", get(dashboard::dashboard))
        .route("/console/webhooks/{id}/resend", post(partners::resend))
        .route("/console/cases/{scan_ref}", get(case::case))
        .route("/console/cases/{scan_ref}/decision", post(case::decide))
        .route("/console/cases/{scan_ref}/confirmation", post(case::confirm))
        .route("/console/cases/{scan_ref}/faces/{kind}", get(case::face))
        .route("/console/cases/{scan_ref}/images/{kind}", get(case::image))
}

/// What every page behind the login shows in its header.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub operator: String,
    pub role: &'static str,
    pub csrf: String,
    pub css: String,
    pub js: String,
}

impl Chrome {
    pub fn of(signed_in: &SignedIn) -> Self {
        Self {
            operator: signed_in.operator.name.clone(),
            role: signed_in.operator.role.as_str(),
            csrf: signed_in.csrf.clone(),
            css: crate::ui::assets::url("console.css"),
            js: crate::ui::assets::url("console.js"),
        }
    }
}

/// A page of the console: HTML with the strict CSP and `frame-ancestors 'none'`.
pub fn render(template: &impl Template, status: StatusCode) -> Response {
    crate::ui::flow::render(template, "'none'", status)
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct MessagePage<'a> {
    css: String,
    title: &'a str,
    message: &'a str,
}

/// A page that only says something (closed console, refused request).
pub fn message(status: StatusCode, title: &str, message: &str) -> Response {
    let css = crate::ui::assets::url("console.css");
    render(&MessagePage { css, title, message }, status)
}

/// The page for a refused console action: 404 for what the operator may not see, 409 for a case
/// someone else holds (or a decision waiting), 403 for what their role may not do, 400 for a bad
/// value; anything else as the API maps it.
pub fn refused(error: kycd_core::CoreError) -> Response {
    use kycd_core::CoreError;
    match error {
        CoreError::NotFound(text) => message(StatusCode::NOT_FOUND, "Not found", &text),
        CoreError::Conflict(text) => message(StatusCode::CONFLICT, "Not yours to decide", &text),
        CoreError::Rejected(rejection) => {
            let status = if rejection.identifier == kycd_domain::Identifier::PermissionsError {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::BAD_REQUEST
            };
            message(status, "Refused", &rejection.message)
        }
        other => crate::error::ApiError::from(other).into_response(),
    }
}

/// A time as the console shows it: HH:MM UTC.
pub fn hhmm(at: time::OffsetDateTime) -> String {
    format!("{:02}:{:02} UTC", at.hour(), at.minute())
}

/// Until an admin exists, the console answers 404 with how to create one.
pub async fn closed(state: &AppState) -> Option<Response> {
    match state.core.store.any_admin().await {
        Ok(true) => None,
        Ok(false) => Some(message(
            StatusCode::NOT_FOUND,
            "The console is not set up",
            "Create the first admin with: kycd user create --name NAME --role admin --password-stdin",
        )),
        Err(error) => Some(crate::error::ApiError::from(error).into_response()),
    }
}

/// The session token from the request's cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that starts (token) or ends (None) the session.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let secure = if state.core.public_url.starts_with("https://") { "; Secure" } else { "" };
    let value = match token {
        Some(token) => {
            format!("{COOKIE}={token}; Path=/console; HttpOnly; SameSite=Strict{secure}")
        }
        None => format!("{COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// An operator behind a live session, with the session's token and CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub operator: Operator,
    pub token: String,
    pub csrf: String,
}

impl SignedIn {
    /// Whether a form post is this session's own: from this origin, with its CSRF token.
    pub fn posted_by_session(&self, state: &AppState, headers: &HeaderMap, csrf: &str) -> bool {
        crate::ui::page::same_origin(headers)
            && kycd_core::operators::csrf_matches(&state.core, &self.token, csrf)
    }
}

/// Why a console request did not reach its page.
pub enum Refused {
    /// Not signed in (or the session ended): to the login page.
    Login,
    /// The console is not set up, or the store failed: this response.
    Page(Response),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Self::Login => Redirect::to("/console/login").into_response(),
            Self::Page(response) => response,
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refused> {
        if let Some(response) = closed(state).await {
            return Err(Refused::Page(response));
        }
        let Some(token) = session_token(&parts.headers) else { return Err(Refused::Login) };
        match kycd_core::operators::signed_in(&state.core, &token).await {
            Ok(Some(operator)) => {
                let csrf = kycd_core::operators::csrf_token(&state.core, &token);
                tracing::Span::current().record("operator", operator.name.as_str());
                Ok(Self { operator, token, csrf })
            }
            Ok(None) => Err(Refused::Login),
            Err(error) => Err(Refused::Page(crate::error::ApiError::from(error).into_response())),
        }
    }
}

fn forbidden(operator: &Operator, what: &str) -> Refused {
    let text = format!(
        "You are signed in as {} ({}), which may not {what}.",
        operator.name, operator.role
    );
    Refused::Page(message(StatusCode::FORBIDDEN, "Not allowed", &text))
}

/// A signed-in operator who may decide verifications (reviewer or admin).
#[derive(Debug, Clone)]
pub struct Reviewer(pub SignedIn);

impl FromRequestParts<AppState> for Reviewer {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refused> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if !signed_in.operator.role.may_decide() {
            return Err(forbidden(&signed_in.operator, "decide verifications"));
        }
        Ok(Self(signed_in))
    }
}

/// A signed-in admin.
#[derive(Debug, Clone)]
pub struct Admin(pub SignedIn);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refused> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if !signed_in.operator.role.may_administer() {
            return Err(forbidden(&signed_in.operator, "administer the console"));
        }
        Ok(Self(signed_in))
    }
}

/// A refused form post (cross-site, or without the session's CSRF token).
pub fn cross_site() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Request refused",
        "This form was not sent from a console page of this session. Open the page again and retry.",
    )
}

/// Pages are never cached and never framed; `Page` sets both, this covers redirects too.
pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    crate::ui::page::no_store(response.headers_mut());
    response
}
