//! `kycd partner …`: create, list, disable/enable, reset (DEV), rotate-secret and set.

use super::command_services;
use crate::config::Config;
use clap::Subcommand;
use kycd_core::partners::{self, PartnerSettings, PartnerSpec};
use kycd_domain::Environment;
use kycd_store::Partner;

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Create a partner and print its credentials (the API secret is shown only now).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_environment)]
        environment: Environment,
        /// Default webhook URL for this partner's verifications
        #[arg(long)]
        webhook_url: Option<String>,
        /// Webhook signing key [default: generated]
        #[arg(long)]
        signing_key: Option<String>,
        /// Credit balance [default: unlimited]
        #[arg(long)]
        credits: Option<i64>,
        /// Requests per hour (0 = unlimited)
        #[arg(long, default_value_t = partners::DEFAULT_RATE_LIMIT_PER_HOUR)]
        rate_limit: i64,
        /// Print exactly one JSON object
        #[arg(long)]
        json: bool,
    },
    /// List partners.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Refuse all API calls of a partner (403 "Partner inactive").
    Disable { name: String },
    /// Allow a disabled partner again.
    Enable { name: String },
    /// Delete all verifications of a DEV partner (images, data, webhook events).
    Reset { name: String },
    /// Issue a new API secret; the old one stops working at once.
    RotateSecret {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Change a partner's settings.
    Set {
        name: String,
        /// New credit balance
        #[arg(long, conflicts_with = "unlimited_credits")]
        credits: Option<i64>,
        /// Make credits unlimited
        #[arg(long)]
        unlimited_credits: bool,
        #[arg(long, conflicts_with = "clear_webhook_url")]
        webhook_url: Option<String>,
        /// Remove the partner's default webhook URL
        #[arg(long)]
        clear_webhook_url: bool,
        /// Requests per hour (0 = unlimited)
        #[arg(long)]
        rate_limit: Option<i64>,
        #[arg(long)]
        signing_key: Option<String>,
        /// DEV only: deliver every webhook badly on purpose, comma-separated: DUPLICATE,
        /// OUT_OF_ORDER, STALE_TIMESTAMP, WRONG_SIGNATURE, TRUNCATED_BODY ("" = off)
        #[arg(long)]
        webhook_chaos: Option<String>,
        /// Hosted flow: origins that may embed it in an iframe and get its end-of-session
        /// message, comma-separated, e.g. https://shop.example.com ("" = the default: any
        /// origin for DEV partners, none otherwise)
        #[arg(long)]
        embed_origins: Option<String>,
        /// Hosted flow: the partner's colour for buttons and links, #rrggbb ("" = kycd's)
        #[arg(long)]
        brand_colour: Option<String>,
        /// Hosted flow: the partner's logo, a JPEG, PNG or WebP file of up to 1 MiB, shown in
        /// the pages' header (fitted into 480×160 px and stored as PNG; "" removes it)
        #[arg(long, value_name = "FILE")]
        brand_logo: Option<std::path::PathBuf>,
    },
}

fn parse_environment(value: &str) -> Result<Environment, String> {
    value.parse().map_err(|e: kycd_domain::environment::UnknownEnvironment| e.to_string())
}

pub async fn run(config: &Config, command: PartnerCommand) -> anyhow::Result<()> {
    let core = command_services(config).await?;
    match command {
        PartnerCommand::Create {
            name,
            environment,
            webhook_url,
            signing_key,
            credits,
            rate_limit,
            json,
        } => {
            let spec = PartnerSpec {
                name,
                environment,
                webhook_url,
                signing_key,
                credits,
                rate_limit_per_hour: rate_limit,
            };
            print_issued(&partners::create(&core, spec).await?, json)?;
        }
        PartnerCommand::List { json } => print_list(&partners::list(&core).await?, json)?,
        PartnerCommand::Disable { name } => {
            partners::set_enabled(&core, &name, false).await?;
            println!("partner '{name}' disabled");
        }
        PartnerCommand::Enable { name } => {
            partners::set_enabled(&core, &name, true).await?;
            println!("partner '{name}' enabled");
        }
        PartnerCommand::RotateSecret { name, json } => {
            let (partner, secret) = partners::rotate_secret(&core, &name).await?;
            if json {
                let out = serde_json::json!({"name": partner.name, "apiKey": partner.api_key, "apiSecret": secret});
                println!("{out}");
            } else {
                println!("new API secret for '{name}' (shown only now): {secret}");
            }
        }
        PartnerCommand::Reset { name } => {
            let removed = partners::reset(&core, &name).await?;
            println!("deleted {removed} verification(s) of '{name}'");
        }
        PartnerCommand::Set {
            name,
            credits,
            unlimited_credits,
            webhook_url,
            clear_webhook_url,
            rate_limit,
            signing_key,
            webhook_chaos,
            embed_origins,
            brand_colour,
            brand_logo,
        } => {
            let brand_logo = match brand_logo {
                Some(path) if path.as_os_str().is_empty() => Some(None),
                Some(path) => Some(Some(
                    std::fs::read(&path)
                        .map_err(|e| anyhow::anyhow!("--brand-logo {}: {e}", path.display()))?,
                )),
                None => None,
            };
            let settings = PartnerSettings {
                credits: if unlimited_credits { Some(None) } else { credits.map(Some) },
                webhook_url: if clear_webhook_url { Some(None) } else { webhook_url.map(Some) },
                rate_limit_per_hour: rate_limit,
                signing_key,
                webhook_chaos: webhook_chaos
                    .as_deref()
                    .map(partners::parse_chaos_list)
                    .transpose()?,
                embed_origins: embed_origins.map(|list| {
                    list.split(',')
                        .map(str::trim)
                        .filter(|o| !o.is_empty())
                        .map(str::to_owned)
                        .collect()
                }),
                brand_colour: brand_colour.map(|c| Some(c).filter(|c| !c.trim().is_empty())),
                brand_logo,
            };
            let partner = partners::change(&core, &name, settings).await?;
            println!("{}", serde_json::to_string(&partner_summary(&partner))?);
        }
    }
    Ok(())
}

fn print_issued(issued: &partners::IssuedCredentials, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(issued)?);
        return Ok(());
    }
    println!(
        "created partner '{}' ({})\n  API key      {}\n  API secret   {}   (shown only now)\n  Signing key  {}\n  credits      {}\n  rate limit   {}",
        issued.name,
        issued.environment,
        issued.api_key,
        issued.api_secret,
        issued.signing_key,
        describe_credits(issued.credits),
        describe_rate(issued.rate_limit_per_hour),
    );
    Ok(())
}

fn print_list(partners: &[Partner], json: bool) -> anyhow::Result<()> {
    if json {
        let rows: Vec<_> = partners.iter().map(partner_summary).collect();
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(());
    }
    println!(
        "{:<20} {:<5} {:<8} {:>10} {:>12}  {:<34} WEBHOOK",
        "NAME", "ENV", "ENABLED", "CREDITS", "RATE/HOUR", "API KEY"
    );
    for p in partners {
        println!(
            "{:<20} {:<5} {:<8} {:>10} {:>12}  {:<34} {}",
            p.name,
            p.environment,
            if p.enabled { "yes" } else { "no" },
            describe_credits(p.credits),
            describe_rate(p.rate_limit_per_hour),
            p.api_key,
            p.webhook_url.as_deref().unwrap_or("-"),
        );
    }
    Ok(())
}

fn describe_credits(credits: Option<i64>) -> String {
    credits.map_or("unlimited".to_owned(), |c| c.to_string())
}

fn describe_rate(per_hour: i64) -> String {
    if per_hour == 0 { "unlimited".to_owned() } else { per_hour.to_string() }
}

fn partner_summary(p: &Partner) -> serde_json::Value {
    serde_json::json!({
        "name": p.name,
        "environment": p.environment,
        "enabled": p.enabled,
        "apiKey": p.api_key,
        "webhookUrl": p.webhook_url,
        "credits": p.credits,
        "rateLimit": p.rate_limit_per_hour,
        "embedOrigins": p.token_defaults.embed_origins,
        "brandColour": p.token_defaults.brand_colour,
        "brandLogo": p.token_defaults.brand_logo.is_some(),
    })
}
