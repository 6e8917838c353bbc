//! `kycd keys rotate`: re-wraps every data key under a new master key.

use crate::{
    config::Config,
    keys::{self, KeySource},
};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Re-wrap every data key under a new master key (the old one stops working).
    Rotate,
}

pub async fn run(config: &Config, command: KeysCommand) -> anyhow::Result<()> {
    let KeysCommand::Rotate = command;
    crate::private_files::data_dir(&config.data_dir)?;
    let (key, count, source) = keys::rotate(config).await?;
    match source {
        KeySource::File(path) => println!(
            "re-wrapped {count} data key(s) under new master key {}; written to {}",
            key.id(),
            path.display()
        ),
        KeySource::Config => println!(
            "re-wrapped {count} data key(s) under new master key {}.\nSet master_key / KYCD_MASTER_KEY on every node to (shown once):\n{}",
            key.id(),
            key.to_base64()
        ),
    }
    Ok(())
}
