//! [`VerificationStore`] on PostgreSQL: the `verifications` table. Creations and status changes
//! write their outbox rows (see `outbox`) in the same transaction.

use crate::codec::{self, lookup};
use crate::outbox::insert_event;
use crate::{PostgresStore, db, sql_limit, unique_or_db};
use async_trait::async_trait;
use kycd_domain::{AuthToken, Environment, PartnerId, ScanRef};
use kycd_store::codec::{partner_id_text, seal_request, seal_result, to_ms};
use kycd_store::crypto::KeyRing;
use kycd_store::{
    NewVerification, NewWebhookEvent, StoreError, StoreResult, Verification, VerificationChange,
    VerificationPurge, VerificationStore,
};
use sqlx::Row;
use time::OffsetDateTime;

/// Compare-and-set of the status (and result) inside `tx`: false, changing nothing, when the
/// verification no longer has the expected status.
pub(crate) async fn apply_change(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    ring: &KeyRing,
    change: &VerificationChange,
) -> StoreResult<bool> {
    let Some(scan_ref) = lookup(change.scan_ref.as_str()) else { return Ok(false) };
    let result =
        change.result.as_ref().map(|r| seal_result(ring, &change.scan_ref, r)).transpose()?;
    // A concurrent change of the same row commits first, then this one re-checks `status`
    // against the committed row and matches nothing.
    let changed = sqlx::query(
        "UPDATE verifications SET status = $1, result = COALESCE($2, result), updated_at = $3
         WHERE scan_ref = $4 AND partner_id = $5 AND status = $6",
    )
    .bind(change.new_status.as_str())
    .bind(result)
    .bind(to_ms(change.updated_at))
    .bind(scan_ref)
    .bind(partner_id_text(change.partner_id))
    .bind(change.expected_status.as_str())
    .execute(&mut **tx)
    .await
    .map_err(db)?
    .rows_affected();
    Ok(changed > 0)
}

#[async_trait]
impl VerificationStore for PostgresStore {
    async fn create_verification(
        &self,
        v: &NewVerification,
        events: &[NewWebhookEvent],
    ) -> StoreResult<()> {
        let request = seal_request(&self.ring, &v.scan_ref, &v.request)?;
        let result =
            v.result.as_ref().map(|r| seal_result(&self.ring, &v.scan_ref, r)).transpose()?;
        let mut tx = self.tx().await?;
        // Metered partners: a concurrent spender's update holds the row until it commits; this
        // one then re-checks the condition against the committed credits, so the count never
        // goes below zero. Unlimited partners (credits NULL) are not updated at all: a row lock
        // held through every commit would serialise all of a partner's token creation.
        let allowed: bool = sqlx::query_scalar(
            "WITH spent AS (
                UPDATE partners SET credits = credits - 1
                WHERE id = $1 AND credits > 0
                RETURNING id)
             SELECT EXISTS (SELECT 1 FROM spent)
                 OR EXISTS (SELECT 1 FROM partners WHERE id = $1 AND credits IS NULL)",
        )
        .bind(partner_id_text(v.partner_id))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if !allowed {
            return Err(StoreError::NoCredits);
        }
        sqlx::query(
            "INSERT INTO verifications (scan_ref, partner_id, client_id, auth_token, digit_string,
                status, request, result, created_at, token_expires_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(v.scan_ref.as_str())
        .bind(partner_id_text(v.partner_id))
        .bind(v.client_id.as_str())
        .bind(v.auth_token.as_str())
        .bind(v.digit_string.as_ref().map(|d| d.as_str()))
        .bind(v.status.as_str())
        .bind(request)
        .bind(result)
        .bind(to_ms(v.created_at))
        .bind(to_ms(v.token_expires_at))
        .bind(to_ms(v.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or_db(e, || format!("verification '{}'", v.scan_ref)))?;
        for event in events {
            insert_event(&mut tx, &self.ring, event).await?;
        }
        tx.commit().await.map_err(db)
    }

    async fn count_verifications(&self, partner: PartnerId) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM verifications WHERE partner_id = $1")
            .bind(partner_id_text(partner))
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn verification(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Option<Verification>> {
        let Some(scan_ref) = lookup(scan_ref.as_str()) else { return Ok(None) };
        let row =
            sqlx::query("SELECT * FROM verifications WHERE scan_ref = $1 AND partner_id = $2")
                .bind(scan_ref)
                .bind(partner_id_text(partner))
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        row.as_ref().map(|r| codec::verification(r, &self.ring)).transpose()
    }

    async fn verification_by_token(&self, token: &AuthToken) -> StoreResult<Option<Verification>> {
        let Some(token) = lookup(token.as_str()) else { return Ok(None) };
        let row = sqlx::query("SELECT * FROM verifications WHERE auth_token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| codec::verification(r, &self.ring)).transpose()
    }

    async fn change_verification(
        &self,
        change: &VerificationChange,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool> {
        let mut tx = self.tx().await?;
        if !apply_change(&mut tx, &self.ring, change).await? {
            return Ok(false);
        }
        for event in events {
            insert_event(&mut tx, &self.ring, event).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn open_verification(
        &self,
        scan_ref: &ScanRef,
        now: OffsetDateTime,
        session_deadline: OffsetDateTime,
    ) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(scan_ref.as_str()) else { return Ok(false) };
        let opened = sqlx::query(
            "UPDATE verifications SET opened_at = $1, token_expires_at = $2, updated_at = $1
             WHERE scan_ref = $3 AND status = 'ACTIVE' AND submitted_at IS NULL
               AND opened_at IS NULL AND token_expires_at > $1",
        )
        .bind(to_ms(now))
        .bind(to_ms(session_deadline))
        .bind(scan_ref)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(opened == 1)
    }

    async fn set_handoff_code(
        &self,
        scan_ref: &ScanRef,
        digest: &[u8; 32],
        expires_at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(scan_ref.as_str()) else { return Ok(false) };
        let set = sqlx::query(
            "UPDATE verifications SET handoff_digest = $1, handoff_expires_at = $2
             WHERE scan_ref = $3 AND status = 'ACTIVE' AND submitted_at IS NULL",
        )
        .bind(digest.as_slice())
        .bind(to_ms(expires_at))
        .bind(scan_ref)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(set == 1)
    }

    async fn redeem_handoff_code(
        &self,
        digest: &[u8; 32],
        now: OffsetDateTime,
    ) -> StoreResult<Option<Verification>> {
        // The row lock makes a second, concurrent use find the code gone.
        let row = sqlx::query(
            "WITH found AS (
                 SELECT scan_ref, (handoff_expires_at > $2 AND status = 'ACTIVE'
                                   AND submitted_at IS NULL) AS usable
                 FROM verifications WHERE handoff_digest = $1 FOR UPDATE)
             UPDATE verifications v SET handoff_digest = NULL, handoff_expires_at = NULL
             FROM found WHERE v.scan_ref = found.scan_ref
             RETURNING v.*, found.usable",
        )
        .bind(digest.as_slice())
        .bind(to_ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        match row {
            Some(row) if row.try_get::<bool, _>("usable").map_err(db)? => {
                codec::verification(&row, &self.ring).map(Some)
            }
            _ => Ok(None),
        }
    }

    async fn due_expirations(
        &self,
        now: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        // scan_ref (UUID v7) breaks ties in creation order, as SQLite's rowid does.
        let rows = sqlx::query(
            "SELECT * FROM verifications
             WHERE status = 'ACTIVE' AND submitted_at IS NULL AND token_expires_at <= $1
             ORDER BY token_expires_at, scan_ref LIMIT $2",
        )
        .bind(to_ms(now))
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }

    async fn purge_verification(&self, purge: &VerificationPurge) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(purge.scan_ref.as_str()) else { return Ok(false) };
        let request = seal_request(&self.ring, &purge.scan_ref, &purge.redacted_request)?;
        let mut tx = self.tx().await?;
        let changed = sqlx::query(
            "UPDATE verifications SET status = $1, request = $2, result = NULL, last_attempt = NULL,
                digit_string = NULL, handoff_digest = NULL, handoff_expires_at = NULL,
                updated_at = $3
             WHERE scan_ref = $4 AND partner_id = $5 AND status = $6",
        )
        .bind(purge.new_status.as_str())
        .bind(request)
        .bind(to_ms(purge.at))
        .bind(scan_ref)
        .bind(partner_id_text(purge.partner_id))
        .bind(purge.expected_status.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        // Faces are biometric data, blocklist entries hold them or the person's data, a four-eyes
        // proposal holds corrected data: they go with the verification.
        for table in [
            "DELETE FROM face_embeddings WHERE scan_ref = $1",
            "DELETE FROM blocklist_person_keys WHERE scan_ref = $1",
            "DELETE FROM blocklist_entries WHERE scan_ref = $1",
            "DELETE FROM review_proposals WHERE scan_ref = $1",
        ] {
            sqlx::query(table).bind(scan_ref).execute(&mut *tx).await.map_err(db)?;
        }
        // Webhook bodies carry the same personal data: empty them, and stop pending deliveries.
        sqlx::query(
            "UPDATE webhook_events SET payload = ''::BYTEA,
                last_error = CASE WHEN state = 'pending' THEN 'verification deleted' ELSE last_error END,
                state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END,
                lease_owner = NULL, lease_until = NULL, updated_at = $1
             WHERE partner_id = $2 AND scan_ref = $3",
        )
        .bind(to_ms(purge.at))
        .bind(partner_id_text(purge.partner_id))
        .bind(scan_ref)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn reviewing_verifications(
        &self,
        partners: &[PartnerId],
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let partners: Vec<String> = partners.iter().map(|p| partner_id_text(*p)).collect();
        let rows = sqlx::query(
            "SELECT * FROM verifications
             WHERE status = 'REVIEWING' AND (cardinality($1::text[]) = 0 OR partner_id = ANY($1))
             ORDER BY updated_at, scan_ref LIMIT $2",
        )
        .bind(partners)
        .bind(kycd_store::codec::list_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }

    async fn search_verifications(
        &self,
        search: &kycd_store::VerificationSearch,
    ) -> StoreResult<Vec<Verification>> {
        let Some(mut query) = search_query(search) else { return Ok(vec![]) };
        let rows = query.build().fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }

    async fn verification_stats(
        &self,
        partners: &[PartnerId],
        since: OffsetDateTime,
    ) -> StoreResult<kycd_store::VerificationStats> {
        let partners: Vec<String> = partners.iter().map(|p| partner_id_text(*p)).collect();
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT created_at / 86400000 AS day, status, COUNT(*) FROM verifications
             WHERE created_at >= $1 AND (cardinality($2::text[]) = 0 OR partner_id = ANY($2))
             GROUP BY day, status ORDER BY day, status",
        )
        .bind(to_ms(since))
        .bind(&partners)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let decision_ms: Vec<i64> = sqlx::query_scalar(
            "SELECT updated_at - submitted_at AS took FROM verifications
             WHERE created_at >= $1 AND (cardinality($2::text[]) = 0 OR partner_id = ANY($2))
               AND submitted_at IS NOT NULL AND status IN ('APPROVED', 'DENIED', 'SUSPECTED')
             ORDER BY took",
        )
        .bind(to_ms(since))
        .bind(&partners)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        kycd_store::codec::verification_stats(rows, decision_ms)
    }

    async fn retention_candidates(
        &self,
        environment: Environment,
        created_before: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let rows = sqlx::query(
            "SELECT v.* FROM verifications v JOIN partners p ON p.id = v.partner_id
             WHERE p.environment = $1 AND v.created_at < $2
               AND v.status NOT IN ('ACTIVE', 'DELETED', 'EXPIRED-DELETED')
             ORDER BY v.created_at, v.scan_ref LIMIT $3",
        )
        .bind(environment.as_str())
        .bind(to_ms(created_before))
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }
}

/// The console's search with only the conditions it has, so each shape uses its index; `None`
/// when the scanRef cannot exist.
pub(crate) fn search_query(
    search: &kycd_store::VerificationSearch,
) -> Option<sqlx::QueryBuilder<'static, sqlx::Postgres>> {
    let mut query = sqlx::QueryBuilder::new("SELECT * FROM verifications WHERE TRUE");
    if !search.partners.is_empty() {
        let partners: Vec<String> = search.partners.iter().map(|p| partner_id_text(*p)).collect();
        query.push(" AND partner_id = ANY(").push_bind(partners).push(")");
    }
    if let Some(scan_ref) = &search.scan_ref {
        query.push(" AND scan_ref = ").push_bind(lookup(scan_ref.as_str())?.to_owned());
    }
    if let Some(client_id) = &search.client_id {
        query.push(" AND client_id = ").push_bind(client_id.clone());
    }
    if let Some(status) = search.status {
        query.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(from) = search.created_from {
        query.push(" AND created_at >= ").push_bind(to_ms(from));
    }
    if let Some(before) = search.created_before {
        query.push(" AND created_at < ").push_bind(to_ms(before));
    }
    let limit = kycd_store::codec::list_limit(search.limit);
    query.push(" ORDER BY created_at DESC LIMIT ").push_bind(limit);
    Some(query)
}
