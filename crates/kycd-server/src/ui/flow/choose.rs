//! `GET /ui/{token}/choose`: the issuing country and the document type, from the token's
//! `country` and `documents`. With one document and a fixed country there is nothing to choose
//! and the person goes straight to the first photo. The form is a GET to the first capture page.

use super::{Flow, document_label};
use askama::Template;
use axum::response::Response;
use kycd_domain::{countries, flow as rules, vocabulary::FileKind};

#[derive(Template)]
#[template(path = "flow/choose.html")]
struct ChoosePage {
    chrome: super::Chrome,
    action: String,
    hidden: Vec<(&'static str, String)>,
    fixed_country: Option<String>,
    selected_country: Option<String>,
    /// (code, name in the page's language), sorted by name.
    countries: Vec<(String, String)>,
    documents: Vec<(&'static str, String)>,
}

pub async fn choose(flow: Flow) -> Response {
    let flow = flow.at("choose");
    let request = &flow.session.verification.request;
    let choices = rules::document_choices(request);
    let fixed_country = request.country.clone();
    if let ([only], Some(country)) = (choices.as_slice(), &fixed_country) {
        let nav =
            super::Nav { doc: Some(*only), country: Some(country.clone()), ..flow.nav.clone() };
        return axum::response::IntoResponse::into_response(axum::response::Redirect::to(
            &nav.href(&format!("capture/{}", FileKind::Front)),
        ));
    }
    let base = flow.nav.without_choices();
    flow.page(&ChoosePage {
        chrome: flow.chrome(true),
        action: format!("/ui/{}/capture/{}", flow.token(), FileKind::Front),
        hidden: base.params(),
        selected_country: flow.nav.country.clone(),
        fixed_country,
        countries: country_names(&flow.t),
        documents: choices.iter().map(|d| (d.as_str(), document_label(&flow.t, *d))).collect(),
    })
}

/// Every country with its name in the page's language, in alphabetical order of the names.
fn country_names(t: &crate::ui::i18n::Texts) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = countries::ALPHA2
        .iter()
        .map(|code| ((*code).to_owned(), t.get(&format!("country-{code}"))))
        .collect();
    names.sort_by_cached_key(|(_, name)| name.to_lowercase());
    names
}
