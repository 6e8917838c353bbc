//! [`VerificationStore`] on SQLite: the `verifications` table. Creations, status changes and
//! purges go through the group-commit writer, each with its outbox rows (see `outbox`).

use crate::outbox::{insert_events, sealed_events};
use crate::{SqliteStore, codec, db, unique_or_db};
use async_trait::async_trait;
use kycd_domain::{AuthToken, Environment, PartnerId, ScanRef};
use kycd_store::codec::{
    list_limit as codec_limit, partner_id_text, seal_request, seal_result, to_ms,
};
use kycd_store::crypto::KeyRing;
use kycd_store::{
    NewVerification, NewWebhookEvent, StoreError, StoreResult, Verification, VerificationChange,
    VerificationPurge, VerificationStore,
};
use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;

/// The columns of a compare-and-set status update (state changes and purges), owned so a
/// group-commit job can carry them without the record's sealed parts.
struct StatusSwap {
    scan_ref: String,
    partner_id: String,
    expected: &'static str,
    new: &'static str,
    at: i64,
}

/// A status change with its result sealed, ready for the writer.
pub(crate) struct SealedChange {
    swap: StatusSwap,
    result: Option<Vec<u8>>,
}

pub(crate) fn seal_change(
    ring: &KeyRing,
    change: &VerificationChange,
) -> StoreResult<SealedChange> {
    Ok(SealedChange {
        result: change
            .result
            .as_ref()
            .map(|r| seal_result(ring, &change.scan_ref, r))
            .transpose()?,
        swap: StatusSwap {
            scan_ref: change.scan_ref.as_str().to_owned(),
            partner_id: partner_id_text(change.partner_id),
            expected: change.expected_status.as_str(),
            new: change.new_status.as_str(),
            at: to_ms(change.updated_at),
        },
    })
}

/// Compare-and-set of the status (and result): false, changing nothing, when the verification
/// no longer has the expected status.
pub(crate) async fn apply_change(
    conn: &mut SqliteConnection,
    change: &SealedChange,
) -> StoreResult<bool> {
    let swap = &change.swap;
    let changed = sqlx::query(
        "UPDATE verifications SET status = ?, result = COALESCE(?, result), updated_at = ?
         WHERE scan_ref = ? AND partner_id = ? AND status = ?",
    )
    .bind(swap.new)
    .bind(change.result.as_deref())
    .bind(swap.at)
    .bind(&swap.scan_ref)
    .bind(&swap.partner_id)
    .bind(swap.expected)
    .execute(&mut *conn)
    .await
    .map_err(db)?
    .rows_affected();
    Ok(changed > 0)
}

#[async_trait]
impl VerificationStore for SqliteStore {
    async fn create_verification(
        &self,
        v: &NewVerification,
        events: &[NewWebhookEvent],
    ) -> StoreResult<()> {
        let request = seal_request(&self.ring, &v.scan_ref, &v.request)?;
        let result =
            v.result.as_ref().map(|r| seal_result(&self.ring, &v.scan_ref, r)).transpose()?;
        let events = sealed_events(&self.ring, events);
        let (scan_ref, partner_id, client_id, auth_token, digit_string, status) = (
            v.scan_ref.clone(),
            partner_id_text(v.partner_id),
            v.client_id.as_str().to_owned(),
            v.auth_token.as_str().to_owned(),
            v.digit_string.as_ref().map(|d| d.as_str().to_owned()),
            v.status.as_str(),
        );
        let (created_at, expires_at, updated_at) =
            (to_ms(v.created_at), to_ms(v.token_expires_at), to_ms(v.updated_at));
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let spent = sqlx::query(
                        "UPDATE partners SET credits = credits - 1
                         WHERE id = ? AND (credits IS NULL OR credits > 0)",
                    )
                    .bind(&partner_id)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if spent == 0 {
                        return Err(StoreError::NoCredits);
                    }
                    sqlx::query(
                        "INSERT INTO verifications (scan_ref, partner_id, client_id, auth_token,
                            digit_string, status, request, result, created_at, token_expires_at,
                            updated_at)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(scan_ref.as_str())
                    .bind(&partner_id)
                    .bind(client_id)
                    .bind(auth_token)
                    .bind(digit_string)
                    .bind(status)
                    .bind(request)
                    .bind(result)
                    .bind(created_at)
                    .bind(expires_at)
                    .bind(updated_at)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| unique_or_db(e, || format!("verification '{scan_ref}'")))?;
                    insert_events(conn, &events).await
                })
            }))
            .await
    }

    async fn count_verifications(&self, partner: PartnerId) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM verifications WHERE partner_id = ?")
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
        let row = sqlx::query("SELECT * FROM verifications WHERE scan_ref = ? AND partner_id = ?")
            .bind(scan_ref.as_str())
            .bind(partner_id_text(partner))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(|r| codec::verification(r, &self.ring)).transpose()
    }

    async fn verification_by_token(&self, token: &AuthToken) -> StoreResult<Option<Verification>> {
        let row = sqlx::query("SELECT * FROM verifications WHERE auth_token = ?")
            .bind(token.as_str())
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
        let change = seal_change(&self.ring, change)?;
        let events = sealed_events(&self.ring, events);
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    if !apply_change(conn, &change).await? {
                        return Ok(false);
                    }
                    insert_events(conn, &events).await?;
                    Ok(true)
                })
            }))
            .await
    }

    async fn open_verification(
        &self,
        scan_ref: &ScanRef,
        now: OffsetDateTime,
        session_deadline: OffsetDateTime,
    ) -> StoreResult<bool> {
        let scan_ref = scan_ref.as_str().to_owned();
        let (now, deadline) = (to_ms(now), to_ms(session_deadline));
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let opened = sqlx::query(
                        "UPDATE verifications
                         SET opened_at = ?, token_expires_at = ?, updated_at = ?
                         WHERE scan_ref = ? AND status = 'ACTIVE' AND submitted_at IS NULL
                           AND opened_at IS NULL AND token_expires_at > ?",
                    )
                    .bind(now)
                    .bind(deadline)
                    .bind(now)
                    .bind(&scan_ref)
                    .bind(now)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    Ok(opened == 1)
                })
            }))
            .await
    }

    async fn set_handoff_code(
        &self,
        scan_ref: &ScanRef,
        digest: &[u8; 32],
        expires_at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let (scan_ref, digest, expires_at) =
            (scan_ref.as_str().to_owned(), digest.to_vec(), to_ms(expires_at));
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let set = sqlx::query(
                        "UPDATE verifications SET handoff_digest = ?, handoff_expires_at = ?
                         WHERE scan_ref = ? AND status = 'ACTIVE' AND submitted_at IS NULL",
                    )
                    .bind(digest)
                    .bind(expires_at)
                    .bind(&scan_ref)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    Ok(set == 1)
                })
            }))
            .await
    }

    async fn redeem_handoff_code(
        &self,
        digest: &[u8; 32],
        now: OffsetDateTime,
    ) -> StoreResult<Option<Verification>> {
        let (digest, now) = (digest.to_vec(), to_ms(now));
        let row = self
            .writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let row = sqlx::query(
                        "SELECT *, (handoff_expires_at > ? AND status = 'ACTIVE'
                                    AND submitted_at IS NULL) AS usable
                         FROM verifications WHERE handoff_digest = ?",
                    )
                    .bind(now)
                    .bind(&digest)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db)?;
                    if row.is_some() {
                        sqlx::query(
                            "UPDATE verifications
                             SET handoff_digest = NULL, handoff_expires_at = NULL
                             WHERE handoff_digest = ?",
                        )
                        .bind(&digest)
                        .execute(&mut *conn)
                        .await
                        .map_err(db)?;
                    }
                    Ok(row)
                })
            }))
            .await?;
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
        let rows = sqlx::query(
            "SELECT * FROM verifications
             WHERE status = 'ACTIVE' AND submitted_at IS NULL AND token_expires_at <= ?
             ORDER BY token_expires_at LIMIT ?",
        )
        .bind(to_ms(now))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }

    async fn purge_verification(&self, purge: &VerificationPurge) -> StoreResult<bool> {
        let request = seal_request(&self.ring, &purge.scan_ref, &purge.redacted_request)?;
        let swap = StatusSwap {
            scan_ref: purge.scan_ref.as_str().to_owned(),
            partner_id: partner_id_text(purge.partner_id),
            expected: purge.expected_status.as_str(),
            new: purge.new_status.as_str(),
            at: to_ms(purge.at),
        };
        self.writer
            .run(Box::new(move |conn: &mut SqliteConnection| {
                Box::pin(async move {
                    let changed = sqlx::query(
                        "UPDATE verifications SET status = ?, request = ?, result = NULL, last_attempt = NULL,
                            digit_string = NULL, handoff_digest = NULL,
                            handoff_expires_at = NULL, updated_at = ?
                         WHERE scan_ref = ? AND partner_id = ? AND status = ?",
                    )
                    .bind(swap.new)
                    .bind(request)
                    .bind(swap.at)
                    .bind(&swap.scan_ref)
                    .bind(&swap.partner_id)
                    .bind(swap.expected)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if changed == 0 {
                        return Ok(false);
                    }
                    // Faces are biometric data, blocklist entries hold them or the person's data,
                    // a four-eyes proposal holds corrected data: they go with the verification.
                    for table in [
                        "DELETE FROM face_embeddings WHERE scan_ref = ?",
                        "DELETE FROM blocklist_person_keys WHERE scan_ref = ?",
                        "DELETE FROM blocklist_entries WHERE scan_ref = ?",
                        "DELETE FROM review_proposals WHERE scan_ref = ?",
                    ] {
                        sqlx::query(table)
                            .bind(&swap.scan_ref)
                            .execute(&mut *conn)
                            .await
                            .map_err(db)?;
                    }
                    // Webhook bodies carry the same personal data: empty them, and stop pending
                    // deliveries.
                    sqlx::query(
                        "UPDATE webhook_events SET payload = X'',
                            last_error = CASE WHEN state = 'pending' THEN 'verification deleted'
                                ELSE last_error END,
                            state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END,
                            lease_owner = NULL, lease_until = NULL, updated_at = ?
                         WHERE partner_id = ? AND scan_ref = ?",
                    )
                    .bind(swap.at)
                    .bind(&swap.partner_id)
                    .bind(&swap.scan_ref)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    Ok(true)
                })
            }))
            .await
    }

    async fn reviewing_verifications(
        &self,
        partners: &[PartnerId],
        limit: i64,
    ) -> StoreResult<Vec<Verification>> {
        let partners: Vec<String> = partners.iter().map(|p| partner_id_text(*p)).collect();
        let partners = serde_json::to_string(&partners)
            .map_err(|e| kycd_store::codec::corrupt("partner list", e))?;
        let rows = sqlx::query(
            "SELECT * FROM verifications INDEXED BY verifications_reviewing
             WHERE status = 'REVIEWING'
               AND (?1 = '[]' OR partner_id IN (SELECT value FROM json_each(?1)))
             ORDER BY updated_at, scan_ref LIMIT ?2",
        )
        .bind(partners)
        .bind(codec_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }

    async fn search_verifications(
        &self,
        search: &kycd_store::VerificationSearch,
    ) -> StoreResult<Vec<Verification>> {
        let rows = search_query(search).build().fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }

    async fn verification_stats(
        &self,
        partners: &[PartnerId],
        since: OffsetDateTime,
    ) -> StoreResult<kycd_store::VerificationStats> {
        let partners: Vec<String> = partners.iter().map(|p| partner_id_text(*p)).collect();
        let partners = serde_json::to_string(&partners)
            .map_err(|e| kycd_store::codec::corrupt("partner list", e))?;
        // Through verifications_by_time; the partner test runs on the rows of the window.
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT created_at / 86400000 AS day, status, COUNT(*) FROM verifications
             WHERE created_at >= ?1 AND (?2 = '[]' OR partner_id IN (SELECT value FROM json_each(?2)))
             GROUP BY day, status ORDER BY day, status",
        )
        .bind(to_ms(since))
        .bind(&partners)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let decision_ms: Vec<i64> = sqlx::query_scalar(
            "SELECT updated_at - submitted_at AS took FROM verifications
             WHERE created_at >= ?1 AND (?2 = '[]' OR partner_id IN (SELECT value FROM json_each(?2)))
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
             WHERE p.environment = ? AND v.created_at < ?
               AND v.status NOT IN ('ACTIVE', 'DELETED', 'EXPIRED-DELETED')
             ORDER BY v.created_at LIMIT ?",
        )
        .bind(environment.as_str())
        .bind(to_ms(created_before))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::verification(r, &self.ring)).collect()
    }
}

/// The console's search with only the conditions it has, so each shape uses its index.
pub(crate) fn search_query(
    search: &kycd_store::VerificationSearch,
) -> sqlx::QueryBuilder<'static, sqlx::Sqlite> {
    let mut query = sqlx::QueryBuilder::new("SELECT * FROM verifications WHERE 1 = 1");
    if !search.partners.is_empty() {
        query.push(" AND partner_id IN (");
        let mut list = query.separated(", ");
        for partner in &search.partners {
            list.push_bind(partner_id_text(*partner));
        }
        query.push(")");
    }
    if let Some(scan_ref) = &search.scan_ref {
        query.push(" AND scan_ref = ").push_bind(scan_ref.as_str().to_owned());
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
    query.push(" ORDER BY created_at DESC LIMIT ").push_bind(codec_limit(search.limit));
    query
}
