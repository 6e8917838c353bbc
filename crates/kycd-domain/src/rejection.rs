//! The refusals a rule can produce, named by the spec's error identifiers. Turning them into HTTP
//! is the server's job (one place); this module only says *what* was wrong and why.

use std::fmt;

/// Error identifiers of the reference §3.2, plus `PARTNER_ERROR` used by /delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Identifier {
    InternalError,
    BadValue,
    MissingValue,
    Unauthorized,
    EncodingError,
    JsonError,
    TokenNotValid,
    PartnerContractError,
    MethodNotAllowed,
    PermissionsError,
    TooManyRequests,
    ValidationError,
    PartnerError,
    NotFound,
}

impl Identifier {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InternalError => "INTERNAL_ERROR",
            Self::BadValue => "BAD_VALUE",
            Self::MissingValue => "MISSING_VALUE",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::EncodingError => "ENCODING_ERROR",
            Self::JsonError => "JSON_ERROR",
            Self::TokenNotValid => "TOKEN_NOT_VALID",
            Self::PartnerContractError => "PARTNER_CONTRACT_ERROR",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::PermissionsError => "PERMISSIONS_ERROR",
            Self::TooManyRequests => "TOO_MANY_REQUESTS",
            Self::ValidationError => "VALIDATION_ERROR",
            Self::PartnerError => "PARTNER_ERROR",
            Self::NotFound => "NOT_FOUND",
        }
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request refused by a domain rule: the identifier and a message naming the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{identifier}: {message}")]
pub struct Rejection {
    pub identifier: Identifier,
    pub message: String,
}

impl Rejection {
    pub fn new(identifier: Identifier, message: impl Into<String>) -> Self {
        Self { identifier, message: message.into() }
    }
    pub fn bad_value(message: impl Into<String>) -> Self {
        Self::new(Identifier::BadValue, message)
    }
    pub fn missing(field: &str) -> Self {
        Self::new(Identifier::MissingValue, format!("Field '{field}' is required."))
    }
    pub fn contract(message: impl Into<String>) -> Self {
        Self::new(Identifier::PartnerContractError, message)
    }
}
