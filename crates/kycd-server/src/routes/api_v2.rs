//! iDenfy-compatible partner endpoints under /api/v2.

pub mod add_dummy_status;
pub mod token;

use crate::AppState;
use axum::{Router, routing::post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/token", post(token::create_token))
        .route("/add-dummy-status", post(add_dummy_status::add_dummy_status))
}
