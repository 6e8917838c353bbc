//! [`SandboxStore`] on SQLite: the sandbox's queries over `verifications` and `webhook_events`.

use crate::{SqliteStore, codec, db};
use async_trait::async_trait;
use kycd_domain::{
    PartnerId, ScanRef, ids::WebhookId, result::VerificationResult, vocabulary::OverallStatus,
};
use kycd_store::codec::{duration_ms, partner_id_text, seal_result, to_ms};
use kycd_store::{Delivery, SandboxStore, StoreResult, Verification};
use time::OffsetDateTime;

#[async_trait]
impl SandboxStore for SqliteStore {
    async fn verifications_with_status(
        &self,
        status: OverallStatus,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let rows =
            sqlx::query("SELECT * FROM verifications WHERE status = ? ORDER BY updated_at LIMIT ?")
                .bind(status.as_str())
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }

    async fn shift_verification_times(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        by: time::Duration,
        result: Option<&VerificationResult>,
    ) -> StoreResult<bool> {
        let ms = duration_ms(by);
        let result = result.map(|r| seal_result(&self.ring, scan_ref, r)).transpose()?;
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE verifications SET created_at = created_at - ?, token_expires_at = token_expires_at - ?,
                updated_at = updated_at - ?, result = COALESCE(?, result)
             WHERE scan_ref = ? AND partner_id = ?",
        )
        .bind(ms)
        .bind(ms)
        .bind(ms)
        .bind(result)
        .bind(scan_ref.as_str())
        .bind(partner_id_text(partner))
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(changed > 0)
    }

    async fn partner_events_since(
        &self,
        partner: PartnerId,
        since: OffsetDateTime,
        after_id: Option<&WebhookId>,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>> {
        let after_id = after_id.map(WebhookId::as_str);
        let rows = sqlx::query(
            "SELECT * FROM webhook_events WHERE partner_id = ?
               AND (created_at > ? OR (created_at = ? AND (? IS NULL OR id > ?)))
             ORDER BY created_at, id LIMIT ?",
        )
        .bind(partner_id_text(partner))
        .bind(to_ms(since))
        .bind(to_ms(since))
        .bind(after_id)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::delivery(r, &self.ring)).collect()
    }

    async fn delete_partner_verifications(
        &self,
        partner: PartnerId,
        limit: i64,
    ) -> StoreResult<Vec<ScanRef>> {
        let id = partner_id_text(partner);
        let mut tx = self.write_tx().await?;
        // The same batch in every statement: nothing else writes inside this transaction.
        const BATCH: &str =
            "SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2";
        let scan_refs: Vec<String> = sqlx::query_scalar(BATCH)
            .bind(&id)
            .bind(limit.max(1))
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        let statements: &[&str] = if scan_refs.is_empty() {
            &[
                "DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM webhook_events WHERE partner_id = ?1)",
                "DELETE FROM webhook_events WHERE partner_id = ?1",
                "DELETE FROM analysis_jobs WHERE partner_id = ?1",
            ]
        } else {
            &[
                "DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM webhook_events WHERE partner_id = ?1 AND scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2))",
                "DELETE FROM webhook_events WHERE partner_id = ?1 AND scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2)",
                "DELETE FROM analysis_jobs WHERE scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2)",
                "DELETE FROM face_embeddings WHERE scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2)",
                "DELETE FROM blocklist_person_keys WHERE scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2)",
                "DELETE FROM blocklist_entries WHERE scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2)",
                "DELETE FROM review_proposals WHERE scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2)",
                "DELETE FROM verifications WHERE scan_ref IN (SELECT scan_ref FROM verifications WHERE partner_id = ?1 ORDER BY scan_ref LIMIT ?2)",
            ]
        };
        for statement in statements {
            sqlx::query(statement)
                .bind(&id)
                .bind(limit.max(1))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(scan_refs.into_iter().map(ScanRef::from_trusted).collect())
    }
}
