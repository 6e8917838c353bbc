//! `kycd user …`: the review console's operators. Passwords are read from standard input only
//! (never an argument, which `ps` and shell history would show).

use super::command_services;
use crate::config::Config;
use anyhow::Context;
use clap::{Args, Subcommand};
use kycd_core::operators::{self, NewOperator};
use kycd_domain::console::Role;
use kycd_store::Operator;
use std::io::Read;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an operator; the password is read from standard input.
    Create {
        #[arg(long)]
        name: String,
        /// admin (operators and everything), reviewer (decides), viewer (reads).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[command(flatten)]
        partners: PartnerArgs,
        /// Read the password from standard input (the only way to give it).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List operators.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable an operator: their sessions end and they cannot log in.
    Disable { name: String },
    /// Enable a disabled operator.
    Enable { name: String },
    /// Change an operator's role (their sessions end).
    SetRole {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Limit an operator to some partners (no --partner: all partners).
    SetPartners {
        name: String,
        #[command(flatten)]
        partners: PartnerArgs,
    },
    /// Set a new password from standard input; the lock-out is lifted and sessions end.
    ResetPassword {
        name: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Turn on a second factor: prints a new TOTP secret and its otpauth:// URI for an
    /// authenticator app (replacing any earlier one); logins then need its code.
    EnableTotp { name: String },
    /// Turn the second factor off.
    DisableTotp { name: String },
}

#[derive(Debug, Args)]
pub struct PartnerArgs {
    /// A partner (by name) the operator is limited to; repeat for several. None: all partners.
    #[arg(long = "partner")]
    partners: Vec<String>,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("expected one of {}", Role::allowed()))
}

/// The password from standard input, without its final line break.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).context("reading the password from stdin")?;
    Ok(text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text)
        .to_owned())
}

pub async fn run(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let core = command_services(config).await?;
    let changed = match command {
        UserCommand::Create { name, role, partners, password_stdin: _ } => {
            let password = password_from_stdin()?;
            let spec = NewOperator { name, role, partners: partners.partners, password };
            operators::create(&core, spec).await?
        }
        UserCommand::List { json } => {
            let all = operators::list(&core).await?;
            let partners = kycd_core::partners::list(&core).await?;
            let partner_name = |id| {
                partners
                    .iter()
                    .find(|p| p.id == id)
                    .map_or_else(|| id.to_string(), |p| p.name.clone())
            };
            let mut with_totp = Vec::with_capacity(all.len());
            for o in &all {
                with_totp.push(operators::has_totp(&core, o).await?);
            }
            if json {
                let rows: Vec<_> = all
                    .iter()
                    .zip(&with_totp)
                    .map(|(o, totp)| {
                        serde_json::json!({
                            "name": o.name,
                            "role": o.role,
                            "partners": o.partners.iter().map(|p| partner_name(*p)).collect::<Vec<_>>(),
                            "disabled": o.disabled,
                            "locked": o.locked_until.is_some_and(|t| t > core.clock.now()),
                            "totp": totp,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for (o, totp) in all.iter().zip(&with_totp) {
                    let scope = if o.partners.is_empty() {
                        "all partners".to_owned()
                    } else {
                        o.partners.iter().map(|p| partner_name(*p)).collect::<Vec<_>>().join(",")
                    };
                    let state = if o.disabled { "disabled" } else { "enabled" };
                    let factor = if *totp { "totp" } else { "password" };
                    println!("{:<24} {:<9} {:<9} {factor:<9} {scope}", o.name, o.role, state);
                }
            }
            return Ok(());
        }
        UserCommand::Disable { name } => operators::set_disabled(&core, &name, true).await?,
        UserCommand::Enable { name } => operators::set_disabled(&core, &name, false).await?,
        UserCommand::SetRole { name, role } => operators::set_role(&core, &name, role).await?,
        UserCommand::SetPartners { name, partners } => {
            operators::set_partners(&core, &name, &partners.partners).await?
        }
        UserCommand::ResetPassword { name, password_stdin: _ } => {
            operators::reset_password(&core, &name, password_from_stdin()?).await?
        }
        UserCommand::EnableTotp { name } => {
            let enrolment = operators::enable_totp(&core, &name).await?;
            println!(
                "second factor on for {name}: add it to an authenticator app, then log in with its code\n  secret  {}\n  uri     {}",
                enrolment.secret, enrolment.uri
            );
            return Ok(());
        }
        UserCommand::DisableTotp { name } => {
            operators::disable_totp(&core, &name).await?;
            println!("second factor off for {name}");
            return Ok(());
        }
    };
    println!("{}", describe(&changed));
    Ok(())
}

fn describe(operator: &Operator) -> String {
    let state = if operator.disabled { "disabled" } else { "enabled" };
    format!("operator {} ({}, {state})", operator.name, operator.role)
}
