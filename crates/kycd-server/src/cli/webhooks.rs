//! `kycd webhooks list|resend`: every event in the outbox with its delivery attempts.

use super::command_services;
use crate::config::Config;
use clap::Subcommand;
use kycd_store::{Delivery, DeliveryAttempt, DeliveryFilter};

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List webhook events with every delivery attempt.
    List {
        /// Only this verification's events
        #[arg(long)]
        scan_ref: Option<String>,
        /// Only deliveries that failed (given up, gone, or last attempt not 2xx)
        #[arg(long)]
        failed: bool,
        /// At most this many events
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Queue another attempt of an event now (same webhook-id, fresh timestamp and signatures).
    Resend { id: String },
}

pub async fn run(config: &Config, command: WebhooksCommand) -> anyhow::Result<()> {
    let core = command_services(config).await?;
    match command {
        WebhooksCommand::List { scan_ref, failed, limit, json } => {
            let filter = DeliveryFilter {
                partner_id: None,
                scan_ref: scan_ref.map(kycd_domain::ScanRef::from_trusted),
                failed_only: failed,
                limit,
            };
            let rows = kycd_core::webhooks::log(&core, &filter).await?;
            if json {
                let out: Vec<_> = rows.iter().map(|(d, a)| delivery_json(d, a)).collect();
                println!("{}", serde_json::to_string(&out)?);
            } else {
                print_log(&rows);
            }
        }
        WebhooksCommand::Resend { id } => {
            kycd_core::webhooks::resend(
                &core,
                &kycd_domain::ids::WebhookId::from_trusted(id.clone()),
            )
            .await?;
            println!(
                "event {id} queued for another attempt (a running server sends it within a second)"
            );
        }
    }
    Ok(())
}

fn print_log(rows: &[(Delivery, Vec<DeliveryAttempt>)]) {
    if rows.is_empty() {
        println!("no webhook events match");
    }
    for (d, attempts) in rows {
        println!(
            "{}  {}  {}  {}  {}  attempts={}  {}",
            d.id,
            d.created_at,
            d.event_type,
            d.scan_ref,
            d.state.as_str(),
            d.attempts,
            d.target_url.as_deref().unwrap_or("(no target)"),
        );
        for a in attempts {
            println!(
                "    #{} {}  status={}  {} ms  {}",
                a.attempt,
                a.attempted_at,
                a.status_code.map_or("-".to_owned(), |s| s.to_string()),
                a.latency_ms,
                a.error.as_deref().unwrap_or(""),
            );
        }
    }
}

fn delivery_json(d: &Delivery, attempts: &[DeliveryAttempt]) -> serde_json::Value {
    serde_json::json!({
        "id": d.id,
        "scanRef": d.scan_ref,
        "eventType": d.event_type,
        "state": d.state.as_str(),
        "targetUrl": d.target_url,
        "createdAt": d.created_at.unix_timestamp(),
        "attempts": attempts.iter().map(|a| serde_json::json!({
            "attempt": a.attempt,
            "attemptedAt": a.attempted_at.unix_timestamp(),
            "statusCode": a.status_code,
            "latencyMs": a.latency_ms,
            "error": a.error,
            "responseExcerpt": a.response_excerpt,
        })).collect::<Vec<_>>(),
    })
}
