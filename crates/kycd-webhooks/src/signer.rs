//! Webhook signatures. `Idenfy-Signature` is the lowercase hex HMAC-SHA256 of the exact body bytes
//! (reference §4.6). Standard Webhooks adds `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "id.timestamp.body">` so receivers can also reject replays. Both use the partner's signing key
//! bytes as the HMAC key.

use base64::Engine;
use hmac::{Hmac, Mac};
use kycd_domain::sandbox::Chaos;
use kycd_store::ChaosSet;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// `Idenfy-Signature`: lowercase hex HMAC-SHA256(key, body).
pub fn idenfy_signature(key: &[u8], body: &[u8]) -> String {
    let mut mac = mac(key);
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// `webhook-signature`: `v1,` + base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}").
pub fn standard_signature(key: &[u8], webhook_id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = mac(key);
    mac.update(webhook_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Constant-time check of an `Idenfy-Signature` value (for receivers written in Rust, and tests).
pub fn verify_idenfy_signature(key: &[u8], body: &[u8], signature_hex: &str) -> bool {
    let Ok(expected) = hex::decode(signature_hex.trim()) else { return false };
    let mut mac = mac(key);
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The headers of one delivery attempt, in the order they are sent.
pub fn headers(
    key: &[u8],
    event_type: &str,
    webhook_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    vec![
        ("content-type", "application/json".to_owned()),
        ("idenfy-event-type", event_type.to_owned()),
        ("idenfy-signature", idenfy_signature(key, body)),
        ("webhook-id", webhook_id.to_owned()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", standard_signature(key, webhook_id, timestamp, body)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BODY: &[u8] = br#"{"final":true,"scanRef":"ec6a7108-8c26-11e9-9758-309c231b1bac"}"#;

    /// Vectors computed independently with Python's `hmac` module:
    /// hmac.new(b"TestingKey", body, hashlib.sha256).hexdigest()
    #[test]
    fn known_vectors_from_an_independent_implementation() {
        assert_eq!(
            idenfy_signature(b"TestingKey", BODY),
            "6530b9b929fd16bd6819558b07d7ae979260448fa86fc16aeecaa8decb9a1308"
        );
        assert_eq!(
            standard_signature(b"TestingKey", "msg_1", 1_700_000_000, BODY),
            "v1,r2Csz/jTciBGyzKtAhUuXwzSq0VJFwWORD9aoyM2moI="
        );
    }

    proptest! {
        #[test]
        fn signatures_verify_and_any_change_breaks_them(key in prop::collection::vec(any::<u8>(), 1..64),
                                                       body in prop::collection::vec(any::<u8>(), 0..256),
                                                       flip in any::<usize>()) {
            let signature = idenfy_signature(&key, &body);
            prop_assert_eq!(signature.len(), 64);
            prop_assert!(signature.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            prop_assert!(verify_idenfy_signature(&key, &body, &signature));
            if !body.is_empty() {
                let mut tampered = body.clone();
                let i = flip % tampered.len();
                tampered[i] ^= 1;
                prop_assert!(!verify_idenfy_signature(&key, &tampered, &signature));
            }
        }
    }
}

/// One attempt as it goes on the wire: headers and body, possibly spoilt on purpose (sandbox
/// chaos), with the labels of what was spoilt for the delivery log.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// Sent twice in a row (DUPLICATE).
    pub send_twice: bool,
    pub labels: Vec<&'static str>,
}

/// Signs `payload` for one attempt at `now_unix`, spoiling it as `chaos` asks (OUT_OF_ORDER acts
/// when the events are written, not here).
pub fn prepare(
    key: &[u8],
    event_type: &str,
    webhook_id: &str,
    now_unix: i64,
    payload: &[u8],
    chaos: &ChaosSet,
) -> Prepared {
    let mut labels = Vec::new();
    let mut timestamp = now_unix;
    if chaos.contains(Chaos::StaleTimestamp) {
        timestamp -= 600;
        labels.push(Chaos::StaleTimestamp.as_str());
    }
    let wrong_key;
    let signing_key = if chaos.contains(Chaos::WrongSignature) {
        labels.push(Chaos::WrongSignature.as_str());
        wrong_key = [b"not-the-key:".as_slice(), key].concat();
        wrong_key.as_slice()
    } else {
        key
    };
    let headers = headers(signing_key, event_type, webhook_id, timestamp, payload);
    let body = if chaos.contains(Chaos::TruncatedBody) {
        labels.push(Chaos::TruncatedBody.as_str());
        payload[..payload.len() / 2].to_vec()
    } else {
        payload.to_vec()
    };
    let send_twice = chaos.contains(Chaos::Duplicate);
    if send_twice {
        labels.push(Chaos::Duplicate.as_str());
    }
    Prepared { headers, body, send_twice, labels }
}
