//! The outbox survives a crash: SIGKILL the server after the state change committed but before the
//! receiver answered, restart it, and the webhook is delivered once more with the same webhook-id.

use crate::cli::{free_port, kycd, run_ok};
use kycd_testkit::{Client, WebhookReceiver, receiver::Answer};
use serde_json::{Value, json};
use std::{
    process::{Child, Stdio},
    time::{Duration, Instant},
};

fn start_server(dir: &std::path::Path, port: u16) -> Child {
    kycd(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("KYCD_WEBHOOK_LEASE_SECS", "2")
        .env("KYCD_WEBHOOK_TIMEOUT_SECS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_healthy(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ok = reqwest::get(format!("{base}/health")).await.is_ok_and(|r| r.status() == 200);
        if ok {
            return;
        }
        assert!(Instant::now() < deadline, "server at {base} did not become healthy");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn a_sigkilled_server_delivers_the_committed_webhook_after_restart_exactly_once_more() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let receiver = runtime.block_on(WebhookReceiver::start());
    // The first attempt never gets an answer: the server dies while waiting for it.
    receiver.script([Answer::Hang(Duration::from_secs(60))]);
    let dir = tempfile::tempdir().unwrap();
    let created = run_ok(kycd(dir.path()).args([
        "partner",
        "create",
        "--name",
        "crash",
        "--environment",
        "dev",
        "--webhook-url",
        &receiver.url("/hook"),
        "--json",
    ]));
    let created: Value = serde_json::from_str(created.trim()).unwrap();
    let (key, secret) =
        (created["apiKey"].as_str().unwrap(), created["apiSecret"].as_str().unwrap());

    let port = free_port();
    let mut first = start_server(dir.path(), port);
    let base = format!("http://127.0.0.1:{port}");
    runtime.block_on(async {
        wait_healthy(&base).await;
        Client::new(&base)
            .with_basic(key, secret)
            .post_json("/api/v2/token", &json!({"clientId": "crash", "dummyStatus": "APPROVED"}))
            .await
            .expect(201);
        receiver.wait_for(1, Duration::from_secs(10)).await;
    });
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();

    let port = free_port();
    let mut second = start_server(dir.path(), port);
    let base = format!("http://127.0.0.1:{port}");
    runtime.block_on(async {
        wait_healthy(&base).await;
        receiver.wait_for(2, Duration::from_secs(20)).await;
        // Well past another lease: nothing more arrives.
        tokio::time::sleep(Duration::from_secs(3)).await;
    });
    let received = receiver.received();
    assert_eq!(received.len(), 2, "delivered exactly once more after the restart");
    assert_eq!(received[0].header("webhook-id"), received[1].header("webhook-id"));
    assert_eq!(received[0].body, received[1].body);

    let listed = run_ok(kycd(dir.path()).args(["webhooks", "list", "--json"]));
    let listed: Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["state"], "delivered");
    assert_eq!(listed[0]["id"].as_str(), received[0].header("webhook-id"));
    assert_eq!(listed[0]["attempts"][0]["statusCode"], 200);

    // `kycd webhooks resend` queues it again; the running server sends it with the same id.
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    run_ok(kycd(dir.path()).args(["webhooks", "resend", &id]));
    runtime.block_on(receiver.wait_for(3, Duration::from_secs(10)));
    assert_eq!(receiver.received()[2].header("webhook-id"), Some(id.as_str()));
    let failed = run_ok(kycd(dir.path()).args(["webhooks", "list", "--failed"]));
    assert!(failed.contains("no webhook events match"), "{failed}");
    assert!(
        !kycd(dir.path())
            .args(["webhooks", "resend", "msg_nope"])
            .output()
            .unwrap()
            .status
            .success()
    );

    second.kill().unwrap();
    second.wait().unwrap();
}

/// A submission queued by an API-only node that is then SIGKILLed is analysed by a `kycd worker`
/// started afterwards: the job lives in the database, not in a process.
#[test]
fn a_queued_analysis_survives_its_api_node_being_killed_and_a_worker_finishes_it() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let created = run_ok(kycd(dir.path()).args([
        "partner",
        "create",
        "--name",
        "direct",
        "--environment",
        "test",
        "--json",
    ]));
    let created: Value = serde_json::from_str(created.trim()).unwrap();
    let (key, secret) =
        (created["apiKey"].as_str().unwrap(), created["apiSecret"].as_str().unwrap());
    let port = free_port();
    let mut api_only = kycd(dir.path())
        .args(["serve", "--no-worker", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let front = crate::analysis::base64(&crate::analysis::fixture("passport-valid.jpg"));
    let scan_ref = runtime.block_on(async {
        wait_healthy(&base).await;
        let client = Client::new(&base).with_basic(key, secret);
        let token = client
            .post_json("/api/v2/token", &json!({"clientId": "direct"}))
            .await
            .expect(201)
            .json();
        client
            .post_json(
                "/api/v2/process",
                &json!({"authToken": token["authToken"], "images": {"FRONT": front}}),
            )
            .await
            .expect(200);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let status = client
            .post_json("/api/v2/status", &json!({"scanRef": token["scanRef"]}))
            .await
            .expect(200)
            .json();
        assert_eq!(status["status"], "ACTIVE", "nobody analyses on an API-only node");
        token["scanRef"].as_str().unwrap().to_owned()
    });
    api_only.kill().unwrap(); // SIGKILL
    api_only.wait().unwrap();

    let mut worker = kycd(dir.path())
        .args(["worker"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let exported = loop {
        let out = run_ok(kycd(dir.path()).args([
            "verifications",
            "export",
            &scan_ref,
            "--partner",
            "direct",
        ]));
        let exported: Value = serde_json::from_str(out.trim()).unwrap();
        if exported["status"] != "ACTIVE" {
            break exported;
        }
        assert!(Instant::now() < deadline, "the worker did not finish the analysis: {exported}");
        std::thread::sleep(Duration::from_millis(200));
    };
    worker.kill().unwrap();
    worker.wait().unwrap();
    assert_eq!(exported["status"], "REVIEWING", "{exported}");
    assert_eq!(exported["result"]["autoDocument"], "DOC_VALIDATED", "{exported}");
    assert_eq!(exported["result"]["data"]["docNumber"], "LT1234567");
}
