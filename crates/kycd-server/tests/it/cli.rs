//! The `kycd` binary as a person uses it: first start, partner administration, config example.

use serde_json::Value;
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

pub fn kycd(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kycd"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("KYCD_DATABASE_URL")
        .env_remove("KYCD_CONFIG");
    command
}

pub fn run_ok(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `kycd serve` child on a free port, with the sandbox credentials its first start printed.
struct Served {
    child: std::process::Child,
    key: String,
    secret: String,
    base: String,
    signing_key: String,
    /// Kept open: kycd would stop on a closed stdout.
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

fn serve(data_dir: &std::path::Path) -> Served {
    let port = free_port();
    let mut child = kycd(data_dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let line = lines.next().unwrap().unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("/api/v2/token") {
            break;
        }
    }
    let value_of = |label: &str| -> String {
        banner
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {banner}"))
            .trim_start()[label.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    let served = Served {
        key: value_of("API key"),
        secret: value_of("API secret"),
        base: value_of("Base URL"),
        signing_key: value_of("Signing key"),
        child,
        _stdout: lines,
    };
    assert_eq!(served.base, format!("http://127.0.0.1:{port}"));
    served
}

impl Served {
    /// A client with the sandbox credentials, once `/health` answers.
    async fn client(&self) -> kycd_testkit::Client {
        let client = kycd_testkit::Client::new(&self.base);
        let deadline = Instant::now() + Duration::from_secs(30);
        while client.get("/health").await.status != 200 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        client.with_basic(&self.key, &self.secret)
    }
}

#[test]
fn first_start_prints_sandbox_credentials_that_work_and_sigterm_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let Served { mut child, .. } = {
        let served = serve(dir.path());
        assert!(!served.signing_key.is_empty());
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            served
                .client()
                .await
                .post_json("/api/v2/token", &serde_json::json!({"clientId": "cli"}))
                .await
                .expect(201);
        });
        served
    };

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");

    // A second start on the same data dir creates no new partner and prints no secret.
    let listed = run_ok(kycd(dir.path()).args(["partner", "list", "--json"]));
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "sandbox");
    assert_eq!(listed[0]["environment"], "DEV");
    assert_eq!(listed[0]["credits"], Value::Null);
}

#[test]
fn partner_administration_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let created = run_ok(kycd(dir.path()).args([
        "partner",
        "create",
        "--name",
        "acme",
        "--environment",
        "prod",
        "--credits",
        "5",
        "--rate-limit",
        "100",
        "--webhook-url",
        "https://acme.example/hooks",
        "--json",
    ]));
    let created: Value = serde_json::from_str(created.trim()).expect("exactly one JSON object");
    for key in ["name", "environment", "apiKey", "apiSecret", "signingKey"] {
        assert!(created[key].is_string(), "{key} in {created}");
    }
    assert_eq!(created["environment"], "PROD");
    assert_eq!(created["credits"], 5);

    let duplicate = kycd(dir.path())
        .args(["partner", "create", "--name", "acme", "--environment", "dev"])
        .output()
        .unwrap();
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    let bad_env = kycd(dir.path())
        .args(["partner", "create", "--name", "x", "--environment", "staging"])
        .output()
        .unwrap();
    assert!(!bad_env.status.success());

    run_ok(kycd(dir.path()).args(["partner", "disable", "acme"]));
    let set = run_ok(kycd(dir.path()).args([
        "partner",
        "set",
        "acme",
        "--credits",
        "9",
        "--clear-webhook-url",
    ]));
    let set: Value = serde_json::from_str(set.trim()).unwrap();
    assert_eq!(
        (set["credits"].as_i64(), set["enabled"].as_bool(), set["webhookUrl"].is_null()),
        (Some(9), Some(false), true)
    );
    run_ok(kycd(dir.path()).args(["partner", "enable", "acme"]));
    let rotated = run_ok(kycd(dir.path()).args(["partner", "rotate-secret", "acme", "--json"]));
    let rotated: Value = serde_json::from_str(rotated.trim()).unwrap();
    assert_ne!(rotated["apiSecret"], created["apiSecret"]);
    let missing = kycd(dir.path()).args(["partner", "enable", "nobody"]).output().unwrap();
    assert!(!missing.status.success());

    let table = run_ok(kycd(dir.path()).args(["partner", "list"]));
    assert!(table.contains("acme") && table.contains("PROD"), "{table}");
    // The secret is stored only as a digest: it appears nowhere in the database file.
    let db = std::fs::read(dir.path().join("kycd.db")).unwrap();
    let wal = std::fs::read(dir.path().join("kycd.db-wal")).unwrap_or_default();
    for secret in [created["apiSecret"].as_str().unwrap(), rotated["apiSecret"].as_str().unwrap()] {
        let needle = secret.as_bytes();
        assert!(
            !db.windows(needle.len()).any(|w| w == needle),
            "API secret found in the database file"
        );
        assert!(!wal.windows(needle.len()).any(|w| w == needle), "API secret found in the WAL");
    }
}

#[test]
fn config_example_is_printed_and_unknown_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let example = run_ok(kycd(dir.path()).args(["config", "example"]));
    assert!(example.contains("listen = \"127.0.0.1:8080\""));
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "lisen = \"127.0.0.1:1\"\n").unwrap();
    let output =
        kycd(dir.path()).arg("--config").arg(&path).args(["partner", "list"]).output().unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("lisen"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn key_rotation_export_and_audit_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let created = run_ok(kycd(dir.path()).args([
        "partner",
        "create",
        "--name",
        "ops",
        "--environment",
        "dev",
        "--json",
    ]));
    let created: Value = serde_json::from_str(created.trim()).unwrap();
    let key_file = dir.path().join("master.key");
    let before = std::fs::read_to_string(&key_file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the master key file is private");
    }

    let port = free_port();
    let mut server = kycd(dir.path())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let scan_ref = runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(format!("{base}/health")).await.map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
            assert!(Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let client = kycd_testkit::Client::new(&base)
            .with_basic(created["apiKey"].as_str().unwrap(), created["apiSecret"].as_str().unwrap());
        let token = client
            .post_json("/api/v2/token", &serde_json::json!({"clientId": "c", "firstName": "Ona", "dummyStatus": "APPROVED"}))
            .await
            .expect(201)
            .json();
        token["scanRef"].as_str().unwrap().to_owned()
    });

    let exported =
        run_ok(kycd(dir.path()).args(["verifications", "export", &scan_ref, "--partner", "ops"]));
    let exported: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(exported["request"]["firstName"], "ONA");
    assert_eq!(exported["status"], "APPROVED");
    let audit = run_ok(kycd(dir.path()).args(["audit", "list", "--scan-ref", &scan_ref, "--json"]));
    let audit: Value = serde_json::from_str(&audit).unwrap();
    assert_eq!(audit[0]["action"], "cli.export");
    assert_eq!(audit[0]["actor"], "cli");

    // Rotation re-wraps the data keys: the key file changes, the data stays readable.
    let rotated = run_ok(kycd(dir.path()).args(["keys", "rotate"]));
    assert!(rotated.contains("re-wrapped 1 data key"), "{rotated}");
    let after = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(before, after);
    let again =
        run_ok(kycd(dir.path()).args(["verifications", "export", &scan_ref, "--partner", "ops"]));
    assert!(again.contains("\"ONA\""));
    // The old key no longer opens the database.
    let old_file = dir.path().join("old.key");
    std::fs::write(&old_file, &before).unwrap();
    let refused = kycd(dir.path())
        .env("KYCD_MASTER_KEY_FILE", &old_file)
        .args(["partner", "list"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not open"));

    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn listen_forwards_what_trigger_causes_and_it_verifies_with_the_signing_key() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = kycd(dir.path())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("/api/v2/token") {
            break;
        }
    }
    let value_of = |label: &str| -> String {
        banner.lines().find(|l| l.trim_start().starts_with(label)).unwrap().trim_start()
            [label.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    let (key, secret, signing_key) =
        (value_of("API key"), value_of("API secret"), value_of("Signing key"));
    let base = format!("http://127.0.0.1:{port}");

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let receiver = runtime.block_on(kycd_testkit::WebhookReceiver::start());
    runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(format!("{base}/health")).await.map(|r| r.status().as_u16()).unwrap_or(0)
            != 200
        {
            assert!(Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut listen = kycd(dir.path())
        .args([
            "listen",
            "--forward-to",
            &receiver.url("/app/hook"),
            "--url",
            &base,
            "--api-key",
            &key,
            "--api-secret",
            &secret,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
    let listen_out = listen.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(listen_out).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let ready = lines_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(ready.starts_with("Ready:"), "{ready}");
    let key_line = lines_rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(key_line.ends_with(&signing_key), "listen prints the signing key: {key_line}");

    // trigger needs nothing but the data dir on the server's machine.
    let scan_ref =
        run_ok(kycd(dir.path()).args(["trigger", "approved", "--url", &base])).trim().to_owned();
    assert!(uuid::Uuid::parse_str(&scan_ref).is_ok(), "{scan_ref}");
    let received = runtime.block_on(receiver.wait_for(1, Duration::from_secs(20)));
    let hook = &received[0];
    assert_eq!(hook.path, "/app/hook");
    assert_eq!(hook.json()["scanRef"], scan_ref.as_str());
    crate::webhooks_support::assert_signed(hook, &signing_key);
    let printed = lines_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(
        printed.contains("IDENTIFICATION_AUTO_FINISHED")
            && printed.contains(&scan_ref)
            && printed.ends_with("-> 200"),
        "{printed}"
    );

    let unknown = kycd(dir.path()).args(["trigger", "maybe"]).output().unwrap();
    assert!(!unknown.status.success());
    let reset = run_ok(kycd(dir.path()).args(["partner", "reset", "sandbox"]));
    assert!(reset.contains("deleted 1 verification"), "{reset}");

    listen.kill().unwrap();
    listen.wait().unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
}

fn document(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents").join(name)
}

#[test]
fn analyze_reads_a_document_from_files_and_prints_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let analyze = |args: &[&std::ffi::OsStr]| {
        let mut command = kycd(dir.path());
        command.arg("analyze").args(args);
        command
    };
    let front = document("passport-valid.jpg");
    let request = r#"{"clientId":"c","lastName":"Petraitis","dateOfBirth":"1990-05-17"}"#;
    let out = run_ok(&mut analyze(&[
        "--front".as_ref(),
        front.as_os_str(),
        "--token-request".as_ref(),
        request.as_ref(),
        "--json".as_ref(),
    ]));
    let report: Value = serde_json::from_str(&out).unwrap();
    let mrz = &report["document"]["mrz"];
    assert_eq!(report["document"]["found"], true);
    assert_eq!(report["document"]["type"], "PASSPORT");
    assert_eq!(mrz["format"], "TD3");
    assert_eq!(mrz["valid"], true);
    assert_eq!(mrz["lines"][0], "P<LTUJONAITIS<<JONAS<<<<<<<<<<<<<<<<<<<<<<<<");
    assert_eq!(mrz["documentNumber"], "LT1234567");
    assert_eq!(mrz["dateOfBirth"], "1990-05-17");
    assert_eq!(mrz["dateOfExpiry"], "2034-03-01");
    assert_eq!(mrz["sex"], "M");
    assert_eq!(report["autoDocument"], "DOC_VALIDATED");
    assert_eq!(report["autoFace"], "FACE_NOT_CHECKED");
    assert_eq!(report["mismatchTags"], serde_json::json!(["SURNAME"]));
    assert_eq!(report["data"]["docNumber"], "LT1234567");
    assert!(report["timingsMs"]["recognise"].as_f64().unwrap() > 0.0, "{report}");

    // The zone of a TD1 card is on its back, whichever file is named first; --today judges expiry.
    let (card_front, card_back) = (document("id-card-front.jpg"), document("id-card-back.jpg"));
    let out = run_ok(&mut analyze(&[
        "--front".as_ref(),
        card_front.as_os_str(),
        "--back".as_ref(),
        card_back.as_os_str(),
        "--today".as_ref(),
        "2035-01-01".as_ref(),
        "--json".as_ref(),
    ]));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["document"]["mrz"]["format"], "TD1");
    assert_eq!(report["document"]["mrzSide"], "back");
    assert_eq!(report["autoDocument"], "DOC_EXPIRED");
    assert_eq!(report["autoFace"], "FACE_NOT_ANALYSED");

    let blank = document("no-document.jpg");
    let out = run_ok(&mut analyze(&["--front".as_ref(), blank.as_os_str(), "--json".as_ref()]));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["document"]["found"], false);
    assert_eq!(report["document"]["mrz"], Value::Null);
    assert_eq!(report["autoDocument"], "DOC_NOT_FOUND");

    // With a selfie, the faces are compared.
    let faces = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kycd-analysis/tests/it/fixtures/faces");
    for (selfie, face_status, matched) in
        [("obama2.jpg", "FACE_MATCH", true), ("biden.jpg", "FACE_MISMATCH", false)]
    {
        let selfie = faces.join(selfie);
        let out = run_ok(&mut analyze(&[
            "--front".as_ref(),
            front.as_os_str(),
            "--selfie".as_ref(),
            selfie.as_os_str(),
            "--json".as_ref(),
        ]));
        let report: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["autoFace"], face_status, "{report}");
        let face = &report["face"];
        assert_eq!(face["documentFaceFound"], true);
        assert_eq!(face["selfieFaces"], 1);
        assert_eq!(face["match"], matched);
        let (distance, score) =
            (face["distance"].as_f64().unwrap(), face["score"].as_f64().unwrap());
        assert!((0.0..2.0).contains(&distance) && (0.0..=1.0).contains(&score), "{face}");
        assert!(report["timingsMs"]["selfieFace"].as_f64().unwrap() > 0.0);
    }

    // The readable summary, and a clear refusal of a file that is not an image.
    let summary = run_ok(&mut analyze(&["--front".as_ref(), front.as_os_str()]));
    assert!(summary.contains("DOC_VALIDATED") && summary.contains("JONAITIS"), "{summary}");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an image").unwrap();
    let output = analyze(&["--front".as_ref(), text.as_os_str()]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a JPEG, PNG or WebP image"), "{stderr}");
}

#[test]
fn data_files_are_private_to_kycds_user_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // What an older kycd left under umask 022.
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut served = serve(&data);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = served.client().await;
        let token = client
            .post_json("/api/v2/token", &serde_json::json!({"clientId": "perm"}))
            .await
            .expect(201)
            .json();
        let front = crate::analysis::base64(&crate::analysis::fixture("passport-valid.jpg"));
        let body = serde_json::json!({"authToken": token["authToken"], "images": {"FRONT": front}});
        client.post_json("/api/v2/process", &body).await.expect(200);
    });
    served.child.kill().unwrap();
    served.child.wait().unwrap();

    let mut seen = (0, 0);
    let mut pending = vec![data.clone()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_dir() {
            assert_eq!(mode, 0o700, "{} is a folder others can read", path.display());
            seen.0 += 1;
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert_eq!(mode, 0o600, "{} is a file others can read", path.display());
            seen.1 += 1;
        }
    }
    let images = walk_count(&data.join("files"));
    assert!(images > 0, "the submitted image is stored under files/");
    assert!(seen.1 >= 3, "database, key and image files were checked: {seen:?}");
}

fn walk_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .map(|e| e.unwrap().path())
            .map(|p| if p.is_dir() { walk_count(&p) } else { 1 })
            .sum()
    })
}

/// A small tmpfs, to fill up like a real disk (needs root; unmounted on drop).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m,mode=0700"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            println!("SKIPPED the full-disk test: cannot mount a tmpfs here (it needs root)");
            return None;
        }
        Some(Self { dir })
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Writes a file until the disk is full.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let _ = file.write_all(&[0]);
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_takes_the_node_out_of_readiness_until_space_is_freed() {
    let Some(disk) = SmallDisk::mount(48) else { return };
    let data = disk.path().join("data");
    let mut served = serve(&data);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = served.client().await;
        client.get("/health/ready").await.expect(200);
        let waiting = client
            .post_json("/api/v2/token", &serde_json::json!({"clientId": "before"}))
            .await
            .expect(201)
            .json();
        let filler = disk.fill();
        let ready = client.get("/health/ready").await.expect(503).json();
        assert_eq!(ready["status"], "not ready", "{ready}");
        assert!(ready["objectStore"].as_str().unwrap().starts_with("failing"), "{ready}");
        assert!(ready["database"].as_str().unwrap().starts_with("failing"), "{ready}");
        let refused =
            client.post_json("/api/v2/token", &serde_json::json!({"clientId": "full"})).await;
        assert_eq!(refused.status, 503, "a token that cannot be stored is not handed out");
        assert!(refused.error().1.contains("storage is full"), "{:?}", refused.error());
        assert_eq!(refused.header("retry-after"), Some("60"));
        let front = crate::analysis::base64(&crate::analysis::fixture("passport-valid.jpg"));
        let images =
            serde_json::json!({"authToken": waiting["authToken"], "images": {"FRONT": front}});
        let upload = client.post_json("/api/v2/process", &images).await;
        assert_eq!(upload.status, 503, "images that cannot be stored: {:?}", upload.error());
        // Alive, asked on a new connection: about one run in ten, the keep-alive connection of
        // the refused upload was gone by the next request ("error sending request"; not yet
        // explained, noted in issue 15's closing note), which is not what this test is about.
        kycd_testkit::Client::new(&served.base).get("/health/live").await.expect(200);
        std::fs::remove_file(filler).unwrap();
        // Once there is room again, the node recovers by itself (no connection stays broken).
        client.get("/health/ready").await.expect(200);
        client
            .post_json("/api/v2/token", &serde_json::json!({"clientId": "freed"}))
            .await
            .expect(201);
    });
    served.child.kill().unwrap();
    served.child.wait().unwrap();
}

#[test]
fn maintenance_vacuum_gives_the_space_of_a_reset_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut served = serve(dir.path());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = served.client().await;
        for n in 0..300 {
            let body = serde_json::json!({"clientId": format!("v{n}"), "firstName": "Jonas", "address": "a".repeat(200)});
            client.post_json("/api/v2/token", &body).await.expect(201);
        }
    });
    served.child.kill().unwrap();
    served.child.wait().unwrap();
    let reset = run_ok(kycd(dir.path()).args(["partner", "reset", "sandbox"]));
    assert!(reset.contains("deleted 300 verification"), "{reset}");
    let size = || std::fs::metadata(dir.path().join("kycd.db")).unwrap().len();
    let before = size();
    let printed = run_ok(kycd(dir.path()).args(["maintenance", "vacuum"]));
    assert!(printed.contains("MB given back"), "{printed}");
    assert!(size() < before, "the file shrank: {before} -> {}", size());
}
