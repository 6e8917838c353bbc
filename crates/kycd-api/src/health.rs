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
