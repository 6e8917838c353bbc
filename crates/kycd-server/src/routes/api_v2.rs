//! iDenfy-compatible partner endpoints under /api/v2.

pub mod token;

use crate::AppState;
use axum::{Router, routing::post};

pub fn router() -> Router<AppState> {
    Router::new().route("/token", post(token::create_token))
}
