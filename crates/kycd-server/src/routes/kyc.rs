//! iDenfy's `/kyc/...` partner endpoints (OAS): the blocklists.

pub mod blocklists;

use crate::AppState;
use axum::{Router, routing::post};

pub fn router() -> Router<AppState> {
    let blocklist = post(blocklists::add).delete(blocklists::remove);
    Router::new()
        // The OAS path ends in a slash; clients that drop it are served alike.
        .route("/identifications/{scan_ref}/blocklists/{source}/", blocklist.clone())
        .route("/identifications/{scan_ref}/blocklists/{source}", blocklist)
}
