//! [`FaceStore`] on PostgreSQL: `face_embeddings`, `blocklist_entries` and
//! `blocklist_person_keys`.

use crate::codec::{self, lookup};
use crate::verifications::apply_change;
use crate::{PostgresStore, db};
use async_trait::async_trait;
use kycd_domain::{PartnerId, ScanRef, vocabulary::BlocklistSource};
use kycd_store::codec::{partner_id_text, seal_blocklist_entry, seal_embedding, to_ms};
use kycd_store::{
    BlocklistAddition, BlocklistEntry, FacePage, FaceStore, FacesFound, StoreResult, StoredFace,
    VerificationChange,
};

#[async_trait]
impl FaceStore for PostgresStore {
    async fn record_faces(&self, found: &FacesFound) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(found.scan_ref.as_str()) else { return Ok(false) };
        let partner = partner_id_text(found.partner_id);
        let mut tx = self.tx().await?;
        // The row lock holds off a purge until these faces are committed; the purge then
        // removes them.
        let active: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM verifications WHERE scan_ref = $1 AND partner_id = $2
                AND status = 'ACTIVE' FOR UPDATE",
        )
        .bind(scan_ref)
        .bind(&partner)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if active.is_none() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM face_embeddings WHERE scan_ref = $1")
            .bind(scan_ref)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for face in &found.faces {
            sqlx::query(
                "INSERT INTO face_embeddings (partner_id, scan_ref, client_id, origin, embedding,
                    created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&partner)
            .bind(scan_ref)
            .bind(codec::text(found.client_id.as_str()))
            .bind(face.origin.as_str())
            .bind(seal_embedding(&self.ring, &found.scan_ref, face.origin, &face.embedding))
            .bind(to_ms(found.at))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn faces_of(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Vec<StoredFace>> {
        let Some(scan_ref) = lookup(scan_ref.as_str()) else { return Ok(Vec::new()) };
        let rows = sqlx::query(
            "SELECT id, scan_ref, origin, embedding FROM face_embeddings
             WHERE partner_id = $1 AND scan_ref = $2 ORDER BY id",
        )
        .bind(partner_id_text(partner))
        .bind(scan_ref)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::stored_face(r, &self.ring)).collect()
    }

    async fn face_page(&self, page: &FacePage) -> StoreResult<Vec<StoredFace>> {
        let rows = sqlx::query(
            "SELECT id, scan_ref, origin, embedding FROM face_embeddings
             WHERE partner_id = $1 AND origin = $2 AND id > $3 AND client_id <> $4
             ORDER BY id LIMIT $5",
        )
        .bind(partner_id_text(page.partner_id))
        .bind(page.origin.as_str())
        .bind(page.after)
        .bind(codec::text(page.other_than.as_str()))
        .bind(page.limit.max(1))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::stored_face(r, &self.ring)).collect()
    }

    async fn blocklisted_faces(&self, partner: PartnerId) -> StoreResult<Vec<StoredFace>> {
        let rows = sqlx::query(
            "SELECT f.id, f.scan_ref, f.origin, f.embedding
             FROM blocklist_entries b
             JOIN face_embeddings f ON f.scan_ref = b.scan_ref AND f.origin = b.source
             WHERE b.partner_id = $1 AND b.source IN ('SELFIE', 'DOCUMENT')
             ORDER BY f.id",
        )
        .bind(partner_id_text(partner))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::stored_face(r, &self.ring)).collect()
    }

    async fn blocklisted_people(
        &self,
        partner: PartnerId,
        digests: &[[u8; 32]],
    ) -> StoreResult<Vec<ScanRef>> {
        let digests: Vec<Vec<u8>> = digests.iter().map(|d| d.to_vec()).collect();
        let found: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT scan_ref FROM blocklist_person_keys
             WHERE partner_id = $1 AND digest = ANY($2) ORDER BY scan_ref",
        )
        .bind(partner_id_text(partner))
        .bind(digests)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(found.into_iter().map(ScanRef::from_trusted).collect())
    }

    async fn add_to_blocklist(&self, addition: &BlocklistAddition) -> StoreResult<bool> {
        let entry = &addition.entry;
        let Some(scan_ref) = lookup(entry.scan_ref.as_str()) else { return Ok(false) };
        let sealed = seal_blocklist_entry(&self.ring, entry)?;
        let partner = partner_id_text(entry.partner_id);
        let mut tx = self.tx().await?;
        if !apply_change(&mut tx, &self.ring, &addition.change).await? {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO blocklist_entries (scan_ref, source, partner_id, reason, person, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (scan_ref, source) DO UPDATE SET reason = excluded.reason,
                person = excluded.person",
        )
        .bind(scan_ref)
        .bind(entry.source.as_str())
        .bind(&partner)
        .bind(sealed.reason)
        .bind(sealed.person)
        .bind(to_ms(entry.created_at))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if entry.source == BlocklistSource::DocumentInfo {
            sqlx::query("DELETE FROM blocklist_person_keys WHERE scan_ref = $1")
                .bind(scan_ref)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            for digest in &addition.person_digests {
                sqlx::query(
                    "INSERT INTO blocklist_person_keys (partner_id, digest, scan_ref)
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(&partner)
                .bind(digest.as_slice())
                .bind(scan_ref)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn blocklist_entry(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        source: BlocklistSource,
    ) -> StoreResult<Option<BlocklistEntry>> {
        let Some(scan_ref) = lookup(scan_ref.as_str()) else { return Ok(None) };
        let row = sqlx::query(
            "SELECT * FROM blocklist_entries WHERE partner_id = $1 AND scan_ref = $2 AND source = $3",
        )
        .bind(partner_id_text(partner))
        .bind(scan_ref)
        .bind(source.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.as_ref().map(|r| codec::blocklist_entry(r, &self.ring)).transpose()
    }

    async fn remove_from_blocklist(
        &self,
        source: BlocklistSource,
        change: &VerificationChange,
    ) -> StoreResult<bool> {
        let Some(scan_ref) = lookup(change.scan_ref.as_str()) else { return Ok(false) };
        let mut tx = self.tx().await?;
        let removed = sqlx::query(
            "DELETE FROM blocklist_entries WHERE partner_id = $1 AND scan_ref = $2 AND source = $3",
        )
        .bind(partner_id_text(change.partner_id))
        .bind(scan_ref)
        .bind(source.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if removed == 0 || !apply_change(&mut tx, &self.ring, change).await? {
            return Ok(false);
        }
        if source == BlocklistSource::DocumentInfo {
            sqlx::query("DELETE FROM blocklist_person_keys WHERE scan_ref = $1")
                .bind(scan_ref)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}
