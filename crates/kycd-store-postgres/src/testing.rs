//! Test support (feature `testing`), shared by this crate's tests and kycd-testkit: a fresh,
//! empty, uniquely named database per test on the PostgreSQL server that `KYCD_TEST_POSTGRES_URL`
//! names. Never used by the server.

use sqlx::{PgPool, postgres::PgPoolOptions};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The environment variable naming the test server, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const URL_VAR: &str = "KYCD_TEST_POSTGRES_URL";

/// Prefix of every database [`fresh_database`] creates.
const PREFIX: &str = "kycd_t_";

/// Test databases older than this with nobody connected are dropped by the next
/// [`fresh_database`] call (test processes exit without dropping theirs).
const KEEP_FOR: Duration = Duration::from_secs(120);

/// The test server's URL, when `KYCD_TEST_POSTGRES_URL` is set and not empty.
pub fn server_url() -> Option<String> {
    std::env::var(URL_VAR).ok().filter(|url| !url.trim().is_empty())
}

/// Creates an empty database `kycd_t_<unix seconds>_<random>` on the server `server_url` points
/// at (connecting to that URL's own database to do so) and returns a URL for the new database,
/// with the same user, host and parameters. Leftovers of earlier tests are dropped first, best
/// effort.
pub async fn fresh_database(server_url: &str) -> Result<String, sqlx::Error> {
    // A one-connection pool rather than a PgConnection: `&PgPool` is an executor for any
    // lifetime, which keeps this future `Send` inside callers' `Send` futures.
    let admin = PgPoolOptions::new().max_connections(1).connect(server_url).await?;
    drop_stale_databases(&admin).await;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let name = format!("{PREFIX}{now}_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(&format!("CREATE DATABASE \"{name}\"")).execute(&admin).await?;
    admin.close().await;
    let mut url = url::Url::parse(server_url)
        .map_err(|e| sqlx::Error::Configuration(format!("{server_url}: {e}").into()))?;
    url.set_path(&name);
    Ok(url.into())
}

/// Drops this helper's databases that are older than [`KEEP_FOR`] and have no connections.
/// Failures are ignored: another test process may be cleaning up, or still using one.
async fn drop_stale_databases(admin: &PgPool) {
    let stale: Vec<String> = match sqlx::query_scalar(
        "SELECT datname FROM pg_database d
         WHERE starts_with(datname, $1)
           AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)",
    )
    .bind(PREFIX)
    .fetch_all(admin)
    .await
    {
        Ok(names) => names,
        Err(_) => return,
    };
    let cutoff = SystemTime::now()
        .checked_sub(KEEP_FOR)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    for name in stale {
        let created = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        if created.is_some_and(|secs| secs < cutoff) {
            let _ =
                sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS \"{name}\"")).execute(admin).await;
        }
    }
}
