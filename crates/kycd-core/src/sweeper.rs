//! The periodic sweep: expires tokens that ran out, applies scheduled reviews whose time has come,
//! and deletes data past its environment's retention. Safe on several nodes at once: each change
//! is compare-and-set, so a token expires (and its webhook is queued) once.

use crate::{Services, sandbox, verifications};
use kycd_domain::vocabulary::OverallStatus;
use std::time::Duration;
use tokio::sync::watch;
use tracing::Instrument;

/// How many verifications one pass looks at per kind of work.
const BATCH: i64 = 500;
const RETENTION_BATCH: i64 = 200;

/// Sweeps every `interval` until `stop` turns true.
pub async fn run(core: Services, interval: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        sweep_once(&core).await;
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One pass of every sweep; failures are logged and retried on the next pass.
pub async fn sweep_once(core: &Services) {
    sweep_retention(core).await;
    sweep_reviews(core).await;
    sweep_expirations(core).await;
}

async fn sweep_expirations(core: &Services) {
    match core.store.due_expirations(core.clock.now(), BATCH).await {
        Ok(due) => {
            for verification in due {
                let span = tracing::info_span!("expire", scan_ref = %verification.scan_ref);
                if let Err(error) =
                    verifications::expire(core, &verification).instrument(span).await
                {
                    tracing::warn!(%error, "expiring a verification failed");
                }
            }
        }
        Err(error) => tracing::warn!(%error, "looking for expired tokens failed"),
    }
}

/// Deletes the data of verifications past their environment's retention, as /api/v2/delete would.
async fn sweep_retention(core: &Services) {
    let now = core.clock.now();
    for (environment, keep) in core.policy.retention.clone() {
        let Some(keep) = keep else { continue };
        let due = match core
            .store
            .retention_candidates(environment, now - keep, RETENTION_BATCH)
            .await
        {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, %environment, "looking for verifications past retention failed");
                continue;
            }
        };
        for verification in due {
            let span = tracing::info_span!("retention", scan_ref = %verification.scan_ref);
            match verifications::delete_data(core, &verification).instrument(span).await {
                Ok(_) => {
                    tracing::info!(scan_ref = %verification.scan_ref, %environment, "retention deleted verification data")
                }
                Err(error) => tracing::warn!(%error, "retention delete failed"),
            }
        }
    }
}

/// Applies scheduled manual reviews whose time has come (sandbox scenarios), sending
/// IDENTIFICATION_MANUAL_FINISHED.
async fn sweep_reviews(core: &Services) {
    let reviewing =
        match core.store.verifications_with_status(OverallStatus::Reviewing, BATCH).await {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(%error, "looking for scheduled reviews failed");
                return;
            }
        };
    let now = core.clock.now();
    for verification in reviewing {
        let Ok(Some((result, review))) = sandbox::due_review(&verification, now) else {
            continue;
        };
        let span = tracing::info_span!("review", scan_ref = %verification.scan_ref);
        if let Err(error) =
            sandbox::apply_review(core, &verification, result, &review, now).instrument(span).await
        {
            tracing::warn!(%error, "applying a scheduled review failed");
        }
    }
}
