//! The error bodies of the reference §3.1.

use serde::Serialize;
use utoipa::ToSchema;

/// Standard error shape: every failure carries an identifier and a human message.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"identifier": "BAD_VALUE", "message": "Field 'country' must be a valid ISO 3166-1 alpha-2 code."}))]
pub struct ErrorBody {
    /// One of the reference §3.2 identifiers (BAD_VALUE, MISSING_VALUE, UNAUTHORIZED, …).
    pub identifier: &'static str,
    /// What failed and why, naming the field and the rule.
    pub message: String,
}

/// Extended shape used by /api/v2/delete and direct processing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExtendedErrorBody {
    pub message: String,
    pub identifier: &'static str,
    pub documentation: &'static str,
    pub severity: &'static str,
}
