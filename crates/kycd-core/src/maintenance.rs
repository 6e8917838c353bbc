//! Operator maintenance: giving the space of deleted verifications back to the file system
//! (`kycd maintenance vacuum`). SQLite never shrinks its file by itself; purges, resets and
//! retention leave free pages behind.

use crate::{CoreResult, Services};

/// The database's size in bytes before and after.
pub async fn reclaim_space(core: &Services) -> CoreResult<(i64, i64)> {
    let (before, after) = core.store.reclaim_space().await?;
    tracing::info!(before, after, "database space reclaimed");
    Ok((before, after))
}
