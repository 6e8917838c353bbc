//! The hosted verification flow: the pages a person sees from `redirectUrl` to the partner's
//! URL, one file per page under `flow/`. Every page is a plain HTML form that works without
//! JavaScript; `static/flow.js` adds the live camera and the iframe message. The link's auth
//! token is the capability: it is in every path, and a session (kycd-core `flow`) is looked up
//! from it on every request, so a reload, another tab or another device continue the same
//! verification. The choices made so far (`doc`, `country`) and the language travel in the
//! query string.

pub mod brand;
pub mod cancel;
pub mod capture;
pub mod choose;
pub mod code;
pub mod entry;
pub mod handoff;
pub mod photo;
pub mod result;
pub mod review;
pub mod sandbox;
pub mod start;
pub mod state;
pub mod submit;

use crate::{
    AppState,
    ui::{
        assets,
        i18n::Texts,
        page::{Page, same_origin},
    },
};
use askama::Template;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    extract::FromRequestParts,
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use kycd_core::flow::Session;
use kycd_domain::{
    Environment,
    flow::{self as rules, Stage},
    vocabulary::DocumentKind,
};

/// Largest upload request: one photo of up to 2 MiB with its multipart framing.
pub const UPLOAD_BODY_LIMIT: usize = kycd_core::analysis::MAX_IMAGE_BYTES + 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(entry::embedded))
        .route("/h", get(code::enter))
        .route("/h/{code}", get(code::short_link))
        .route("/ui/{token}/", get(start::start))
        .route("/ui/{token}/brand.css", get(brand::stylesheet))
        .route("/ui/{token}/logo.png", get(brand::logo))
        .route("/ui/{token}/choose", get(choose::choose))
        .route(
            "/ui/{token}/capture/{kind}",
            get(capture::page)
                .post(capture::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/ui/{token}/photo/{kind}", get(photo::photo))
        .route("/ui/{token}/handoff", get(handoff::handoff))
        .route("/ui/{token}/review", get(review::review))
        .route("/ui/{token}/state", get(state::state))
        .route("/ui/{token}/submit", post(submit::submit))
        .route("/ui/{token}/cancel", get(cancel::confirm).post(cancel::cancel))
        .route("/ui/{token}/sandbox", post(sandbox::finish))
}

/// The query parameters the flow understands; the first of a repeated name counts and
/// anything unknown is ignored, so no query can make a page fail.
#[derive(Debug, Clone, Default)]
pub struct FlowQuery {
    pub auth_token: Option<String>,
    pub lang: Option<String>,
    pub embed: bool,
    pub doc: Option<DocumentKind>,
    pub country: Option<String>,
    /// A hand-off code typed at `/h`.
    pub code: Option<String>,
}

impl FlowQuery {
    pub fn parse(raw: Option<&str>) -> Self {
        let mut query = Self::default();
        let mut seen = Vec::new();
        for (name, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if seen.contains(&name) {
                continue;
            }
            match name.as_ref() {
                "authToken" => query.auth_token = Some(value.to_string()),
                "lang" => query.lang = Some(value.to_string()),
                "embed" => query.embed = value == "1",
                "code" => query.code = Some(value.to_string()),
                "doc" => query.doc = DocumentKind::parse(&value),
                "country" => {
                    let upper = value.to_ascii_uppercase();
                    query.country = kycd_domain::countries::is_alpha2(&upper).then_some(upper);
                }
                _ => {}
            }
            seen.push(name);
        }
        query
    }
}

/// Links within one session, keeping the language, the embedding and the choices made.
#[derive(Debug, Clone)]
pub struct Nav {
    token: String,
    pub lang: &'static str,
    pub embed: bool,
    pub doc: Option<DocumentKind>,
    pub country: Option<String>,
}

impl Nav {
    /// `/ui/{token}/{path}` with the session's query.
    pub fn href(&self, path: &str) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.params() {
            query.append_pair(name, &value);
        }
        format!("/ui/{}/{path}?{}", self.token, query.finish())
    }

    /// The query as hidden fields, for GET forms.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![("lang", self.lang.to_owned())];
        if self.embed {
            params.push(("embed", "1".to_owned()));
        }
        if let Some(doc) = self.doc {
            params.push(("doc", doc.as_str().to_owned()));
        }
        if let Some(country) = &self.country {
            params.push(("country", country.clone()));
        }
        params
    }

    pub fn in_lang(&self, lang: &'static str) -> Self {
        Self { lang, ..self.clone() }
    }

    pub fn without_choices(&self) -> Self {
        Self { doc: None, country: None, ..self.clone() }
    }
}

/// One request's view of the flow: the session, its links and its language.
#[derive(Debug, Clone)]
pub struct Flow {
    pub session: Session,
    pub nav: Nav,
    pub t: Texts,
    pub now: time::OffsetDateTime,
    /// The page being shown (relative to `/ui/{token}/`), so the language switch stays on it.
    pub here: String,
    /// PC, MOBILE or TABLET, from the browser's User-Agent.
    pub platform: &'static str,
}

/// One language in the switch.
#[derive(Debug, Clone)]
pub struct LanguageLink {
    pub code: &'static str,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// The sandbox panel's form.
#[derive(Debug, Clone)]
pub struct SandboxPanel {
    pub action: String,
    pub scenarios: Vec<&'static str>,
}

/// What the layout (`templates/flow/base.html`) shows around every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub t: Texts,
    pub lang: &'static str,
    /// `ltr` or `rtl` for the language (the stylesheet uses logical properties only).
    pub dir: &'static str,
    pub partner: String,
    /// "12 minutes left" while capturing.
    pub timer: Option<String>,
    pub languages: Vec<LanguageLink>,
    pub cancel_href: Option<String>,
    pub css: String,
    /// The partner's colours (`brand.css`), when it has a brand colour.
    pub brand_css: Option<String>,
    /// The partner's logo (`logo.png`), when it has one.
    pub logo: Option<String>,
    pub js: String,
    pub sandbox: Option<SandboxPanel>,
}

/// Every flow page extracts its session from the request: the token is the path segment after
/// `/ui/`, the rest of the state is in the query. An invalid link is the "no longer valid"
/// page, never a framework rejection.
impl FromRequestParts<AppState> for Flow {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = parts.uri.path().split('/').nth(2).unwrap_or("").to_owned();
        let query = FlowQuery::parse(parts.uri.query());
        Flow::load(state, &token, &query, &parts.headers).await
    }
}

/// A form post from one of the flow's own pages; any other is refused (403) before the session
/// is even looked up.
pub struct SameOrigin;

impl<S: Send + Sync> FromRequestParts<S> for SameOrigin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Response> {
        refuse_cross_site(&parts.headers).map_or(Ok(SameOrigin), Err)
    }
}

/// The last path segment (`FRONT` in `/ui/{token}/capture/FRONT`), as the person's browser sent it.
pub fn last_segment(uri: &axum::http::Uri) -> &str {
    uri.path().rsplit('/').next().unwrap_or("")
}

impl Flow {
    /// The token of this session's link.
    pub fn token(&self) -> &str {
        &self.nav.token
    }

    /// The session of `token`, or the "no longer valid" page.
    pub async fn load(
        state: &AppState,
        token: &str,
        query: &FlowQuery,
        headers: &HeaderMap,
    ) -> Result<Flow, Response> {
        let session = match kycd_core::flow::session(&state.core, token).await {
            Ok(Some(session)) => session,
            Ok(None) => return Err(invalid_page(query, headers)),
            Err(error) => return Err(crate::error::ApiError::from(error).into_response()),
        };
        let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        // iDenfy: inside an iframe only `lang` counts, not the token's locale.
        let locale = (!query.embed).then_some(session.verification.request.locale.as_str());
        let lang = rules::language(query.lang.as_deref(), locale, accept);
        let nav = Nav {
            token: token.to_owned(),
            lang,
            embed: query.embed,
            doc: query.doc,
            country: query.country.clone(),
        };
        Ok(Flow {
            session,
            nav,
            t: Texts::new(lang),
            now: state.core.clock.now(),
            here: String::new(),
            platform: platform(headers),
        })
    }

    /// The same flow, showing the page at `path`.
    pub fn at(self, path: &str) -> Self {
        Self { here: path.to_owned(), ..self }
    }

    /// The layout of a page; `capturing` pages show the timer, cancel and the sandbox panel.
    pub fn chrome(&self, capturing: bool) -> Chrome {
        let capturing = capturing && matches!(self.session.stage, Stage::Capturing { .. });
        let minutes_left = match self.session.stage {
            Stage::Capturing { deadline } if capturing => {
                Some(((deadline - self.now).whole_seconds() + 59).div_euclid(60).max(0))
            }
            _ => None,
        };
        let sandbox = (capturing && self.session.is_sandbox()).then(|| SandboxPanel {
            action: self.nav.href("sandbox"),
            scenarios: kycd_domain::sandbox::SCENARIOS.iter().map(|s| s.name).collect(),
        });
        Chrome {
            t: self.t,
            lang: self.nav.lang,
            dir: rules::direction(self.nav.lang),
            partner: self.session.partner.name.clone(),
            timer: minutes_left.map(|m| self.t.count("time-left", "minutes", m)),
            languages: language_links(self.nav.lang, |code| {
                self.nav.in_lang(code).href(&self.here)
            }),
            cancel_href: capturing.then(|| self.nav.href("cancel")),
            css: assets::url("flow.css"),
            brand_css: self
                .session
                .partner
                .token_defaults
                .brand_colour
                .as_ref()
                .map(|_| self.nav.href("brand.css")),
            logo: self
                .session
                .partner
                .token_defaults
                .brand_logo
                .as_ref()
                .map(|_| self.nav.href("logo.png")),
            js: assets::url("flow.js"),
            sandbox,
        }
    }

    /// Who may frame the flow: the partner's embed origins; without any, every origin for DEV
    /// partners (iDenfy-compatible embedding in tests) and none otherwise.
    pub fn frame_ancestors(&self) -> String {
        let partner = &self.session.partner;
        match embed_origins(partner) {
            Some(origins) => origins.join(" "),
            None => frame_ancestors(partner.environment).to_owned(),
        }
    }

    /// Where the iframe's end-of-session message may go (the same rule as framing).
    pub fn message_targets(&self) -> Vec<String> {
        let partner = &self.session.partner;
        match embed_origins(partner) {
            Some(origins) => origins.to_vec(),
            None if partner.environment == Environment::Dev => vec!["*".to_owned()],
            None => Vec::new(),
        }
    }

    pub fn page(&self, template: &impl Template) -> Response {
        render(template, &self.frame_ancestors(), StatusCode::OK)
    }

    /// A redirect to another page of this session.
    pub fn go(&self, path: &str) -> Response {
        Redirect::to(&self.nav.href(path)).into_response()
    }
}

fn embed_origins(partner: &kycd_store::Partner) -> Option<&[String]> {
    let origins = &partner.token_defaults.embed_origins;
    (!origins.is_empty()).then_some(origins.as_slice())
}

fn frame_ancestors(environment: Environment) -> &'static str {
    if environment == Environment::Dev { "*" } else { "'none'" }
}

fn language_links(
    current: &'static str,
    href: impl Fn(&'static str) -> String,
) -> Vec<LanguageLink> {
    Texts::languages()
        .into_iter()
        .map(|(code, name)| LanguageLink { code, name, href: href(code), current: code == current })
        .collect()
}

/// Renders a template as a page; a template error (a bug) is a 500 without details.
pub fn render(template: &impl Template, frame_ancestors: &str, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => {
            Page { status, html, frame_ancestors: frame_ancestors.to_owned() }.into_response()
        }
        Err(error) => {
            crate::error::ApiError::Internal(anyhow::anyhow!("template: {error}")).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "flow/invalid.html")]
struct InvalidPage {
    chrome: Chrome,
}

/// "This link is no longer valid", in the language asked for (200: a page for a person, which
/// says nothing about which of unknown, used or expired it is).
pub fn invalid_page(query: &FlowQuery, headers: &HeaderMap) -> Response {
    render(&InvalidPage { chrome: plain_chrome(query, headers) }, "'none'", StatusCode::OK)
}

/// The frame of a page outside any session (no partner, no timer, no cancel), in the language
/// of `lang`, else the browser's.
pub fn plain_chrome(query: &FlowQuery, headers: &HeaderMap) -> Chrome {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = rules::language(query.lang.as_deref(), None, accept);
    Chrome {
        t: Texts::new(lang),
        lang,
        dir: rules::direction(lang),
        partner: "kycd".to_owned(),
        timer: None,
        languages: language_links(lang, |code| format!("?lang={code}")),
        cancel_href: None,
        css: assets::url("flow.css"),
        brand_css: None,
        logo: None,
        js: assets::url("flow.js"),
        sandbox: None,
    }
}

/// The refusal of a form post from another site, if it is one (checked before anything is
/// read or changed).
pub fn refuse_cross_site(headers: &HeaderMap) -> Option<Response> {
    (!same_origin(headers)).then(|| {
        crate::error::ApiError::Rejected(kycd_domain::Rejection::new(
            kycd_domain::Identifier::PermissionsError,
            "Cross-site form posts to the verification flow are refused (Origin does not match).",
        ))
        .into_response()
    })
}

/// The label of a document type in the page's language.
pub fn document_label(t: &Texts, document: DocumentKind) -> String {
    let id = format!("doc-{document}");
    if t.has(&id) { t.get(&id) } else { t.with("doc-generic", "code", document.as_str()) }
}

/// iDenfy's platform vocabulary from the browser's User-Agent.
pub fn platform(headers: &HeaderMap) -> &'static str {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if agent.contains("iPad") || agent.contains("Tablet") {
        "TABLET"
    } else if agent.contains("Mobi") || agent.contains("Android") {
        "MOBILE"
    } else {
        "PC"
    }
}
