//! The hosted flow over plain HTTP, as a browser without JavaScript uses it (multipart forms and
//! links): the entry points, the session clock, photo checks, submission to a real analysis and
//! a real webhook, cancel, the DEV sandbox panel, and the pages' security headers. Runs on
//! SQLite and (scripts/test) on PostgreSQL. The camera path, iframes and languages in a real
//! browser are in `browser.rs`.

use crate::analysis::{fixture, selfie};
use crate::webhooks_support::{WAIT, assert_signed, assert_valid_identification_webhook};
use kycd_domain::Environment;
use kycd_testkit::{Client, Reply, TestApp, WebhookReceiver, spawn_app};
use serde_json::{Value, json};

/// A browser-like client: same-origin posts say where they come from.
pub struct Person {
    client: Client,
    origin: String,
}

impl Person {
    pub fn new(app: &TestApp) -> Self {
        Self { client: app.anonymous_client(), origin: app.base_url.clone() }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.client.get(path).await
    }

    /// Follows one redirect and returns the page it leads to.
    pub async fn follow(&self, reply: Reply) -> Reply {
        let location = location(&reply);
        self.get(&location).await
    }

    pub async fn post_form(&self, path: &str, form: &str) -> Reply {
        self.post(path, form.as_bytes().to_vec(), "application/x-www-form-urlencoded").await
    }

    pub async fn upload(&self, path: &str, photo: &[u8]) -> Reply {
        let boundary = "kycd-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\n\
             Content-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(photo);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.post(path, body, &format!("multipart/form-data; boundary={boundary}")).await
    }

    async fn post(&self, path: &str, body: Vec<u8>, content_type: &str) -> Reply {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let response = http
            .post(format!("{}{path}", self.origin))
            .header("origin", &self.origin)
            .header("content-type", content_type)
            .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) kycd-test")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        Reply { method: "POST".into(), path: path.into(), status, headers, body }
    }
}

#[track_caller]
pub fn location(reply: &Reply) -> String {
    assert!(
        matches!(reply.status, 302 | 303),
        "{} {} answered {}: {}",
        reply.method,
        reply.path,
        reply.status,
        text(reply)
    );
    reply.header("location").expect("a Location header").to_owned()
}

pub fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

/// The value of `data-<name>` on the element with `data-testid=<testid>`.
fn data_attribute(html: &str, testid: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("data-testid=\"{testid}\""))?;
    let tag_start = html[..start].rfind('<')?;
    let tag_end = start + html[start..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let key = format!("data-{name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].to_owned())
}

async fn token(app: &TestApp, body: Value) -> Value {
    app.sandbox_client().post_json("/api/v2/token", &body).await.expect(201).json()
}

/// The person of the generated documents, with the partner's redirect URLs.
fn jonas(receiver: &WebhookReceiver) -> Value {
    let mut body = crate::analysis::jonas(receiver);
    body["successUrl"] = json!("https://shop.example/ok");
    body["errorUrl"] = json!("https://shop.example/failed");
    body["unverifiedUrl"] = json!("https://shop.example/unverified");
    body
}

/// The auth token of a new verification of `partner`.
pub async fn link_of(app: &TestApp, partner: &kycd_core::partners::IssuedCredentials) -> String {
    let token = app
        .client_for(partner)
        .post_json("/api/v2/token", &json!({"clientId": "partner-client"}))
        .await
        .expect(201)
        .json();
    token["authToken"].as_str().unwrap().to_owned()
}

/// The flow's first page for `token` (through `/api/v2/redirect`).
async fn open(person: &Person, token: &Value) -> String {
    let redirect_url = token["redirectUrl"].as_str().unwrap();
    let path =
        redirect_url.split_once("/api/v2/").map(|(_, rest)| format!("/api/v2/{rest}")).unwrap();
    let landing = location(&person.get(&path).await.expect(302));
    assert!(
        landing.starts_with(&format!("/ui/{}/", token["authToken"].as_str().unwrap())),
        "{landing}"
    );
    landing
}

#[tokio::test]
async fn redirect_answers_302_to_the_flow_and_bad_links_get_a_page_for_a_person() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let landing = open(&person, &token).await;
    let page = person.get(&landing).await.expect(200);
    assert!(text(&page).contains("data-testid=\"next\""), "{}", text(&page));
    let auth = token["authToken"].as_str().unwrap();
    assert_eq!(
        location(&person.get(&format!("/?authToken={auth}&lang=de")).await),
        format!("/ui/{auth}/?lang=de&embed=1")
    );

    let unknown = person.get("/api/v2/redirect?authToken=nope").await.expect(302);
    assert_eq!(
        location(&unknown),
        "/ui/nope/?",
        "the redirect does not tell whether a token exists"
    );
    for path in [
        "/ui/nope/",
        "/api/v2/redirect",
        "/?authToken=%3Cscript%3E",
        "/ui/unknown/choose",
        "/ui/%ff/capture/%ff",
        "/ui/nope/review?lang=%ff&lang=de&doc=%00",
    ] {
        let page = person.get(path).await.expect(200);
        assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
        assert!(text(&page).contains("data-testid=\"invalid\""), "{path}: {}", text(&page));
        assert!(!text(&page).contains("identifier"), "no JSON for a person");
    }
    let german = person.get("/ui/nope/?lang=de").await.expect(200);
    assert!(text(&german).contains("<html lang=\"de\""));
}

#[tokio::test]
async fn pages_are_never_cached_and_run_under_a_strict_csp() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let page = person.get(&open(&person, &token).await).await.expect(200);
    let csp = page.header("content-security-policy").unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors *",
    ] {
        assert!(csp.contains(directive), "{csp} lacks {directive}");
    }
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(
        page.header("referrer-policy"),
        Some("same-origin"),
        "the token never leaves in a Referer"
    );
    assert!(!text(&page).contains("<script>"), "no inline script");
    let css = text(&page)
        .split("href=\"")
        .find_map(|s| {
            s.starts_with("/ui/static/flow.css").then(|| s[..s.find('"').unwrap()].to_owned())
        })
        .unwrap();
    let asset = person.get(&css.replace("&amp;", "&")).await.expect(200);
    assert_eq!(asset.header("content-type"), Some("text/css; charset=utf-8"));
}

#[tokio::test]
async fn the_session_starts_at_the_first_opening_and_expires_after_session_length() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let person = Person::new(&app);
    let body = json!({"clientId": "late", "expiryTime": 3600, "sessionLength": 600, "callbackUrl": receiver.url("/hook")});
    let token = token(&app, body).await;
    app.clock.advance(time::Duration::minutes(50));
    let landing = open(&person, &token).await;
    person.get(&landing).await.expect(200);
    app.clock.advance(time::Duration::minutes(9));
    let page = person.get(&landing).await.expect(200);
    assert!(
        !text(&page).contains("data-testid=\"invalid\""),
        "59 minutes after creation and 9 after opening, still open"
    );
    assert!(text(&page).contains("1 minute left"), "{}", text(&page));
    app.clock.advance(time::Duration::minutes(1));
    let page = person.get(&landing).await.expect(200);
    assert!(text(&page).contains("data-testid=\"invalid\""), "sessionLength is over");
    kycd_core::sweeper::sweep_once(&app.core).await;
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_EXPIRED"));
    assert_eq!(received[0].json()["status"]["overall"], "EXPIRED");
}

#[tokio::test]
async fn photos_uploaded_with_plain_forms_are_analysed_and_the_person_sees_the_outcome() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let person = Person::new(&app);
    let token = token(&app, jonas(&receiver)).await;
    let auth = token["authToken"].as_str().unwrap();
    let start = person.get(&open(&person, &token).await).await.expect(200);
    assert!(
        text(&start).contains(&format!("href=\"/ui/{auth}/choose?lang=en\"")),
        "{}",
        text(&start)
    );
    let choose = person.get(&format!("/ui/{auth}/choose?lang=en")).await.expect(200);
    for doc in ["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE"] {
        assert!(text(&choose).contains(&format!("data-testid=\"doc-{doc}\"")), "{doc}");
    }
    let query = "lang=en&doc=PASSPORT&country=LT";
    let front = person.get(&format!("/ui/{auth}/capture/FRONT?{query}")).await.expect(200);
    assert!(text(&front).contains("data-testid=\"file-FRONT\""));
    let next = location(
        &person
            .upload(&format!("/ui/{auth}/capture/FRONT?{query}"), &fixture("passport-valid.jpg"))
            .await,
    );
    assert_eq!(next, format!("/ui/{auth}/capture/FACE?{query}"), "a passport has no back");
    let next = location(&person.upload(&next, &selfie()).await);
    assert_eq!(next, format!("/ui/{auth}/review?{query}"));
    let review = person.get(&next).await.expect(200);
    let photo = person.get(&format!("/ui/{auth}/photo/FRONT?{query}")).await.expect(200);
    assert_eq!(photo.body, fixture("passport-valid.jpg"), "the person sees their own photo");
    assert_eq!(photo.header("cache-control"), Some("no-store"));
    assert!(text(&review).contains("data-testid=\"retake-FACE\""));

    let waiting = person
        .follow(person.post_form(&format!("/ui/{auth}/submit?{query}"), "").await)
        .await
        .expect(200);
    assert!(text(&waiting).contains("data-testid=\"analysing\""), "{}", text(&waiting));
    let received = receiver.wait_for(1, WAIT).await;
    assert_signed(&received[0], &app.sandbox.signing_key);
    let webhook = received[0].json();
    assert_valid_identification_webhook(&webhook);
    assert_eq!(webhook["status"]["autoDocument"], "DOC_VALIDATED", "{webhook}");
    assert_eq!(webhook["status"]["autoFace"], "FACE_MATCH");
    assert_eq!(webhook["status"]["overall"], "APPROVED");
    assert_eq!(webhook["platform"], "PC");
    assert_eq!(webhook["data"]["selectedCountry"], "LT");
    assert_eq!(webhook["data"]["docNumber"], "LT1234567");

    let result = person.get(&format!("/ui/{auth}/?lang=en")).await.expect(200);
    let html = text(&result);
    assert_eq!(data_attribute(&html, "result", "status").as_deref(), Some("APPROVED"));
    assert!(html.contains("href=\"https://shop.example/ok\""), "{html}");
    let status = app
        .sandbox_client()
        .post_json("/api/v2/status", &json!({"scanRef": token["scanRef"]}))
        .await
        .expect(200)
        .json();
    assert_eq!(status["status"], "APPROVED");
    let upload_again = person
        .upload(&format!("/ui/{auth}/capture/FRONT?{query}"), &fixture("passport-valid.jpg"))
        .await;
    assert_eq!(
        location(&upload_again),
        format!("/ui/{auth}/?{query}"),
        "a used link takes no more photos"
    );
}

#[tokio::test]
async fn a_blurred_photo_is_refused_with_the_reason_before_the_attempt_is_spent() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let auth = token["authToken"].as_str().unwrap();
    open(&person, &token).await;
    let path = format!("/ui/{auth}/capture/FRONT?lang=en&doc=PASSPORT");
    let sharp = image::load_from_memory(&fixture("passport-valid.jpg")).unwrap();
    let mut blurred = Vec::new();
    sharp
        .blur(8.0)
        .write_to(&mut std::io::Cursor::new(&mut blurred), image::ImageFormat::Jpeg)
        .unwrap();
    let refused = person.upload(&path, &blurred).await.expect(422);
    assert_eq!(
        data_attribute(&text(&refused), "problem", "problem").as_deref(),
        Some("blurry"),
        "{}",
        text(&refused)
    );
    let refused = person.upload(&path, b"GIF89a not a photo").await.expect(422);
    assert_eq!(
        data_attribute(&text(&refused), "problem", "problem").as_deref(),
        Some("unreadable")
    );
    let missing = person.upload(&path, b"").await.expect(422);
    assert_eq!(data_attribute(&text(&missing), "problem", "problem").as_deref(), Some("missing"));
    person.get(&format!("/ui/{auth}/photo/FRONT?lang=en")).await.expect(404);
    let review = person.get(&format!("/ui/{auth}/review?lang=en&doc=PASSPORT")).await;
    assert_eq!(
        location(&review),
        format!("/ui/{auth}/capture/FRONT?lang=en&doc=PASSPORT"),
        "nothing was stored"
    );
    location(&person.upload(&path, &fixture("passport-valid.jpg")).await);
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = spawn_app().await;
    let token = token(&app, json!({"clientId": "c"})).await;
    let auth = token["authToken"].as_str().unwrap();
    let http = reqwest::Client::new();
    let reply = http
        .post(format!("{}/ui/{auth}/cancel", app.base_url))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 403);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["identifier"], "PERMISSIONS_ERROR");
    let status = app
        .sandbox_client()
        .post_json("/api/v2/status", &json!({"scanRef": token["scanRef"]}))
        .await
        .expect(200)
        .json();
    assert_eq!(status["status"], "ACTIVE", "nothing happened");
}

#[tokio::test]
async fn cancel_sends_the_person_to_unverified_url_and_the_partner_identification_cancelled() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let person = Person::new(&app);
    let token = token(&app, jonas(&receiver)).await;
    let auth = token["authToken"].as_str().unwrap();
    open(&person, &token).await;
    let confirm = person.get(&format!("/ui/{auth}/cancel?lang=en")).await.expect(200);
    assert!(text(&confirm).contains("data-testid=\"cancel-confirm\""));
    let page = person.post_form(&format!("/ui/{auth}/cancel?lang=en"), "").await.expect(200);
    let html = text(&page);
    assert_eq!(data_attribute(&html, "result", "status").as_deref(), Some("UNVERIFIED"));
    assert!(html.contains("href=\"https://shop.example/unverified\""), "{html}");
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_CANCELLED"));
    let webhook = received[0].json();
    assert_eq!(webhook["status"]["overall"], "EXPIRED");
    assert_eq!(webhook["final"], true);
    let again = person.get(&format!("/ui/{auth}/?lang=en")).await.expect(200);
    assert!(text(&again).contains("data-testid=\"invalid\""), "the link is used up");
}

#[tokio::test]
async fn the_sandbox_panel_finishes_dev_verifications_and_is_absent_elsewhere() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let person = Person::new(&app);
    let token = token(&app, jonas(&receiver)).await;
    let auth = token["authToken"].as_str().unwrap();
    let page = person.get(&open(&person, &token).await).await.expect(200);
    assert!(text(&page).contains("data-testid=\"sandbox-approved\""));
    let result = person
        .follow(person.post_form(&format!("/ui/{auth}/sandbox?lang=en"), "scenario=approved").await)
        .await
        .expect(200);
    assert_eq!(data_attribute(&text(&result), "result", "status").as_deref(), Some("APPROVED"));
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_AUTO_FINISHED"));
    assert_eq!(received[0].json()["status"]["overall"], "APPROVED");

    let prod = app.create_partner("shop", Environment::Prod, None, 0).await;
    let prod_auth = &link_of(&app, &prod).await;
    let page = person.get(&format!("/ui/{prod_auth}/?lang=en")).await.expect(200);
    assert!(!text(&page).contains("data-testid=\"sandbox\""), "no test panel outside DEV");
    assert!(page.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    let refused =
        person.post_form(&format!("/ui/{prod_auth}/sandbox?lang=en"), "scenario=approved").await;
    assert_eq!(refused.status, 403, "{}", text(&refused));
}

/// Uploads a passport photo and the selfie fixture, and submits them.
async fn submit_passport(person: &Person, auth: &str, passport: &str) {
    let query = "lang=en&doc=PASSPORT&country=LT";
    location(
        &person.upload(&format!("/ui/{auth}/capture/FRONT?{query}"), &fixture(passport)).await,
    );
    location(&person.upload(&format!("/ui/{auth}/capture/FACE?{query}"), &selfie()).await);
    location(&person.post_form(&format!("/ui/{auth}/submit?{query}"), "").await);
}

/// Waits until the verification is no longer being analysed.
async fn analysed(app: &TestApp, auth: &str) -> kycd_store::Verification {
    let token = kycd_domain::AuthToken::from_trusted(auth);
    for _ in 0..600 {
        let verification = app.store.verification_by_token(&token).await.unwrap().unwrap();
        let job =
            app.store.analysis_job(verification.partner_id, &verification.scan_ref).await.unwrap();
        if job.is_none() {
            return verification;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the analysis did not finish");
}

/// A session whose first attempt (an expired passport) failed and went back to the person.
async fn after_a_failed_attempt()
-> (TestApp, WebhookReceiver, Person, String, kycd_store::Verification) {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let person = Person::new(&app);
    let token = token(&app, jonas(&receiver)).await;
    let auth = token["authToken"].as_str().unwrap().to_owned();
    open(&person, &token).await;
    submit_passport(&person, &auth, "passport-expired.jpg").await;
    let returned = analysed(&app, &auth).await;
    (app, receiver, person, auth, returned)
}

#[tokio::test]
async fn a_failed_attempt_goes_back_to_the_person_and_the_second_one_counts() {
    let (_app, receiver, person, auth, returned) = after_a_failed_attempt().await;
    assert_eq!(
        (returned.status.as_str(), returned.attempts_used, returned.submitted_at),
        ("ACTIVE", 1, None)
    );
    let start = text(&person.get(&format!("/ui/{auth}/?lang=en")).await.expect(200));
    assert_eq!(data_attribute(&start, "retry", "reason").as_deref(), Some("expired"), "{start}");
    assert!(start.contains("You have one more attempt."), "{start}");
    assert!(receiver.received().is_empty(), "no webhook while the person may try again");

    submit_passport(&person, &auth, "passport-valid.jpg").await;
    let received = receiver.wait_for(1, WAIT).await;
    let webhook = received[0].json();
    assert_eq!(
        webhook["status"]["autoDocument"], "DOC_VALIDATED",
        "the second attempt decides: {webhook}"
    );
    assert_eq!(webhook["status"]["overall"], "APPROVED");
}

#[tokio::test]
async fn when_the_session_ends_after_a_failed_attempt_that_attempt_is_final() {
    let (app, receiver, person, auth, _) = after_a_failed_attempt().await;
    app.clock.advance(time::Duration::seconds(1801));
    kycd_core::sweeper::sweep_once(&app.core).await;
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_AUTO_FINISHED"));
    let webhook = received[0].json();
    assert_eq!(webhook["status"]["overall"], "DENIED");
    assert_eq!(webhook["status"]["autoDocument"], "DOC_EXPIRED");
    assert_eq!(webhook["final"], true);
    let page = text(&person.get(&format!("/ui/{auth}/?lang=en")).await.expect(200));
    assert_eq!(data_attribute(&page, "result", "status").as_deref(), Some("FAILED"));
    assert!(page.contains("href=\"https://shop.example/failed\""));
}

#[tokio::test]
async fn the_hand_off_link_continues_the_session_on_a_phone_and_the_desktop_follows() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let desktop = Person::new(&app);
    let token = token(&app, jonas(&receiver)).await;
    let auth = token["authToken"].as_str().unwrap();
    open(&desktop, &token).await;
    let front = text(
        &desktop.get(&format!("/ui/{auth}/capture/FRONT?lang=de&doc=PASSPORT")).await.expect(200),
    );
    assert!(
        front.contains(&format!("href=\"/ui/{auth}/handoff?lang=de&#38;doc=PASSPORT\"")),
        "{front}"
    );
    let handoff =
        desktop.get(&format!("/ui/{auth}/handoff?lang=de&doc=PASSPORT")).await.expect(200);
    let html = text(&handoff);
    assert!(html.contains("<svg"), "a QR code");
    let link = format!("{}/ui/{auth}/?lang=de", app.base_url);
    assert!(html.contains(&format!("value=\"{link}\"")), "{html}");

    let phone = Person::new(&app);
    let landing = phone.get(&format!("/ui/{auth}/?lang=de")).await.expect(200);
    assert!(text(&landing).contains("<html lang=\"de\""), "the phone speaks the same language");
    submit_passport(&phone, auth, "passport-valid.jpg").await;
    assert_eq!(
        location(&desktop.get(&format!("/ui/{auth}/handoff?lang=de&doc=PASSPORT")).await),
        format!("/ui/{auth}/?lang=de&doc=PASSPORT"),
        "the desktop moves on"
    );
    receiver.wait_for(1, WAIT).await;
    let result = text(&desktop.get(&format!("/ui/{auth}/?lang=de")).await.expect(200));
    assert_eq!(data_attribute(&result, "result", "status").as_deref(), Some("APPROVED"));
}

/// The text inside the element with `data-testid=<testid>`.
fn element_text(html: &str, testid: &str) -> Option<String> {
    let start = html.find(&format!("data-testid=\"{testid}\""))?;
    let inner = start + html[start..].find('>')? + 1;
    Some(html[inner..inner + html[inner..].find('<')?].trim().to_owned())
}

async fn handoff_code(desktop: &Person, auth: &str) -> String {
    let html = text(&desktop.get(&format!("/ui/{auth}/handoff?lang=de")).await.expect(200));
    element_text(&html, "handoff-code").unwrap_or_else(|| panic!("a code on {html}"))
}

#[tokio::test]
async fn a_typed_hand_off_code_continues_the_session_once_and_runs_out() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let desktop = Person::new(&app);
    let token = token(&app, jonas(&receiver)).await;
    let auth = token["authToken"].as_str().unwrap();
    open(&desktop, &token).await;
    let html = text(&desktop.get(&format!("/ui/{auth}/handoff?lang=de")).await.expect(200));
    let code = element_text(&html, "handoff-code").expect("a code");
    assert!(
        code.len() == 9 && code.as_bytes()[4] == b'-',
        "two groups of four characters: {code:?}"
    );
    let host = app.base_url.trim_start_matches("http://");
    assert_eq!(element_text(&html, "handoff-short"), Some(format!("{host}/h/{code}")));
    assert!(html.contains(&format!("{host}/h")), "where to type it: {html}");

    let phone = Person::new(&app);
    let form = text(&phone.get("/h?lang=de").await.expect(200));
    assert!(form.contains("data-testid=\"code\"") && form.contains("<html lang=\"de\""), "{form}");
    let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("lang", "de")
        .append_pair("code", &typed)
        .finish();
    assert_eq!(
        location(&phone.get(&format!("/h?{query}")).await),
        format!("/ui/{auth}/?lang=de"),
        "a typed code, in any case and spacing, continues the session"
    );
    let again = text(&phone.get(&format!("/h?{query}")).await.expect(200));
    assert_eq!(data_attribute(&again, "problem", "problem").as_deref(), Some("code-invalid"));
    assert!(again.contains(&typed.trim().to_owned()), "what was typed stays in the field");

    // A new visit shows a new code and the one before stops working.
    let older = handoff_code(&desktop, auth).await;
    let newest = handoff_code(&desktop, auth).await;
    assert_ne!(older, newest);
    let refused = text(&phone.get(&format!("/h/{older}")).await.expect(200));
    assert_eq!(data_attribute(&refused, "problem", "problem").as_deref(), Some("code-invalid"));
    assert_eq!(location(&phone.get(&format!("/h/{newest}")).await), format!("/ui/{auth}/"));

    // Fifteen minutes later a code no longer works, though the session still runs.
    let late = handoff_code(&desktop, auth).await;
    app.clock.advance(time::Duration::minutes(15));
    let expired = text(&phone.get(&format!("/h/{late}")).await.expect(200));
    assert_eq!(data_attribute(&expired, "problem", "problem").as_deref(), Some("code-invalid"));
    desktop.get(&format!("/ui/{auth}/capture/FRONT?doc=PASSPORT")).await.expect(200);

    // Once submitted, the session has no code to hand out.
    let stale = handoff_code(&desktop, auth).await;
    submit_passport(&desktop, auth, "passport-valid.jpg").await;
    let after = text(&phone.get(&format!("/h/{stale}")).await.expect(200));
    assert_eq!(data_attribute(&after, "problem", "problem").as_deref(), Some("code-invalid"));
    for garbage in ["/h/K7Q2-M9T%C3%84", "/h/ABCD", "/h?code=", "/h?code=%ff%fe"] {
        let page = text(&phone.get(garbage).await.expect(200));
        assert!(page.contains("data-testid=\"code\""), "{garbage}: {page}");
    }
}

#[tokio::test]
async fn guessing_hand_off_codes_is_throttled() {
    let app = spawn_app().await;
    let phone = Person::new(&app);
    let limit = kycd_core::flow::CODE_TRIES_PER_MINUTE;
    for _ in 0..limit {
        phone.get("/h/AAAA-AAAA").await.expect(200);
    }
    let refused = phone.get("/h/AAAA-AAAB").await.expect(429);
    assert!(refused.header("retry-after").is_some());
    let page = text(&refused);
    assert_eq!(data_attribute(&page, "problem", "problem").as_deref(), Some("code-too-many"));
    app.clock.advance(time::Duration::seconds(61));
    phone.get("/h/AAAA-AAAA").await.expect(200);
}

#[tokio::test]
async fn arabic_pages_run_right_to_left() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let auth = token["authToken"].as_str().unwrap();
    let html = text(&person.get(&format!("/ui/{auth}/?lang=ar")).await.expect(200));
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(html.contains("تحقق من هويتك"), "the Arabic texts: {html}");
    let choose = text(&person.get(&format!("/ui/{auth}/choose?lang=ar")).await.expect(200));
    assert!(choose.contains("ليتوانيا"), "country names in Arabic (CLDR): {choose}");
}

#[tokio::test]
async fn embed_origins_and_the_brand_colour_are_per_partner_settings() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let prod = app.create_partner("shop", Environment::Prod, None, 0).await;
    let settings = |origins: &[&str], colour: Option<&str>| kycd_core::partners::PartnerSettings {
        embed_origins: Some(origins.iter().map(|o| (*o).to_owned()).collect()),
        brand_colour: Some(colour.map(str::to_owned)),
        ..Default::default()
    };
    let refused =
        kycd_core::partners::change(&app.core, "shop", settings(&["http://shop.example"], None))
            .await;
    assert!(refused.unwrap_err().to_string().contains("https"), "http only for localhost");
    let refused = kycd_core::partners::change(&app.core, "shop", settings(&[], Some("red"))).await;
    assert!(refused.unwrap_err().to_string().contains("#rrggbb"));
    kycd_core::partners::change(
        &app.core,
        "shop",
        settings(&["https://Shop.Example/", "https://www.shop.example"], Some("#FFD400")),
    )
    .await
    .unwrap();

    let auth = &link_of(&app, &prod).await;
    let page = person.get(&format!("/ui/{auth}/?embed=1")).await.expect(200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.ends_with("frame-ancestors https://shop.example https://www.shop.example"),
        "{csp}"
    );
    let brand = format!("/ui/{auth}/brand.css?lang=en&embed=1");
    assert!(text(&page).contains(&brand.replace('&', "&#38;")), "{}", text(&page));
    let css = person.get(&brand).await.expect(200);
    assert_eq!(
        text(&css),
        ":root { --brand: #ffd400; --brand-text: #1b1f24; }\n",
        "dark text on a light colour"
    );
    person.get(&format!("/ui/{}/brand.css", "unknown")).await.expect(404);
    assert!(!text(&page).contains("logo.png"), "no logo set yet");

    // The logo: any image the operator has, fitted and re-encoded as a small PNG.
    let wide = image::RgbImage::from_fn(1200, 300, |x, _| image::Rgb([(x % 256) as u8, 40, 90]));
    let mut jpeg = Vec::new();
    wide.write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    let logo = |bytes: Option<Vec<u8>>| kycd_core::partners::PartnerSettings {
        brand_logo: Some(bytes),
        ..Default::default()
    };
    let refused =
        kycd_core::partners::change(&app.core, "shop", logo(Some(b"<svg/>".to_vec()))).await;
    assert!(refused.unwrap_err().to_string().contains("not a JPEG, PNG or WebP"));
    kycd_core::partners::change(&app.core, "shop", logo(Some(jpeg))).await.unwrap();
    let page = text(&person.get(&format!("/ui/{auth}/?lang=en")).await.expect(200));
    let src = format!("/ui/{auth}/logo.png?lang=en");
    assert!(page.contains(&format!("<img class=\"logo\" src=\"{src}\"")), "{page}");
    let served = person.get(&src).await.expect(200);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(served.header("cache-control"), Some("no-store"));
    let png = image::load_from_memory(&served.body).unwrap();
    assert_eq!((png.width(), png.height()), (480, 120), "fitted into 480×160");
    kycd_core::partners::change(&app.core, "shop", logo(None)).await.unwrap();
    person.get(&src).await.expect(404);

    // The DEV sandbox partner keeps its default: any parent, no brand stylesheet.
    let dev = token(&app, json!({"clientId": "d"})).await;
    let page =
        person.get(&format!("/ui/{}/", dev["authToken"].as_str().unwrap())).await.expect(200);
    assert!(page.header("content-security-policy").unwrap().ends_with("frame-ancestors *"));
    assert!(!text(&page).contains("brand.css"));
}

#[tokio::test]
async fn uploads_are_rate_limited_per_verification() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let auth = token["authToken"].as_str().unwrap();
    let path = format!("/ui/{auth}/capture/FRONT?lang=en&doc=PASSPORT");
    for _ in 0..kycd_core::flow::UPLOADS_PER_WINDOW {
        person.upload(&path, b"not a photo").await.expect(422);
    }
    let limited = person.upload(&path, &fixture("passport-valid.jpg")).await.expect(429);
    assert_eq!(data_attribute(&text(&limited), "problem", "problem").as_deref(), Some("too-many"));
    app.clock.advance(time::Duration::seconds(kycd_core::flow::UPLOAD_WINDOW_SECONDS));
    location(&person.upload(&path, &fixture("passport-valid.jpg")).await);
}

#[tokio::test]
async fn a_photo_without_a_document_is_refused_twice_then_left_to_the_analysis() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let auth = token["authToken"].as_str().unwrap();
    let path = format!("/ui/{auth}/capture/FRONT?lang=en&doc=PASSPORT");
    for _ in 0..kycd_core::flow::NO_DOCUMENT_REFUSALS {
        let refused = person.upload(&path, &fixture("no-document.jpg")).await.expect(422);
        assert_eq!(
            data_attribute(&text(&refused), "problem", "problem").as_deref(),
            Some("no-document")
        );
    }
    let accepted = person.upload(&path, &fixture("no-document.jpg")).await;
    assert_eq!(
        location(&accepted),
        format!("/ui/{auth}/capture/FACE?lang=en&doc=PASSPORT"),
        "a person is never stuck"
    );
    let selfie =
        person.upload(&format!("/ui/{auth}/capture/FACE?lang=en&doc=PASSPORT"), &selfie()).await;
    location(&selfie);
}

#[tokio::test]
async fn a_selfie_without_a_face_is_refused_twice_then_left_to_the_analysis() {
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let auth = token["authToken"].as_str().unwrap();
    let path = format!("/ui/{auth}/capture/FACE?lang=lt&doc=PASSPORT");
    for _ in 0..kycd_core::flow::NO_DOCUMENT_REFUSALS {
        let refused = person.upload(&path, &fixture("no-document.jpg")).await.expect(422);
        let html = text(&refused);
        assert_eq!(data_attribute(&html, "problem", "problem").as_deref(), Some("no-face"));
        assert!(html.contains("Nuotraukoje nematyti veido"), "in the page's language: {html}");
    }
    let accepted = person.upload(&path, &fixture("no-document.jpg")).await;
    assert_eq!(location(&accepted), format!("/ui/{auth}/review?lang=lt&doc=PASSPORT"));
}
