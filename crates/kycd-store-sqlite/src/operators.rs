//! [`OperatorStore`] on SQLite: `operators` and `console_sessions`.

use crate::{SqliteStore, codec, db, unique_or_db};
use async_trait::async_trait;
use kycd_domain::{OperatorId, ScanRef};
use kycd_store::codec::{
    operator_id_text, operator_partners_json, partner_id_text, seal_review_proposal,
    seal_totp_secret, to_ms,
};
use kycd_store::{
    CaseClaim, ConsoleSession, Operator, OperatorStore, OperatorUpdate, ReviewProposal,
    StoreResult, TotpSecret,
};
use time::OffsetDateTime;

impl SqliteStore {
    async fn operator_where(
        &self,
        sql: &'static str,
        value: &str,
    ) -> StoreResult<Option<Operator>> {
        let row = sqlx::query(sql).bind(value).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(codec::operator).transpose()
    }
}

#[async_trait]
impl OperatorStore for SqliteStore {
    async fn create_operator(&self, o: &Operator) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO operators (id, name, role, partners, password_hash, disabled,
                failed_logins, locked_until, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(operator_id_text(o.id))
        .bind(&o.name)
        .bind(o.role.as_str())
        .bind(operator_partners_json(&o.partners)?)
        .bind(&o.password_hash)
        .bind(o.disabled)
        .bind(o.failed_logins)
        .bind(o.locked_until.map(to_ms))
        .bind(to_ms(o.created_at))
        .bind(to_ms(o.updated_at))
        .execute(&self.pool)
        .await
        .map_err(|e| unique_or_db(e, || format!("operator '{}'", o.name)))?;
        Ok(())
    }

    async fn operator_by_name(&self, name: &str) -> StoreResult<Option<Operator>> {
        self.operator_where("SELECT * FROM operators WHERE name = ?", name).await
    }

    async fn operator_by_id(&self, id: OperatorId) -> StoreResult<Option<Operator>> {
        self.operator_where("SELECT * FROM operators WHERE id = ?", &operator_id_text(id)).await
    }

    async fn list_operators(&self) -> StoreResult<Vec<Operator>> {
        let rows = sqlx::query("SELECT * FROM operators ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(codec::operator).collect()
    }

    async fn update_operator(
        &self,
        name: &str,
        update: &OperatorUpdate,
        at: OffsetDateTime,
    ) -> StoreResult<Option<Operator>> {
        let partners = update.partners.as_deref().map(operator_partners_json).transpose()?;
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE operators SET role = COALESCE(?, role), partners = COALESCE(?, partners),
                password_hash = COALESCE(?, password_hash), disabled = COALESCE(?, disabled),
                failed_logins = CASE WHEN ? THEN 0 ELSE failed_logins END,
                locked_until = CASE WHEN ? THEN NULL ELSE locked_until END,
                updated_at = ?
             WHERE name = ?",
        )
        .bind(update.role.map(|r| r.as_str()))
        .bind(partners)
        .bind(update.password_hash.as_deref())
        .bind(update.disabled)
        // A new password is a fresh start: the lock-out is lifted with it.
        .bind(update.password_hash.is_some())
        .bind(update.password_hash.is_some())
        .bind(to_ms(at))
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        if update.password_hash.is_some() || update.disabled.is_some() || update.role.is_some() {
            sqlx::query(
                "DELETE FROM console_sessions
                 WHERE operator_id = (SELECT id FROM operators WHERE name = ?)",
            )
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        let row = sqlx::query("SELECT * FROM operators WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        codec::operator(&row).map(Some)
    }

    async fn any_admin(&self) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM operators WHERE role = 'admin' AND NOT disabled LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(found.is_some())
    }

    async fn record_login_failure(
        &self,
        id: OperatorId,
        lock_from: i64,
        lock_until: OffsetDateTime,
    ) -> StoreResult<i64> {
        let failures: Option<i64> = sqlx::query_scalar(
            "UPDATE operators SET failed_logins = failed_logins + 1,
                locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
             WHERE id = ? RETURNING failed_logins",
        )
        .bind(lock_from)
        .bind(to_ms(lock_until))
        .bind(operator_id_text(id))
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(failures.unwrap_or(0))
    }

    async fn start_session(&self, session: &ConsoleSession) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE operators SET failed_logins = 0, locked_until = NULL WHERE id = ?")
            .bind(operator_id_text(session.operator_id))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO console_sessions (digest, operator_id, created_at, last_seen_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(session.digest.as_slice())
        .bind(operator_id_text(session.operator_id))
        .bind(to_ms(session.created_at))
        .bind(to_ms(session.last_seen_at))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn session(&self, digest: &[u8; 32]) -> StoreResult<Option<ConsoleSession>> {
        let row = sqlx::query("SELECT * FROM console_sessions WHERE digest = ?")
            .bind(digest.as_slice())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(codec::console_session).transpose()
    }

    async fn touch_session(&self, digest: &[u8; 32], at: OffsetDateTime) -> StoreResult<()> {
        sqlx::query("UPDATE console_sessions SET last_seen_at = ? WHERE digest = ?")
            .bind(to_ms(at))
            .bind(digest.as_slice())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn end_session(&self, digest: &[u8; 32]) -> StoreResult<()> {
        sqlx::query("DELETE FROM console_sessions WHERE digest = ?")
            .bind(digest.as_slice())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn claim_case(&self, claim: &CaseClaim, now: OffsetDateTime) -> StoreResult<CaseClaim> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO review_claims (scan_ref, operator_id, until) VALUES (?, ?, ?)
             ON CONFLICT (scan_ref) DO UPDATE SET operator_id = excluded.operator_id,
                until = excluded.until
             WHERE review_claims.until <= ? OR review_claims.operator_id = excluded.operator_id",
        )
        .bind(claim.scan_ref.as_str())
        .bind(operator_id_text(claim.operator_id))
        .bind(to_ms(claim.until))
        .bind(to_ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let row = sqlx::query("SELECT * FROM review_claims WHERE scan_ref = ?")
            .bind(claim.scan_ref.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        codec::case_claim(&row)
    }

    async fn case_claim(&self, scan_ref: &ScanRef) -> StoreResult<Option<CaseClaim>> {
        let row = sqlx::query("SELECT * FROM review_claims WHERE scan_ref = ?")
            .bind(scan_ref.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(codec::case_claim).transpose()
    }

    async fn release_case(&self, scan_ref: &ScanRef, operator: OperatorId) -> StoreResult<()> {
        sqlx::query("DELETE FROM review_claims WHERE scan_ref = ? AND operator_id = ?")
            .bind(scan_ref.as_str())
            .bind(operator_id_text(operator))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn set_totp_secret(&self, id: OperatorId, secret: Option<&[u8]>) -> StoreResult<()> {
        let Some(secret) = secret else {
            sqlx::query("DELETE FROM operator_totp WHERE operator_id = ?")
                .bind(operator_id_text(id))
                .execute(&self.pool)
                .await
                .map_err(db)?;
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO operator_totp (operator_id, secret, last_step) VALUES (?, ?, 0)
             ON CONFLICT (operator_id) DO UPDATE SET secret = excluded.secret, last_step = 0",
        )
        .bind(operator_id_text(id))
        .bind(seal_totp_secret(&self.ring, id, secret))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn totp_secret(&self, id: OperatorId) -> StoreResult<Option<TotpSecret>> {
        let row = sqlx::query("SELECT * FROM operator_totp WHERE operator_id = ?")
            .bind(operator_id_text(id))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|row| codec::totp_secret(row, &self.ring)).transpose()
    }

    async fn use_totp_step(&self, id: OperatorId, step: i64) -> StoreResult<bool> {
        let used = sqlx::query(
            "UPDATE operator_totp SET last_step = ? WHERE operator_id = ? AND last_step < ?",
        )
        .bind(step)
        .bind(operator_id_text(id))
        .bind(step)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(used == 1)
    }

    async fn propose_decision(&self, proposal: &ReviewProposal) -> StoreResult<bool> {
        let stored = sqlx::query(
            "INSERT INTO review_proposals (scan_ref, partner_id, operator_id, decision, created_at)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (scan_ref) DO NOTHING",
        )
        .bind(proposal.scan_ref.as_str())
        .bind(partner_id_text(proposal.partner_id))
        .bind(operator_id_text(proposal.operator_id))
        .bind(seal_review_proposal(&self.ring, proposal))
        .bind(to_ms(proposal.created_at))
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(stored == 1)
    }

    async fn review_proposal(&self, scan_ref: &ScanRef) -> StoreResult<Option<ReviewProposal>> {
        let row = sqlx::query("SELECT * FROM review_proposals WHERE scan_ref = ?")
            .bind(scan_ref.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|row| codec::review_proposal(row, &self.ring)).transpose()
    }

    async fn withdraw_proposal(&self, scan_ref: &ScanRef) -> StoreResult<bool> {
        let removed = sqlx::query("DELETE FROM review_proposals WHERE scan_ref = ?")
            .bind(scan_ref.as_str())
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        Ok(removed == 1)
    }
}
