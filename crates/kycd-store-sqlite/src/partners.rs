//! [`PartnerStore`] on SQLite: the `partners` table.

use crate::{SqliteStore, codec, db, unique_or_db};
use async_trait::async_trait;
use kycd_domain::PartnerId;
use kycd_store::codec::{partner_id_text, seal_signing_key, to_ms, token_defaults_json};
use kycd_store::{NewPartner, Partner, PartnerStore, PartnerUpdate, StoreError, StoreResult};

impl SqliteStore {
    /// The partner `sql` (a `SELECT * FROM partners WHERE ... = ?`) finds by `value`.
    async fn partner_where(&self, sql: &'static str, value: &str) -> StoreResult<Option<Partner>> {
        let row = sqlx::query(sql).bind(value).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(|r| codec::partner(r, &self.ring)).transpose()
    }
}

#[async_trait]
impl PartnerStore for SqliteStore {
    async fn create_partner(&self, p: &NewPartner) -> StoreResult<Partner> {
        sqlx::query(
            "INSERT INTO partners (id, name, environment, api_key, api_secret_sha256, signing_key,
                webhook_url, credits, rate_limit_per_hour, enabled, token_defaults, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(partner_id_text(p.id))
        .bind(&p.name)
        .bind(p.environment.as_str())
        .bind(&p.api_key)
        .bind(p.api_secret_sha256.as_slice())
        .bind(seal_signing_key(&self.ring, p.id, &p.signing_key))
        .bind(&p.webhook_url)
        .bind(p.credits)
        .bind(p.rate_limit_per_hour)
        .bind(p.enabled)
        .bind(token_defaults_json(&p.token_defaults)?)
        .bind(to_ms(p.created_at))
        .execute(&self.pool)
        .await
        .map_err(|e| unique_or_db(e, || format!("partner '{}'", p.name)))?;
        Ok(p.clone())
    }

    async fn partner_by_name(&self, name: &str) -> StoreResult<Option<Partner>> {
        self.partner_where("SELECT * FROM partners WHERE name = ?", name).await
    }

    async fn partner_by_api_key(&self, api_key: &str) -> StoreResult<Option<Partner>> {
        self.partner_where("SELECT * FROM partners WHERE api_key = ?", api_key).await
    }

    async fn partner_by_id(&self, id: PartnerId) -> StoreResult<Option<Partner>> {
        self.partner_where("SELECT * FROM partners WHERE id = ?", &partner_id_text(id)).await
    }

    async fn list_partners(&self) -> StoreResult<Vec<Partner>> {
        let rows = sqlx::query("SELECT * FROM partners ORDER BY created_at, name")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(|r| codec::partner(r, &self.ring)).collect()
    }

    async fn count_partners(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM partners").fetch_one(&self.pool).await.map_err(db)
    }

    async fn update_partner(&self, name: &str, u: &PartnerUpdate) -> StoreResult<Partner> {
        let existing = self
            .partner_by_name(name)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("partner '{name}'")))?;
        let signing_key =
            u.signing_key.as_ref().map(|key| seal_signing_key(&self.ring, existing.id, key));
        let mut tx = self.write_tx().await?;
        let defaults = u.token_defaults.as_ref().map(token_defaults_json).transpose()?;
        // Each column keeps its value unless the matching flag says to replace it.
        let changed = sqlx::query(
            "UPDATE partners SET
                enabled = CASE WHEN ? THEN ? ELSE enabled END,
                api_secret_sha256 = COALESCE(?, api_secret_sha256),
                signing_key = COALESCE(?, signing_key),
                webhook_url = CASE WHEN ? THEN ? ELSE webhook_url END,
                credits = CASE WHEN ? THEN ? ELSE credits END,
                rate_limit_per_hour = COALESCE(?, rate_limit_per_hour),
                token_defaults = COALESCE(?, token_defaults)
             WHERE name = ?",
        )
        .bind(u.enabled.is_some())
        .bind(u.enabled.unwrap_or(false))
        .bind(u.api_secret_sha256.as_ref().map(|d| d.to_vec()))
        .bind(signing_key)
        .bind(u.webhook_url.is_some())
        .bind(u.webhook_url.clone().flatten())
        .bind(u.credits.is_some())
        .bind(u.credits.flatten())
        .bind(u.rate_limit_per_hour)
        .bind(defaults)
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!("partner '{name}'")));
        }
        let row = sqlx::query("SELECT * FROM partners WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        codec::partner(&row, &self.ring)
    }
}
