//! Generating and checking partner secrets. API secrets are high-entropy random strings, so a
//! SHA-256 digest is enough to store them (no slow hash needed); comparisons are constant-time.

use kycd_domain::ids::random_alphanumeric;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const API_KEY_LEN: usize = 32;
/// 48 alphanumeric characters ≈ 285 bits of entropy.
pub const API_SECRET_LEN: usize = 48;
pub const SIGNING_KEY_LEN: usize = 48;

pub fn generate_api_key() -> String {
    random_alphanumeric(API_KEY_LEN)
}

pub fn generate_api_secret() -> String {
    random_alphanumeric(API_SECRET_LEN)
}

pub fn generate_signing_key() -> String {
    random_alphanumeric(SIGNING_KEY_LEN)
}

pub fn sha256(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// True when `presented` hashes to `stored_digest`, compared in constant time.
pub fn secret_matches(presented: &str, stored_digest: &[u8; 32]) -> bool {
    sha256(presented).ct_eq(stored_digest).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_only_the_same_secret() {
        let secret = generate_api_secret();
        assert_eq!(secret.len(), API_SECRET_LEN);
        let digest = sha256(&secret);
        assert!(secret_matches(&secret, &digest));
        assert!(!secret_matches(&format!("{secret}x"), &digest));
        assert!(!secret_matches("", &digest));
    }
}
