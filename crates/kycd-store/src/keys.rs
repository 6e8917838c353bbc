//! [`KeyStore`]: the data keys sealing personal data, and what both backends do with them apart
//! from reading and writing the `data_keys` table: unlocking them with the master key (with the
//! message an operator sees when it is the wrong one) and re-wrapping one under a new master key.

use crate::{
    StoreError, StoreResult,
    crypto::{DataKey, KeyRing, MasterKey, WrappedDataKey},
};
use async_trait::async_trait;
use std::sync::Arc;

#[async_trait]
pub trait KeyStore: Send + Sync {
    /// The data keys sealing personal data (the server also seals stored images with them).
    fn key_ring(&self) -> Arc<KeyRing>;

    /// Re-wraps every data key under `new_master`; afterwards only `new_master` opens the store.
    async fn rewrap_data_keys(&self, new_master: &MasterKey) -> StoreResult<usize>;
}

/// Unwraps the stored data keys with `master`: `Corrupt`, naming both master keys, when it is not
/// the one they are wrapped under, or when there are none.
pub fn open_key_ring(wrapped: &[WrappedDataKey], master: &MasterKey) -> StoreResult<KeyRing> {
    KeyRing::unwrap_all(wrapped, master)
        .map_err(|e| {
            let stored: Vec<&str> = wrapped.iter().map(|k| k.master_key_id.as_str()).collect();
            StoreError::Corrupt(format!(
                "the master key {} does not open this database's data keys (wrapped under {}): {e}",
                master.id(),
                stored.join(", ")
            ))
        })?
        .ok_or_else(|| StoreError::Corrupt("no data keys".into()))
}

/// `stored` (wrapped under `current`) wrapped under `new_master` instead, keeping its id and age.
pub fn rewrap_data_key(
    stored: &WrappedDataKey,
    current: &MasterKey,
    new_master: &MasterKey,
) -> StoreResult<WrappedDataKey> {
    let key = DataKey::unwrap(stored, current)
        .map_err(|e| StoreError::Corrupt(format!("data key {}: {e}", stored.id)))?;
    Ok(key.wrap(new_master, stored.created_at_ms))
}
