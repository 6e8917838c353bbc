//! [`AnalysisStore`] on SQLite: the `analysis_jobs` table and `verifications.submitted_at`.
//! Submissions, claims and results go through the group-commit writer, so a claim is atomic and
//! a result commits with its webhooks and the job's removal.

use crate::outbox::{insert_events, sealed_events};
use crate::verifications::{apply_change, seal_change};
use crate::{SqliteStore, codec, db};
use async_trait::async_trait;
use kycd_domain::{PartnerId, ScanRef, result::VerificationResult};
use kycd_store::codec::{from_ms, partner_id_text, seal_last_attempt, submission_json, to_ms};
use kycd_store::{
    AnalysisBacklog, AnalysisJob, AnalysisStore, NewWebhookEvent, StoreResult, Submission,
    VerificationChange,
};
use sqlx::SqliteConnection;
use time::OffsetDateTime;

#[async_trait]
impl AnalysisStore for SqliteStore {
    async fn submit_verification(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        submission: &Submission,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let (scan_ref, partner_id) = (scan_ref.as_str().to_owned(), partner_id_text(partner));
        let (submission, now) = (submission_json(submission)?, to_ms(now));
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let marked = sqlx::query(
                        "UPDATE verifications SET submitted_at = ?, updated_at = ?
                         WHERE scan_ref = ? AND partner_id = ? AND status = 'ACTIVE'
                           AND submitted_at IS NULL AND token_expires_at > ?",
                    )
                    .bind(now)
                    .bind(now)
                    .bind(&scan_ref)
                    .bind(&partner_id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if marked == 0 {
                        return Ok(false);
                    }
                    sqlx::query(
                        "INSERT INTO analysis_jobs (scan_ref, partner_id, submission, queued_at,
                            attempts, next_attempt_at)
                         VALUES (?, ?, ?, ?, 0, ?)",
                    )
                    .bind(&scan_ref)
                    .bind(&partner_id)
                    .bind(&submission)
                    .bind(now)
                    .bind(now)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(true)
                })
            }))
            .await
    }

    async fn claim_analysis_jobs(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        owner: &str,
        limit: i64,
    ) -> StoreResult<Vec<AnalysisJob>> {
        let owner = owner.to_owned();
        let mut claimed = self
            .writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "UPDATE analysis_jobs
                         SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
                         WHERE scan_ref IN (
                            SELECT scan_ref FROM analysis_jobs
                            WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
                            ORDER BY queued_at, scan_ref LIMIT ?)
                         RETURNING *",
                    )
                    .bind(owner)
                    .bind(to_ms(lease_until))
                    .bind(to_ms(now))
                    .bind(to_ms(now))
                    .bind(limit)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db)?;
                    rows.iter().map(codec::analysis_job).collect::<StoreResult<Vec<_>>>()
                })
            }))
            .await?;
        claimed.sort_by(|a, b| (a.queued_at, &a.scan_ref).cmp(&(b.queued_at, &b.scan_ref)));
        Ok(claimed)
    }

    async fn finish_analysis_job(
        &self,
        scan_ref: &ScanRef,
        change: Option<&VerificationChange>,
        events: &[NewWebhookEvent],
    ) -> StoreResult<bool> {
        let change = change.map(|c| seal_change(&self.ring, c)).transpose()?;
        let events = sealed_events(&self.ring, events);
        let scan_ref = scan_ref.as_str().to_owned();
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    if let Some(change) = &change {
                        if !apply_change(conn, change).await? {
                            return Ok(false);
                        }
                        insert_events(conn, &events).await?;
                    }
                    delete_job(conn, &scan_ref).await?;
                    Ok(true)
                })
            }))
            .await
    }

    async fn return_analysis_attempt(
        &self,
        scan_ref: &ScanRef,
        result: &VerificationResult,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let sealed = seal_last_attempt(&self.ring, scan_ref, result)?;
        let (scan_ref, now) = (scan_ref.as_str().to_owned(), to_ms(now));
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let returned = sqlx::query(
                        "UPDATE verifications SET submitted_at = NULL, last_attempt = ?,
                            attempts_used = attempts_used + 1, updated_at = ?
                         WHERE scan_ref = ? AND status = 'ACTIVE' AND submitted_at IS NOT NULL",
                    )
                    .bind(sealed)
                    .bind(now)
                    .bind(&scan_ref)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if returned == 0 {
                        return Ok(false);
                    }
                    delete_job(conn, &scan_ref).await?;
                    Ok(true)
                })
            }))
            .await
    }

    async fn retry_analysis_job(
        &self,
        scan_ref: &ScanRef,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> StoreResult<()> {
        let (scan_ref, error) = (scan_ref.as_str().to_owned(), error.to_owned());
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    sqlx::query(
                        "UPDATE analysis_jobs SET lease_owner = NULL, lease_until = NULL,
                            next_attempt_at = ?, last_error = ?
                         WHERE scan_ref = ?",
                    )
                    .bind(to_ms(retry_at))
                    .bind(error)
                    .bind(scan_ref)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(())
                })
            }))
            .await
    }

    async fn analysis_job(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Option<AnalysisJob>> {
        let row = sqlx::query("SELECT * FROM analysis_jobs WHERE scan_ref = ? AND partner_id = ?")
            .bind(scan_ref.as_str())
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
async fn delete_job(conn: &mut SqliteConnection, scan_ref: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM analysis_jobs WHERE scan_ref = ?")
        .bind(scan_ref)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}
