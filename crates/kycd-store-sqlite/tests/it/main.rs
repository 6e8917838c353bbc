//! Runs the shared store conformance suite against SQLite files (one test per check), and the
//! checks of what SQLite keeps on disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kycd_store::{ChaosSet, conformance, crypto::MasterKey, prelude::*};
use kycd_store_sqlite::SqliteStore;

/// A fresh store on its own file, with the directory that holds it (removed when dropped).
async fn fresh_store() -> Option<(SqliteStore, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("conformance.db").display());
    let store = SqliteStore::open(&url, &MasterKey::generate()).await.unwrap();
    Some((store, dir))
}

/// The shared store conformance suite, one test per check.
mod conformance_suite {
    kycd_store::conformance_tests!(super::fresh_store());
}

#[tokio::test]
async fn personal_data_is_sealed_on_disk_and_master_keys_rotate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sealed.db");
    let url = format!("sqlite://{}", path.display());
    let master = MasterKey::generate();
    let store = SqliteStore::open(&url, &master).await.unwrap();
    let partner = conformance::sample_partner("p", kycd_domain::Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let verification = conformance::sample_verification(&partner, "c");
    store.create_verification(&verification, &[]).await.unwrap();
    store.pool().close().await;
    let mut raw = std::fs::read(&path).unwrap();
    raw.extend(std::fs::read(dir.path().join("sealed.db-wal")).unwrap_or_default());
    for needle in [&b"JONAS"[..], b"1990-01-02", b"signing-p"] {
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle),
            "{} in plaintext",
            String::from_utf8_lossy(needle)
        );
    }

    // Another master key cannot open it; after re-wrapping, only the new one can.
    let wrong = MasterKey::generate();
    let refused = SqliteStore::open(&url, &wrong).await.unwrap_err().to_string();
    assert!(refused.contains("does not open"), "{refused}");
    let store = SqliteStore::open(&url, &master).await.unwrap();
    let new_master = MasterKey::generate();
    assert_eq!(store.rewrap_data_keys(&new_master).await.unwrap(), 1);
    store.pool().close().await;
    assert!(SqliteStore::open(&url, &master).await.is_err());
    let store = SqliteStore::open(&url, &new_master).await.unwrap();
    let read = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(read.request.first_name.as_deref(), Some("JONAS"));
}

#[tokio::test]
async fn chaos_and_results_keep_their_column_formats() {
    use kycd_domain::{result::VerificationResult, sandbox::Chaos, vocabulary::EventType};
    let (store, _dir) = fresh_store().await.unwrap();
    let partner = conformance::sample_partner("p", kycd_domain::Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let mut verification = conformance::sample_verification(&partner, "c");
    let result = VerificationResult { platform: Some("PC".into()), ..Default::default() };
    verification.result = Some(result.clone());
    let event = |id: &str, chaos: ChaosSet| kycd_store::NewWebhookEvent {
        id: conformance::webhook_id(id),
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        event_type: EventType::AutoFinished,
        payload: b"{}".to_vec(),
        target_url: None,
        created_at: verification.created_at,
        deliver_after: None,
        chaos,
    };
    let events = [
        event("msg_1", [Chaos::OutOfOrder, Chaos::Duplicate].into_iter().collect()),
        event("msg_2", ChaosSet::new()),
    ];
    store.create_verification(&verification, &events).await.unwrap();
    let chaos: Vec<Option<String>> =
        sqlx::query_scalar("SELECT chaos FROM webhook_events ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(chaos, [Some("DUPLICATE,OUT_OF_ORDER".to_owned()), None]);
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT result FROM verifications")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let context = format!("verifications.result:{}", verification.scan_ref);
    let json = store.key_ring().open(&sealed, &context).unwrap();
    assert_eq!(json, serde_json::to_vec(&result).unwrap());

    // Stored JSON that is not a result reads as corrupt, not as a panic or a default.
    let bad = store.key_ring().seal(b"[1, 2]", &context);
    sqlx::query("UPDATE verifications SET result = ?")
        .bind(bad)
        .execute(store.pool())
        .await
        .unwrap();
    let read = store.verification(partner.id, &verification.scan_ref).await;
    assert!(matches!(read, Err(kycd_store::StoreError::Corrupt(_))), "{read:?}");
}

#[tokio::test]
async fn reclaiming_space_gives_deleted_rows_back_to_the_file_system() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("space.db");
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::open(&url, &MasterKey::generate()).await.unwrap();
    let partner = conformance::sample_partner("p", kycd_domain::Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    for n in 0..600 {
        let verification = conformance::sample_verification(&partner, &format!("c{n}"));
        store.create_verification(&verification, &[]).await.unwrap();
    }
    assert_eq!(store.delete_partner_verifications(partner.id, 1000).await.unwrap().len(), 600);
    let free_pages = || async {
        sqlx::query_scalar::<_, i64>("PRAGMA freelist_count").fetch_one(store.pool()).await.unwrap()
    };
    assert!(free_pages().await > 0, "deleted rows leave free pages in the file");
    let (before, after) = store.reclaim_space().await.unwrap();
    assert!(after < before, "{before} → {after} bytes");
    assert_eq!(free_pages().await, 0);
    let on_disk = std::fs::metadata(&path).unwrap().len() as i64;
    assert_eq!(on_disk, after, "the file itself shrank");
}
