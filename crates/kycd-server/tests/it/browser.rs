//! The hosted flow in real headless Chromium (Debian's `chromium`; `scripts/test` installs it),
//! driven over CDP with chromiumoxide. The camera is a canvas stream of the generated document
//! (rear camera) or the selfie fixture (front camera), injected before any page script runs;
//! every page also records CSP violations and console errors, and each test asserts there were
//! none. Screenshots of every step go to `target/tmp/flow-screenshots/`, and to `docs/flow/`
//! with `KYCD_UPDATE_SCREENSHOTS=1`. Without Chromium every test prints SKIPPED and passes.

use crate::analysis::{base64, fixture, selfie};
use crate::flow::{Person, link_of, location};
use crate::webhooks_support::WAIT;
use chromiumoxide::{
    Browser, BrowserConfig, Page,
    cdp::browser_protocol::{
        dom::SetFileInputFilesParams,
        emulation::SetDeviceMetricsOverrideParams,
        log::EventEntryAdded,
        target::{CreateBrowserContextParams, CreateTargetParams},
    },
    handler::viewport::Viewport,
    page::ScreenshotParams,
};
use futures::StreamExt;
use kycd_domain::Environment;
use kycd_testkit::{TestApp, WebhookReceiver, spawn_app};
use serde_json::{Value, json};
use std::{path::PathBuf, time::Duration};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("KYCD_TEST_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        Some(path)
    } else {
        println!("SKIPPED: chromium not found at {} (scripts/test installs it)", path.display());
        None
    }
}

/// One browser at a time: several Chromiums on two cores make every test slow and flaky.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Headless {
    _turn: tokio::sync::MutexGuard<'static, ()>,
    browser: Browser,
    /// A phone's user agent for pages, when the viewport is a phone's.
    user_agent: Option<&'static str>,
    viewport: Viewport,
    _profile: tempfile::TempDir,
    _handler: tokio::task::JoinHandle<()>,
}

impl Headless {
    async fn launch(viewport: Viewport) -> Option<Self> {
        let user_agent = viewport.emulating_mobile.then_some(PHONE_USER_AGENT);
        let executable = chromium()?;
        let turn = ONE_BROWSER.lock().await;
        let profile = tempfile::tempdir().unwrap();
        let config = BrowserConfig::builder()
            .chrome_executable(executable)
            .user_data_dir(profile.path())
            .no_sandbox()
            .viewport(viewport.clone())
            .args([
                "disable-gpu",
                "disable-background-networking",
                "disable-component-update",
                "disable-sync",
                "no-first-run",
                "disable-quic",
            ])
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let (browser, mut handler) = Browser::launch(config).await.unwrap();
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        Some(Self {
            _turn: turn,
            browser,
            user_agent,
            viewport,
            _profile: profile,
            _handler: handler,
        })
    }

    /// A page with the fake camera (or a refusing one) and the error recorders, at `url`.
    async fn open(&self, url: &str, camera: Camera) -> Page {
        let page = self.browser.new_page("about:blank").await.unwrap();
        self.prepare(page, url, camera).await
    }

    /// The same in a new browser context (no shared cookies or storage: another device).
    async fn open_elsewhere(&self, url: &str, camera: Camera) -> Page {
        let context = self
            .browser
            .create_browser_context(CreateBrowserContextParams::default())
            .await
            .unwrap();
        let target = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(context)
            .build()
            .unwrap();
        let page = self.browser.new_page(target).await.unwrap();
        self.prepare(page, url, camera).await
    }

    async fn prepare(&self, page: Page, url: &str, camera: Camera) -> Page {
        if let Some(agent) = self.user_agent {
            page.set_user_agent(agent).await.unwrap();
        }
        // New pages do not inherit the launch viewport: set it on each.
        let metrics = SetDeviceMetricsOverrideParams::builder()
            .width(i64::from(self.viewport.width))
            .height(i64::from(self.viewport.height))
            .device_scale_factor(self.viewport.device_scale_factor.unwrap_or(1.0))
            .mobile(self.viewport.emulating_mobile)
            .build()
            .unwrap();
        page.execute(metrics).await.unwrap();
        page.add_init_script(init_script(camera)).await.unwrap();
        page.goto(url).await.unwrap();
        page.wait_for_navigation().await.unwrap();
        page
    }
}

const PHONE_USER_AGENT: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36";

fn desktop() -> Viewport {
    Viewport { width: 1100, height: 900, ..Viewport::default() }
}

fn phone() -> Viewport {
    Viewport {
        width: 360,
        height: 740,
        device_scale_factor: Some(2.0),
        emulating_mobile: true,
        has_touch: true,
        ..Viewport::default()
    }
}

#[derive(Clone, Copy)]
enum Camera {
    /// The rear camera shows the passport, the front camera the selfie fixture.
    Fake,
    /// `getUserMedia` is refused as when the person says no.
    Refused,
}

fn init_script(camera: Camera) -> String {
    let recorders = r#"
        window.__problems = [];
        document.addEventListener('securitypolicyviolation', e => window.__problems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
        window.addEventListener('error', e => window.__problems.push('error ' + e.message));
        const realError = console.error.bind(console);
        console.error = (...args) => { window.__problems.push('console.error ' + args.join(' ')); realError(...args); };
    "#;
    let camera = match camera {
        Camera::Refused => r#"
            if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = async () => {
                throw new DOMException('Permission denied', 'NotAllowedError');
            };"#
        .to_owned(),
        Camera::Fake => format!(
            r#"
            const pictures = {{ environment: 'data:image/jpeg;base64,{document}', user: 'data:image/jpeg;base64,{selfie}' }};
            if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = async (constraints) => {{
                const wanted = constraints && constraints.video && constraints.video.facingMode;
                const facing = (wanted && (wanted.ideal || wanted.exact || wanted)) === 'user' ? 'user' : 'environment';
                const img = new Image();
                img.src = pictures[facing];
                await img.decode();
                const canvas = document.createElement('canvas');
                canvas.width = img.naturalWidth;
                canvas.height = img.naturalHeight;
                const context = canvas.getContext('2d');
                const draw = () => {{ context.drawImage(img, 0, 0); requestAnimationFrame(draw); }};
                draw();
                return canvas.captureStream(30);
            }};"#,
            document = base64(&fixture("passport-valid.jpg")),
            selfie = base64(&selfie()),
        ),
    };
    format!("(() => {{ {recorders} {camera} }})();")
}

/// The page's `<html lang>`.
async fn lang_of(page: &Page) -> String {
    page.evaluate("document.documentElement.lang").await.unwrap().into_value().unwrap()
}

/// Waits until `condition` (a JS expression) is true on the page.
async fn wait_until(page: &Page, condition: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let value =
            page.evaluate(format!("!!({condition})")).await.ok().and_then(|r| r.value().cloned());
        if value == Some(Value::Bool(true)) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {condition} on {:?}",
            page.url().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks `selector` and waits for the next page.
async fn click_and_wait(page: &Page, selector: &str) {
    wait_until(page, &format!("document.querySelector('{selector}')")).await;
    page.find_element(selector)
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .click()
        .await
        .unwrap();
    page.wait_for_navigation().await.unwrap();
}

/// Asserts no CSP violation and no console error so far on the page, and an accessibility
/// pass (axe-core's WCAG 2.1 A and AA rules) without violations.
async fn no_problems(page: &Page) {
    let problems: Vec<String> =
        page.evaluate("window.__problems || []").await.unwrap().into_value().unwrap();
    assert!(
        problems.is_empty(),
        "CSP violations or console errors on {:?}: {problems:?}",
        page.url().await
    );
    accessible(page).await;
}

/// axe-core, installed by scripts/test (npm) for the tests only; never shipped.
fn axe_source() -> Option<&'static str> {
    static AXE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    AXE.get_or_init(|| {
        let path = std::env::var_os("KYCD_TEST_AXE").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/test-tools/node_modules/axe-core/axe.min.js")
        });
        let source = std::fs::read_to_string(&path).ok();
        if source.is_none() {
            println!(
                "SKIPPED the accessibility pass: no axe-core at {} (scripts/test installs it)",
                path.display()
            );
        }
        source
    })
    .as_deref()
}

const AXE_RUN: &str = "window.__axe = undefined; \
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }) \
    .then(r => { window.__axe = { passes: r.passes.length, violations: r.violations.map(v => \
        v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')) }; }) \
    .catch(e => { window.__axe = { passes: 0, violations: ['axe failed: ' + e] }; })";

async fn accessible(page: &Page) {
    let Some(axe) = axe_source() else { return };
    // Injected over CDP, so the page's CSP does not apply to it (as for the fake camera).
    page.evaluate_expression(axe).await.unwrap();
    page.evaluate_expression(AXE_RUN).await.unwrap();
    wait_until(page, "window.__axe !== undefined").await;
    let report: Value = page.evaluate("window.__axe").await.unwrap().into_value().unwrap();
    assert!(report["passes"].as_u64().unwrap_or(0) > 0, "axe ran no rule: {report}");
    assert_eq!(
        report["violations"],
        json!([]),
        "accessibility violations on {:?}",
        page.url().await
    );
}

async fn screenshot(page: &Page, name: &str) {
    screenshot_in(page, "flow", name).await;
}

/// A full-page screenshot to `target/tmp/{folder}-screenshots/`, and to `docs/{folder}/` with
/// `KYCD_UPDATE_SCREENSHOTS=1`.
async fn screenshot_in(page: &Page, folder: &str, name: &str) {
    let mut png = Vec::new();
    // Right after a navigation Chromium may not have laid the page out yet ("0 width").
    for _ in 0..20 {
        match page.screenshot(ScreenshotParams::builder().full_page(true).build()).await {
            Ok(bytes) => {
                png = bytes;
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert!(!png.is_empty(), "no screenshot of {name}");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{folder}-screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
    if std::env::var_os("KYCD_UPDATE_SCREENSHOTS").is_some() {
        let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs").join(folder);
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(docs.join(format!("{name}.png")), &png).unwrap();
    }
}

async fn token(app: &TestApp, body: Value) -> Value {
    app.sandbox_client().post_json("/api/v2/token", &body).await.expect(201).json()
}

fn person_data(receiver: &WebhookReceiver, app: &TestApp) -> Value {
    json!({
        "clientId": "jonas",
        "firstName": "Jonas",
        "lastName": "Jonaitis",
        "callbackUrl": receiver.url("/hook"),
        "successUrl": format!("{}/health?landed=success", app.base_url),
        "errorUrl": format!("{}/health?landed=error", app.base_url),
        "unverifiedUrl": format!("{}/health?landed=unverified", app.base_url),
    })
}

#[tokio::test]
async fn the_camera_path_ends_on_the_partners_page_with_a_signed_webhook() {
    let Some(chrome) = Headless::launch(desktop()).await else { return };
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let token = token(&app, person_data(&receiver, &app)).await;
    let page = chrome.open(token["redirectUrl"].as_str().unwrap(), Camera::Fake).await;
    wait_until(&page, "document.querySelector('[data-testid=next]')").await;
    screenshot(&page, "desktop-1-start").await;
    no_problems(&page).await;
    click_and_wait(&page, "[data-testid=next]").await;

    wait_until(&page, "document.querySelector('[data-testid=country]')").await;
    wait_until(&page, "(document.querySelector('[data-testid=country]').value = 'LT') === 'LT'")
        .await;
    screenshot(&page, "desktop-2-choose").await;
    no_problems(&page).await;
    click_and_wait(&page, "[data-testid=doc-PASSPORT]").await;

    for (kind, name) in [("FRONT", "desktop-3-front"), ("FACE", "desktop-4-selfie")] {
        wait_until(&page, &format!("document.querySelector('[data-testid=file-{kind}]')")).await;
        wait_until(&page, "!document.getElementById('capture').classList.contains('hidden')").await;
        wait_until(&page, "document.querySelector('video').videoWidth > 0").await;
        screenshot(&page, name).await;
        page.find_element("[data-testid=capture]").await.unwrap().click().await.unwrap();
        wait_until(
            &page,
            &format!("document.querySelector('[data-testid=file-{kind}]').files.length === 1"),
        )
        .await;
        wait_until(&page, "!document.getElementById('retake').classList.contains('hidden')").await;
        no_problems(&page).await;
        click_and_wait(&page, "[data-testid=next]").await;
    }

    wait_until(&page, "document.querySelector('[data-testid=retake-FACE]')").await;
    wait_until(&page, "[...document.images].every(i => i.complete && i.naturalWidth > 0)").await;
    screenshot(&page, "desktop-5-review").await;
    no_problems(&page).await;
    click_and_wait(&page, "[data-testid=next]").await;

    let received = receiver.wait_for(1, WAIT).await;
    crate::webhooks_support::assert_signed(&received[0], &app.sandbox.signing_key);
    let webhook = received[0].json();
    assert_eq!(
        webhook["status"]["autoDocument"], "DOC_VALIDATED",
        "the camera picture was read: {webhook}"
    );
    assert_eq!(webhook["status"]["autoFace"], "FACE_MATCH", "the camera selfie matched: {webhook}");
    assert_eq!(webhook["status"]["overall"], "APPROVED");
    assert_eq!(webhook["platform"], "PC");
    let status = app
        .sandbox_client()
        .post_json("/api/v2/status", &json!({"scanRef": token["scanRef"]}))
        .await
        .expect(200)
        .json();
    assert_eq!(status["status"], "APPROVED", "/status tells the same: {status}");
    assert_eq!(status["autoFace"], "FACE_MATCH");
    wait_until(&page, "document.querySelector('[data-testid=result]')?.dataset.status === 'APPROVED' && document.querySelector('[data-testid=result] a[data-testid=next]')").await;
    screenshot(&page, "desktop-6-result").await;
    no_problems(&page).await;
    click_and_wait(&page, "[data-testid=result] [data-testid=next]").await;
    wait_until(&page, "location.pathname === '/health'").await;
    let landed = page.url().await.unwrap().unwrap();
    assert_eq!(landed, format!("{}/health?landed=success", app.base_url), "approved: successUrl");
}

#[tokio::test]
async fn a_refused_camera_leaves_the_upload_path_which_works_at_phone_width_in_lithuanian() {
    let Some(chrome) = Headless::launch(phone()).await else { return };
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let token = token(&app, json!({"clientId": "c", "locale": "lt", "documents": ["ID_CARD"], "country": "LT", "tokenType": "DOCUMENT", "showInstructions": false, "callbackUrl": receiver.url("/hook")})).await;
    let page = chrome.open(token["redirectUrl"].as_str().unwrap(), Camera::Refused).await;
    // One document, one country, no instructions: straight to the front photo.
    wait_until(&page, "document.querySelector('[data-testid=file-FRONT]')").await;
    assert_eq!(lang_of(&page).await, "lt");
    wait_until(&page, "!document.getElementById('camera-notice').classList.contains('hidden')")
        .await;
    screenshot(&page, "phone-1-front-camera-refused").await;
    no_problems(&page).await;
    for (kind, file, name) in [
        ("FRONT", "id-card-front.jpg", "phone-2-back"),
        ("BACK", "id-card-back.jpg", "phone-3-review"),
    ] {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents").join(file);
        upload_file(&page, kind, &path).await;
        wait_until(&page, "document.readyState === 'complete'").await;
        screenshot(&page, name).await;
        no_problems(&page).await;
    }
    // The language switch keeps the place in the flow.
    click_and_wait(&page, "[data-testid=lang-de]").await;
    wait_until(&page, "document.querySelector('[data-testid=retake-BACK]')").await;
    assert_eq!(lang_of(&page).await, "de");
    click_and_wait(&page, "[data-testid=next]").await;
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].json()["platform"], "MOBILE", "the phone's user agent");
    wait_until(&page, "document.querySelector('[data-testid=result] a[data-testid=next]')").await;
    screenshot(&page, "phone-4-result").await;
    no_problems(&page).await;

    // Right to left: the result page in Arabic.
    click_and_wait(&page, "[data-testid=lang-ar]").await;
    wait_until(&page, "document.documentElement.dir === 'rtl'").await;
    assert_eq!(lang_of(&page).await, "ar");
    screenshot(&page, "phone-5-result-arabic").await;
    no_problems(&page).await;
}

/// A parent page on another origin (localhost instead of 127.0.0.1) that embeds `src` and
/// records the messages it receives.
async fn parent_page(src: String) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let html = format!(
        "<!doctype html><title>shop</title><script>window.__messages = []; \
         addEventListener('message', e => window.__messages.push({{origin: e.origin, data: e.data}}));</script>\
         <iframe src=\"{src}\" allow=\"camera\" width=\"670\" height=\"800\"></iframe>"
    );
    let app = axum::Router::new()
        .route("/", axum::routing::get(move || async move { axum::response::Html(html) }));
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://localhost:{port}/"), server)
}

#[tokio::test]
async fn an_iframe_tells_its_parent_how_the_session_ended_and_unlisted_parents_cannot_frame_it() {
    let Some(chrome) = Headless::launch(desktop()).await else { return };
    let app = spawn_app().await;
    let person = Person::new(&app);
    let token = token(&app, json!({"clientId": "c"})).await;
    let auth = token["authToken"].as_str().unwrap();
    // The person finishes through the sandbox panel; the embedded page then shows the result.
    location(&person.post_form(&format!("/ui/{auth}/sandbox?lang=en"), "scenario=approved").await);
    let (parent, _server) =
        parent_page(format!("{}/?authToken={auth}&lang=en", app.base_url)).await;
    let page = chrome.open(&parent, Camera::Fake).await;
    wait_until(&page, "window.__messages.length > 0").await;
    let messages: Vec<Value> =
        page.evaluate("window.__messages").await.unwrap().into_value().unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["origin"], app.base_url);
    let message: Value =
        serde_json::from_str(messages[0]["data"].as_str().expect("a JSON string")).unwrap();
    assert_eq!(
        message,
        json!({"status": "APPROVED", "manualStatus": "INACTIVE", "autoSuspected": false, "manualSuspected": false})
    );
    screenshot(&page, "desktop-7-iframe").await;

    let prod = app.create_partner("shop", Environment::Prod, None, 0).await;
    let prod_auth = &link_of(&app, &prod).await;
    let (parent, _server) = parent_page(format!("{}/?authToken={prod_auth}", app.base_url)).await;
    let refused = frame_refused(&chrome, &parent).await;
    assert!(refused.contains("'none'"), "{refused}");
    let reply = app.anonymous_client().get(&format!("/ui/{prod_auth}/?embed=1")).await.expect(200);
    assert!(reply.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
}

#[tokio::test]
async fn the_hand_off_link_opened_on_another_device_finishes_the_desktops_session() {
    let Some(chrome) = Headless::launch(desktop()).await else { return };
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let token = token(&app, person_data(&receiver, &app)).await;
    let auth = token["authToken"].as_str().unwrap();
    let capture = format!("{}/ui/{auth}/capture/FRONT?lang=en&doc=PASSPORT", app.base_url);
    let desktop = chrome.open(&capture, Camera::Refused).await;
    click_and_wait(&desktop, "[data-testid=handoff]").await;
    wait_until(&desktop, "document.querySelector('[data-testid=handoff-qr] svg')").await;
    screenshot(&desktop, "desktop-8-handoff").await;
    no_problems(&desktop).await;
    let link: String = desktop
        .evaluate("document.querySelector('[data-testid=handoff-url]').value")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(link, format!("{}/ui/{auth}/?lang=en", app.base_url));
    let code: String = desktop
        .evaluate("document.querySelector('[data-testid=handoff-code]').textContent")
        .await
        .unwrap()
        .into_value()
        .unwrap();

    // The phone types the short code instead of scanning the QR code.
    let phone = chrome.open_elsewhere(&format!("{}/h?lang=en", app.base_url), Camera::Fake).await;
    phone.find_element("[data-testid=code]").await.unwrap().click().await.unwrap();
    phone.find_element("[data-testid=code]").await.unwrap().type_str(&code).await.unwrap();
    screenshot(&phone, "desktop-8b-handoff-code-entry").await;
    no_problems(&phone).await;
    click_and_wait(&phone, "[data-testid=next]").await;
    wait_until(&phone, "document.querySelector('[data-testid=sandbox-approved]')").await;
    click_and_wait(&phone, "[data-testid=sandbox-approved]").await;
    wait_until(
        &phone,
        "document.querySelector('[data-testid=result]')?.dataset.status === 'APPROVED'",
    )
    .await;
    // The desktop page refreshes itself and follows to the result.
    wait_until(
        &desktop,
        "document.querySelector('[data-testid=result]')?.dataset.status === 'APPROVED'",
    )
    .await;
    screenshot(&desktop, "desktop-9-result-approved").await;
    no_problems(&desktop).await;
    assert_eq!(receiver.wait_for(1, WAIT).await[0].json()["status"]["overall"], "APPROVED");
}

/// Sets the file input of `kind` to `path` and submits its form.
async fn upload_file(page: &Page, kind: &str, path: &std::path::Path) {
    wait_until(page, &format!("document.querySelector('[data-testid=file-{kind}]')")).await;
    let input = page.find_element(format!("[data-testid=file-{kind}]")).await.unwrap();
    page.execute(
        SetFileInputFilesParams::builder()
            .file(path.to_string_lossy())
            .backend_node_id(input.backend_node_id)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    click_and_wait(page, "[data-testid=next]").await;
}

#[tokio::test]
async fn a_blurred_photo_is_retaken_then_cancel_ends_on_unverified_url_and_the_link_is_dead() {
    let Some(chrome) = Headless::launch(desktop()).await else { return };
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let token = token(&app, person_data(&receiver, &app)).await;
    let auth = token["authToken"].as_str().unwrap();
    let files = tempfile::tempdir().unwrap();
    let blurred = files.path().join("blurred.jpg");
    image::load_from_memory(&fixture("passport-valid.jpg"))
        .unwrap()
        .blur(8.0)
        .save(&blurred)
        .unwrap();
    let page = chrome
        .open(
            &format!("{}/ui/{auth}/capture/FRONT?lang=fr&doc=PASSPORT", app.base_url),
            Camera::Refused,
        )
        .await;
    upload_file(&page, "FRONT", &blurred).await;
    wait_until(
        &page,
        "document.querySelector('[data-testid=problem]')?.dataset.problem === 'blurry'",
    )
    .await;
    screenshot(&page, "desktop-10-blurred-refused").await;
    no_problems(&page).await;
    let sharp = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents/passport-valid.jpg");
    upload_file(&page, "FRONT", &sharp).await;
    wait_until(&page, "document.querySelector('[data-testid=file-FACE]')").await;

    click_and_wait(&page, "[data-testid=cancel]").await;
    wait_until(&page, "document.querySelector('[data-testid=cancel-confirm]')").await;
    no_problems(&page).await;
    click_and_wait(&page, "[data-testid=cancel-confirm]").await;
    wait_until(
        &page,
        "document.querySelector('[data-testid=result]')?.dataset.status === 'UNVERIFIED'",
    )
    .await;
    screenshot(&page, "desktop-11-cancelled").await;
    no_problems(&page).await;
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received[0].header("idenfy-event-type"), Some("IDENTIFICATION_CANCELLED"));
    click_and_wait(&page, "[data-testid=result] [data-testid=next]").await;
    wait_until(&page, "location.search === '?landed=unverified'").await;

    let again = chrome.open(&format!("{}/ui/{auth}/?lang=fr", app.base_url), Camera::Refused).await;
    wait_until(&again, "document.querySelector('[data-testid=invalid]')").await;
    screenshot(&again, "desktop-12-invalid").await;
    no_problems(&again).await;
}

/// Waits for Chromium's report that a frame was refused by `frame-ancestors`.
async fn frame_refused(chrome: &Headless, parent: &str) -> String {
    let page = chrome.browser.new_page("about:blank").await.unwrap();
    page.enable_log().await.unwrap();
    let mut log = page.event_listener::<EventEntryAdded>().await.unwrap();
    page.goto(parent).await.unwrap();
    tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(entry) = log.next().await {
            if entry.entry.text.contains("frame-ancestors") {
                return entry.entry.text.clone();
            }
        }
        String::new()
    })
    .await
    .expect("Chromium reports the refused frame")
}

#[tokio::test]
async fn a_partners_embed_origins_decide_who_may_frame_the_flow_and_hear_its_message() {
    let Some(chrome) = Headless::launch(desktop()).await else { return };
    let app = spawn_app().await;
    let person = Person::new(&app);
    let shop = app.create_partner("shop-dev", Environment::Dev, None, 0).await;
    let auth = &link_of(&app, &shop).await;
    location(&person.post_form(&format!("/ui/{auth}/sandbox?lang=en"), "scenario=approved").await);
    let (parent, _server) =
        parent_page(format!("{}/?authToken={auth}&lang=en", app.base_url)).await;
    let listed = parent.trim_end_matches('/').to_owned();
    let settings = kycd_core::partners::PartnerSettings {
        embed_origins: Some(vec![listed.clone()]),
        ..Default::default()
    };
    kycd_core::partners::change(&app.core, "shop-dev", settings).await.unwrap();

    let page = chrome.open(&parent, Camera::Fake).await;
    wait_until(&page, "window.__messages.length > 0").await;
    let messages: Vec<Value> =
        page.evaluate("window.__messages").await.unwrap().into_value().unwrap();
    assert_eq!(messages.len(), 1, "posted to the listed origin only: {messages:?}");

    // The same parent page on another origin (127.0.0.1 instead of localhost) may not frame it.
    let other = parent.replace("localhost", "127.0.0.1");
    let refused = frame_refused(&chrome, &other).await;
    assert!(refused.contains(&listed), "{refused}");
}

#[tokio::test]
async fn the_session_ends_session_length_after_the_first_opening_on_the_virtual_clock() {
    let Some(chrome) = Headless::launch(desktop()).await else { return };
    let app = spawn_app().await;
    let token = token(&app, json!({"clientId": "c", "sessionLength": 300, "locale": "pl"})).await;
    let page = chrome.open(token["redirectUrl"].as_str().unwrap(), Camera::Refused).await;
    wait_until(&page, "document.querySelector('[data-testid=timer]')").await;
    let timer: String = page
        .evaluate("document.querySelector('[data-testid=timer]').textContent")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(timer.contains('5'), "five minutes left, in Polish: {timer}");
    app.clock.advance(time::Duration::seconds(300));
    page.reload().await.unwrap();
    wait_until(&page, "document.querySelector('[data-testid=invalid]')").await;
    no_problems(&page).await;
}

/// The review console in Chromium: log in, the queue, a case, decided with the keyboard; no CSP
/// violation, console error or accessibility violation on any page; the partner receives the
/// manual webhook.
#[tokio::test]
async fn a_reviewer_logs_in_and_decides_a_case_with_the_keyboard() {
    let Some(chrome) = Headless::launch(desktop()).await else { return };
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    // Analysed for real (a generated passport and the holder's selfie), then sent to a person.
    let mut body = crate::analysis::jonas(&receiver);
    body["reviewSuccessful"] = json!(true);
    let images =
        crate::analysis::passport_with_selfie("passport-valid.jpg", &crate::analysis::selfie());
    let auto = crate::analysis::analysed(&app, &receiver, body, images).await;
    let scan_ref = auto["scanRef"].as_str().unwrap().to_owned();
    for (name, role) in [
        ("root", kycd_domain::console::Role::Admin),
        ("rita", kycd_domain::console::Role::Reviewer),
    ] {
        let spec = kycd_core::operators::NewOperator {
            name: name.to_owned(),
            role,
            partners: vec![],
            password: "correct horse battery".to_owned(),
        };
        kycd_core::operators::create(&app.core, spec).await.unwrap();
    }

    let page = chrome.open(&format!("{}/console/login", app.base_url), Camera::Refused).await;
    no_problems(&page).await;
    screenshot_in(&page, "console", "console-1-login").await;
    page.evaluate("document.querySelector('#name').value = 'rita'; document.querySelector('#password').value = 'correct horse battery';").await.unwrap();
    click_and_wait(&page, "[data-testid=login]").await;
    wait_until(&page, "document.querySelector('[data-testid=queue]')").await;
    assert!(page.content().await.unwrap().contains(&scan_ref));
    no_problems(&page).await;
    screenshot_in(&page, "console", "console-2-queue").await;

    click_and_wait(&page, &format!("a[href=\"/console/cases/{scan_ref}\"]")).await;
    wait_until(&page, "document.querySelector('[data-testid=decision]')").await;
    // Every image (the stored ones, the face crops) loads from the console itself.
    wait_until(
        &page,
        "document.querySelector('.images img') && [...document.querySelectorAll('.images img')].every(i => i.complete && i.naturalWidth > 0)",
    )
    .await;
    assert!(page.content().await.unwrap().contains("What the analysis sees"));
    no_problems(&page).await;
    screenshot_in(&page, "console", "console-3-case").await;

    // "a" approves at once: FACE_MATCH + DOC_VALIDATED, back to the queue.
    page.find_element("h1").await.unwrap().press_key("a").await.unwrap();
    page.wait_for_navigation().await.unwrap();
    wait_until(&page, "location.pathname === '/console'").await;
    wait_until(&page, "document.querySelector('[data-testid=empty]')").await;
    no_problems(&page).await;
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[1].header("idenfy-event-type"), Some("IDENTIFICATION_MANUAL_FINISHED"));
    let webhook = received[1].json();
    assert_eq!(webhook["final"], true);
    assert_eq!(webhook["status"]["overall"], "APPROVED", "{webhook}");
    assert_eq!(webhook["status"]["manualFace"], "FACE_MATCH");
    assert_eq!(webhook["status"]["manualDocument"], "DOC_VALIDATED");
    assert_eq!(webhook["data"]["manuallyDataChanged"], false, "the data was left as read");

    // The other pages: search, partners, dashboard — no CSP violation or console error either.
    for (path, ready, shot) in [
        ("/console/search?clientId=jonas", "[data-testid=results]", "console-4-search"),
        ("/console/partners", "[data-testid=partner]", "console-5-partners"),
        ("/console/dashboard", "[data-testid=per-day]", "console-6-dashboard"),
    ] {
        page.goto(format!("{}{path}", app.base_url)).await.unwrap();
        wait_until(&page, &format!("document.querySelector('{ready}')")).await;
        no_problems(&page).await;
        screenshot_in(&page, "console", shot).await;
    }
    assert!(page.content().await.unwrap().contains("APPROVED"), "the dashboard counts it");
}
