//! The master key that protects personal data at rest: from configuration (`master_key`,
//! KYCD_MASTER_KEY) or from a key file (default `<data_dir>/master.key`, created with mode 0600 on
//! first start). `kycd keys rotate` re-wraps the data keys under a new master key.

use anyhow::{Context, bail};
use kycd_store::{Store, crypto::MasterKey};
use std::path::{Path, PathBuf};

use crate::config::Config;

/// Where the master key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    Config,
    File(PathBuf),
}

pub fn key_file(config: &Config) -> PathBuf {
    config.master_key_file.clone().unwrap_or_else(|| config.data_dir.join("master.key"))
}

fn pending_file(path: &Path) -> PathBuf {
    path.with_extension("key.new")
}

/// The configured master key, or the key file's (created when missing). The second value is
/// the key a rotation left pending, if any (see [`rotate`]).
pub fn load(config: &Config) -> anyhow::Result<(MasterKey, KeySource, Option<MasterKey>)> {
    if let Some(text) = &config.master_key {
        let key = MasterKey::from_base64(text.expose()).context("master_key / KYCD_MASTER_KEY")?;
        return Ok((key, KeySource::Config, None));
    }
    let path = key_file(config);
    let key = match std::fs::read_to_string(&path) {
        Ok(text) => MasterKey::from_base64(&text)
            .with_context(|| format!("master key file {}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = MasterKey::generate();
            write_key_file(&path, &key)?;
            tracing::info!(path = %path.display(), key_id = %key.id(), "created a new master key file");
            key
        }
        Err(e) => {
            return Err(e).with_context(|| format!("reading master key file {}", path.display()));
        }
    };
    let pending = std::fs::read_to_string(pending_file(&path))
        .ok()
        .and_then(|text| MasterKey::from_base64(&text).ok());
    Ok((key, KeySource::File(path), pending))
}

/// Writes a key file readable by its owner only.
pub fn write_key_file(path: &Path, key: &MasterKey) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating master key file {}", path.display()))?;
    std::io::Write::write_all(&mut file, format!("{}\n", key.to_base64()).as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Opens the store with the configured key; if a rotation was interrupted after re-wrapping,
/// finishes it with the pending key.
pub async fn open_store(config: &Config) -> anyhow::Result<(std::sync::Arc<dyn Store>, MasterKey)> {
    let (key, source, pending) = load(config)?;
    // Before SQLite opens it: its WAL and SHM files copy the database file's permissions.
    crate::private_files::sqlite_files(&config.database_url())?;
    match crate::store::open(&config.database_url(), &key).await {
        Ok(store) => Ok((store, key)),
        Err(first) => {
            let (Some(pending), KeySource::File(path)) = (pending, source) else {
                return Err(first);
            };
            let store =
                crate::store::open(&config.database_url(), &pending).await.map_err(|_| first)?;
            std::fs::rename(pending_file(&path), &path)?;
            tracing::warn!(key_id = %pending.id(), "finished an interrupted master key rotation");
            Ok((store, pending))
        }
    }
}

/// Re-wraps every data key under a new master key. With a key file, the new key is written
/// beside it first (`master.key.new`, 0600), the data keys are re-wrapped in one transaction, then
/// the new file replaces the old. With a configured key, the new key is returned for the operator
/// to put into the configuration of every node.
pub async fn rotate(config: &Config) -> anyhow::Result<(MasterKey, usize, KeySource)> {
    let (_, source, _) = load(config)?;
    let (store, _) = open_store(config).await?;
    let new_key = MasterKey::generate();
    if let KeySource::File(path) = &source {
        let pending = pending_file(path);
        if pending.exists() {
            bail!(
                "{} exists: a rotation is in progress or was interrupted; start kycd once to finish it",
                pending.display()
            );
        }
        write_key_file(&pending, &new_key)?;
        let count = store.rewrap_data_keys(&new_key).await?;
        std::fs::rename(&pending, path)?;
        return Ok((new_key, count, source));
    }
    let count = store.rewrap_data_keys(&new_key).await?;
    Ok((new_key, count, source))
}
