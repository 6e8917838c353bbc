//! Encryption at rest. Personal data (token person data, results, webhook bodies, stored images)
//! and partner signing keys are sealed with AES-256-GCM under a *data key*; data keys are stored
//! wrapped (AES-256-GCM) under the operator's *master key*, which never enters the database. Every
//! ciphertext names the data key that sealed it, so master keys can be rotated by re-wrapping the
//! data keys, and new data keys can be added without re-encrypting old data. Pure functions: no I/O.

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const MAGIC: &[u8; 3] = b"KC1";
const NONCE_LEN: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("ciphertext is malformed")]
    Malformed,
    #[error("ciphertext was sealed with data key '{0}', which is not in the key ring")]
    UnknownKey(String),
    #[error("decryption failed: wrong key or tampered data")]
    Tampered,
    #[error("data key is wrapped under master key '{0}', not the one given")]
    WrongMasterKey(String),
    #[error("invalid master key: {0}")]
    InvalidMasterKey(String),
}

/// The operator's key-encryption key (32 bytes).
#[derive(Clone)]
pub struct MasterKey {
    bytes: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id())
    }
}

impl MasterKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self { bytes }
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self { bytes }
    }

    /// Parses the base64 text form (as in the key file or `master_key` config).
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| CryptoError::InvalidMasterKey(e.to_string()))?;
        let bytes: [u8; 32] = decoded
            .try_into()
            .map_err(|_| CryptoError::InvalidMasterKey("must decode to 32 bytes".into()))?;
        Ok(Self { bytes })
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.bytes)
    }

    /// A short public fingerprint, recorded beside each wrapped data key.
    pub fn id(&self) -> String {
        format!("mk-{}", hex::encode(&Sha256::digest(self.bytes)[..6]))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.bytes.into())
    }

    /// A 32-byte key for another purpose (e.g. signing file links), derived from the master key
    /// with HMAC-SHA256 so every node sharing the master key derives the same one.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.bytes) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// A data key wrapped under a master key, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedDataKey {
    pub id: String,
    pub master_key_id: String,
    pub wrapped: Vec<u8>,
    pub created_at_ms: i64,
}

/// A plaintext data key (in memory only).
#[derive(Clone)]
pub struct DataKey {
    id: String,
    bytes: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKey({})", self.id)
    }
}

impl DataKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let mut id = [0u8; 6];
        rand::rng().fill_bytes(&mut id);
        Self { id: format!("dk-{}", hex::encode(id)), bytes }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn wrap(&self, master: &MasterKey, created_at_ms: i64) -> WrappedDataKey {
        let aad = format!("kycd-data-key:{}", self.id);
        WrappedDataKey {
            id: self.id.clone(),
            master_key_id: master.id(),
            wrapped: seal_with(&master.cipher(), &master.id(), &self.bytes, aad.as_bytes()),
            created_at_ms,
        }
    }

    pub fn unwrap(wrapped: &WrappedDataKey, master: &MasterKey) -> Result<Self, CryptoError> {
        let aad = format!("kycd-data-key:{}", wrapped.id);
        let (key_id, _) = parse(&wrapped.wrapped)?;
        if key_id != master.id() {
            return Err(CryptoError::WrongMasterKey(key_id.to_owned()));
        }
        let plain = open_with(&master.cipher(), &wrapped.wrapped, aad.as_bytes())?;
        let bytes: [u8; 32] = plain.try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(Self { id: wrapped.id.clone(), bytes })
    }
}

fn seal_with(cipher: &Aes256Gcm, key_id: &str, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    // Encryption with a valid key and nonce cannot fail for inputs below 64 GiB.
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad })
        .unwrap_or_default();
    let mut out = Vec::with_capacity(4 + key_id.len() + NONCE_LEN + sealed.len());
    out.extend_from_slice(MAGIC);
    out.push(u8::try_from(key_id.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(key_id.as_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// The key id a ciphertext names, and the rest.
fn parse(blob: &[u8]) -> Result<(&str, &[u8]), CryptoError> {
    let rest = blob.strip_prefix(MAGIC.as_slice()).ok_or(CryptoError::Malformed)?;
    let (&len, rest) = rest.split_first().ok_or(CryptoError::Malformed)?;
    let len = usize::from(len);
    if rest.len() < len + NONCE_LEN {
        return Err(CryptoError::Malformed);
    }
    let key_id = std::str::from_utf8(&rest[..len]).map_err(|_| CryptoError::Malformed)?;
    Ok((key_id, &rest[len..]))
}

fn open_with(cipher: &Aes256Gcm, blob: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (_, rest) = parse(blob)?;
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
        .map_err(|_| CryptoError::Tampered)
}

/// The associated data binding each sealed column value to its place, shared by every backend
/// so that data sealed by one opens in another.
pub mod contexts {
    use kycd_domain::{
        PartnerId, ScanRef,
        ids::WebhookId,
        vocabulary::{BlocklistSource, FaceOrigin},
    };

    pub fn signing_key(partner: PartnerId) -> String {
        format!("partners.signing_key:{partner}")
    }
    pub fn request(scan_ref: &ScanRef) -> String {
        format!("verifications.request:{scan_ref}")
    }
    pub fn result(scan_ref: &ScanRef) -> String {
        format!("verifications.result:{scan_ref}")
    }
    pub fn last_attempt(scan_ref: &ScanRef) -> String {
        format!("verifications.last_attempt:{scan_ref}")
    }
    pub fn payload(event_id: &WebhookId) -> String {
        format!("webhook_events.payload:{event_id}")
    }
    pub fn embedding(scan_ref: &ScanRef, origin: FaceOrigin) -> String {
        format!("face_embeddings.embedding:{scan_ref}/{origin}")
    }
    pub fn blocklist_reason(scan_ref: &ScanRef, source: BlocklistSource) -> String {
        format!("blocklist_entries.reason:{scan_ref}/{source}")
    }
    pub fn blocklist_person(scan_ref: &ScanRef, source: BlocklistSource) -> String {
        format!("blocklist_entries.person:{scan_ref}/{source}")
    }
    pub fn totp_secret(operator: &str) -> String {
        format!("operator_totp.secret:{operator}")
    }
    pub fn review_proposal(scan_ref: &ScanRef) -> String {
        format!("review_proposals.decision:{scan_ref}")
    }
}

/// True when `blob` looks like one of our ciphertexts (used to read rows written before a column
/// was encrypted).
pub fn is_sealed(blob: &[u8]) -> bool {
    blob.starts_with(MAGIC)
}

/// The data keys in use: seals with the newest, opens with whichever a ciphertext names.
#[derive(Clone)]
pub struct KeyRing {
    active: DataKey,
    by_id: HashMap<String, Aes256Gcm>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyRing(active {}, {} keys)", self.active.id, self.by_id.len())
    }
}

impl KeyRing {
    /// `keys` must be non-empty; the last one seals new data.
    pub fn new(keys: Vec<DataKey>) -> Option<Self> {
        let active = keys.last()?.clone();
        let by_id = keys.iter().map(|k| (k.id.clone(), Aes256Gcm::new(&k.bytes.into()))).collect();
        Some(Self { active, by_id })
    }

    /// Unwraps every stored data key with the master key.
    pub fn unwrap_all(
        wrapped: &[WrappedDataKey],
        master: &MasterKey,
    ) -> Result<Option<Self>, CryptoError> {
        let mut sorted: Vec<&WrappedDataKey> = wrapped.iter().collect();
        sorted.sort_by_key(|k| (k.created_at_ms, k.id.clone()));
        let keys = sorted
            .into_iter()
            .map(|k| DataKey::unwrap(k, master))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(keys))
    }

    pub fn active_key_id(&self) -> &str {
        &self.active.id
    }

    /// Seals `plaintext`; `context` (e.g. the column and row id) is bound as associated data, so a
    /// ciphertext copied to another row or column does not open.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let cipher = &self.by_id[&self.active.id];
        seal_with(cipher, &self.active.id, plaintext, context.as_bytes())
    }

    pub fn open(&self, blob: &[u8], context: &str) -> Result<Vec<u8>, CryptoError> {
        let (key_id, _) = parse(blob)?;
        let cipher =
            self.by_id.get(key_id).ok_or_else(|| CryptoError::UnknownKey(key_id.to_owned()))?;
        open_with(cipher, blob, context.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_binds_context_and_detects_tampering() {
        let ring = KeyRing::new(vec![DataKey::generate()]).unwrap();
        let sealed = ring.seal(b"JONAS 1990-01-02", "verifications.request:abc");
        assert!(!sealed.windows(5).any(|w| w == b"JONAS"));
        assert_eq!(ring.open(&sealed, "verifications.request:abc").unwrap(), b"JONAS 1990-01-02");
        assert_eq!(ring.open(&sealed, "verifications.request:xyz"), Err(CryptoError::Tampered));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(ring.open(&tampered, "verifications.request:abc"), Err(CryptoError::Tampered));
        let other = KeyRing::new(vec![DataKey::generate()]).unwrap();
        assert!(matches!(
            other.open(&sealed, "verifications.request:abc"),
            Err(CryptoError::UnknownKey(_))
        ));
    }

    #[test]
    fn data_keys_survive_master_key_rotation() {
        let old_master = MasterKey::generate();
        let key = DataKey::generate();
        let ring = KeyRing::new(vec![key.clone()]).unwrap();
        let sealed = ring.seal(b"secret", "ctx");
        let wrapped = key.wrap(&old_master, 1);
        assert!(!wrapped.wrapped.windows(32).any(|w| w == key.bytes));
        let new_master = MasterKey::generate();
        let rewrapped = DataKey::unwrap(&wrapped, &old_master).unwrap().wrap(&new_master, 1);
        assert!(DataKey::unwrap(&rewrapped, &old_master).is_err());
        let ring = KeyRing::unwrap_all(&[rewrapped], &new_master).unwrap().unwrap();
        assert_eq!(ring.open(&sealed, "ctx").unwrap(), b"secret");
        assert_eq!(MasterKey::from_base64(&new_master.to_base64()).unwrap().id(), new_master.id());
    }
}
