//! What a service call can fail with. Front ends decide how a person or a client sees it: the
//! server turns it into HTTP in its `error.rs` alone, the CLI prints it.

use kycd_domain::Rejection;
use kycd_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Refused by a rule, with the rule's identifier and message.
    #[error("{}", .0.message)]
    Rejected(#[from] Rejection),
    #[error("invalid or missing credentials")]
    Unauthorized,
    #[error("partner is disabled")]
    PartnerInactive,
    #[error("no credits left")]
    NoCredits,
    /// The partner's hourly request budget is spent.
    #[error("rate limit of {limit} requests per hour reached; retry after {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64, limit: i64 },
    /// Refused for now by a rule-specific limit (e.g. the status polling guard).
    #[error("{}", .rejection.message)]
    Throttled { retry_after_secs: u64, rejection: Rejection },
    /// An unknown scanRef, or another partner's (indistinguishable on purpose).
    #[error("unknown or foreign scanRef")]
    ScanRefNotFound,
    /// A file link that is malformed, expired or signed for something else.
    #[error("file link refused")]
    LinkRefused,
    /// Something named by id does not exist (the message names it).
    #[error("{0}")]
    NotFound(String),
    /// A hosted-flow link that is unknown, used, expired or no longer at the step asked for.
    #[error("This verification link is no longer valid.")]
    LinkNotValid,
    /// Deleting a verification whose token can still be used.
    #[error("Token has not expired yet.")]
    TokenNotExpired,
    /// Deleting a verification whose submission is still being analysed.
    #[error("The verification is being analysed; delete it once it has a result.")]
    BeingAnalysed,
    /// An operator's input that breaks a rule (CLI and admin calls), with a message naming it.
    #[error("{0}")]
    Invalid(String),
    /// A name or key that is taken.
    #[error("{0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Store(#[source] StoreError),
    #[error("file store: {0}")]
    Files(#[from] crate::files::FileError),
    /// A broken invariant (a bug, or data changed under us more often than retries allow).
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for CoreError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NoCredits => Self::NoCredits,
            other => Self::Store(other),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
