//! kycd's storage contract: one focused trait per concern ([`PartnerStore`], [`VerificationStore`],
//! [`OutboxStore`], [`AnalysisStore`], [`FaceStore`], [`OperatorStore`], [`AuditStore`], [`CounterStore`], [`KeyStore`], [`SandboxStore`]), the
//! [`Store`] every backend is (all of them, plus liveness), the records they store, the codec both
//! backends share ([`codec`]) and [`StoreError`]. Backends live in their own crates (SQLite,
//! PostgreSQL), hold only their SQL, and all run the same `conformance` suite (feature `testing`).
//! Every partner-owned read or write takes the partner's id, so no caller can reach another
//! partner's data by accident. Times are always handed in by the caller (from a Clock), never
//! taken from the database.
//!
//! Every method is callable on an `Arc<dyn Store>` (or a `S: Store`) as it is; code calling them
//! on a concrete backend (`SqliteStore`, `PostgresStore`) does `use kycd_store::prelude::*;`.

mod analysis;
mod audit;
mod chaos;
pub mod claiming;
pub mod codec;
mod counters;
pub mod crypto;
mod faces;
mod keys;
mod models;
mod operators;
mod outbox;
mod partners;
mod sandbox;
mod verifications;

#[cfg(feature = "testing")]
pub mod conformance;

pub use analysis::AnalysisStore;
pub use audit::AuditStore;
pub use chaos::ChaosSet;
pub use counters::CounterStore;
pub use faces::FaceStore;
pub use keys::{KeyStore, open_key_ring, rewrap_data_key};
pub use models::*;
pub use operators::OperatorStore;
pub use outbox::OutboxStore;
pub use partners::PartnerStore;
pub use sandbox::SandboxStore;
pub use verifications::VerificationStore;

/// Every store trait, for `use kycd_store::prelude::*;` where store methods are called.
pub mod prelude {
    pub use crate::{
        AnalysisStore, AuditStore, CounterStore, FaceStore, KeyStore, OperatorStore, OutboxStore,
        PartnerStore, SandboxStore, Store, VerificationStore,
    };
}

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error("no credits left")]
    NoCredits,
    #[error("stored data could not be decoded: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database cannot grow (a full disk): nothing of the write was stored; retrying later
    /// may succeed.
    #[error("the database's storage is full: {0}")]
    StorageFull(String),
}

impl StoreError {
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Database(Box::new(error))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A complete backend: every focused store trait, plus what identifies and probes the database.
/// `Arc<dyn Store>` is what the server holds; a function that needs one concern can take
/// `&dyn PartnerStore` (and so on) instead, and be handed the same store.
#[async_trait]
pub trait Store:
    PartnerStore
    + VerificationStore
    + AnalysisStore
    + FaceStore
    + OperatorStore
    + OutboxStore
    + AuditStore
    + CounterStore
    + KeyStore
    + SandboxStore
    + Send
    + Sync
    + std::fmt::Debug
    + 'static
{
    /// "sqlite" or "postgres", for logs and /health.
    fn backend_name(&self) -> &'static str;

    /// Cheap liveness probe of the database connection.
    async fn ping(&self) -> StoreResult<()>;

    /// Commits one small write through the same path as every other write (readiness): fails
    /// when the database cannot commit, as on a full disk or a read-only database.
    async fn probe_write(&self, at: time::OffsetDateTime) -> StoreResult<()>;

    /// Gives the space of deleted rows back (SQLite: `VACUUM`, which rewrites the file and
    /// holds the write lock meanwhile; PostgreSQL: `VACUUM`, which makes it reusable). The
    /// database's size in bytes before and after.
    async fn reclaim_space(&self) -> StoreResult<(i64, i64)>;
}
