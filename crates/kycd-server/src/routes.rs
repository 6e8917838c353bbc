//! The route table. One file per endpoint under `routes/`.

pub mod api_v2;
pub mod docs;
pub mod files;
pub mod health;
pub mod kyc;
pub mod liveness;
pub mod metrics;
pub mod readiness;
pub mod sandbox;

use crate::AppState;
use axum::{Router, routing::get};

/// The API, the hosted flow and (with `console`) the review console.
pub fn router(console: bool) -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/health/live", get(liveness::live))
        .route("/health/ready", get(readiness::ready))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::reference_page))
        .route("/sandbox/samples/{file}", get(sandbox::sample_image))
        .route("/files/{scan_ref}/{kind}", get(files::download))
        .nest("/api/v2", api_v2::router())
        .nest("/kyc", kyc::router())
        .merge(crate::ui::router(console))
}
