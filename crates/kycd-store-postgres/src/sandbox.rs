//! [`SandboxStore`] on PostgreSQL: the sandbox's queries over `verifications` and
//! `webhook_events`.

use crate::codec::{self, lookup};
use crate::{PostgresStore, db, sql_limit};
use async_trait::async_trait;
use kycd_domain::{
    PartnerId, ScanRef, ids::WebhookId, result::VerificationResult, vocabulary::OverallStatus,
};
use kycd_store::codec::{duration_ms, partner_id_text, seal_result, to_ms};
use kycd_store::{Delivery, SandboxStore, StoreResult, Verification};
use time::OffsetDateTime;

#[async_trait]
impl SandboxStore for PostgresStore {
    async fn verifications_with_status(
        &self,
        status: OverallStatus,
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let rows = sqlx::query(
            "SELECT * FROM verifications WHERE status = $1 ORDER BY updated_at, scan_ref LIMIT $2",
        )
        .bind(status.as_str())
        .bind(sql_limit(limit))
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
        let Some(scan) = lookup(scan_ref.as_str()) else { return Ok(false) };
        let result = result.map(|r| seal_result(&self.ring, scan_ref, r)).transpose()?;
        let changed = sqlx::query(
            "UPDATE verifications SET created_at = created_at - $1,
                token_expires_at = token_expires_at - $1, updated_at = updated_at - $1,
                result = COALESCE($2, result)
             WHERE scan_ref = $3 AND partner_id = $4",
        )
        .bind(duration_ms(by))
        .bind(result)
        .bind(scan)
        .bind(partner_id_text(partner))
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(changed > 0)
    }

    async fn partner_events_since(
        &self,
        partner: PartnerId,
        since: OffsetDateTime,
        after_id: Option<&WebhookId>,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT * FROM webhook_events WHERE partner_id = $1
               AND (created_at > $2 OR (created_at = $2 AND ($3::TEXT IS NULL OR id > $3)))
             ORDER BY created_at, id LIMIT $4",
        )
        .bind(partner_id_text(partner))
        .bind(to_ms(since))
        .bind(after_id.map(WebhookId::as_str).and_then(lookup))
        .bind(sql_limit(limit))
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
        let mut tx = self.tx().await?;
        // The batch's rows are locked, so attempts cannot be recorded for their events meanwhile.
        let scan_refs: Vec<String> = sqlx::query_scalar(
            "SELECT scan_ref FROM verifications WHERE partner_id = $1
             ORDER BY scan_ref LIMIT $2 FOR UPDATE",
        )
        .bind(&id)
        .bind(limit.max(1))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        if scan_refs.is_empty() {
            for statement in [
                "SELECT 1 FROM webhook_events WHERE partner_id = $1 FOR UPDATE",
                "DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM webhook_events WHERE partner_id = $1)",
                "DELETE FROM webhook_events WHERE partner_id = $1",
                "DELETE FROM analysis_jobs WHERE partner_id = $1",
            ] {
                sqlx::query(statement).bind(&id).execute(&mut *tx).await.map_err(db)?;
            }
        } else {
            for statement in [
                "SELECT 1 FROM webhook_events WHERE partner_id = $1 AND scan_ref = ANY($2) FOR UPDATE",
                "DELETE FROM webhook_attempts WHERE event_id IN (SELECT id FROM webhook_events WHERE partner_id = $1 AND scan_ref = ANY($2))",
                "DELETE FROM webhook_events WHERE partner_id = $1 AND scan_ref = ANY($2)",
                "DELETE FROM analysis_jobs WHERE partner_id = $1 AND scan_ref = ANY($2)",
                "DELETE FROM face_embeddings WHERE partner_id = $1 AND scan_ref = ANY($2)",
                "DELETE FROM blocklist_person_keys WHERE partner_id = $1 AND scan_ref = ANY($2)",
                "DELETE FROM blocklist_entries WHERE partner_id = $1 AND scan_ref = ANY($2)",
                "DELETE FROM review_proposals WHERE partner_id = $1 AND scan_ref = ANY($2)",
                "DELETE FROM verifications WHERE partner_id = $1 AND scan_ref = ANY($2)",
            ] {
                sqlx::query(statement)
                    .bind(&id)
                    .bind(&scan_refs)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
        }
        tx.commit().await.map_err(db)?;
        Ok(scan_refs.into_iter().map(ScanRef::from_trusted).collect())
    }
}
