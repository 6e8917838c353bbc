//! Sandbox power tools under /api/v2/sandbox (DEV partners only; others get 403
//! PERMISSIONS_ERROR with iDenfy's environment message).

pub mod advance;
pub mod events;
pub mod reset;
pub mod scenarios;
pub mod webhooks;

use crate::error::ApiError;
use kycd_domain::{Identifier, Rejection};
use kycd_store::Partner;

pub fn require_dev(partner: &Partner) -> Result<(), ApiError> {
    match partner.environment.dev_only_refusal() {
        Some(message) => Err(Rejection::new(Identifier::PermissionsError, message).into()),
        None => Ok(()),
    }
}
