//! `kycd maintenance vacuum`: gives the space of deleted data back to the file system.

use super::command_services;
use crate::config::Config;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Reclaim the space of deleted verifications (SQLite: rewrites the database file and holds
    /// its write lock meanwhile, so run it when the node is quiet; PostgreSQL: VACUUM).
    Vacuum,
}

pub async fn run(config: &Config, command: MaintenanceCommand) -> anyhow::Result<()> {
    let MaintenanceCommand::Vacuum = command;
    let core = command_services(config).await?;
    let (before, after) = kycd_core::maintenance::reclaim_space(&core).await?;
    let mb = |bytes: i64| bytes as f64 / 1_048_576.0;
    println!(
        "database {:.1} MB -> {:.1} MB ({:.1} MB given back)",
        mb(before),
        mb(after),
        mb(before - after)
    );
    Ok(())
}
