//! Partner administration shared by the CLI and first start: issuing key pairs and applying
//! changes. Plaintext secrets exist only in the returned [`IssuedCredentials`], shown once.

use crate::secrets;
use anyhow::{Context, bail};
use kycd_domain::{Clock, Environment, PartnerId, token_request::TokenDefaults};
use kycd_store::{NewPartner, Partner, PartnerUpdate, Store, StoreError};
use serde::Serialize;

pub const DEFAULT_RATE_LIMIT_PER_HOUR: i64 = 10_000;
pub const SANDBOX_PARTNER: &str = "sandbox";

#[derive(Debug, Clone)]
pub struct PartnerSpec {
    pub name: String,
    pub environment: Environment,
    pub webhook_url: Option<String>,
    pub signing_key: Option<String>,
    pub credits: Option<i64>,
    pub rate_limit_per_hour: i64,
}

/// What a newly created partner needs to call the API; printed once, never stored in plaintext.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedCredentials {
    pub name: String,
    pub environment: Environment,
    pub api_key: String,
    pub api_secret: String,
    pub signing_key: String,
    pub webhook_url: Option<String>,
    pub credits: Option<i64>,
    pub rate_limit_per_hour: i64,
}

impl std::fmt::Debug for IssuedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCredentials")
            .field("name", &self.name)
            .field("api_key", &self.api_key)
            .finish_non_exhaustive()
    }
}

pub fn validate_name(name: &str) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !ok {
        bail!("partner name '{name}' must be 1-64 characters of A-Z, a-z, 0-9, '-', '_' or '.'");
    }
    Ok(())
}

/// DEV partners may use plain http (local receivers); other environments need https
/// (DECISIONS.md). Whether the address is public is checked when delivering, after DNS.
pub fn validate_webhook_url(url: &str, environment: Environment) -> anyhow::Result<()> {
    let parsed =
        url::Url::parse(url).with_context(|| format!("webhook URL '{url}' is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        bail!("webhook URL '{url}' must be an absolute http(s) URL");
    }
    if parsed.scheme() == "http" && !environment.is_sandbox() {
        bail!(
            "webhook URL '{url}' must use https for {environment} partners (http is for DEV only)"
        );
    }
    Ok(())
}

pub async fn create(
    store: &dyn Store,
    clock: &dyn Clock,
    spec: PartnerSpec,
) -> anyhow::Result<IssuedCredentials> {
    validate_name(&spec.name)?;
    if let Some(url) = &spec.webhook_url {
        validate_webhook_url(url, spec.environment)?;
    }
    if spec.credits.is_some_and(|c| c < 0) {
        bail!("credits must be zero or more");
    }
    if spec.rate_limit_per_hour < 0 {
        bail!("rate limit must be zero (unlimited) or more");
    }
    let api_key = secrets::generate_api_key();
    let api_secret = secrets::generate_api_secret();
    let signing_key = spec.signing_key.clone().unwrap_or_else(secrets::generate_signing_key);
    if signing_key.len() < 8 {
        bail!("signing key must be at least 8 characters long");
    }
    let partner = NewPartner {
        id: PartnerId::generate(),
        name: spec.name.clone(),
        environment: spec.environment,
        api_key: api_key.clone(),
        api_secret_sha256: secrets::sha256(&api_secret),
        signing_key: signing_key.clone(),
        webhook_url: spec.webhook_url.clone(),
        credits: spec.credits,
        rate_limit_per_hour: spec.rate_limit_per_hour,
        enabled: true,
        token_defaults: TokenDefaults::default(),
        created_at: clock.now(),
    };
    match store.create_partner(&partner).await {
        Err(StoreError::Conflict(_)) => bail!("a partner named '{}' already exists", spec.name),
        other => other.context("storing the partner")?,
    };
    Ok(IssuedCredentials {
        name: spec.name,
        environment: spec.environment,
        api_key,
        api_secret,
        signing_key,
        webhook_url: spec.webhook_url,
        credits: spec.credits,
        rate_limit_per_hour: spec.rate_limit_per_hour,
    })
}

/// Creates the DEV `sandbox` partner when the database has no partner at all. Returns its
/// credentials only when this call created it (another node may have won the race).
pub async fn ensure_sandbox(
    store: &dyn Store,
    clock: &dyn Clock,
) -> anyhow::Result<Option<IssuedCredentials>> {
    if store.count_partners().await? > 0 {
        return Ok(None);
    }
    let spec = PartnerSpec {
        name: SANDBOX_PARTNER.to_owned(),
        environment: Environment::Dev,
        webhook_url: None,
        signing_key: None,
        credits: None,
        rate_limit_per_hour: DEFAULT_RATE_LIMIT_PER_HOUR,
    };
    match create(store, clock, spec).await {
        Ok(credentials) => Ok(Some(credentials)),
        Err(_) if store.partner_by_name(SANDBOX_PARTNER).await?.is_some() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Issues a new API secret for the partner; the old one stops working at once.
pub async fn rotate_secret(store: &dyn Store, name: &str) -> anyhow::Result<(Partner, String)> {
    let secret = secrets::generate_api_secret();
    let update =
        PartnerUpdate { api_secret_sha256: Some(secrets::sha256(&secret)), ..Default::default() };
    let partner = update_named(store, name, &update).await?;
    Ok((partner, secret))
}

pub async fn update_named(
    store: &dyn Store,
    name: &str,
    update: &PartnerUpdate,
) -> anyhow::Result<Partner> {
    match store.update_partner(name, update).await {
        Err(StoreError::NotFound(_)) => bail!("no partner named '{name}'"),
        other => Ok(other?),
    }
}
