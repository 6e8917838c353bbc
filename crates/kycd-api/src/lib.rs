//! kycd's wire types: the exact JSON shapes of iDenfy's API v2 as kycd sends them, the error body,
//! and the OpenAPI schemas that document them. No behaviour lives here beyond shaping data.
//! Request structs exist only to document bodies: the server parses requests with
//! `kycd_domain::fields` and the token rules, so errors keep the spec's identifiers and messages.

pub mod blocklist;
pub mod error_body;
pub mod health;
pub mod sandbox;
pub mod token;
pub mod verification;
pub mod vocabulary;

pub use error_body::{ErrorBody, ExtendedErrorBody};
pub use health::Health;
pub use verification::{
    DataResponse, FilesResponse, ProcessRequest, ScanRefRequest, StatusResponse,
};
