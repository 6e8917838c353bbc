//! Runs the shared store conformance suite against SQLite files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kycd_store::{Store, conformance};
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
            Arc::new(SqliteStore::open(&url).await.unwrap()) as Arc<dyn Store>
        })
    }))
    .await;
}
