//! Several stateless nodes on one PostgreSQL database: a burst of dummy tokens spread across three
//! `kycd serve` processes, one of them killed mid-burst. Every webhook arrives, credits are exact,
//! and the killed node's leased deliveries are finished by the others.

use crate::cli::{free_port, kycd, run_ok};
use kycd_testkit::{Client, WebhookReceiver, receiver::Answer};
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

fn node(dir: &std::path::Path, env: &[(&str, String)], port: u16) -> Child {
    let mut command: Command = kycd(dir);
    command.args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
    for (key, value) in env {
        command.env(key, value);
    }
    command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap()
}

#[test]
fn three_nodes_share_one_database_and_lose_nothing_when_one_is_killed() {
    let Some(server) = kycd_store_postgres::testing::server_url() else {
        eprintln!(
            "SKIPPED: KYCD_TEST_POSTGRES_URL is not set; the multi-node test needs PostgreSQL"
        );
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let database = runtime.block_on(kycd_store_postgres::testing::fresh_database(&server)).unwrap();
    let receiver = runtime.block_on(WebhookReceiver::start());
    // Slow answers keep deliveries in flight, so the killed node holds leases when it dies.
    receiver.script((0..200).map(|_| Answer::Hang(Duration::from_millis(300))));
    let shared_files = tempfile::tempdir().unwrap();
    let master_key = kycd_store::crypto::MasterKey::generate().to_base64();
    let env = vec![
        ("KYCD_DATABASE_URL", database.clone()),
        ("KYCD_MASTER_KEY", master_key),
        ("KYCD_OBJECT_STORE_URL", shared_files.path().display().to_string()),
        ("KYCD_WEBHOOK_LEASE_SECS", "3".to_owned()),
        ("KYCD_WEBHOOK_TIMEOUT_SECS", "2".to_owned()),
    ];
    let admin_dir = tempfile::tempdir().unwrap();
    let admin = |args: &[&str]| {
        let mut command = kycd(admin_dir.path());
        for (key, value) in &env {
            command.env(key, value);
        }
        run_ok(command.args(args))
    };
    const CREDITS: usize = 40;
    let created = admin(&[
        "partner",
        "create",
        "--name",
        "burst",
        "--environment",
        "dev",
        "--credits",
        &CREDITS.to_string(),
        "--rate-limit",
        "0",
        "--webhook-url",
        &receiver.url("/hook"),
        "--json",
    ]);
    let created: Value = serde_json::from_str(created.trim()).unwrap();
    let (key, secret) = (
        created["apiKey"].as_str().unwrap().to_owned(),
        created["apiSecret"].as_str().unwrap().to_owned(),
    );

    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut nodes: Vec<Child> = (0..3).map(|i| node(dirs[i].path(), &env, ports[i])).collect();
    let bases: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();

    let statuses = runtime.block_on(async {
        for base in &bases {
            let deadline = Instant::now() + Duration::from_secs(30);
            while reqwest::get(format!("{base}/health"))
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
                != 200
            {
                assert!(Instant::now() < deadline, "{base} did not start");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        let mut statuses = Vec::new();
        for round in 0..4 {
            let burst = (0..6).map(|i| {
                let client = Client::new(&bases[i % 3]).with_basic(&key, &secret);
                async move {
                    let body =
                        json!({"clientId": format!("c-{round}-{i}"), "dummyStatus": "APPROVED"});
                    client.post_json("/api/v2/token", &body).await.status
                }
            });
            statuses.extend(futures::future::join_all(burst).await);
        }
        // Let node 3 claim deliveries (the receiver answers slowly), then kill it.
        tokio::time::sleep(Duration::from_millis(100)).await;
        statuses
    });
    nodes[2].kill().unwrap(); // SIGKILL
    nodes[2].wait().unwrap();
    let more = runtime.block_on(async {
        let mut statuses = Vec::new();
        for round in 4..10 {
            let burst = (0..6).map(|i| {
                let client = Client::new(&bases[i % 2]).with_basic(&key, &secret);
                async move {
                    let body =
                        json!({"clientId": format!("c-{round}-{i}"), "dummyStatus": "APPROVED"});
                    client.post_json("/api/v2/token", &body).await.status
                }
            });
            statuses.extend(futures::future::join_all(burst).await);
        }
        statuses
    });
    let statuses: Vec<u16> = statuses.into_iter().chain(more).collect();
    let created_count = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(created_count, CREDITS, "exactly the partner's credits were spent: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 402).count(), statuses.len() - CREDITS);

    // Every event reaches the receiver; only a delivery the dead node had in flight may arrive
    // once more than its recorded attempts.
    let deadline = Instant::now() + Duration::from_secs(60);
    let listed = loop {
        let listed: Value =
            serde_json::from_str(&admin(&["webhooks", "list", "--json", "--limit", "1000"]))
                .unwrap();
        let events = listed.as_array().unwrap();
        if events.len() == CREDITS && events.iter().all(|e| e["state"] == "delivered") {
            break listed;
        }
        assert!(
            Instant::now() < deadline,
            "not all webhooks delivered: {}",
            events.iter().filter(|e| e["state"] != "delivered").count()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in receiver.received() {
        *seen.entry(r.header("webhook-id").unwrap().to_owned()).or_default() += 1;
    }
    let mut redelivered_after_kill = 0;
    for event in listed.as_array().unwrap() {
        let id = event["id"].as_str().unwrap();
        let attempts = event["attempts"].as_array().unwrap().len();
        let got = seen.get(id).copied().unwrap_or(0);
        assert!(
            got == attempts || got == attempts + 1,
            "{id}: received {got} times, {attempts} attempts recorded"
        );
        redelivered_after_kill += got - attempts;
    }
    assert_eq!(seen.len(), CREDITS, "every event arrived");
    eprintln!(
        "multi-node: {redelivered_after_kill} deliveries were finished by surviving nodes after the kill"
    );

    let partners: Value = serde_json::from_str(&admin(&["partner", "list", "--json"])).unwrap();
    let burst = partners.as_array().unwrap().iter().find(|p| p["name"] == "burst").unwrap();
    assert_eq!(burst["credits"], 0);
    for mut node in nodes.into_iter().take(2) {
        node.kill().unwrap();
        node.wait().unwrap();
    }
}
