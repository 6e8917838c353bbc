//! [`FaceStore`]: the faces found in verifications (embeddings, sealed at rest like images) and
//! each partner's blocklists. Faces are searched page by page in storage order (duplicates) or as
//! the blocklist's few (blocklist hits); people on the blocklist are found by keyed digests of
//! their keys, never by reading the data. Everything of a verification here goes with its purge.

use crate::{
    BlocklistAddition, BlocklistEntry, FacePage, FacesFound, StoreResult, StoredFace,
    VerificationChange,
};
use async_trait::async_trait;
use kycd_domain::{PartnerId, ScanRef, vocabulary::BlocklistSource};

#[async_trait]
pub trait FaceStore: Send + Sync {
    /// Stores the verification's faces, replacing any stored for it — only while it is ACTIVE
    /// (being analysed), so a purged verification never gets faces back. False, storing
    /// nothing, otherwise.
    async fn record_faces(&self, found: &FacesFound) -> StoreResult<bool>;

    /// The faces stored for one of the partner's verifications.
    async fn faces_of(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
    ) -> StoreResult<Vec<StoredFace>>;

    /// One page of the partner's stored faces (see [`FacePage`]).
    async fn face_page(&self, page: &FacePage) -> StoreResult<Vec<StoredFace>>;

    /// The stored faces the partner's face blocklist holds: the selfie of each SELFIE entry,
    /// the portrait of each DOCUMENT entry.
    async fn blocklisted_faces(&self, partner: PartnerId) -> StoreResult<Vec<StoredFace>>;

    /// The partner's verifications whose DOCUMENT_INFO entry has any of these key digests.
    async fn blocklisted_people(
        &self,
        partner: PartnerId,
        digests: &[[u8; 32]],
    ) -> StoreResult<Vec<ScanRef>>;

    /// Puts a verification on a blocklist (replacing the reason when it is on it already)
    /// together with its changed result, only if the change's compare-and-set holds. False,
    /// writing nothing, otherwise.
    async fn add_to_blocklist(&self, addition: &BlocklistAddition) -> StoreResult<bool>;

    async fn blocklist_entry(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        source: BlocklistSource,
    ) -> StoreResult<Option<BlocklistEntry>>;

    /// Takes a verification off a blocklist with its changed result, if the change's
    /// compare-and-set holds. False, writing nothing, otherwise (or when it was not on it).
    async fn remove_from_blocklist(
        &self,
        source: BlocklistSource,
        change: &VerificationChange,
    ) -> StoreResult<bool>;
}
