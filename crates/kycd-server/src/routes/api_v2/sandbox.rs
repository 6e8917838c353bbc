//! Sandbox power tools under /api/v2/sandbox (DEV partners only; others get 403
//! PERMISSIONS_ERROR with iDenfy's environment message).

pub mod advance;
pub mod events;
pub mod reset;
pub mod scenarios;
pub mod webhooks;

use crate::error::ApiError;
use kycd_store::Partner;

/// PERMISSIONS_ERROR outside DEV (the rule is kycd-core's).
pub fn require_dev(partner: &Partner) -> Result<(), ApiError> {
    Ok(kycd_core::sandbox::require_dev(partner)?)
}
