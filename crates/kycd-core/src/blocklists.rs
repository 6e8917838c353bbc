//! A partner's blocklists (`POST` / `DELETE /kyc/identifications/{scanRef}/blocklists/{source}/`):
//! a finished verification's selfie face, document portrait or person's data goes on the list,
//! and its result carries `FACE_IN_BLACKLIST` / `DOC_FACE_IN_BLACKLIST` / `DATA_IN_BLACKLIST`
//! while it is there (reference §5.4). Later verifications asking `checkFaceBlacklist`,
//! `checkDocFaceBlacklist` or `checkPersonBlacklist` are compared with it ([`crate::screening`]).
//! The tag changes what `/status` and `/data` say, not the overall status, and sends no webhook:
//! it records the partner's own action, not a finding of the analysis.

use crate::{CoreError, CoreResult, Services, audit, screening, verifications};
use kycd_domain::{
    Rejection, ScanRef,
    lifecycle::is_deleted,
    result::VerificationResult,
    screening::BlocklistedPerson,
    vocabulary::{BlocklistSource, FileKind, OverallStatus},
};
use kycd_store::{BlocklistAddition, BlocklistEntry, Partner, Verification, VerificationChange};

/// Longest reason kept with an entry, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// An entry as answered, with a fresh link to the face it blocks.
#[derive(Debug, Clone)]
pub struct ListedEntry {
    pub entry: BlocklistEntry,
    /// The selfie (SELFIE) or the document front (DOCUMENT), when stored.
    pub face_image_url: Option<String>,
}

/// Puts the partner's verification `scan_ref` on the `source` blocklist with `reason`
/// (replacing the reason when it is on it already). Refused, naming why, while the verification
/// has no result yet, after it was deleted, and when it has nothing of that kind to block (no
/// stored face of that origin; no identifying data read from the document).
pub async fn add(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
    source: BlocklistSource,
    reason: Option<String>,
) -> CoreResult<ListedEntry> {
    if let Some(reason) = &reason
        && reason.chars().count() > MAX_REASON_CHARS
    {
        return Err(Rejection::bad_value(format!(
            "Field 'reason' must be at most {MAX_REASON_CHARS} characters."
        ))
        .into());
    }
    verifications::with_retries(scan_ref, || async {
        let verification = verifications::owned(core, partner, scan_ref).await?;
        let result = finished_result(&verification, source)?;
        let person = match source.face() {
            Some(origin) => {
                let faces = core.store.faces_of(partner.id, scan_ref).await?;
                if !faces.iter().any(|f| f.origin == origin) {
                    return Err(Rejection::bad_value(format!(
                        "Field 'blocklistSource' is {source}, but verification {scan_ref} has no \
                         analysed {} face to put on the blocklist.",
                        origin.as_str().to_lowercase()
                    ))
                    .into());
                }
                None
            }
            None => Some(BlocklistedPerson::from_data(&result.data).ok_or_else(|| {
                Rejection::bad_value(format!(
                    "Field 'blocklistSource' is {source}, but verification {scan_ref} has no \
                     document number, personal code, or name with date of birth read from its \
                     document."
                ))
            })?),
        };
        let person_digests = person
            .as_ref()
            .map(|p| screening::person_digests(core, &verification, p))
            .unwrap_or_default();
        let mut tagged = result.clone();
        if !tagged.fraud_tags.contains(&source.added_tag()) {
            tagged.fraud_tags.push(source.added_tag());
        }
        let addition = BlocklistAddition {
            entry: BlocklistEntry {
                partner_id: partner.id,
                scan_ref: scan_ref.clone(),
                source,
                reason: reason.clone(),
                person,
                created_at: core.clock.now(),
            },
            person_digests,
            change: keep_status(core, &verification, tagged),
        };
        Ok(core.store.add_to_blocklist(&addition).await?)
    })
    .await?;
    tracing::info!(%source, "put on the blocklist");
    let entry =
        core.store.blocklist_entry(partner.id, scan_ref, source).await?.ok_or_else(|| {
            CoreError::Internal(format!("the {source} entry of {scan_ref} vanished"))
        })?;
    audit::partner_read(core, partner, "blocklist.add", scan_ref, Some(source.to_string())).await?;
    Ok(listed(core, partner, entry))
}

/// Takes the partner's verification `scan_ref` off the `source` blocklist, and the tag off its
/// result. Not on it: [`CoreError::NotFound`].
pub async fn remove(
    core: &Services,
    partner: &Partner,
    scan_ref: &ScanRef,
    source: BlocklistSource,
) -> CoreResult<()> {
    verifications::with_retries(scan_ref, || async {
        let verification = verifications::owned(core, partner, scan_ref).await?;
        if core.store.blocklist_entry(partner.id, scan_ref, source).await?.is_none() {
            return Err(CoreError::NotFound(format!(
                "Verification {scan_ref} is not on the {source} blocklist."
            )));
        }
        let mut untagged = verification.result.clone().unwrap_or_default();
        untagged.fraud_tags.retain(|tag| *tag != source.added_tag());
        let change = keep_status(core, &verification, untagged);
        Ok(core.store.remove_from_blocklist(source, &change).await?)
    })
    .await?;
    tracing::info!(%source, "taken off the blocklist");
    audit::partner_read(core, partner, "blocklist.remove", scan_ref, Some(source.to_string())).await
}

/// The result of a verification that may go on a list: decided (or waiting for a person) and
/// not deleted.
fn finished_result(
    verification: &Verification,
    source: BlocklistSource,
) -> CoreResult<VerificationResult> {
    let scan_ref = &verification.scan_ref;
    if is_deleted(verification.status) {
        return Err(Rejection::bad_value(format!(
            "Verification {scan_ref} was deleted: nothing of it is left to put on the {source} blocklist."
        ))
        .into());
    }
    match (&verification.result, verification.status) {
        (Some(result), status) if status != OverallStatus::Active => Ok(result.clone()),
        _ => Err(Rejection::bad_value(format!(
            "Verification {scan_ref} has no result yet: only an analysed verification can go on \
             the {source} blocklist."
        ))
        .into()),
    }
}

/// A result change that keeps the status (compare-and-set on it).
fn keep_status(
    core: &Services,
    verification: &Verification,
    result: VerificationResult,
) -> VerificationChange {
    VerificationChange {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: verification.status,
        new_status: verification.status,
        result: Some(result),
        updated_at: core.clock.now(),
    }
}

fn listed(core: &Services, partner: &Partner, entry: BlocklistEntry) -> ListedEntry {
    let kind = match entry.source {
        BlocklistSource::Selfie => Some(FileKind::Face),
        BlocklistSource::Document => Some(FileKind::Front),
        BlocklistSource::DocumentInfo => None,
    };
    let face_image_url = kind.map(|kind| {
        core.links.link(&core.public_url, partner.id, &entry.scan_ref, kind, core.clock.now())
    });
    ListedEntry { entry, face_image_url }
}
