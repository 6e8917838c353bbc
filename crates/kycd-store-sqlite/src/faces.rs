//! [`FaceStore`] on SQLite: `face_embeddings`, `blocklist_entries` and `blocklist_person_keys`.

use crate::verifications::{apply_change, seal_change};
use crate::{SqliteStore, codec, db};
use async_trait::async_trait;
use kycd_domain::{PartnerId, ScanRef, vocabulary::BlocklistSource};
use kycd_store::codec::{partner_id_text, seal_blocklist_entry, seal_embedding, to_ms};
use kycd_store::{
    BlocklistAddition, BlocklistEntry, FacePage, FaceStore, FacesFound, StoreResult, StoredFace,
    VerificationChange,
};
use sqlx::Row;

#[async_trait]
impl FaceStore for SqliteStore {
    async fn record_faces(&self, found: &FacesFound) -> StoreResult<bool> {
        let partner = partner_id_text(found.partner_id);
        let mut tx = self.write_tx().await?;
        let active: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM verifications WHERE scan_ref = ? AND partner_id = ? AND status = 'ACTIVE'",
        )
        .bind(found.scan_ref.as_str())
        .bind(&partner)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if active.is_none() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM face_embeddings WHERE scan_ref = ?")
            .bind(found.scan_ref.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for face in &found.faces {
            sqlx::query(
                "INSERT INTO face_embeddings (partner_id, scan_ref, client_id, origin, embedding,
                    created_at)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&partner)
            .bind(found.scan_ref.as_str())
            .bind(found.client_id.as_str())
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
        let rows = sqlx::query(
            "SELECT id, scan_ref, origin, embedding FROM face_embeddings
             WHERE partner_id = ? AND scan_ref = ? ORDER BY id",
        )
        .bind(partner_id_text(partner))
        .bind(scan_ref.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| codec::stored_face(r, &self.ring)).collect()
    }

    async fn face_page(&self, page: &FacePage) -> StoreResult<Vec<StoredFace>> {
        let rows = sqlx::query(
            "SELECT id, scan_ref, origin, embedding FROM face_embeddings
             WHERE partner_id = ? AND origin = ? AND id > ? AND client_id <> ?
             ORDER BY id LIMIT ?",
        )
        .bind(partner_id_text(page.partner_id))
        .bind(page.origin.as_str())
        .bind(page.after)
        .bind(page.other_than.as_str())
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
             WHERE b.partner_id = ? AND b.source IN ('SELFIE', 'DOCUMENT')
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
        let mut found: Vec<ScanRef> = Vec::new();
        for digest in digests {
            let rows = sqlx::query(
                "SELECT scan_ref FROM blocklist_person_keys WHERE partner_id = ? AND digest = ?
                 ORDER BY scan_ref",
            )
            .bind(partner_id_text(partner))
            .bind(digest.as_slice())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            for row in rows {
                let scan_ref = ScanRef::from_trusted(row.try_get::<String, _>(0).map_err(db)?);
                if !found.contains(&scan_ref) {
                    found.push(scan_ref);
                }
            }
        }
        Ok(found)
    }

    async fn add_to_blocklist(&self, addition: &BlocklistAddition) -> StoreResult<bool> {
        let entry = &addition.entry;
        let sealed = seal_blocklist_entry(&self.ring, entry)?;
        let change = seal_change(&self.ring, &addition.change)?;
        let partner = partner_id_text(entry.partner_id);
        let mut tx = self.write_tx().await?;
        if !apply_change(&mut tx, &change).await? {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO blocklist_entries (scan_ref, source, partner_id, reason, person, created_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (scan_ref, source) DO UPDATE SET reason = excluded.reason,
                person = excluded.person",
        )
        .bind(entry.scan_ref.as_str())
        .bind(entry.source.as_str())
        .bind(&partner)
        .bind(sealed.reason)
        .bind(sealed.person)
        .bind(to_ms(entry.created_at))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if entry.source == BlocklistSource::DocumentInfo {
            sqlx::query("DELETE FROM blocklist_person_keys WHERE scan_ref = ?")
                .bind(entry.scan_ref.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            for digest in &addition.person_digests {
                sqlx::query(
                    "INSERT OR IGNORE INTO blocklist_person_keys (partner_id, digest, scan_ref)
                     VALUES (?, ?, ?)",
                )
                .bind(&partner)
                .bind(digest.as_slice())
                .bind(entry.scan_ref.as_str())
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
        let row = sqlx::query(
            "SELECT * FROM blocklist_entries WHERE partner_id = ? AND scan_ref = ? AND source = ?",
        )
        .bind(partner_id_text(partner))
        .bind(scan_ref.as_str())
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
        let sealed = seal_change(&self.ring, change)?;
        let mut tx = self.write_tx().await?;
        let removed = sqlx::query(
            "DELETE FROM blocklist_entries WHERE partner_id = ? AND scan_ref = ? AND source = ?",
        )
        .bind(partner_id_text(change.partner_id))
        .bind(change.scan_ref.as_str())
        .bind(source.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if removed == 0 || !apply_change(&mut tx, &sealed).await? {
            return Ok(false);
        }
        if source == BlocklistSource::DocumentInfo {
            sqlx::query("DELETE FROM blocklist_person_keys WHERE scan_ref = ?")
                .bind(change.scan_ref.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}
