//! Verification images: stored sealed (AES-256-GCM, the store's data keys) in an object store —
//! a directory in the data dir by default, an S3-compatible bucket by configuration — and handed
//! out as signed, expiring links under the public URL. Every partner read is audited.

use crate::{CoreError, CoreResult, Services, audit};
use futures::TryStreamExt;
use hmac::{Hmac, Mac};
use kycd_domain::{PartnerId, ScanRef, result::VerificationResult, vocabulary::FileKind};
use kycd_store::{Partner, Verification, crypto::KeyRing};
use object_store::{ObjectStore, PutPayload, path::Path as ObjectPath};
use serde_json::{Map, Value};
use sha2::Sha256;
use std::sync::Arc;
use time::OffsetDateTime;

pub use kycd_domain::vocabulary::FileKind as Kind;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("object store: {0}")]
    Objects(#[from] object_store::Error),
    #[error("a stored file does not open: {0}")]
    Sealed(#[from] kycd_store::crypto::CryptoError),
    #[error("{0}")]
    Config(String),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
}

#[derive(Clone)]
pub struct FileStore {
    objects: Arc<dyn ObjectStore>,
    ring: Arc<KeyRing>,
    /// The directory of a local store: object_store leaves the folders it created behind, so
    /// kycd removes a verification's empty folder itself.
    local_root: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.objects)
    }
}

fn context(scan_ref: &ScanRef, kind: FileKind) -> String {
    format!("files:{scan_ref}/{kind}")
}

fn location(scan_ref: &ScanRef, kind: FileKind) -> ObjectPath {
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
    ) -> Result<Self, FileError> {
        let mut local_root = None;
        let objects: Arc<dyn ObjectStore> = match url {
            Some(url) if url.starts_with("s3://") => Arc::new(open_s3(url)?),
            other => {
                let dir = other
                    .map(|u| std::path::PathBuf::from(u.strip_prefix("file://").unwrap_or(u)))
                    .unwrap_or_else(|| default_dir.to_path_buf());
                std::fs::create_dir_all(&dir).map_err(|source| FileError::Io {
                    context: format!("creating {}", dir.display()),
                    source,
                })?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(&dir)?;
                local_root = Some(dir);
                Arc::new(store)
            }
        };
        Ok(Self { objects, ring, local_root })
    }

    pub async fn put(
        &self,
        scan_ref: &ScanRef,
        kind: FileKind,
        bytes: &[u8],
    ) -> Result<(), FileError> {
        let sealed = self.ring.seal(bytes, &context(scan_ref, kind));
        if let Err(error) =
            self.objects.put(&location(scan_ref, kind), PutPayload::from(sealed)).await
        {
            // A failed write (a full disk) must not leave a new empty folder behind.
            self.remove_empty_folder(scan_ref);
            return Err(error.into());
        }
        Ok(())
    }

    /// Writes, reads back and removes a small object (readiness): fails when the store cannot
    /// take a write, as on a full disk or with revoked credentials.
    pub async fn probe(&self) -> Result<(), FileError> {
        let path = ObjectPath::from("readiness/probe");
        let written = b"kycd readiness probe";
        self.objects.put(&path, PutPayload::from_static(written)).await?;
        let read = self.objects.get(&path).await?.bytes().await?;
        self.objects.delete(&path).await?;
        if read.as_ref() != written {
            return Err(FileError::Config("the readiness probe read back other bytes".into()));
        }
        Ok(())
    }

    fn remove_empty_folder(&self, scan_ref: &ScanRef) {
        let Some(root) = &self.local_root else { return };
        // Fails, harmlessly, unless the folder exists and is empty.
        let _ = std::fs::remove_dir(root.join("verifications").join(scan_ref.as_str()));
    }

    /// The plaintext bytes, or None when there is no such file.
    pub async fn get(
        &self,
        scan_ref: &ScanRef,
        kind: FileKind,
    ) -> Result<Option<Vec<u8>>, FileError> {
        let sealed = match self.objects.get(&location(scan_ref, kind)).await {
            Ok(found) => found.bytes().await?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(self.ring.open(&sealed, &context(scan_ref, kind))?))
    }

    /// Removes every file of the verification.
    pub async fn delete_all(&self, scan_ref: &ScanRef) -> Result<usize, FileError> {
        let prefix = ObjectPath::from(format!("verifications/{scan_ref}"));
        let found: Vec<_> = self.objects.list(Some(&prefix)).try_collect().await?;
        for meta in &found {
            match self.objects.delete(&meta.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.remove_empty_folder(scan_ref);
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
        kind: FileKind,
        expires: i64,
    ) -> Hmac<Sha256> {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(format!("{partner}/{scan_ref}/{kind}/{expires}").as_bytes());
        mac
    }

    /// The keyed digest stored for a hand-off code: with a plain hash, a copy of the database
    /// would give up every live code (40 bits) in seconds; with the key it gives none.
    pub fn handoff_digest(&self, code: &kycd_domain::handoff::HandoffCode) -> [u8; 32] {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        // File links sign "{partner uuid}/…", so this prefix cannot collide with them.
        mac.update(format!("handoff/{}", code.as_str()).as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// An HMAC under the link key, for derived tokens of other purposes; each purpose starts
    /// its message with its own prefix ("console-csrf/", …), none of which a partner id can be.
    pub fn keyed_mac(&self) -> Hmac<Sha256> {
        match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        }
    }

    /// The keyed digest a person-blocklist key is stored and looked up by: the data itself is
    /// never compared, and a copy of the database does not tell whose keys these are.
    pub fn person_digest(&self, partner: PartnerId, key: &str) -> [u8; 32] {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        // File links sign "{partner uuid}/…", hand-off codes "handoff/…": no collision.
        mac.update(format!("blocklist-person/{partner}/{key}").as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// `{public_url}/files/{scanRef}/{KIND}?p=…&expires=…&signature=…`
    pub fn link(
        &self,
        public_url: &str,
        partner: PartnerId,
        scan_ref: &ScanRef,
        kind: FileKind,
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
        kind: FileKind,
        expires: i64,
        signature: &str,
        now: OffsetDateTime,
    ) -> bool {
        let Ok(given) = hex::decode(signature) else { return false };
        self.mac(partner, scan_ref, kind, expires).verify_slice(&given).is_ok()
            && now.unix_timestamp() < expires
    }
}

/// `s3://bucket[/prefix][?key=value&...]`: settings from the usual AWS_* variables, overridable
/// in the query with object_store's S3 keys.
fn open_s3(url: &str) -> Result<Box<dyn ObjectStore>, FileError> {
    let config = |message: String| FileError::Config(message);
    let parsed =
        url::Url::parse(url).map_err(|e| config(format!("object store URL {url}: {e}")))?;
    let bucket = parsed.host_str().ok_or_else(|| config("s3:// URL without a bucket".into()))?;
    let prefix = parsed.path().trim_matches('/').to_owned();
    let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
    for (key, value) in parsed.query_pairs() {
        let key: object_store::aws::AmazonS3ConfigKey = key
            .parse()
            .map_err(|_| config(format!("unknown S3 setting '{key}' in the object store URL")))?;
        builder = builder.with_config(key, value);
    }
    let s3 = builder
        .build()
        .map_err(|e| config(format!("configuring object store s3://{bucket}/{prefix}: {e}")))?;
    Ok(if prefix.is_empty() {
        Box::new(s3)
    } else {
        Box::new(object_store::prefix::PrefixStore::new(s3, prefix.as_str()))
    })
}

/// Signed, expiring links to the verification's stored files, in the result's order.
pub fn links(
    core: &Services,
    verification: &Verification,
    result: Option<&VerificationResult>,
    now: OffsetDateTime,
) -> Map<String, Value> {
    result
        .map(|r| {
            r.files
                .iter()
                .map(|&kind| {
                    let url = core.links.link(
                        &core.public_url,
                        verification.partner_id,
                        &verification.scan_ref,
                        kind,
                        now,
                    );
                    (kind.as_str().to_owned(), Value::String(url))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Fresh links to the partner's verification (POST /api/v2/files), audited as `files.list`.
pub async fn list(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
) -> CoreResult<Map<String, Value>> {
    let verification = crate::verifications::owned(core, partner, scan_ref).await?;
    let urls = links(core, &verification, verification.result.as_ref(), core.clock.now());
    let kinds = urls.keys().cloned().collect::<Vec<_>>().join(",");
    audit::partner_read(core, partner, "files.list", &verification.scan_ref, Some(kinds)).await?;
    Ok(urls)
}

/// How a download proves it may read the file.
#[derive(Debug, Clone)]
pub enum Access {
    /// A signed link: `p`, `expires` and `signature` as the link carries them (unparsed).
    Link { partner: String, expires: String, signature: String },
    /// The owning partner, authenticated by its API key pair.
    Partner(Box<Partner>),
}

fn no_such_file(scan_ref: &ScanRef, kind: &str) -> CoreError {
    CoreError::NotFound(format!("Verification '{scan_ref}' has no {kind} file."))
}

/// The file kind a path names; any other name is a file the verification does not have.
pub fn kind_in_path(scan_ref: &ScanRef, kind: &str) -> CoreResult<FileKind> {
    FileKind::parse(kind).ok_or_else(|| no_such_file(scan_ref, kind))
}

/// One stored file with its content type, for a valid link or the owning partner; audited as
/// `file.download`.
pub async fn download(
    core: &Services,
    scan_ref: &ScanRef,
    kind: FileKind,
    access: Access,
) -> CoreResult<(Vec<u8>, &'static str)> {
    let not_found = || no_such_file(scan_ref, kind.as_str());
    let (partner_id, actor) = match access {
        Access::Link { partner, expires, signature } => {
            let partner = uuid::Uuid::parse_str(&partner)
                .map(PartnerId)
                .map_err(|_| CoreError::LinkRefused)?;
            let expires: i64 = expires.parse().map_err(|_| CoreError::LinkRefused)?;
            if !core.links.verify(partner, scan_ref, kind, expires, &signature, core.clock.now()) {
                return Err(CoreError::LinkRefused);
            }
            // A disabled partner's links stop working with its API keys.
            let owner = core.store.partner_by_id(partner).await?;
            if !owner.is_some_and(|o| o.enabled) {
                return Err(CoreError::PartnerInactive);
            }
            (partner, "link".to_owned())
        }
        Access::Partner(partner) => (partner.id, audit::partner_actor(&partner)),
    };
    let verification =
        core.store.verification(partner_id, scan_ref).await?.ok_or_else(not_found)?;
    let bytes = core.files.get(&verification.scan_ref, kind).await?.ok_or_else(not_found)?;
    audit::record(core, Some(partner_id), actor, "file.download", scan_ref, Some(kind.to_string()))
        .await?;
    let content_type = content_type(&bytes);
    Ok((bytes, content_type))
}
