//! The OpenAPI 3.1 document, generated from the handlers' annotations and the wire types.

use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kycd partner API",
        description = "Self-hosted identity verification, wire-compatible with iDenfy's verification API v2. \
Every error is JSON with `identifier` and `message`. Authenticate with HTTP Basic: API key as the user name, API secret as the password.",
        license(name = "Apache-2.0"),
    ),
    paths(
        crate::routes::api_v2::token::create_token,
        crate::routes::api_v2::status::status,
        crate::routes::api_v2::data::data,
        crate::routes::api_v2::files::files,
        crate::routes::api_v2::delete::delete,
        crate::routes::api_v2::process::process,
        crate::routes::kyc::blocklists::add,
        crate::routes::kyc::blocklists::remove,
        crate::ui::flow::entry::redirect,
        crate::ui::flow::entry::embedded,
        crate::routes::api_v2::add_dummy_status::add_dummy_status,
        crate::routes::api_v2::sandbox::scenarios::scenarios,
        crate::routes::api_v2::sandbox::advance::advance,
        crate::routes::api_v2::sandbox::webhooks::log,
        crate::routes::api_v2::sandbox::webhooks::resend,
        crate::routes::api_v2::sandbox::events::events,
        crate::routes::api_v2::sandbox::reset::reset,
        crate::routes::health::health,
        crate::routes::liveness::live,
        crate::routes::readiness::ready,
        crate::routes::metrics::scrape,
    ),
    // Referenced by no body (the SSE stream is text/event-stream), so listed here.
    components(schemas(
        kycd_api::ErrorBody,
        kycd_api::ExtendedErrorBody,
        kycd_api::sandbox::SandboxReadyEvent,
        kycd_api::sandbox::SandboxWebhookEvent,
        kycd_api::blocklist::BlocklistDataEntry,
    )),
    modifiers(&BasicAuth),
    tags(
        (name = "Verification", description = "Creating and reading verification sessions"),
        (name = "KYC Blocklist", description = "Each partner's blocklists of faces and people, and the tags they give (reference §5.4)"),
        (name = "Hosted flow", description = "The pages the end user sees (docs/flow.md): entry points for a full-page redirect and for an iframe"),
        (name = "Sandbox", description = "DEV-only tools: dummy results, scenarios, time control, delivery log and replay, event stream, reset"),
        (name = "Operations", description = "Health, metrics and service documents"),
    )
)]
pub struct ApiDoc;

struct BasicAuth;

impl Modify for BasicAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "basicAuth",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

/// The document as served at /openapi.json (pretty JSON, stable key order).
pub fn document_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
