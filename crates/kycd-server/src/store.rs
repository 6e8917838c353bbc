//! Opening the configured store backend from a database URL.

use anyhow::{Context, bail};
use kycd_store::{Store, crypto::MasterKey};
use kycd_store_postgres::PostgresStore;
use kycd_store_sqlite::SqliteStore;
use std::sync::Arc;

/// `sqlite://…` (or `sqlite::memory:`) opens the SQLite backend, `postgres://…` or
/// `postgresql://…` the PostgreSQL backend; other schemes are refused with a message naming what
/// is supported.
pub async fn open(database_url: &str, master: &MasterKey) -> anyhow::Result<Arc<dyn Store>> {
    if database_url.starts_with("sqlite:") {
        let store = SqliteStore::open(database_url, master)
            .await
            .with_context(|| format!("opening SQLite database {database_url}"))?;
        return Ok(Arc::new(store));
    }
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        let store = PostgresStore::open(database_url, master)
            .await
            .with_context(|| format!("opening PostgreSQL database {}", redact(database_url)))?;
        return Ok(Arc::new(store));
    }
    bail!(
        "unsupported database URL '{}': expected sqlite://PATH or postgres://USER@HOST/DATABASE",
        redact(database_url)
    )
}

/// The URL without its password, for messages and logs.
fn redact(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut url) if url.has_host() => {
            if url.password().is_some() {
                let _ = url.set_password(Some("redacted"));
            }
            url.into()
        }
        // Not a URL with a host; it may still hold credentials before an '@'.
        _ if database_url.contains('@') => "(not a valid URL)".to_owned(),
        _ => database_url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_never_show_a_database_password() {
        assert_eq!(
            super::redact("postgres://kycd:s3cret@db.internal:5432/kycd"),
            "postgres://kycd:redacted@db.internal:5432/kycd"
        );
        assert_eq!(super::redact("postgres://kycd@db/kycd"), "postgres://kycd@db/kycd");
        assert_eq!(super::redact("sqlite:///var/lib/kycd.db"), "sqlite:///var/lib/kycd.db");
        assert_eq!(super::redact("kycd:s3cret@db"), "(not a valid URL)");
    }
}
