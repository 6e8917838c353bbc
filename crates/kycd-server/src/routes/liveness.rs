//! GET /health/live: the process answers. No I/O, so a database outage does not get a node
//! restarted; /health/ready says whether it can work.

use axum::Json;
use kycd_api::Health;

/// Liveness: 200 while the process serves requests.
#[utoipa::path(get, path = "/health/live", tag = "Operations",
    responses((status = 200, description = "The process is serving requests (nothing else is checked)", body = Health)))]
pub async fn live() -> Json<Health> {
    Json(Health::OK)
}
