//! `kycd audit list`: who read personal data, and when, newest first.

use super::command_services;
use crate::config::Config;
use clap::Subcommand;
use kycd_store::AuditFilter;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit records, newest first.
    List {
        #[arg(long)]
        scan_ref: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(config: &Config, command: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::List { scan_ref, limit, json } = command;
    let core = command_services(config).await?;
    let filter = AuditFilter { scan_ref: scan_ref.map(kycd_domain::ScanRef::from_trusted), limit };
    let records = kycd_core::audit::list(&core, &filter).await?;
    if json {
        let rows: Vec<_> = records
            .iter()
            .map(|r| {
                serde_json::json!({
                    "at": r.at.unix_timestamp(),
                    "actor": r.actor,
                    "action": r.action,
                    "scanRef": r.scan_ref,
                    "detail": r.detail,
                })
            })
            .collect();
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(());
    }
    for r in &records {
        println!(
            "{}  {:<24} {:<14} {}  {}",
            r.at,
            r.actor,
            r.action,
            r.scan_ref.as_ref().map_or("-", |s| s.as_str()),
            r.detail.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
