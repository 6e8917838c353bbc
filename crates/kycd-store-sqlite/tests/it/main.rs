//! Runs the shared store conformance suite against SQLite files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kycd_store::{Store, conformance, crypto::MasterKey};
use kycd_store_sqlite::SqliteStore;
use std::sync::Arc;

#[tokio::test]
async fn sqlite_passes_the_store_conformance_suite() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    conformance::run_all(Box::new(move || {
        let dir = dir.clone();
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move {
            let url =
                format!("sqlite://{}", dir.path().join(format!("conformance-{n}.db")).display());
            let master = MasterKey::generate();
            Arc::new(SqliteStore::open(&url, &master).await.unwrap()) as Arc<dyn Store>
        })
    }))
    .await;
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
