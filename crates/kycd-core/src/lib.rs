//! kycd's services: what every front end calls — the partner API, the CLI, and (soon) the hosted
//! flow, the analysis jobs and the review console. Each module is named after what it does and
//! owns its rules' orchestration: a front end extracts its input, calls one function here and maps
//! the result. No HTTP, no command line, no SQL: the store and the file store come in [`Services`].

pub mod analysis;
pub mod audit;
pub mod blocklists;
pub mod error;
pub mod files;
pub mod flow;
pub mod health;
pub mod maintenance;
pub mod operators;
pub mod oversight;
pub mod partners;
pub mod review;
pub mod sample_images;
pub mod sandbox;
pub mod screening;
pub mod secrets;
pub mod sweeper;
pub mod totp;
pub mod verifications;
pub mod webhooks;

pub use error::{CoreError, CoreResult};

use kycd_domain::{Clock, Environment};
use kycd_store::Store;
use std::sync::Arc;
use tokio::sync::Notify;

/// What the services work with. Cheap to clone (all shared).
#[derive(Debug, Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub files: files::FileStore,
    pub links: files::LinkSigner,
    pub policy: Arc<DataPolicy>,
    /// Woken after a commit that queued webhooks, so delivery starts at once.
    pub webhook_wake: Arc<Notify>,
    /// Woken after a submission queued an analysis job, so analysis starts at once.
    pub analysis_wake: Arc<Notify>,
    /// Base URL for links, without a trailing slash.
    pub public_url: Arc<str>,
    /// The review SLA and which partners need a second reviewer.
    pub review: Arc<kycd_domain::console::ReviewPolicy>,
}

impl Services {
    /// Wakes the delivery worker after a commit that queued webhooks.
    pub(crate) fn wake_worker(&self) {
        self.webhook_wake.notify_one();
    }

    /// Wakes the analysis runner after a submission queued a job.
    pub(crate) fn wake_analysis(&self) {
        self.analysis_wake.notify_one();
    }
}

/// Rules for reading and keeping personal data.
#[derive(Debug, Clone)]
pub struct DataPolicy {
    /// /api/v2/status calls allowed per verification and window (0 = no limit).
    pub status_poll_limit: i64,
    pub status_poll_window: time::Duration,
    /// How long each environment keeps verification data (None = forever).
    pub retention: Vec<(Environment, Option<time::Duration>)>,
}

impl Default for DataPolicy {
    fn default() -> Self {
        use Environment as E;
        Self {
            status_poll_limit: 10,
            status_poll_window: time::Duration::minutes(1),
            retention: vec![
                (E::Dev, Some(time::Duration::days(7))),
                (E::Test, Some(time::Duration::days(14))),
                (E::Demo, Some(time::Duration::days(14))),
                (E::Prod, None),
            ],
        }
    }
}
