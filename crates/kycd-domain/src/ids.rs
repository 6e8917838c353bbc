//! Newtypes for identifiers, so a scanRef can never be passed where a clientId is expected.

use rand::{Rng, distr::Alphanumeric};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value already known to be valid (read back from the store).
            pub fn from_trusted(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// The verification's id on the wire: a UUID string (≤ 36 chars).
    ScanRef
);
string_id!(
    /// The single-use token handed to the end user's browser or SDK: 40 alphanumeric chars.
    AuthToken
);
string_id!(
    /// The partner's own id for the person (≤ 100 ASCII chars).
    ClientId
);
string_id!(
    /// The 8-digit code typed into the mobile app instead of the token.
    DigitString
);
string_id!(
    /// A webhook event's id, sent as Standard Webhooks' `webhook-id` and stable across retries:
    /// `msg_` and a UUID v7 in simple form, so ids sort in creation order.
    WebhookId
);

impl ScanRef {
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }
}

impl WebhookId {
    pub fn generate() -> Self {
        Self(format!("msg_{}", uuid::Uuid::now_v7().simple()))
    }
}

impl AuthToken {
    pub const LEN: usize = 40;
    pub fn generate() -> Self {
        Self(random_alphanumeric(Self::LEN))
    }
}

impl DigitString {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        Self((0..8).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect())
    }
}

/// A partner's internal id (never shown on the partner API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PartnerId(pub uuid::Uuid);

impl PartnerId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

impl fmt::Display for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A review-console operator (a person of the operator's staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct OperatorId(pub uuid::Uuid);

impl OperatorId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

impl fmt::Display for OperatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Random `[A-Za-z0-9]` string from the thread's CSPRNG.
pub fn random_alphanumeric(len: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_have_the_wire_shapes() {
        let token = AuthToken::generate();
        assert_eq!(token.as_str().len(), 40);
        assert!(token.as_str().chars().all(|c| c.is_ascii_alphanumeric()));
        let digits = DigitString::generate();
        assert_eq!(digits.as_str().len(), 8);
        assert!(digits.as_str().chars().all(|c| c.is_ascii_digit()));
        let scan_ref = ScanRef::generate();
        assert!(uuid::Uuid::parse_str(scan_ref.as_str()).is_ok());
        assert_ne!(AuthToken::generate(), token);
        let webhook = WebhookId::generate();
        let uuid = webhook.as_str().strip_prefix("msg_").unwrap();
        assert_eq!(uuid.len(), 32);
        assert!(uuid::Uuid::parse_str(uuid).is_ok());
    }
}
