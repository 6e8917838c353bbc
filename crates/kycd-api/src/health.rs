//! GET /health: the readiness body.

use serde::Serialize;
use utoipa::ToSchema;

/// 200 of GET /health.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

impl Health {
    pub const OK: Self = Self { status: "ok" };
}

/// Body of GET /health/ready: 200 with `status: "ready"` when every check passed, else 503 with
/// `status: "not ready"`; each check is `"ok"` or why it failed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: &'static str,
    /// A committed write to the database.
    #[schema(example = "ok")]
    pub database: String,
    /// An object written, read back and removed.
    #[schema(example = "ok")]
    pub object_store: String,
}
