//! Readiness: whether this node can do its work now, checked by doing a little of it: one
//! committed database write and one object written, read back and removed. Liveness needs
//! nothing (the process answers), so a database outage takes nodes out of a load balancer
//! without getting them restarted.

use crate::Services;
use std::time::Duration;

/// Longest a check may take before it counts as failing (a database that hangs is not ready).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// Each check: `Ok` or why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub database: Result<(), String>,
    pub object_store: Result<(), String>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.database.is_ok() && self.object_store.is_ok()
    }
}

pub async fn readiness(core: &Services) -> Readiness {
    let database = bounded(async { core.store.probe_write(core.clock.now()).await });
    let object_store = bounded(async { core.files.probe().await });
    let (database, object_store) = tokio::join!(database, object_store);
    if let Err(reason) = &database {
        tracing::warn!(%reason, "not ready: the database cannot commit");
    }
    if let Err(reason) = &object_store {
        tracing::warn!(%reason, "not ready: the object store cannot store");
    }
    Readiness { database, object_store }
}

async fn bounded<E: std::fmt::Display>(
    check: impl std::future::Future<Output = Result<(), E>>,
) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    }
}
