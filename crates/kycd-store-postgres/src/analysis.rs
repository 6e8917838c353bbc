//! [`AnalysisStore`] on PostgreSQL: the `analysis_jobs` table and `verifications.submitted_at`.
//! Jobs are claimed with `FOR UPDATE SKIP LOCKED`, so any number of nodes share the queue.

use crate::codec::{self, lookup, text};
use crate::outbox::insert_event;
use crate::verifications::apply_change;
use crate::{PostgresStore, db, sql_limit};
use async_trait::async_trait;
use kycd_domain::{PartnerId, ScanRef, result::VerificationResult};
use kycd_store::codec::{from_ms, partner_id_text, seal_last_attempt, submission_json, to_ms};
use kycd_store::{
    AnalysisBacklog, AnalysisJob, AnalysisStore, NewWebhookEvent, StoreResult, Submission,
    VerificationChange,
};
use time::OffsetDateTime;

#[async_trait]
impl AnalysisStore for PostgresStore {
    async fn submit_verification(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        submission: &Submission,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(scan_ref.as_str()) else { return Ok(false) };
        let (submission, now) = (submission_json(submission)?, to_ms(now));
        let mut tx = self.tx().await?;
        // The row lock of the UPDATE makes a concurrent submission of the same verification wait
        // and then match nothing (submitted_at is set).
        let marked = sqlx::query(
            "UPDATE verifications SET submitted_at = $1, updated_at = $1
             WHERE scan_ref = $2 AND partner_id = $3 AND status = 'ACTIVE'
               AND submitted_at IS NULL AND token_expires_at > $1",
        )
        .bind(now)
        .bind(scan_ref)
        .bind(partner_id_text(partner))
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if marked == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO analysis_jobs (scan_ref, partner_id, submission, queued_at, attempts,
                next_attempt_at)
             VALUES ($1, $2, $3, $4, 0, $4)",
        )
        .bind(scan_ref)
        .bind(partner_id_text(partner))
        .bind(text(&submission))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn claim_analysis_jobs(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
    ) -> StoreResult<Vec<AnalysisJob>> {
        // As the outbox: rows another node is claiming are skipped, not waited for, and a row
        // claimed since this statement's snapshot no longer matches once locked.
        let rows = sqlx::query(
            "WITH due AS (
                SELECT scan_ref FROM analysis_jobs
                WHERE next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
                ORDER BY queued_at, scan_ref
                LIMIT $4
                FOR UPDATE SKIP LOCKED)
             UPDATE analysis_jobs j
             SET lease_owner = $1, lease_until = $2, attempts = j.attempts + 1
             FROM due WHERE j.scan_ref = due.scan_ref
             RETURNING j.*",
        )
        .bind(text(owner))
        .bind(to_ms(lease_until))
        .bind(to_ms(now))
        .bind(sql_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut claimed = rows.iter().map(codec::analysis_job).collect::<StoreResult<Vec<_>>>()?;
        claimed.sort_by(|a, b| (a.queued_at, &a.scan_ref).cmp(&(b.queued_at, &b.scan_ref)));
        Ok(claimed)
    }

    async fn finish_analysis_job(
        &self,
        scan_ref: &ScanRef,
        change: Option<&VerificationChange>,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool> {
        let Some(key) = lookup(scan_ref.as_str()) else { return Ok(false) };
        let mut tx = self.tx().await?;
        if let Some(change) = change {
            if !apply_change(&mut tx, &self.ring, change).await? {
                return Ok(false);
            }
            for event in events {
                insert_event(&mut tx, &self.ring, event).await?;
            }
        }
        delete_job(&mut tx, key).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn return_analysis_attempt(
        &self,
        scan_ref: &ScanRef,
        result: &VerificationResult,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let Some(key) = lookup(scan_ref.as_str()) else { return Ok(false) };
        let sealed = seal_last_attempt(&self.ring, scan_ref, result)?;
        let mut tx = self.tx().await?;
        let returned = sqlx::query(
            "UPDATE verifications SET submitted_at = NULL, last_attempt = $1,
                attempts_used = attempts_used + 1, updated_at = $2
             WHERE scan_ref = $3 AND status = 'ACTIVE' AND submitted_at IS NOT NULL",
        )
        .bind(sealed)
        .bind(to_ms(now))
        .bind(key)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if returned == 0 {
            return Ok(false);
        }
        delete_job(&mut tx, key).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn retry_analysis_job(
        &self,
        scan_ref: &ScanRef,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> StoreResult<()> {
        let Some(key) = lookup(scan_ref.as_str()) else { return Ok(()) };
        sqlx::query(
            "UPDATE analysis_jobs SET lease_owner = NULL, lease_until = NULL,
                next_attempt_at = $1, last_error = $2
             WHERE scan_ref = $3",
        )
        .bind(to_ms(retry_at))
        .bind(text(error))
        .bind(key)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn analysis_job(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Option<AnalysisJob>> {
        let Some(key) = lookup(scan_ref.as_str()) else { return Ok(None) };
        let row =
            sqlx::query("SELECT * FROM analysis_jobs WHERE scan_ref = $1 AND partner_id = $2")
                .bind(key)
                .bind(partner_id_text(partner))
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        row.as_ref().map(codec::analysis_job).transpose()
    }

    async fn analysis_backlog(&self) -> StoreResult<AnalysisBacklog> {
        let (queued, oldest): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MIN(queued_at) FROM analysis_jobs")
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        Ok(AnalysisBacklog { queued, oldest_queued_at: oldest.map(from_ms).transpose()? })
    }
}

/// Removes a verification's job, inside the caller's transaction.
async fn delete_job(conn: &mut sqlx::PgConnection, scan_ref: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM analysis_jobs WHERE scan_ref = $1")
        .bind(scan_ref)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}
