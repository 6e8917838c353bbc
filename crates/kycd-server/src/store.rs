//! Opening the configured store backend from a database URL.

use anyhow::{Context, bail};
use kycd_store::{Store, crypto::MasterKey};
use kycd_store_sqlite::SqliteStore;
use std::sync::Arc;

/// `sqlite://…` (or `sqlite::memory:`) opens the SQLite backend; other schemes are refused with a
/// message naming what is supported.
pub async fn open(database_url: &str, master: &MasterKey) -> anyhow::Result<Arc<dyn Store>> {
    if database_url.starts_with("sqlite:") {
        let store = SqliteStore::open(database_url, master)
            .await
            .with_context(|| format!("opening SQLite database {database_url}"))?;
        return Ok(Arc::new(store));
    }
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        bail!("the PostgreSQL backend is not part of this build yet; use a sqlite:// URL");
    }
    bail!("unsupported database URL '{database_url}': expected sqlite://PATH")
}
