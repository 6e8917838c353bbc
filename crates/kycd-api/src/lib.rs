//! kycd's wire types: the exact JSON shapes of iDenfy's API v2 as kycd sends them, the error body,
//! and the OpenAPI schemas that document them. No behaviour lives here beyond shaping data.

pub mod error_body;
pub mod token;

pub use error_body::{ErrorBody, ExtendedErrorBody};
