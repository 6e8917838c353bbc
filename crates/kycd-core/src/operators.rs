//! Review-console operators and their sessions (issue 14 points 1–2): creating and changing
//! operators (`kycd user …`), logging in with the lock-out of `kycd_domain::console`, and the
//! session behind the console's cookie. Passwords are hashed with argon2id on a blocking thread;
//! a session's token is 256 random bits of which only the SHA-256 is stored; the CSRF token of a
//! session is derived from it with the link key, so it needs no storage and dies with it.

use crate::{CoreError, CoreResult, Services, audit};
use argon2::{
    Argon2, PasswordHash, PasswordVerifier,
    password_hash::{PasswordHasher, SaltString},
};
use hmac::Mac;
use kycd_domain::{
    OperatorId, PartnerId, Rejection,
    console::{self, Role, Scope},
};
use kycd_store::{ConsoleSession, Operator, OperatorUpdate, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use time::OffsetDateTime;

/// Sessions are touched at most this often, so a busy page does not write on every request.
const TOUCH_EVERY: time::Duration = time::Duration::minutes(1);

/// What an operator is being created with.
#[derive(Clone)]
pub struct NewOperator {
    pub name: String,
    pub role: Role,
    /// Partner names the operator is limited to (none: all partners).
    pub partners: Vec<String>,
    pub password: String,
}

impl std::fmt::Debug for NewOperator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOperator")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("partners", &self.partners)
            .finish_non_exhaustive()
    }
}

/// Creates an operator (audited as `operator.create`).
pub async fn create(core: &Services, spec: NewOperator) -> CoreResult<Operator> {
    console::check_name(&spec.name)?;
    console::check_password(&spec.password)?;
    let partners = partner_ids(core, &spec.partners).await?;
    let now = core.clock.now();
    let operator = Operator {
        id: OperatorId::generate(),
        name: spec.name,
        role: spec.role,
        partners,
        password_hash: hash_password(spec.password).await?,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
    };
    core.store.create_operator(&operator).await.map_err(|e| match e {
        StoreError::Conflict(_) => {
            CoreError::Conflict(format!("an operator named '{}' exists", operator.name))
        }
        other => other.into(),
    })?;
    record_change(core, &operator.name, "operator.create", Some(operator.role.to_string())).await?;
    tracing::info!(operator = operator.name, role = %operator.role, "operator created");
    Ok(operator)
}

pub async fn list(core: &Services) -> CoreResult<Vec<Operator>> {
    Ok(core.store.list_operators().await?)
}

/// The partners' ids by name (an unknown name is refused, naming it).
async fn partner_ids(core: &Services, names: &[String]) -> CoreResult<Vec<PartnerId>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let partner = crate::partners::named(core, name).await?;
        if !ids.contains(&partner.id) {
            ids.push(partner.id);
        }
    }
    Ok(ids)
}

async fn update(
    core: &Services,
    name: &str,
    update: OperatorUpdate,
    action: &str,
    detail: Option<String>,
) -> CoreResult<Operator> {
    let operator = core
        .store
        .update_operator(name, &update, core.clock.now())
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("no operator named '{name}'")))?;
    record_change(core, name, action, detail).await?;
    tracing::info!(operator = name, action, "operator changed");
    Ok(operator)
}

/// A new role; the operator's sessions end (audited as `operator.role`).
pub async fn set_role(core: &Services, name: &str, role: Role) -> CoreResult<Operator> {
    let change = OperatorUpdate { role: Some(role), ..Default::default() };
    update(core, name, change, "operator.role", Some(role.to_string())).await
}

/// Limits the operator to the named partners (none: all partners).
pub async fn set_partners(
    core: &Services,
    name: &str,
    partners: &[String],
) -> CoreResult<Operator> {
    let ids = partner_ids(core, partners).await?;
    let change = OperatorUpdate { partners: Some(ids), ..Default::default() };
    update(core, name, change, "operator.partners", Some(partners.join(","))).await
}

/// Disables (ending every session) or enables an operator.
pub async fn set_disabled(core: &Services, name: &str, disabled: bool) -> CoreResult<Operator> {
    let change = OperatorUpdate { disabled: Some(disabled), ..Default::default() };
    let action = if disabled { "operator.disable" } else { "operator.enable" };
    update(core, name, change, action, None).await
}

/// A new password; the lock-out is lifted and the operator's sessions end.
pub async fn reset_password(core: &Services, name: &str, password: String) -> CoreResult<Operator> {
    console::check_password(&password)?;
    let change = OperatorUpdate {
        password_hash: Some(hash_password(password).await?),
        ..Default::default()
    };
    update(core, name, change, "operator.password", None).await
}

/// A second factor just turned on: what the operator puts into their authenticator app.
#[derive(Clone)]
pub struct TotpEnrolment {
    /// The secret in base32, for typing in.
    pub secret: String,
    /// The `otpauth://` URI, for a QR code.
    pub uri: String,
}

/// Turns on the TOTP second factor with a new secret (replacing any): from now on the operator's
/// logins need a code. Audited as `operator.totp`.
pub async fn enable_totp(core: &Services, name: &str) -> CoreResult<TotpEnrolment> {
    let operator = named(core, name).await?;
    let mut secret = [0u8; crate::totp::SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    core.store.set_totp_secret(operator.id, Some(&secret)).await?;
    record_change(core, name, "operator.totp", Some("enabled".into())).await?;
    Ok(TotpEnrolment {
        secret: crate::totp::secret_text(&secret),
        uri: crate::totp::uri("kycd", &operator.name, &secret),
    })
}

/// Turns the second factor off (audited as `operator.totp`).
pub async fn disable_totp(core: &Services, name: &str) -> CoreResult<()> {
    let operator = named(core, name).await?;
    core.store.set_totp_secret(operator.id, None).await?;
    record_change(core, name, "operator.totp", Some("disabled".into())).await
}

/// Whether the operator's logins need a code.
pub async fn has_totp(core: &Services, operator: &Operator) -> CoreResult<bool> {
    Ok(core.store.totp_secret(operator.id).await?.is_some())
}

async fn named(core: &Services, name: &str) -> CoreResult<Operator> {
    core.store
        .operator_by_name(name)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("no operator named '{name}'")))
}

/// Whether `code` is a fresh code of the operator's second factor (always, without one). A
/// code is accepted once: its step is recorded, and no earlier step is accepted after it.
async fn second_factor_holds(
    core: &Services,
    operator: &Operator,
    code: Option<&str>,
) -> CoreResult<bool> {
    let Some(totp) = core.store.totp_secret(operator.id).await? else { return Ok(true) };
    let now = core.clock.now().unix_timestamp();
    let Some(step) = code.and_then(|c| crate::totp::matching_step(&totp.secret, c, now)) else {
        return Ok(false);
    };
    Ok(step > totp.last_step && core.store.use_totp_step(operator.id, step).await?)
}

async fn record_change(
    core: &Services,
    name: &str,
    action: &str,
    detail: Option<String>,
) -> CoreResult<()> {
    let detail = Some(match detail {
        Some(detail) => format!("{name}: {detail}"),
        None => name.to_owned(),
    });
    audit::record_operator_action(core, "cli".into(), action, detail).await
}

// ---- passwords ----

async fn hash_password(password: String) -> CoreResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| CoreError::Internal(format!("password salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| CoreError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("password task failed: {e}")))?
}

/// Whether `password` is the one `hash` was made from (argon2id, on a blocking thread). A
/// missing or unreadable hash checks against a fixed one, so an unknown name takes as long.
async fn password_matches(password: String, hash: Option<String>) -> CoreResult<bool> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| decoy_hash().to_owned());
        let matches = PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        known && matches
    })
    .await
    .map_err(|e| CoreError::Internal(format!("password task failed: {e}")))
}

/// A hash no password is known for, made once per process.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let salt = SaltString::encode_b64(&bytes[..16]).ok();
        salt.and_then(|salt| {
            Argon2::default().hash_password(&bytes[16..], &salt).ok().map(|h| h.to_string())
        })
        .unwrap_or_default()
    })
}

// ---- logging in ----

/// Why a login was refused. The page says the same for a wrong name and a wrong password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefused {
    WrongCredentials,
    /// Too many failures in a row: locked until then.
    Locked(OffsetDateTime),
}

/// A signed-in operator and the cookie's token for the session.
#[derive(Clone)]
pub struct SignedIn {
    pub operator: Operator,
    pub token: String,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn").field("operator", &self.operator.name).finish_non_exhaustive()
    }
}

/// Checks `name`, `password` and — for an operator with a second factor — the TOTP `code`, and
/// starts a session. Failures count towards the lock-out and are refused alike (a wrong code
/// says no more than a wrong password); a locked or disabled account is refused whatever it
/// presents.
pub async fn login(
    core: &Services,
    name: &str,
    password: String,
    code: Option<&str>,
) -> CoreResult<Result<SignedIn, LoginRefused>> {
    let now = core.clock.now();
    let operator = core.store.operator_by_name(name).await?;
    let hash = operator.as_ref().map(|o| o.password_hash.clone());
    let matches = password_matches(password, hash).await?;
    let Some(operator) = operator else {
        tracing::info!("console login refused: unknown operator");
        return Ok(Err(LoginRefused::WrongCredentials));
    };
    if let Some(until) = operator.locked_until.filter(|until| now < *until) {
        tracing::warn!(operator = operator.name, "console login refused: locked");
        return Ok(Err(LoginRefused::Locked(until)));
    }
    let factor =
        matches && !operator.disabled && second_factor_holds(core, &operator, code).await?;
    if !matches || operator.disabled || !factor {
        let lock_until = now + console::LOCK_FOR;
        let failures = core
            .store
            .record_login_failure(operator.id, console::FAILURES_BEFORE_LOCK, lock_until)
            .await?;
        tracing::warn!(operator = operator.name, failures, "console login refused");
        if console::lock_after_failure(failures, now).is_some() {
            return Ok(Err(LoginRefused::Locked(lock_until)));
        }
        return Ok(Err(LoginRefused::WrongCredentials));
    }
    let mut token_bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut token_bytes);
    let token = hex::encode(token_bytes);
    core.store
        .start_session(&ConsoleSession {
            digest: digest(&token),
            operator_id: operator.id,
            created_at: now,
            last_seen_at: now,
        })
        .await?;
    audit::record_operator_action(core, actor(&operator), "console.login", None).await?;
    tracing::info!(operator = operator.name, "console login");
    Ok(Ok(SignedIn {
        operator: Operator { failed_logins: 0, locked_until: None, ..operator },
        token,
    }))
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// How the audit log names an operator.
pub fn actor(operator: &Operator) -> String {
    format!("operator:{}", operator.name)
}

/// The operator a session's token belongs to, while the session is alive and the operator
/// enabled; the session is ended when it is not.
pub async fn signed_in(core: &Services, token: &str) -> CoreResult<Option<Operator>> {
    let key = digest(token);
    let Some(session) = core.store.session(&key).await? else { return Ok(None) };
    let now = core.clock.now();
    let operator = core.store.operator_by_id(session.operator_id).await?;
    let alive = console::session_alive(session.created_at, session.last_seen_at, now);
    match operator {
        Some(operator) if alive && !operator.disabled => {
            if now - session.last_seen_at >= TOUCH_EVERY {
                core.store.touch_session(&key, now).await?;
            }
            Ok(Some(operator))
        }
        _ => {
            core.store.end_session(&key).await?;
            Ok(None)
        }
    }
}

/// Ends the session (logout).
pub async fn logout(core: &Services, operator: &Operator, token: &str) -> CoreResult<()> {
    core.store.end_session(&digest(token)).await?;
    audit::record_operator_action(core, actor(operator), "console.logout", None).await
}

/// The CSRF token every form of the session carries: an HMAC of the session's token, so it is
/// the session's alone and ends with it.
pub fn csrf_token(core: &Services, session_token: &str) -> String {
    let mut mac = core.links.keyed_mac();
    mac.update(b"console-csrf/");
    mac.update(session_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `presented` is the session's CSRF token (constant time).
pub fn csrf_matches(core: &Services, session_token: &str, presented: &str) -> bool {
    let Ok(given) = hex::decode(presented) else { return false };
    let mut mac = core.links.keyed_mac();
    mac.update(b"console-csrf/");
    mac.update(session_token.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The operator's partners as a scope.
pub fn scope(operator: &Operator) -> Scope {
    Scope::of(operator.partners.clone())
}

/// A refusal for an operator whose role does not allow what was asked.
pub fn not_allowed(operator: &Operator, what: &str) -> CoreError {
    Rejection::new(
        kycd_domain::Identifier::PermissionsError,
        format!("Operator '{}' ({}) may not {what}.", operator.name, operator.role),
    )
    .into()
}
