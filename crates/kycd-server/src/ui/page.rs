//! How every page answers: HTML with a strict Content-Security-Policy (no inline script or
//! style, nothing from elsewhere), `Cache-Control: no-store`, no referrer, camera only for this
//! origin, and framing only by the origins the partner may embed from. Also the cross-site
//! request check for form posts, which works without cookies (iframes cannot rely on them).

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// A rendered page and who may frame it.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub html: String,
    /// The CSP `frame-ancestors` value: `'none'`, or the origins allowed to embed the flow.
    pub frame_ancestors: String,
}

impl Page {
    pub fn ok(html: String, frame_ancestors: &str) -> Self {
        Self { status: StatusCode::OK, html, frame_ancestors: frame_ancestors.to_owned() }
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let csp = format!(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; \
             connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {}",
            self.frame_ancestors
        );
        let mut response = (self.status, Html(self.html)).into_response();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        no_store(headers);
        // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` on form posts.
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        headers.insert(
            "permissions-policy",
            HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
        );
        response
    }
}

/// Nothing personal is kept by browsers or proxies.
pub fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
}

/// True when a form post comes from a page of this server: its `Origin` names the host the
/// request was sent to; or, with `Origin: null` or none, the browser says `Sec-Fetch-Site:
/// same-origin`; or the client sends neither header, as non-browser clients do (the capability
/// in the URL still applies).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|s| s.to_str().ok());
    match (origin, fetch_site) {
        (Some(origin), _) if origin != "null" => {
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            authority.is_some() && authority == host
        }
        (_, Some(site)) => site == "same-origin" || site == "none",
        (origin, None) => origin.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn cross_site_posts_are_told_apart_from_our_own() {
        let ours = headers(&[("host", "kyc.example:8080"), ("origin", "https://kyc.example:8080")]);
        assert!(same_origin(&ours));
        let theirs = headers(&[("host", "kyc.example:8080"), ("origin", "https://evil.example")]);
        assert!(!same_origin(&theirs));
        let null = headers(&[("host", "kyc.example"), ("origin", "null")]);
        assert!(!same_origin(&null));
        let null_same = headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]);
        assert!(same_origin(&null_same), "a form post under a strict referrer policy");
        assert!(!same_origin(&headers(&[
            ("host", "kyc.example"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(same_origin(&headers(&[("host", "kyc.example")])), "a non-browser client");
    }
}
