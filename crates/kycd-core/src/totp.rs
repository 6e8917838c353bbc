//! Time-based one-time passwords (RFC 6238) for the console's optional second factor: HMAC-SHA-1,
//! 30-second steps, 6 digits — what authenticator apps compute from an `otpauth://` URI. A code
//! is accepted for the step before and after the current one (clock drift), and each step only
//! once per operator (the store keeps the last one used).

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now that are accepted.
pub const DRIFT_STEPS: i64 = 1;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// The 6-digit code of `step` (unix time / 30).
pub fn code(secret: &[u8], step: i64) -> u32 {
    // HMAC takes a key of any length.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else { return u32::MAX };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let word = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    (word & 0x7fff_ffff) % 1_000_000
}

/// The step at unix time `seconds`.
pub fn step_at(seconds: i64) -> i64 {
    seconds.div_euclid(STEP_SECONDS)
}

/// The step within the drift window whose code `presented` is (6 digits, spaces ignored).
pub fn matching_step(secret: &[u8], presented: &str, now_seconds: i64) -> Option<i64> {
    let digits: String = presented.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = digits.parse().ok()?;
    let now = step_at(now_seconds);
    // Compare every candidate, so the time taken does not say which one matched.
    let mut found = None;
    for step in now - DRIFT_STEPS..=now + DRIFT_STEPS {
        let same: bool = subtle::ConstantTimeEq::ct_eq(&code(secret, step), &wanted).into();
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The secret as authenticator apps take it (base32, no padding).
pub fn secret_text(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// The `otpauth://` URI an authenticator app reads (as a QR code or pasted).
pub fn uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = url::form_urlencoded::byte_serialize(format!("{issuer}:{account}").as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let issuer_param: String = url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect();
    format!(
        "otpauth://totp/{label}?secret={}&issuer={issuer_param}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
        secret_text(secret)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 key, the last 6 of its 8 digits.
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, expected) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
            (20_000_000_000, 353_130),
        ] {
            assert_eq!(code(secret, step_at(time)), expected, "t = {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_further() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111;
        let current = format!("{:06}", code(secret, step_at(now)));
        assert_eq!(matching_step(secret, &current, now), Some(step_at(now)));
        let previous = format!("{:06}", code(secret, step_at(now) - 1));
        assert_eq!(matching_step(secret, &previous, now), Some(step_at(now) - 1));
        let old = format!("{:06}", code(secret, step_at(now) - 2));
        assert_eq!(matching_step(secret, &old, now), None);
        assert_eq!(matching_step(secret, "12345", now), None, "five digits");
        assert_eq!(matching_step(secret, "abcdef", now), None);
        let spaced = format!("{} {}", &current[..3], &current[3..]);
        assert_eq!(matching_step(secret, &spaced, now), Some(step_at(now)));
    }

    #[test]
    fn the_uri_names_the_account_and_carries_the_base32_secret() {
        let uri = uri("kycd", "rita", b"12345678901234567890");
        assert_eq!(
            uri,
            "otpauth://totp/kycd%3Arita?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=kycd&algorithm=SHA1&digits=6&period=30"
        );
    }
}
