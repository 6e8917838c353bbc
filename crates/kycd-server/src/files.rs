//! Verification images: stored sealed (AES-256-GCM, the store's data keys) in an object store —
//! a directory in the data dir by default, an S3-compatible bucket by configuration — and handed
//! out as signed, expiring links under the public URL.

use anyhow::Context;
use futures::TryStreamExt;
use hmac::{Hmac, Mac};
use kycd_domain::{PartnerId, ScanRef};
use kycd_store::crypto::KeyRing;
use object_store::{ObjectStore, PutPayload, path::Path as ObjectPath};
use sha2::Sha256;
use std::sync::Arc;
use time::OffsetDateTime;

/// Image kinds a verification can have (and the only names accepted in file paths).
pub const KINDS: &[&str] =
    &["FRONT", "BACK", "FACE", "FRONT_VIDEO", "BACK_VIDEO", "FACE_VIDEO", "UTILITY_BILL"];

#[derive(Clone)]
pub struct FileStore {
    objects: Arc<dyn ObjectStore>,
    ring: Arc<KeyRing>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.objects)
    }
}

fn context(scan_ref: &ScanRef, kind: &str) -> String {
    format!("files:{scan_ref}/{kind}")
}

fn location(scan_ref: &ScanRef, kind: &str) -> ObjectPath {
    ObjectPath::from(format!("verifications/{scan_ref}/{kind}"))
}

impl FileStore {
    /// `url` None: a directory; `s3://bucket[/prefix][?key=value&...]`: S3 — settings from the
    /// usual AWS_* variables, overridable in the query with object_store's S3 keys (e.g.
    /// `endpoint=http://minio:9000&aws_allow_http=true&region=eu-west-1`); `file:///path` or a
    /// plain path: that directory.
    pub fn open(
        url: Option<&str>,
        default_dir: &std::path::Path,
        ring: Arc<KeyRing>,
    ) -> anyhow::Result<Self> {
        let objects: Arc<dyn ObjectStore> = match url {
            Some(url) if url.starts_with("s3://") => {
                let parsed =
                    url::Url::parse(url).with_context(|| format!("object store URL {url}"))?;
                let bucket = parsed.host_str().context("s3:// URL without a bucket")?;
                let prefix = parsed.path().trim_matches('/').to_owned();
                let mut builder =
                    object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
                for (key, value) in parsed.query_pairs() {
                    let key: object_store::aws::AmazonS3ConfigKey =
                        key.parse().with_context(|| {
                            format!("unknown S3 setting '{key}' in the object store URL")
                        })?;
                    builder = builder.with_config(key, value);
                }
                let s3 = builder
                    .build()
                    .with_context(|| format!("configuring object store s3://{bucket}/{prefix}"))?;
                if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.as_str()))
                }
            }
            other => {
                let dir = other
                    .map(|u| std::path::PathBuf::from(u.strip_prefix("file://").unwrap_or(u)))
                    .unwrap_or_else(|| default_dir.to_path_buf());
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(&dir)?)
            }
        };
        Ok(Self { objects, ring })
    }

    pub async fn put(&self, scan_ref: &ScanRef, kind: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let sealed = self.ring.seal(bytes, &context(scan_ref, kind));
        self.objects.put(&location(scan_ref, kind), PutPayload::from(sealed)).await?;
        Ok(())
    }

    /// The plaintext bytes, or None when there is no such file.
    pub async fn get(&self, scan_ref: &ScanRef, kind: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let sealed = match self.objects.get(&location(scan_ref, kind)).await {
            Ok(found) => found.bytes().await?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(self.ring.open(&sealed, &context(scan_ref, kind))?))
    }

    /// Removes every file of the verification.
    pub async fn delete_all(&self, scan_ref: &ScanRef) -> anyhow::Result<usize> {
        let prefix = ObjectPath::from(format!("verifications/{scan_ref}"));
        let found: Vec<_> = self.objects.list(Some(&prefix)).try_collect().await?;
        for meta in &found {
            match self.objects.delete(&meta.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(found.len())
    }
}

/// Content type from the file's first bytes.
pub fn content_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else if bytes.len() > 8 && &bytes[4..8] == b"ftyp" {
        "video/mp4"
    } else if bytes.starts_with(b"\x1a\x45\xdf\xa3") {
        "video/webm"
    } else {
        "application/octet-stream"
    }
}

/// Signs and checks file links: HMAC-SHA256 over partner, scanRef, kind and expiry with a key
/// derived from the master key (so every node agrees).
#[derive(Clone)]
pub struct LinkSigner {
    key: [u8; 32],
    pub ttl: time::Duration,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LinkSigner(ttl {})", self.ttl)
    }
}

impl LinkSigner {
    pub fn new(key: [u8; 32], ttl: time::Duration) -> Self {
        Self { key, ttl }
    }

    fn mac(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        kind: &str,
        expires: i64,
    ) -> Hmac<Sha256> {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(format!("{partner}/{scan_ref}/{kind}/{expires}").as_bytes());
        mac
    }

    /// `{public_url}/files/{scanRef}/{KIND}?p=…&expires=…&signature=…`
    pub fn link(
        &self,
        public_url: &str,
        partner: PartnerId,
        scan_ref: &ScanRef,
        kind: &str,
        now: OffsetDateTime,
    ) -> String {
        let expires = (now + self.ttl).unix_timestamp();
        let signature =
            hex::encode(self.mac(partner, scan_ref, kind, expires).finalize().into_bytes());
        format!(
            "{public_url}/files/{scan_ref}/{kind}?p={partner}&expires={expires}&signature={signature}"
        )
    }

    /// True when the signature is right and the link has not expired at `now`.
    pub fn verify(
        &self,
        partner: PartnerId,
        scan_ref: &ScanRef,
        kind: &str,
        expires: i64,
        signature: &str,
        now: OffsetDateTime,
    ) -> bool {
        let Ok(given) = hex::decode(signature) else { return false };
        self.mac(partner, scan_ref, kind, expires).verify_slice(&given).is_ok()
            && now.unix_timestamp() < expires
    }
}
