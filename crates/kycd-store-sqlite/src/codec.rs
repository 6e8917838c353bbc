//! Row <-> record conversion for the SQLite backend.

use kycd_domain::{
    AuthToken, ClientId, DigitString, Environment, PartnerId, ScanRef, vocabulary::OverallStatus,
};
use kycd_store::{Partner, StoreError, StoreResult, Verification};
use sqlx::{Row, sqlite::SqliteRow};
use time::OffsetDateTime;

pub fn to_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub fn from_ms(ms: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {ms}: {e}")))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn get<'r, T>(row: &'r SqliteRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column).map_err(|e| corrupt(column, e))
}

pub fn partner_from_row(row: &SqliteRow) -> StoreResult<Partner> {
    let id: String = get(row, "id")?;
    let environment: String = get(row, "environment")?;
    let digest: Vec<u8> = get(row, "api_secret_sha256")?;
    let defaults: String = get(row, "token_defaults")?;
    Ok(Partner {
        id: PartnerId(uuid::Uuid::parse_str(&id).map_err(|e| corrupt("partners.id", e))?),
        name: get(row, "name")?,
        environment: environment
            .parse::<Environment>()
            .map_err(|e| corrupt("partners.environment", e))?,
        api_key: get(row, "api_key")?,
        api_secret_sha256: digest
            .try_into()
            .map_err(|_| corrupt("partners.api_secret_sha256", "not 32 bytes"))?,
        signing_key: get(row, "signing_key")?,
        webhook_url: get(row, "webhook_url")?,
        credits: get(row, "credits")?,
        rate_limit_per_hour: get(row, "rate_limit_per_hour")?,
        enabled: get(row, "enabled")?,
        token_defaults: serde_json::from_str(&defaults)
            .map_err(|e| corrupt("partners.token_defaults", e))?,
        created_at: from_ms(get(row, "created_at")?)?,
    })
}

pub fn verification_from_row(row: &SqliteRow) -> StoreResult<Verification> {
    let partner_id: String = get(row, "partner_id")?;
    let status: String = get(row, "status")?;
    let request: String = get(row, "request")?;
    let result: Option<String> = get(row, "result")?;
    let digit_string: Option<String> = get(row, "digit_string")?;
    Ok(Verification {
        scan_ref: ScanRef::from_trusted(get::<String>(row, "scan_ref")?),
        partner_id: PartnerId(
            uuid::Uuid::parse_str(&partner_id)
                .map_err(|e| corrupt("verifications.partner_id", e))?,
        ),
        client_id: ClientId::from_trusted(get::<String>(row, "client_id")?),
        auth_token: AuthToken::from_trusted(get::<String>(row, "auth_token")?),
        digit_string: digit_string.map(DigitString::from_trusted),
        status: OverallStatus::parse(&status)
            .ok_or_else(|| corrupt("verifications.status", &status))?,
        request: serde_json::from_str(&request).map_err(|e| corrupt("verifications.request", e))?,
        created_at: from_ms(get(row, "created_at")?)?,
        token_expires_at: from_ms(get(row, "token_expires_at")?)?,
        result: result
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| corrupt("verifications.result", e))?,
        updated_at: from_ms(get(row, "updated_at")?)?,
    })
}
