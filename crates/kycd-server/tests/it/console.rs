//! The review console over real HTTP with a real database (SQLite here, PostgreSQL under
//! scripts/test): closed until an admin exists, login with the lock-out, sessions, CSRF and
//! cross-site refusals, the queue within an operator's partners, and `kycd user` from the
//! command line.

use crate::cli::{kycd, run_ok};
use kycd_core::operators::{self, NewOperator};
use kycd_domain::{Clock, Environment, console::Role};
use kycd_testkit::{TestApp, spawn_app};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use std::io::Write;

const PASSWORD: &str = "correct horse battery";

async fn operator(app: &TestApp, name: &str, role: Role, partners: &[&str]) {
    let spec = NewOperator {
        name: name.to_owned(),
        role,
        partners: partners.iter().map(|p| (*p).to_owned()).collect(),
        password: PASSWORD.to_owned(),
    };
    operators::create(&app.core, spec).await.unwrap();
}

/// A browser-like client that follows no redirects, so each answer can be looked at.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

struct Answer {
    status: StatusCode,
    headers: header::HeaderMap,
    body: String,
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> Answer {
    let mut request = browser().get(format!("{}{path}", app.base_url));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    answer(request).await
}

async fn post(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
    form: &[(&str, &str)],
) -> Answer {
    let mut request = browser().post(format!("{}{path}", app.base_url)).form(form);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let own = app.base_url.clone();
    request = request.header(header::ORIGIN, origin.unwrap_or(&own));
    answer(request).await
}

async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    Answer { status, headers, body: response.text().await.unwrap() }
}

async fn login(app: &TestApp, name: &str, password: &str) -> Answer {
    post(app, "/console/login", None, None, &[("name", name), ("password", password)]).await
}

/// Logs in and returns the `Cookie` header value of the session.
async fn session(app: &TestApp, name: &str) -> String {
    let answer = login(app, name, PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("the page has a CSRF field") + 19;
    page[at..at + 64].to_owned()
}

#[tokio::test]
async fn the_console_is_closed_until_an_admin_exists() {
    let app = spawn_app().await;
    let closed = get(&app, "/console/login", None).await;
    assert_eq!(closed.status, StatusCode::NOT_FOUND);
    assert!(closed.body.contains("kycd user create"), "{}", closed.body);
    operator(&app, "rita", Role::Reviewer, &[]).await;
    assert_eq!(get(&app, "/console/login", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(login(&app, "rita", PASSWORD).await.status, StatusCode::NOT_FOUND);

    operator(&app, "root", Role::Admin, &[]).await;
    let open = get(&app, "/console/login", None).await;
    assert_eq!(open.status, StatusCode::OK);
    let csp = open.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(open.headers[header::CACHE_CONTROL], "no-store");
    assert!(open.body.contains("autocomplete=\"current-password\""));
}

#[tokio::test]
async fn a_login_starts_a_session_and_logout_ends_it() {
    let app = spawn_app().await;
    operator(&app, "root", Role::Admin, &[]).await;
    let anonymous = get(&app, "/console", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers[header::LOCATION], "/console/login");

    let answer = login(&app, "root", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers[header::LOCATION], "/console");
    let set_cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain http in tests: {set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let queue = get(&app, "/console", Some(&cookie)).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    assert!(queue.body.contains("Signed in as <strong>root</strong> (admin)"), "{}", queue.body);
    assert_eq!(get(&app, "/console/login", Some(&cookie)).await.status, StatusCode::SEE_OTHER);

    // Logout needs the session's CSRF token and this origin.
    let csrf = csrf_of(&queue.body);
    let forged =
        post(&app, "/console/logout", Some(&cookie), None, &[("csrf", &"0".repeat(64))]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let elsewhere = post(
        &app,
        "/console/logout",
        Some(&cookie),
        Some("https://evil.example"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&app, "/console", Some(&cookie)).await.status,
        StatusCode::OK,
        "still signed in"
    );
    let out = post(&app, "/console/logout", Some(&cookie), None, &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(get(&app, "/console", Some(&cookie)).await.status, StatusCode::SEE_OTHER);

    // Every step is in the audit log.
    let actions: Vec<String> = kycd_core::audit::list(&app.core, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.actor == "operator:root")
        .map(|r| r.action)
        .collect();
    assert_eq!(actions, ["console.logout", "console.login"]);
}

#[tokio::test]
async fn wrong_passwords_are_refused_alike_and_the_fifth_locks_the_account() {
    let app = spawn_app().await;
    operator(&app, "root", Role::Admin, &[]).await;
    let unknown = login(&app, "nobody", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.body.contains("Wrong name or password."));
    for attempt in 1..=4 {
        let wrong = login(&app, "root", "not the password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(wrong.body.contains("Wrong name or password."));
    }
    let fifth = login(&app, "root", "not the password").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(fifth.body.contains("locked until"), "{}", fifth.body);
    let right_but_locked = login(&app, "root", PASSWORD).await;
    assert_eq!(right_but_locked.status, StatusCode::TOO_MANY_REQUESTS);

    app.clock.advance(time::Duration::minutes(16));
    assert_eq!(login(&app, "root", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // The good login cleared the count: four more failures do not lock.
    for _ in 0..4 {
        assert_eq!(login(&app, "root", "nope nope nope").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(&app, "root", PASSWORD).await.status, StatusCode::SEE_OTHER);

    // A disabled operator cannot log in, and their sessions end.
    let cookie = session(&app, "root").await;
    operator(&app, "second", Role::Admin, &[]).await;
    operators::set_disabled(&app.core, "root", true).await.unwrap();
    assert_eq!(get(&app, "/console", Some(&cookie)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(login(&app, "root", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_cross_site_login_and_an_idle_session_are_refused() {
    let app = spawn_app().await;
    operator(&app, "root", Role::Admin, &[]).await;
    let form = [("name", "root"), ("password", PASSWORD)];
    let forged = post(&app, "/console/login", None, Some("https://evil.example"), &form).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.headers.get(header::SET_COOKIE).is_none());

    let cookie = session(&app, "root").await;
    app.clock.advance(time::Duration::minutes(29));
    assert_eq!(get(&app, "/console", Some(&cookie)).await.status, StatusCode::OK);
    app.clock.advance(time::Duration::minutes(31));
    assert_eq!(get(&app, "/console", Some(&cookie)).await.status, StatusCode::SEE_OTHER, "idle");
    let garbage = get(&app, "/console", Some("kycd_console=zz")).await;
    assert_eq!(garbage.status, StatusCode::SEE_OTHER);
}

/// A token whose dummy APPROVED result waits for a manual review (`reviewSuccessful`).
async fn waiting_case(client: &kycd_testkit::Client, client_id: &str) -> String {
    let body = json!({"clientId": client_id, "dummyStatus": "APPROVED", "reviewSuccessful": true});
    let token = client.post_json("/api/v2/token", &body).await.expect(201).json();
    let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
    let status = client.post_json("/api/v2/status", &json!({"scanRef": scan_ref})).await.json();
    assert_eq!(status["status"], "REVIEWING", "{status}");
    scan_ref
}

#[tokio::test]
async fn the_queue_shows_an_operator_only_their_partners_cases_oldest_first() {
    let app = spawn_app().await;
    let other = app.create_partner("other", Environment::Dev, None, 0).await;
    let first = waiting_case(&app.sandbox_client(), "sandbox-client").await;
    app.clock.advance(time::Duration::minutes(30));
    let second = waiting_case(&app.client_for(&other), "other-client").await;
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "olga", Role::Reviewer, &["other"]).await;
    operator(&app, "vic", Role::Viewer, &[]).await;

    let rows = |page: &str| -> Vec<String> {
        page.split("data-scan-ref=\"")
            .skip(1)
            .map(|r| r[..r.find('"').unwrap()].to_owned())
            .collect()
    };
    let admin = get(&app, "/console", Some(&session(&app, "root").await)).await.body;
    assert_eq!(rows(&admin), [first.clone(), second.clone()], "oldest first");
    assert!(admin.contains("past the 20-minute target"), "{admin}");
    assert!(admin.contains("sandbox-client") && admin.contains("other-client"));
    let scoped = get(&app, "/console", Some(&session(&app, "olga").await)).await.body;
    assert_eq!(rows(&scoped), std::slice::from_ref(&second), "only partner other's");
    assert!(!scoped.contains("sandbox-client"));
    let viewer = get(&app, "/console", Some(&session(&app, "vic").await)).await.body;
    assert_eq!(rows(&viewer), [first, second.clone()], "viewers read the queue");

    // Filters narrow what the operator may see; they never widen it.
    let root = session(&app, "root").await;
    let filtered = get(&app, "/console?partner=other", Some(&root)).await.body;
    assert_eq!(rows(&filtered), std::slice::from_ref(&second));
    assert!(filtered.contains("data-testid=\"hidden\">1<"), "{filtered}");
    let by_environment = get(&app, "/console?environment=PROD", Some(&root)).await.body;
    assert!(rows(&by_environment).is_empty());
    let olga = session(&app, "olga").await;
    let widened = get(&app, "/console?partner=sandbox", Some(&olga)).await.body;
    assert!(rows(&widened).is_empty(), "a scope cannot be widened by a filter");
}

#[test]
fn operators_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let create = |name: &str, role: &str, password: &str, extra: &[&str]| {
        let mut child = kycd(dir.path())
            .args(["user", "create", "--name", name, "--role", role, "--password-stdin"])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    run_ok(kycd(dir.path()).args(["partner", "create", "--name", "acme", "--environment", "dev"]));
    let made = create("root", "admin", PASSWORD, &[]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert_eq!(String::from_utf8_lossy(&made.stdout).trim(), "operator root (admin, enabled)");
    let short = create("shorty", "viewer", "short", &[]);
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    let unknown_partner = create("pat", "reviewer", PASSWORD, &["--partner", "nope"]);
    assert!(!unknown_partner.status.success());
    let scoped = create("pat", "reviewer", PASSWORD, &["--partner", "acme"]);
    assert!(scoped.status.success(), "{}", String::from_utf8_lossy(&scoped.stderr));
    let taken = create("root", "viewer", PASSWORD, &[]);
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("exists"));

    run_ok(kycd(dir.path()).args(["user", "set-role", "pat", "--role", "viewer"]));
    run_ok(kycd(dir.path()).args(["user", "disable", "root"]));
    let listed: Value =
        serde_json::from_str(&run_ok(kycd(dir.path()).args(["user", "list", "--json"]))).unwrap();
    assert_eq!(
        listed,
        json!([
            {"name": "pat", "role": "viewer", "partners": ["acme"], "disabled": false, "locked": false, "totp": false},
            {"name": "root", "role": "admin", "partners": [], "disabled": true, "locked": false, "totp": false},
        ])
    );
    let audit = run_ok(kycd(dir.path()).args(["audit", "list", "--json"]));
    let actions: Vec<String> = serde_json::from_str::<Vec<Value>>(&audit)
        .unwrap()
        .iter()
        .map(|r| {
            format!("{} {}", r["action"].as_str().unwrap(), r["detail"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        actions,
        [
            "operator.disable root",
            "operator.role pat: viewer",
            "operator.create pat: reviewer",
            "operator.create root: admin"
        ]
    );
    assert!(!audit.contains(PASSWORD), "no password in the log");
}

fn decision_form<'a>(csrf: &'a str, face: &'a str, document: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("manualFace", face),
        ("manualDocument", document),
        ("note", "checked by hand"),
    ]
}

#[tokio::test]
async fn a_reviewer_decides_a_claimed_case_and_the_partner_receives_the_manual_webhook() {
    let app = spawn_app().await;
    let receiver = kycd_testkit::WebhookReceiver::start().await;
    let body = json!({"clientId": "c-1", "dummyStatus": "APPROVED", "reviewSuccessful": true,
        "callbackUrl": receiver.url("/hook")});
    let client = app.sandbox_client();
    let token = client.post_json("/api/v2/token", &body).await.expect(201).json();
    let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
    let auto = receiver.wait_for(1, crate::webhooks_support::WAIT).await;
    assert_eq!(auto[0].json()["final"], false, "the automatic result waits for a person");
    app.create_partner("other", Environment::Dev, None, 0).await;
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "rita", Role::Reviewer, &[]).await;
    operator(&app, "sam", Role::Reviewer, &[]).await;
    operator(&app, "vic", Role::Viewer, &[]).await;
    operator(&app, "olga", Role::Reviewer, &["other"]).await;
    let path = format!("/console/cases/{scan_ref}");
    let decide = format!("{path}/decision");

    // Rita opens it first: it is hers to decide.
    let rita = session(&app, "rita").await;
    let page = get(&app, &path, Some(&rita)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("You are deciding this case until"), "{}", page.body);
    assert!(page.body.contains("data-testid=\"decision\""));
    assert!(page.body.contains("data-testid=\"image-FRONT\""), "the stored images are shown");
    let rita_csrf = csrf_of(&page.body);

    // Sam sees that Rita holds it and cannot decide it.
    let sam = session(&app, "sam").await;
    let theirs = get(&app, &path, Some(&sam)).await;
    assert!(theirs.body.contains("rita is deciding this case until"), "{}", theirs.body);
    // The timeline: the token, the automatic webhook with its delivery, rita's view.
    for step in ["token created", "IDENTIFICATION_AUTO_FINISHED queued", "operator:rita case.view"]
    {
        assert!(theirs.body.contains(step), "{step}: {}", theirs.body);
    }
    // The delivery attempt is recorded just after the receiver answered.
    let attempt = "IDENTIFICATION_AUTO_FINISHED delivery attempt 1: answered 200";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !get(&app, &path, Some(&sam)).await.body.contains(attempt) {
        assert!(std::time::Instant::now() < deadline, "no {attempt} on the timeline");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!theirs.body.contains("data-testid=\"decision\""));
    let sam_csrf = csrf_of(&theirs.body);
    let refused = post(
        &app,
        &decide,
        Some(&sam),
        None,
        &decision_form(&sam_csrf, "FACE_MATCH", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);

    // A viewer reads but may not decide; a reviewer of another partner does not see it.
    let vic = session(&app, "vic").await;
    let viewed = get(&app, &path, Some(&vic)).await;
    assert_eq!(viewed.status, StatusCode::OK);
    assert!(!viewed.body.contains("data-testid=\"decision\""));
    let vic_csrf = csrf_of(&viewed.body);
    let not_allowed = post(
        &app,
        &decide,
        Some(&vic),
        None,
        &decision_form(&vic_csrf, "FACE_MATCH", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(not_allowed.status, StatusCode::FORBIDDEN);
    assert!(not_allowed.body.contains("may not decide verifications"), "{}", not_allowed.body);
    let olga = session(&app, "olga").await;
    assert_eq!(get(&app, &path, Some(&olga)).await.status, StatusCode::NOT_FOUND);
    let olga_csrf = csrf_of(&get(&app, "/console", Some(&olga)).await.body);
    let outside = post(
        &app,
        &decide,
        Some(&olga),
        None,
        &decision_form(&olga_csrf, "FACE_MATCH", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);

    // Bad values and a missing CSRF token are refused; nothing is decided.
    let automatic = post(
        &app,
        &decide,
        Some(&rita),
        None,
        &decision_form(&rita_csrf, "AUTO_UNVERIFIABLE", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(automatic.status, StatusCode::BAD_REQUEST);
    assert!(automatic.body.contains("manualFace"), "{}", automatic.body);
    let forged =
        post(&app, &decide, Some(&rita), None, &decision_form("", "FACE_MATCH", "DOC_VALIDATED"))
            .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let status = client.post_json("/api/v2/status", &json!({"scanRef": scan_ref})).await.json();
    assert_eq!(status["status"], "REVIEWING");

    let mut form = decision_form(&rita_csrf, "FACE_MATCH", "DOC_VALIDATED");
    form.push(("data.docFirstName", "JONAS PETRAS"));
    form.push(("data.docDob", "not a date"));
    let refused_date = post(&app, &decide, Some(&rita), None, &form).await;
    assert_eq!(refused_date.status, StatusCode::BAD_REQUEST);
    assert!(refused_date.body.contains("docDob"), "{}", refused_date.body);
    form.pop();
    let decided = post(&app, &decide, Some(&rita), None, &form).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let received = receiver.wait_for(2, crate::webhooks_support::WAIT).await;
    let manual = &received[1];
    assert_eq!(manual.header("idenfy-event-type"), Some("IDENTIFICATION_MANUAL_FINISHED"));
    crate::webhooks_support::assert_signed(manual, &app.sandbox.signing_key);
    let webhook = manual.json();
    assert_eq!(webhook["final"], true);
    assert_eq!(webhook["status"]["overall"], "APPROVED");
    assert_eq!(webhook["status"]["manualFace"], "FACE_MATCH");
    assert_eq!(webhook["status"]["manualDocument"], "DOC_VALIDATED");
    assert_eq!(webhook["data"]["docFirstName"], "JONAS PETRAS", "the corrected data is sent");
    assert_eq!(webhook["data"]["manuallyDataChanged"], true);
    let status = client.post_json("/api/v2/status", &json!({"scanRef": scan_ref})).await.json();
    assert_eq!(status["status"], "APPROVED");
    let queue = get(&app, "/console", Some(&rita)).await.body;
    assert!(!queue.contains(&scan_ref), "decided cases leave the queue");
    let again = post(
        &app,
        &decide,
        Some(&rita),
        None,
        &decision_form(&rita_csrf, "FACE_MISMATCH", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "decided once");

    let trail: Vec<String> = kycd_core::audit::list(&app.core, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.scan_ref.as_ref().is_some_and(|s| s.as_str() == scan_ref))
        .map(|r| format!("{} {} {}", r.actor, r.action, r.detail.unwrap_or_default()))
        .collect();
    assert!(
        trail.contains(
            &"operator:rita case.decide FACE_MATCH/DOC_VALIDATED → APPROVED; corrected docFirstName; note: checked by hand"
                .to_owned()
        ),
        "{trail:?}"
    );
    for who in ["rita", "sam", "vic"] {
        assert!(
            trail.iter().any(|t| t.starts_with(&format!("operator:{who} case.view"))),
            "{who}: {trail:?}"
        );
    }
}

/// The webhook events of one verification, oldest first.
async fn events_of(app: &TestApp, scan_ref: &str) -> Vec<String> {
    let filter = kycd_store::DeliveryFilter {
        scan_ref: Some(kycd_domain::ScanRef::from_trusted(scan_ref)),
        ..Default::default()
    };
    let mut events: Vec<String> = kycd_core::webhooks::log(&app.core, &filter)
        .await
        .unwrap()
        .into_iter()
        .map(|(delivery, _)| delivery.event_type.to_string())
        .collect();
    events.reverse();
    events
}

fn trail_of(records: Vec<kycd_store::AuditRecord>, scan_ref: &str) -> Vec<String> {
    let mut trail: Vec<String> = records
        .into_iter()
        .filter(|r| r.scan_ref.as_ref().is_some_and(|s| s.as_str() == scan_ref))
        .filter(|r| r.action != "case.view")
        .map(|r| format!("{} {} {}", r.actor, r.action, r.detail.unwrap_or_default()))
        .collect();
    trail.reverse();
    trail
}

#[tokio::test]
async fn a_four_eyes_partners_decision_waits_for_a_second_reviewer() {
    let review = kycd_domain::console::ReviewPolicy {
        four_eyes: vec![kycd_core::partners::SANDBOX_PARTNER.to_owned()],
        ..Default::default()
    };
    let app =
        kycd_testkit::spawn_app_with(kycd_testkit::TestOptions { review, ..Default::default() })
            .await;
    let receiver = kycd_testkit::WebhookReceiver::start().await;
    let body = json!({"clientId": "c-4", "dummyStatus": "APPROVED", "reviewSuccessful": true,
        "callbackUrl": receiver.url("/hook")});
    let client = app.sandbox_client();
    let token = client.post_json("/api/v2/token", &body).await.expect(201).json();
    let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "rita", Role::Reviewer, &[]).await;
    operator(&app, "sam", Role::Reviewer, &[]).await;
    let path = format!("/console/cases/{scan_ref}");
    let (decide, confirm) = (format!("{path}/decision"), format!("{path}/confirmation"));

    // Rita decides: it is stored as her proposal, nothing is sent, the case waits in the queue.
    let rita = session(&app, "rita").await;
    let rita_csrf = csrf_of(&get(&app, &path, Some(&rita)).await.body);
    let proposed = post(
        &app,
        &decide,
        Some(&rita),
        None,
        &decision_form(&rita_csrf, "FACE_MATCH", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let status = client.post_json("/api/v2/status", &json!({"scanRef": scan_ref})).await.json();
    assert_eq!(status["status"], "REVIEWING", "not sent before a second reviewer confirms");
    assert_eq!(events_of(&app, &scan_ref).await, ["IDENTIFICATION_AUTO_FINISHED"]);
    let queue = get(&app, "/console?reason=awaiting+a+second+reviewer", Some(&rita)).await.body;
    assert!(queue.contains(&scan_ref), "{queue}");

    // The proposer cannot confirm it, nor claim the case away from a second reviewer.
    let own = get(&app, &path, Some(&rita)).await.body;
    assert!(own.contains("data-testid=\"awaiting\""), "{own}");
    assert!(
        !own.contains("data-testid=\"confirmation\"") && !own.contains("data-testid=\"decision\"")
    );
    assert!(!own.contains("You are deciding this case"), "{own}");
    let self_confirm =
        post(&app, &confirm, Some(&rita), None, &[("csrf", &rita_csrf), ("action", "confirm")])
            .await;
    assert_ne!(self_confirm.status, StatusCode::SEE_OTHER, "{}", self_confirm.body);

    // Sam sees the proposal, may not decide over it, sends it back, and proposes his own.
    let sam = session(&app, "sam").await;
    let page = get(&app, &path, Some(&sam)).await.body;
    assert!(page.contains("rita proposed"), "{page}");
    assert!(page.contains("document DOC_VALIDATED, face FACE_MATCH"), "{page}");
    assert!(
        page.contains("data-testid=\"confirmation\"") && !page.contains("data-testid=\"decision\"")
    );
    let sam_csrf = csrf_of(&page);
    let over = post(
        &app,
        &decide,
        Some(&sam),
        None,
        &decision_form(&sam_csrf, "FACE_MISMATCH", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(over.status, StatusCode::CONFLICT, "{}", over.body);
    let unknown =
        post(&app, &confirm, Some(&sam), None, &[("csrf", &sam_csrf), ("action", "maybe")]).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.body.contains("action"), "{}", unknown.body);
    let sent_back =
        post(&app, &confirm, Some(&sam), None, &[("csrf", &sam_csrf), ("action", "return")]).await;
    assert_eq!(sent_back.status, StatusCode::SEE_OTHER, "{}", sent_back.body);
    let fresh = get(&app, &path, Some(&sam)).await.body;
    assert!(fresh.contains("data-testid=\"decision\""), "decided afresh: {fresh}");
    let mut form = decision_form(&sam_csrf, "FACE_MISMATCH", "DOC_VALIDATED");
    form.push(("remove", "nothing-to-remove"));
    let sams = post(&app, &decide, Some(&sam), None, &form).await;
    assert_eq!(sams.status, StatusCode::SEE_OTHER, "{}", sams.body);

    // Rita confirms Sam's: now the manual webhook goes out, final, with Sam's values.
    let page = get(&app, &path, Some(&rita)).await.body;
    assert!(
        page.contains("sam proposed") && page.contains("data-testid=\"confirmation\""),
        "{page}"
    );
    let confirmed =
        post(&app, &confirm, Some(&rita), None, &[("csrf", &rita_csrf), ("action", "confirm")])
            .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{}", confirmed.body);
    let received = receiver.wait_for(2, crate::webhooks_support::WAIT).await;
    let manual = &received[1];
    assert_eq!(manual.header("idenfy-event-type"), Some("IDENTIFICATION_MANUAL_FINISHED"));
    crate::webhooks_support::assert_signed(manual, &app.sandbox.signing_key);
    let webhook = manual.json();
    assert_eq!(webhook["final"], true);
    assert_eq!(webhook["status"]["manualFace"], "FACE_MISMATCH");
    assert_eq!(webhook["status"]["overall"], "DENIED", "{webhook}");
    assert_eq!(events_of(&app, &scan_ref).await.len(), 2, "sent once");

    let records = kycd_core::audit::list(&app.core, &Default::default()).await.unwrap();
    assert_eq!(
        trail_of(records, &scan_ref),
        [
            "operator:rita case.propose FACE_MATCH/DOC_VALIDATED; note: checked by hand",
            "operator:sam case.return sent back rita's decision",
            "operator:sam case.propose FACE_MISMATCH/DOC_VALIDATED; removed nothing-to-remove; note: checked by hand",
            "operator:rita case.decide FACE_MISMATCH/DOC_VALIDATED → DENIED; removed nothing-to-remove; note: checked by hand; proposed by sam, confirmed by rita",
        ]
    );
}

#[tokio::test]
async fn the_search_finds_any_verification_within_the_operators_partners() {
    let app = spawn_app().await;
    let other = app.create_partner("other", Environment::Dev, None, 0).await;
    let first = waiting_case(&app.sandbox_client(), "alice").await;
    app.clock.advance(time::Duration::days(2));
    let body = json!({"clientId": "alice"});
    let second = app.client_for(&other).post_json("/api/v2/token", &body).await.expect(201).json();
    let second = second["scanRef"].as_str().unwrap().to_owned();
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "olga", Role::Viewer, &["other"]).await;
    let rows = |page: &str| -> Vec<String> {
        page.split("data-testid=\"result\" data-scan-ref=\"")
            .skip(1)
            .map(|r| r[..r.find('"').unwrap()].to_owned())
            .collect()
    };
    let root = session(&app, "root").await;
    let empty = get(&app, "/console/search", Some(&root)).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(rows(&empty.body).is_empty() && !empty.body.contains("no-results"));
    let alice = get(&app, "/console/search?clientId=alice", Some(&root)).await.body;
    assert_eq!(rows(&alice), [second.clone(), first.clone()], "newest first: {alice}");
    let waiting = get(&app, "/console/search?clientId=alice&status=REVIEWING", Some(&root)).await;
    assert_eq!(rows(&waiting.body), std::slice::from_ref(&first));
    let today = app.clock.now().date();
    let from = kycd_domain::token_request::format_date(today);
    let recent = get(&app, &format!("/console/search?from={from}&to={from}"), Some(&root)).await;
    assert_eq!(rows(&recent.body), std::slice::from_ref(&second), "{}", recent.body);
    let by_ref = get(&app, &format!("/console/search?scanRef={first}"), Some(&root)).await.body;
    assert_eq!(rows(&by_ref), std::slice::from_ref(&first));

    // Never wider than the operator's partners, whatever the form asks.
    let olga = session(&app, "olga").await;
    let scoped = get(&app, "/console/search?clientId=alice", Some(&olga)).await.body;
    assert_eq!(rows(&scoped), std::slice::from_ref(&second));
    let asked = get(&app, &format!("/console/search?scanRef={first}"), Some(&olga)).await.body;
    assert!(rows(&asked).is_empty() && asked.contains("no-results"), "{asked}");
    let widened = get(&app, "/console/search?partner=sandbox", Some(&olga)).await;
    assert_eq!(widened.status, StatusCode::BAD_REQUEST);
    assert!(widened.body.contains("partner"), "{}", widened.body);

    // Values that cannot be read are named, with a 400.
    for (query, field) in [
        ("from=yesterday", "from"),
        ("status=DONE", "status"),
        ("from=2026-03-05&to=2026-03-01", "to"),
    ] {
        let refused = get(&app, &format!("/console/search?{query}"), Some(&root)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(refused.body.contains(&format!("The field {field}")), "{query}: {}", refused.body);
    }
}

#[tokio::test]
async fn partners_show_failing_webhooks_that_a_reviewer_resends_and_a_viewer_only_sees() {
    let app = spawn_app().await;
    let receiver = kycd_testkit::WebhookReceiver::start().await;
    receiver.script([kycd_testkit::receiver::Answer::Status(500)]);
    let body =
        json!({"clientId": "c-9", "dummyStatus": "APPROVED", "callbackUrl": receiver.url("/hook")});
    let token = app.sandbox_client().post_json("/api/v2/token", &body).await.expect(201).json();
    let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
    receiver.wait_for(1, crate::webhooks_support::WAIT).await;
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "rita", Role::Reviewer, &[]).await;
    operator(&app, "vic", Role::Viewer, &[]).await;
    app.create_partner("other", Environment::Dev, None, 0).await;
    operator(&app, "olga", Role::Reviewer, &["other"]).await;

    let failing = |page: &str| -> Vec<String> {
        page.split("data-testid=\"failing-delivery\" data-id=\"")
            .skip(1)
            .map(|r| r[..r.find('"').unwrap()].to_owned())
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let rita = session(&app, "rita").await;
    let page = loop {
        let page = get(&app, "/console/partners", Some(&rita)).await.body;
        if !failing(&page).is_empty() {
            break page;
        }
        assert!(std::time::Instant::now() < deadline, "the failure never showed: {page}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let ids = failing(&page);
    assert_eq!(ids.len(), 1, "{page}");
    assert!(page.contains("answered 500") && page.contains(&scan_ref), "{page}");
    assert!(page.contains("data-testid=\"resend\""));

    let vic = session(&app, "vic").await;
    let read_only = get(&app, "/console/partners", Some(&vic)).await.body;
    assert_eq!(failing(&read_only), ids, "viewers see the health");
    assert!(!read_only.contains("data-testid=\"resend\""), "but get no resend button");
    let resend = format!("/console/webhooks/{}/resend", ids[0]);
    let vic_csrf = csrf_of(&read_only);
    let refused = post(&app, &resend, Some(&vic), None, &[("csrf", &vic_csrf)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let olga = session(&app, "olga").await;
    let olga_page = get(&app, "/console/partners", Some(&olga)).await.body;
    assert!(failing(&olga_page).is_empty() && !olga_page.contains("data-partner=\"sandbox\""));
    let olga_csrf = csrf_of(&olga_page);
    let outside = post(&app, &resend, Some(&olga), None, &[("csrf", &olga_csrf)]).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND, "another partner's webhook");
    let forged = post(&app, &resend, Some(&rita), None, &[("csrf", &"0".repeat(64))]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let before = receiver.received().len();
    let rita_csrf = csrf_of(&page);
    let resent = post(&app, &resend, Some(&rita), None, &[("csrf", &rita_csrf)]).await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    let arrived = receiver.wait_for(before + 1, crate::webhooks_support::WAIT).await;
    assert_eq!(arrived.last().unwrap().json()["scanRef"], scan_ref.as_str());
    let records = kycd_core::audit::list(&app.core, &Default::default()).await.unwrap();
    let trail = trail_of(records, &scan_ref);
    assert!(
        trail.contains(&format!(
            "operator:rita webhook.resend IDENTIFICATION_AUTO_FINISHED {}",
            ids[0]
        )),
        "{trail:?}"
    );
}

#[tokio::test]
async fn the_dashboard_counts_verifications_per_day_and_the_median_time_to_decision() {
    let app = spawn_app().await;
    let other = app.create_partner("other", Environment::Dev, None, 0).await;
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "olga", Role::Viewer, &["other"]).await;
    let client = app.sandbox_client();
    for _ in 0..2 {
        client
            .post_json("/api/v2/token", &json!({"clientId": "a", "dummyStatus": "APPROVED"}))
            .await
            .expect(201);
    }
    app.client_for(&other).post_json("/api/v2/token", &json!({"clientId": "b"})).await.expect(201);
    let today = kycd_domain::token_request::format_date(app.clock.now().date());
    let cell = |page: &str| -> String {
        let row = &page[page.find(&format!("data-day=\"{today}\"")).expect("today's row")..];
        row[..row.find("</tr>").unwrap()].to_owned()
    };
    let root = get(&app, "/console/dashboard", Some(&session(&app, "root").await)).await;
    assert_eq!(root.status, StatusCode::OK);
    assert!(
        root.body.contains("<th scope=\"col\">ACTIVE</th>") && root.body.contains("APPROVED"),
        "{}",
        root.body
    );
    assert!(cell(&root.body).ends_with("<td>3</td>"), "{}", cell(&root.body));
    let olga = get(&app, "/console/dashboard", Some(&session(&app, "olga").await)).await.body;
    assert!(cell(&olga).ends_with("<td>1</td>"), "only partner other's: {}", cell(&olga));
    assert!(!olga.contains("APPROVED"), "{olga}");
}

/// With `console_listen`, `kycd serve` serves the console only there: the API address answers
/// 404 for /console, the console address serves its pages and assets but not the API.
#[test]
fn the_console_can_have_a_listen_address_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = kycd(dir.path())
        .args(["user", "create", "--name", "root", "--role", "admin", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    let (api_port, console_port) = (crate::cli::free_port(), crate::cli::free_port());
    let mut server = kycd(dir.path())
        .env("KYCD_CONSOLE_LISTEN", format!("127.0.0.1:{console_port}"))
        .args(["serve", "--listen", &format!("127.0.0.1:{api_port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (api, console) =
        (format!("http://127.0.0.1:{api_port}"), format!("http://127.0.0.1:{console_port}"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let status =
            async |url: String| reqwest::get(url).await.map(|r| r.status().as_u16()).unwrap_or(0);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while status(format!("{console}/console/login")).await != 200 {
            assert!(std::time::Instant::now() < deadline, "the console address never answered");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(status(format!("{api}/health")).await, 200);
        assert_eq!(status(format!("{api}/console/login")).await, 404, "not on the API address");
        assert_eq!(status(format!("{console}/api/v2/token")).await, 404, "no API on the console's");
        let page = reqwest::get(format!("{console}/console/login")).await.unwrap();
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let body = page.text().await.unwrap();
        let css = body.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert_eq!(status(format!("{console}{css}")).await, 200, "{css}");
        let form = [("name", "root"), ("password", PASSWORD)];
        let login = browser()
            .post(format!("{console}/console/login"))
            .header(header::ORIGIN, &console)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::SEE_OTHER);
    });
    server.kill().unwrap();
    server.wait().unwrap();
}

/// The base32 secret back to bytes, as an authenticator app reads it.
fn totp_secret_of(enrolment: &kycd_core::operators::TotpEnrolment) -> Vec<u8> {
    data_encoding::BASE32_NOPAD.decode(enrolment.secret.as_bytes()).unwrap()
}

#[tokio::test]
async fn an_operator_with_a_second_factor_needs_a_fresh_code_to_log_in() {
    let app = spawn_app().await;
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "rita", Role::Reviewer, &[]).await;
    let enrolment = operators::enable_totp(&app.core, "rita").await.unwrap();
    assert!(enrolment.uri.starts_with("otpauth://totp/kycd%3Arita?secret="), "{}", enrolment.uri);
    let secret = totp_secret_of(&enrolment);
    let code_now = || {
        let step = kycd_core::totp::step_at(app.clock.now().unix_timestamp());
        format!("{:06}", kycd_core::totp::code(&secret, step))
    };
    let app = &app;
    let with_code = async |code: String| {
        let form = [("name", "rita"), ("password", PASSWORD), ("code", code.as_str())];
        post(app, "/console/login", None, None, &form).await
    };

    // The password alone, or with a wrong code, is refused like a wrong password.
    let password_only = login(app, "rita", PASSWORD).await;
    assert_eq!(password_only.status, StatusCode::UNAUTHORIZED);
    assert!(password_only.body.contains("Wrong name or password."));
    let wrong = with_code("000000".into()).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Wrong name, password or code."), "{}", wrong.body);
    // Without a second factor a code changes nothing.
    let form = [("name", "root"), ("password", PASSWORD), ("code", "123456")];
    assert_eq!(post(app, "/console/login", None, None, &form).await.status, StatusCode::SEE_OTHER);

    let code = code_now();
    assert_eq!(with_code(code.clone()).await.status, StatusCode::SEE_OTHER);
    assert_eq!(with_code(code).await.status, StatusCode::UNAUTHORIZED, "a code works once");
    app.clock.advance(time::Duration::seconds(30));
    let fresh = with_code(code_now()).await;
    assert_eq!(fresh.status, StatusCode::SEE_OTHER, "{}", fresh.body);

    // Wrong codes count towards the lock-out like wrong passwords.
    for _ in 0..4 {
        assert_eq!(with_code("999999".into()).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(with_code("999999".into()).await.status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(time::Duration::minutes(16));

    operators::disable_totp(&app.core, "rita").await.unwrap();
    assert_eq!(login(app, "rita", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let records = kycd_core::audit::list(&app.core, &Default::default()).await.unwrap();
    let changes: Vec<String> = records
        .iter()
        .filter(|r| r.action == "operator.totp")
        .map(|r| r.detail.clone().unwrap_or_default())
        .collect();
    assert_eq!(changes, ["rita: disabled", "rita: enabled"]);
    assert!(!records.iter().any(|r| r.detail.as_deref().unwrap_or("").contains(&enrolment.secret)));
}

/// Issue 14's "done when": a token with `reviewSuccessful` completed through /api/v2/process
/// waits in REVIEWING; a reviewer created with the CLI's service sees what the analysis read
/// (the zone's lines, the face distance, the face crops), decides it, and the partner receives
/// the manual webhook; every step is audited.
#[tokio::test]
async fn an_analysed_verification_is_decided_with_the_analysis_evidence_beside_it() {
    use crate::analysis::{analysed, jonas, passport_with_selfie, selfie};
    let app = spawn_app().await;
    let receiver = kycd_testkit::WebhookReceiver::start().await;
    let mut body = jonas(&receiver);
    body["reviewSuccessful"] = json!(true);
    let images = passport_with_selfie("passport-valid.jpg", &selfie());
    let auto = analysed(&app, &receiver, body, images).await;
    assert_eq!(auto["final"], false, "a person reviews it: {auto}");
    let scan_ref = auto["scanRef"].as_str().unwrap().to_owned();
    let status = app
        .sandbox_client()
        .post_json("/api/v2/status", &json!({"scanRef": scan_ref}))
        .await
        .json();
    assert_eq!(status["status"], "REVIEWING", "{status}");
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "rita", Role::Reviewer, &[]).await;
    let rita = session(&app, "rita").await;
    let path = format!("/console/cases/{scan_ref}");

    let page = get(&app, &path, Some(&rita)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-testid=\"mrz-valid\""), "{}", page.body);
    assert!(
        page.body.contains("P&#60;LTUJONAITIS&#60;&#60;JONAS"),
        "the zone's first line: {}",
        page.body
    );
    assert!(page.body.contains("data-testid=\"face-distance\""), "{}", page.body);
    assert!(page.body.contains(": a match (match ≤ 0.50"), "{}", page.body);
    for kind in ["FRONT", "FACE"] {
        assert!(page.body.contains(&format!("data-testid=\"crop-{kind}\"")), "{kind}");
        let crop = get(&app, &format!("{path}/faces/{kind}"), Some(&rita)).await;
        assert_eq!(crop.status, StatusCode::OK, "{kind}: {}", crop.body);
        assert_eq!(crop.headers[header::CONTENT_TYPE], "image/png");
        assert_eq!(crop.headers[header::CACHE_CONTROL], "no-store");
        let image = browser()
            .get(format!("{}{path}/images/{kind}", app.base_url))
            .header(header::COOKIE, &rita)
            .send()
            .await
            .unwrap();
        assert_eq!(image.status(), StatusCode::OK);
        assert_eq!(image.headers()[header::CONTENT_TYPE], "image/jpeg");
        assert!(image.bytes().await.unwrap().len() > 1000);
    }
    assert!(!page.body.contains("/files/"), "the console hands out no bearer links");
    assert_eq!(
        get(&app, &format!("{path}/images/FRONT"), None).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        get(&app, &format!("{path}/faces/BACK"), Some(&rita)).await.status,
        StatusCode::NOT_FOUND
    );

    let csrf = csrf_of(&page.body);
    let decided = post(
        &app,
        &format!("{path}/decision"),
        Some(&rita),
        None,
        &decision_form(&csrf, "FACE_MATCH", "DOC_VALIDATED"),
    )
    .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let received = receiver.wait_for(2, crate::webhooks_support::WAIT).await;
    assert_eq!(received[1].header("idenfy-event-type"), Some("IDENTIFICATION_MANUAL_FINISHED"));
    crate::webhooks_support::assert_signed(&received[1], &app.sandbox.signing_key);
    let manual = received[1].json();
    assert_eq!(
        (manual["final"].clone(), manual["status"]["overall"].clone()),
        (json!(true), json!("APPROVED"))
    );
    assert_eq!(manual["data"]["docLastName"], auto["data"]["docLastName"]);

    let records = kycd_core::audit::list(&app.core, &Default::default()).await.unwrap();
    let trail = trail_of(records, &scan_ref);
    for step in [
        "operator:rita image.view FRONT face crop",
        "operator:rita image.view FACE face crop",
        "operator:rita image.view FRONT",
        "operator:rita image.view FACE",
        "operator:rita case.decide FACE_MATCH/DOC_VALIDATED → APPROVED; note: checked by hand",
    ] {
        assert!(trail.iter().any(|t| t.trim_end() == step), "{step}: {trail:?}");
    }
}

#[tokio::test]
async fn a_tag_the_reviewer_adds_makes_the_result_suspected() {
    let app = spawn_app().await;
    let receiver = kycd_testkit::WebhookReceiver::start().await;
    let body = json!({"clientId": "c-5", "dummyStatus": "APPROVED", "reviewSuccessful": true,
        "callbackUrl": receiver.url("/hook")});
    let token = app.sandbox_client().post_json("/api/v2/token", &body).await.expect(201).json();
    let scan_ref = token["scanRef"].as_str().unwrap().to_owned();
    receiver.wait_for(1, crate::webhooks_support::WAIT).await;
    operator(&app, "root", Role::Admin, &[]).await;
    operator(&app, "rita", Role::Reviewer, &[]).await;
    let rita = session(&app, "rita").await;
    let path = format!("/console/cases/{scan_ref}");
    let page = get(&app, &path, Some(&rita)).await.body;
    assert!(page.contains("name=\"add\" value=\"FAKE_PHOTO\""), "{page}");
    assert!(page.contains("automatic result: DOC_VALIDATED, FACE_MATCH"), "the timeline: {page}");
    let csrf = csrf_of(&page);
    let decide = format!("{path}/decision");
    let mut form = decision_form(&csrf, "FACE_MATCH", "DOC_VALIDATED");
    form.push(("add", "AML_FAILED"));
    let refused = post(&app, &decide, Some(&rita), None, &form).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("Field &#39;add&#39;") || refused.body.contains("Field 'add'"),
        "{}",
        refused.body
    );
    form.pop();
    form.push(("add", "FAKE_PHOTO"));
    form.push(("add", "SURNAME"));
    let decided = post(&app, &decide, Some(&rita), None, &form).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let webhook = receiver.wait_for(2, crate::webhooks_support::WAIT).await[1].json();
    assert_eq!(webhook["status"]["overall"], "SUSPECTED", "{webhook}");
    assert_eq!(webhook["status"]["fraudTags"], json!(["FAKE_PHOTO"]));
    assert_eq!(webhook["status"]["mismatchTags"], json!(["SURNAME"]));
    assert_eq!(webhook["final"], true);
}
