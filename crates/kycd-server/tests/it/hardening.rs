//! The gaps a hostile review found (issue 15), each pinned by the request that showed it.

use kycd_domain::Environment;
use kycd_testkit::{Reply, spawn_app};
use serde_json::json;

#[track_caller]
fn assert_json_error(reply: &Reply, status: u16, identifier: &str, named: &str) {
    assert_eq!(reply.status, status, "{} {}: {}", reply.method, reply.path, text(reply));
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with("application/json")),
        "{} {} answered {:?}: {}",
        reply.method,
        reply.path,
        reply.header("content-type"),
        text(reply)
    );
    let (got, message) = reply.error();
    assert_eq!(got, identifier, "{} {}: {message}", reply.method, reply.path);
    assert!(
        message.contains(named),
        "{} {}: {message:?} names {named:?}",
        reply.method,
        reply.path
    );
}

fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

#[tokio::test]
async fn bad_paths_and_repeated_parameters_get_the_json_error_shape() {
    let app = spawn_app().await;
    let dev = app.sandbox_client();
    let token = dev.post_json("/api/v2/token", &json!({"clientId": "c"})).await.expect(201).json();
    let scan = token["scanRef"].as_str().unwrap();

    let repeated = dev.get("/api/v2/sandbox/webhooks?limit=1&limit=2").await;
    assert_json_error(&repeated, 400, "BAD_VALUE", "'limit' is given more than once");
    let link = format!("/files/{scan}/FRONT?p=a&p=b&expires=1&signature=00");
    assert_json_error(&dev.get(&link).await, 400, "BAD_VALUE", "'p' is given more than once");
    let anonymous = app.anonymous_client();
    for (path, named) in [
        ("/files/%ff/FRONT", "not valid UTF-8"),
        (&*format!("/files/{scan}/%ff%fe"), "not valid UTF-8"),
        ("/sandbox/samples/%ff.png", "not valid UTF-8"),
        ("/ui/static/%ff", "not valid UTF-8"),
        ("/ui/%ff/state", "not valid UTF-8"),
        ("/ui/%ff/brand.css", "not valid UTF-8"),
    ] {
        assert_json_error(&anonymous.get(path).await, 400, "BAD_VALUE", named);
    }
    let resend = dev.post_json("/api/v2/sandbox/webhooks/%ff/resend", &json!({})).await;
    assert_json_error(&resend, 400, "BAD_VALUE", "not valid UTF-8");
    for missing in
        ["/ui/static/nope.css", &*format!("/ui/{}/logo.png", token["authToken"].as_str().unwrap())]
    {
        assert_json_error(&anonymous.get(missing).await, 404, "NOT_FOUND", "/ui/");
    }

    // A partner that may not use the endpoint learns that first, whatever its query.
    let prod = app.create_partner("shop", Environment::Prod, None, 0).await;
    let refused = app.client_for(&prod).get("/api/v2/sandbox/webhooks?limit=1&limit=2").await;
    assert_json_error(&refused, 403, "PERMISSIONS_ERROR", "not available");
}

#[tokio::test]
async fn readiness_reports_a_failing_object_store_while_liveness_stays_up() {
    let app = spawn_app().await;
    let client = app.anonymous_client();
    let ready = client.get("/health/ready").await.expect(200).json();
    assert_eq!(ready, json!({"status": "ready", "database": "ok", "objectStore": "ok"}));

    // The image folder becomes a plain file: every write to the object store fails.
    let files = app.data_dir.path().join("files");
    let aside = app.data_dir.path().join("files-aside");
    std::fs::rename(&files, &aside).unwrap();
    std::fs::write(&files, b"not a folder").unwrap();
    let failing = client.get("/health/ready").await.expect(503).json();
    assert_eq!(failing["status"], "not ready");
    assert_eq!(failing["database"], "ok");
    assert!(failing["objectStore"].as_str().unwrap().starts_with("failing: "), "{failing}");
    client.get("/health/live").await.expect(200);

    std::fs::remove_file(&files).unwrap();
    std::fs::rename(&aside, &files).unwrap();
    client.get("/health/ready").await.expect(200);
}

#[tokio::test]
async fn deleting_a_verification_leaves_no_empty_folder_behind() {
    let app = spawn_app().await;
    let receiver = kycd_testkit::WebhookReceiver::start().await;
    let client = app.sandbox_client();
    let body = crate::analysis::jonas(&receiver);
    let token = client.post_json("/api/v2/token", &body).await.expect(201).json();
    let images = json!({
        "FRONT": crate::analysis::base64(&crate::analysis::fixture("passport-valid.jpg")),
        "FACE": crate::analysis::base64(&crate::analysis::selfie()),
    });
    let submission = json!({"authToken": token["authToken"], "images": images});
    client.post_json("/api/v2/process", &submission).await.expect(200);
    receiver.wait_for(1, crate::webhooks_support::WAIT).await;
    let folder =
        app.data_dir.path().join("files/verifications").join(token["scanRef"].as_str().unwrap());
    assert!(folder.is_dir(), "the images are stored in {}", folder.display());
    client.post_json("/api/v2/delete", &json!({"scanRef": token["scanRef"]})).await.expect(200);
    assert!(!folder.exists(), "{} is left behind", folder.display());
}

/// Reads an SSE response until it ends (or `within` passes); the whole text.
async fn read_to_end(response: reqwest::Response, within: std::time::Duration) -> String {
    use futures::StreamExt;
    let mut stream = response.bytes_stream();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(None) | Ok(Some(Err(_))) => return text,
            Err(_) => panic!("the stream was still open after {within:?}: {text}"),
        }
    }
}

#[tokio::test]
async fn an_open_event_stream_ends_when_its_partner_is_disabled_or_its_secret_rotated() {
    let app = spawn_app().await;
    let partner = app.create_partner("streamer", Environment::Dev, None, 0).await;
    let open = |secret: String| {
        let url = format!("{}/api/v2/sandbox/events", app.base_url);
        let key = partner.api_key.clone();
        async move {
            let response =
                reqwest::Client::new().get(url).basic_auth(key, Some(secret)).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response
        }
    };
    let stream = open(partner.api_secret.clone()).await;
    kycd_core::partners::set_enabled(&app.core, "streamer", false).await.unwrap();
    let text = read_to_end(stream, std::time::Duration::from_secs(10)).await;
    assert!(text.contains("event: ready"), "{text}");
    assert!(text.contains("event: revoked") && text.contains("disabled"), "{text}");

    kycd_core::partners::set_enabled(&app.core, "streamer", true).await.unwrap();
    let stream = open(partner.api_secret.clone()).await;
    let (_, new_secret) = kycd_core::partners::rotate_secret(&app.core, "streamer").await.unwrap();
    let text = read_to_end(stream, std::time::Duration::from_secs(10)).await;
    assert!(text.contains("event: revoked") && text.contains("rotated"), "{text}");
    // The new secret opens a stream that stays open.
    let fresh = open(new_secret).await;
    let still_open = tokio::time::timeout(
        std::time::Duration::from_millis(2500),
        read_to_end(fresh, std::time::Duration::from_secs(60)),
    )
    .await;
    assert!(still_open.is_err(), "a stream with valid credentials stays open");
}

/// Sends `request` on `socket` and reads one response's head and (Content-Length) body.
async fn exchange(socket: &mut tokio::net::TcpStream, request: &[u8]) -> Option<(String, Vec<u8>)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket.write_all(request).await.ok()?;
    let mut data = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Some((head, data[end + 4..end + 4 + length].to_vec()));
            }
        }
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(5), socket.read(&mut buffer))
                .await
                .ok()?
                .ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    }
}

#[tokio::test]
async fn a_refusal_that_leaves_the_body_unread_says_connection_close() {
    let app = spawn_app().await;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let cases: [(&str, &str); 3] = [
        ("/api/v2/token", "Authorization: Basic eDp5\r\n"),
        ("/api/v2/no-such-endpoint", ""),
        ("/health", ""),
    ];
    for (path, auth) in cases {
        for size in [100usize, 300_000] {
            let body = format!("{{\"clientId\":\"{}\"}}", "a".repeat(size));
            let request = format!(
                "POST {path} HTTP/1.1\r\nHost: kycd\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
            let (head, _) = exchange(&mut socket, request.as_bytes()).await.expect("an answer");
            let closes = head.contains("\r\nconnection: close");
            let again = exchange(&mut socket, b"GET /health HTTP/1.1\r\nHost: kycd\r\n\r\n").await;
            assert!(
                closes || again.is_some_and(|(h, _)| h.starts_with("http/1.1 200")),
                "POST {path} with {size} bytes: the connection was dropped without Connection: close ({head})"
            );
            assert!(head.starts_with("http/1.1 4"), "POST {path}: {head}");
        }
    }
    // A good request on a keep-alive connection is not closed.
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (head, _) =
        exchange(&mut socket, b"GET /health HTTP/1.1\r\nHost: kycd\r\n\r\n").await.unwrap();
    assert!(!head.contains("connection: close"), "{head}");
    assert!(exchange(&mut socket, b"GET /health HTTP/1.1\r\nHost: kycd\r\n\r\n").await.is_some());
}

fn quick_limits() -> kycd_server::http_server::HttpLimits {
    kycd_server::http_server::HttpLimits {
        header_timeout: std::time::Duration::from_secs(1),
        body_timeout: std::time::Duration::from_secs(1),
        request_timeout: std::time::Duration::from_secs(5),
        max_header_bytes: 16 * 1024,
        max_connections: 3,
    }
}

/// Seconds until the server closes `socket` (reading whatever it sends), at most `within`.
async fn closed_after(socket: &mut tokio::net::TcpStream, within: u64) -> Option<f64> {
    use tokio::io::AsyncReadExt;
    let started = std::time::Instant::now();
    let mut sink = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(within).saturating_sub(started.elapsed()),
            socket.read(&mut sink),
        )
        .await
        .ok()?;
        if !matches!(read, Ok(n) if n > 0) {
            return Some(started.elapsed().as_secs_f64());
        }
    }
}

#[tokio::test]
async fn slow_idle_and_oversized_clients_are_cut_off() {
    use tokio::io::AsyncWriteExt;
    let options = kycd_testkit::TestOptions { http: quick_limits(), ..Default::default() };
    let app = kycd_testkit::spawn_app_with(options).await;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let connect = || tokio::net::TcpStream::connect(address.clone());

    // Slowloris: a header that never ends.
    let mut slow = connect().await.unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: kycd\r\nX-Slow: 1").await.unwrap();
    let after = closed_after(&mut slow, 5).await.expect("a slow header is cut off");
    assert!(after < 3.0, "closed after {after} s");

    // An idle keep-alive connection after a request.
    let mut idle = connect().await.unwrap();
    assert!(exchange(&mut idle, b"GET /health HTTP/1.1\r\nHost: kycd\r\n\r\n").await.is_some());
    let after = closed_after(&mut idle, 5).await.expect("an idle connection is closed");
    assert!(after < 3.0, "closed after {after} s");

    // A header larger than the limit is refused, not buffered.
    let mut large = connect().await.unwrap();
    let header =
        format!("GET /health HTTP/1.1\r\nHost: kycd\r\nX-Big: {}\r\n\r\n", "a".repeat(100_000));
    let answer = exchange(&mut large, header.as_bytes()).await;
    assert!(answer.as_ref().is_none_or(|(head, _)| head.starts_with("http/1.1 431")), "{answer:?}");

    // A body that stops arriving.
    let mut stalled = connect().await.unwrap();
    let start = b"POST /api/v2/token HTTP/1.1\r\nHost: kycd\r\nContent-Type: application/json\r\nContent-Length: 100\r\n";
    let auth = format!(
        "Authorization: Basic {}\r\n\r\n{{\"clientId\"",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{}:{}", app.sandbox.api_key, app.sandbox.api_secret)
        )
    );
    let request = [start.as_slice(), auth.as_bytes()].concat();
    let (head, body) = exchange(&mut stalled, &request).await.expect("an answer");
    assert!(head.starts_with("http/1.1 400"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("did not arrive completely"));
}

#[tokio::test]
async fn over_the_connection_limit_a_client_gets_503_at_once() {
    let options = kycd_testkit::TestOptions {
        http: kycd_server::http_server::HttpLimits {
            header_timeout: std::time::Duration::from_secs(30),
            ..quick_limits()
        },
        ..Default::default()
    };
    let app = kycd_testkit::spawn_app_with(options).await;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        assert!(
            exchange(&mut socket, b"GET /health HTTP/1.1\r\nHost: kycd\r\n\r\n").await.is_some()
        );
        held.push(socket);
    }
    let mut extra = tokio::net::TcpStream::connect(&address).await.unwrap();
    let started = std::time::Instant::now();
    let (head, body) = exchange(&mut extra, b"GET /health HTTP/1.1\r\nHost: kycd\r\n\r\n")
        .await
        .expect("an answer, not a hang");
    assert!(head.starts_with("http/1.1 503") && head.contains("connection: close"), "{head}");
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(error["message"].as_str().unwrap().contains("3 connections"), "{error}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));

    drop(held.pop());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut again = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (head, _) =
        exchange(&mut again, b"GET /health HTTP/1.1\r\nHost: kycd\r\n\r\n").await.unwrap();
    assert!(head.starts_with("http/1.1 200"), "a freed slot serves again: {head}");
}
