//! kycd's pure rules: the vocabulary of the iDenfy v2 API, value types that parse, the token-request
//! rules, the verification lifecycle and the clock. Nothing here performs I/O (no sockets, no
//! database, no files), so every rule can be tested in isolation.

pub mod auto_result;
pub mod clock;
pub mod console;
pub mod countries;
pub mod custom_settings;
pub mod document_check;
pub mod dummy;
pub mod environment;
pub mod face_check;
pub mod fair_share;
pub mod fields;
pub mod flow;
pub mod handoff;
pub mod ids;
pub mod lifecycle;
pub mod rejection;
pub mod result;
pub mod sandbox;
pub mod screening;
pub mod token_request;
pub mod vocabulary;

pub use clock::{Clock, FakeClock, SystemClock};
pub use environment::Environment;
pub use ids::{AuthToken, ClientId, DigitString, OperatorId, PartnerId, ScanRef};
pub use rejection::{Identifier, Rejection};
