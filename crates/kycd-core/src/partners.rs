//! Partners: issuing key pairs, first start's sandbox partner, changing settings (with the
//! rules for names, webhook URLs, signing keys and sandbox chaos), resetting DEV partners, and
//! authenticating API calls (secret, enabled flag, hourly rate budget). Plaintext secrets exist
//! only in the returned [`IssuedCredentials`], shown once.

use crate::{CoreError, CoreResult, Services, secrets};
use base64::Engine;
use kycd_domain::{Environment, PartnerId, flow, sandbox::Chaos, token_request::TokenDefaults};
use kycd_store::{NewPartner, Partner, PartnerUpdate, StoreError};
use serde::Serialize;
use time::OffsetDateTime;

fn invalid(message: String) -> CoreError {
    CoreError::Invalid(message)
}

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

pub fn validate_name(name: &str) -> CoreResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !ok {
        return Err(invalid(format!(
            "partner name '{name}' must be 1-64 characters of A-Z, a-z, 0-9, '-', '_' or '.'"
        )));
    }
    Ok(())
}

/// DEV partners may use plain http (local receivers); other environments need https
/// (DECISIONS.md). Whether the address is public is checked when delivering, after DNS.
pub fn validate_webhook_url(url: &str, environment: Environment) -> CoreResult<()> {
    let parsed = url::Url::parse(url)
        .map_err(|e| invalid(format!("webhook URL '{url}' is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(invalid(format!("webhook URL '{url}' must be an absolute http(s) URL")));
    }
    if parsed.scheme() == "http" && !environment.is_sandbox() {
        return Err(invalid(format!(
            "webhook URL '{url}' must use https for {environment} partners (http is for DEV only)"
        )));
    }
    Ok(())
}

fn validate_credits(credits: Option<i64>) -> CoreResult<()> {
    match credits {
        Some(c) if c < 0 => Err(invalid("credits must be zero or more".into())),
        _ => Ok(()),
    }
}

fn validate_rate_limit(per_hour: i64) -> CoreResult<()> {
    match per_hour {
        r if r < 0 => Err(invalid("rate limit must be zero (unlimited) or more".into())),
        _ => Ok(()),
    }
}

/// Signing keys a partner chooses must be long enough to be worth verifying.
pub const MIN_SIGNING_KEY_LEN: usize = 8;

fn validate_signing_key(key: &str) -> CoreResult<()> {
    if key.len() < MIN_SIGNING_KEY_LEN {
        return Err(invalid(format!(
            "signing key must be at least {MIN_SIGNING_KEY_LEN} characters long"
        )));
    }
    Ok(())
}

/// Creates a partner with a fresh API key pair (and signing key unless one is given).
pub async fn create(core: &Services, spec: PartnerSpec) -> CoreResult<IssuedCredentials> {
    validate_name(&spec.name)?;
    if let Some(url) = &spec.webhook_url {
        validate_webhook_url(url, spec.environment)?;
    }
    validate_credits(spec.credits)?;
    validate_rate_limit(spec.rate_limit_per_hour)?;
    let api_key = secrets::generate_api_key();
    let api_secret = secrets::generate_api_secret();
    let signing_key = spec.signing_key.clone().unwrap_or_else(secrets::generate_signing_key);
    validate_signing_key(&signing_key)?;
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
        created_at: core.clock.now(),
    };
    match core.store.create_partner(&partner).await {
        Err(StoreError::Conflict(_)) => {
            return Err(CoreError::Conflict(format!(
                "a partner named '{}' already exists",
                spec.name
            )));
        }
        other => other?,
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
pub async fn ensure_sandbox(core: &Services) -> CoreResult<Option<IssuedCredentials>> {
    if core.store.count_partners().await? > 0 {
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
    match create(core, spec).await {
        Ok(credentials) => Ok(Some(credentials)),
        Err(_) if core.store.partner_by_name(SANDBOX_PARTNER).await?.is_some() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The partner with this name.
pub async fn named(core: &Services, name: &str) -> CoreResult<Partner> {
    core.store
        .partner_by_name(name)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("no partner named '{name}'")))
}

pub async fn list(core: &Services) -> CoreResult<Vec<Partner>> {
    Ok(core.store.list_partners().await?)
}

/// Issues a new API secret for the partner; the old one stops working at once.
pub async fn rotate_secret(core: &Services, name: &str) -> CoreResult<(Partner, String)> {
    let secret = secrets::generate_api_secret();
    let update =
        PartnerUpdate { api_secret_sha256: Some(secrets::sha256(&secret)), ..Default::default() };
    let partner = update_named(core, name, &update).await?;
    Ok((partner, secret))
}

/// Enables or disables the partner: a disabled partner's keys and file links stop working.
pub async fn set_enabled(core: &Services, name: &str, enabled: bool) -> CoreResult<Partner> {
    update_named(core, name, &PartnerUpdate { enabled: Some(enabled), ..Default::default() }).await
}

async fn update_named(core: &Services, name: &str, update: &PartnerUpdate) -> CoreResult<Partner> {
    match core.store.update_partner(name, update).await {
        Err(StoreError::NotFound(_)) => {
            Err(CoreError::NotFound(format!("no partner named '{name}'")))
        }
        other => Ok(other?),
    }
}

/// Changes to a partner's settings; unset fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct PartnerSettings {
    /// `Some(None)`: unlimited credits.
    pub credits: Option<Option<i64>>,
    /// `Some(None)`: no partner-wide webhook URL.
    pub webhook_url: Option<Option<String>>,
    pub rate_limit_per_hour: Option<i64>,
    pub signing_key: Option<String>,
    /// DEV only: chaos applied to every webhook of the partner (empty: none).
    pub webhook_chaos: Option<Vec<Chaos>>,
    /// Hosted flow: origins that may embed it (empty: the environment's default).
    pub embed_origins: Option<Vec<String>>,
    /// Hosted flow: `Some(None)` removes the brand colour.
    pub brand_colour: Option<Option<String>>,
    /// Hosted flow: the logo file (JPEG, PNG or WebP); `Some(None)` removes it.
    pub brand_logo: Option<Option<Vec<u8>>>,
}

/// Applies `settings` to the named partner after checking each against its rule.
pub async fn change(core: &Services, name: &str, settings: PartnerSettings) -> CoreResult<Partner> {
    let partner = named(core, name).await?;
    if let Some(Some(url)) = &settings.webhook_url {
        validate_webhook_url(url, partner.environment)?;
    }
    if let Some(credits) = settings.credits {
        validate_credits(credits)?;
    }
    if let Some(per_hour) = settings.rate_limit_per_hour {
        validate_rate_limit(per_hour)?;
    }
    if let Some(key) = &settings.signing_key {
        validate_signing_key(key)?;
    }
    let mut defaults = partner.token_defaults.clone();
    if let Some(webhook_chaos) = settings.webhook_chaos {
        if !partner.environment.is_sandbox() {
            return Err(invalid("webhook chaos is for DEV partners only".into()));
        }
        defaults.webhook_chaos = webhook_chaos;
    }
    if let Some(origins) = settings.embed_origins {
        defaults.embed_origins = origins
            .iter()
            .map(|o| flow::parse_embed_origin(o))
            .collect::<Result<_, _>>()
            .map_err(invalid)?;
    }
    if let Some(colour) = settings.brand_colour {
        defaults.brand_colour =
            colour.as_deref().map(flow::parse_brand_colour).transpose().map_err(invalid)?;
    }
    if let Some(logo) = settings.brand_logo {
        defaults.brand_logo = match logo {
            Some(bytes) => {
                let png =
                    tokio::task::spawn_blocking(move || kycd_analysis::logo::normalise(&bytes))
                        .await
                        .map_err(|e| CoreError::Internal(format!("logo task failed: {e}")))?
                        .map_err(|e| invalid(e.to_string()))?;
                Some(base64::engine::general_purpose::STANDARD.encode(png))
            }
            None => None,
        };
    }
    let token_defaults = (defaults != partner.token_defaults).then_some(defaults);
    let update = PartnerUpdate {
        credits: settings.credits,
        webhook_url: settings.webhook_url,
        rate_limit_per_hour: settings.rate_limit_per_hour,
        signing_key: settings.signing_key,
        token_defaults,
        ..Default::default()
    };
    if update == PartnerUpdate::default() {
        return Err(invalid("nothing to change: name at least one setting (see --help)".into()));
    }
    update_named(core, name, &update).await
}

/// Deletes every verification of the named DEV partner (see [`crate::sandbox::reset`]).
pub async fn reset(core: &Services, name: &str) -> CoreResult<usize> {
    let partner = named(core, name).await?;
    if !partner.environment.is_sandbox() {
        return Err(invalid(format!(
            "only DEV partners can be reset ('{name}' is {})",
            partner.environment
        )));
    }
    crate::sandbox::reset(core, &partner).await
}

/// The partner whose API key pair this is, if it is enabled and within its hourly rate budget.
pub async fn authenticate(core: &Services, api_key: &str, api_secret: &str) -> CoreResult<Partner> {
    let partner = core
        .store
        .partner_by_api_key(api_key)
        .await?
        .filter(|partner| secrets::secret_matches(api_secret, &partner.api_secret_sha256))
        .ok_or(CoreError::Unauthorized)?;
    if !partner.enabled {
        return Err(CoreError::PartnerInactive);
    }
    tracing::Span::current().record("partner", partner.name.as_str());
    enforce_rate_limit(core, &partner).await?;
    Ok(partner)
}

/// Whether credentials a caller authenticated with earlier still hold now: the partner still
/// exists, is enabled, is in the same environment and has the same API key and secret. For
/// long-lived requests (the sandbox event stream), so that `partner disable` and
/// `rotate-secret` reach them too. The reason when they no longer hold.
pub async fn still_authorised(
    core: &Services,
    authenticated: &Partner,
) -> CoreResult<Result<(), &'static str>> {
    let Some(now) = core.store.partner_by_id(authenticated.id).await? else {
        return Ok(Err("the partner was removed"));
    };
    Ok(if !now.enabled {
        Err("the partner was disabled")
    } else if now.api_key != authenticated.api_key
        || now.api_secret_sha256 != authenticated.api_secret_sha256
    {
        Err("the API credentials were rotated")
    } else if now.environment != authenticated.environment {
        Err("the partner's environment changed")
    } else {
        Ok(())
    })
}

/// Fixed hourly windows counted in the store, so the budget holds across processes and nodes.
async fn enforce_rate_limit(core: &Services, partner: &Partner) -> CoreResult<()> {
    if partner.rate_limit_per_hour == 0 {
        return Ok(());
    }
    let now = core.clock.now();
    let window_start = hour_start(now);
    let count = core.store.count_request(partner.id, window_start).await?;
    if count > partner.rate_limit_per_hour {
        let window_end = window_start + time::Duration::HOUR;
        let retry_after_secs =
            u64::try_from((window_end - now).whole_seconds().max(1)).unwrap_or(1);
        return Err(CoreError::RateLimited {
            retry_after_secs,
            limit: partner.rate_limit_per_hour,
        });
    }
    Ok(())
}

fn hour_start(at: OffsetDateTime) -> OffsetDateTime {
    let seconds = at.unix_timestamp();
    OffsetDateTime::from_unix_timestamp(seconds - seconds.rem_euclid(3600)).unwrap_or(at)
}

/// `DUPLICATE,stale_timestamp`: chaos kinds separated by commas, in any case (empty: none).
pub fn parse_chaos_list(list: &str) -> CoreResult<Vec<Chaos>> {
    list.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            Chaos::parse(&c.to_ascii_uppercase())
                .ok_or_else(|| invalid(format!("unknown chaos kind '{c}'")))
        })
        .collect()
}
