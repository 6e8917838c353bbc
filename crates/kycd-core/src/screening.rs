//! Screening after the face check (issue 13, DECISIONS.md "Automatic analysis"): the faces found
//! are stored sealed for every verification — later ones are compared with them and the partner
//! may blocklist them — and, when the token asks, the partner's earlier faces are searched for
//! duplicates and its blocklists for hits. The rules (thresholds, keys, tags) are the domain's
//! ([`kycd_domain::screening`]); this module searches.
//!
//! Duplicates are found by a linear scan of the partner's stored faces, page by page, each face
//! opened and compared: exact, and proportional to the partner's faces (docs/benchmarks.md has
//! the figures at 10,000 and 100,000, and where it stops scaling).

use crate::{CoreResult, Services};
use kycd_domain::{
    ScanRef,
    result::DocumentData,
    screening::{self, BlocklistedPerson, Findings, ScreeningAsked},
    vocabulary::FaceOrigin,
};
use kycd_store::{FacePage, FacesFound, NewFace, Verification};

/// Faces read per page of a duplicate search (about 0.6 MB opened).
pub const PAGE_SIZE: i64 = 1_000;

/// Screens `verification` (being analysed) with the faces found in its images and the data read
/// from its document, then stores the faces. Nothing is searched that the token did not ask for.
pub async fn screen(
    core: &Services,
    verification: &Verification,
    faces: Vec<NewFace>,
    data: &DocumentData,
) -> CoreResult<Findings> {
    let asked = ScreeningAsked::of(&verification.request);
    let mut found = Findings::default();
    for face in &faces {
        if asked.duplicates_of(face.origin) {
            *found.duplicates_mut(face.origin) = duplicates(core, verification, face).await?;
        }
    }
    if faces.iter().any(|f| asked.blocklist_of(f.origin)) {
        let listed = core.store.blocklisted_faces(verification.partner_id).await?;
        for face in faces.iter().filter(|f| asked.blocklist_of(f.origin)) {
            // Selfies and portraits on the list alike: the list holds faces, whichever image
            // showed them.
            if listed.iter().any(|l| {
                l.scan_ref != verification.scan_ref
                    && screening::same_face(&l.embedding, &face.embedding)
            }) {
                found.set_face_blocklisted(face.origin);
            }
        }
    }
    if asked.person_blocklist {
        found.person_blocklisted = person_blocklisted(core, verification, data).await?;
    }
    let stored = core
        .store
        .record_faces(&FacesFound {
            partner_id: verification.partner_id,
            scan_ref: verification.scan_ref.clone(),
            client_id: verification.client_id.clone(),
            faces,
            at: core.clock.now(),
        })
        .await?;
    if !stored {
        tracing::debug!("the verification changed meanwhile; its faces were not stored");
    }
    Ok(found)
}

/// The partner's earlier verifications of other clients with the same face as `face`, in
/// storage order (the earliest first), at most [`screening::MAX_DUPLICATES_NAMED`].
async fn duplicates(
    core: &Services,
    verification: &Verification,
    face: &NewFace,
) -> CoreResult<Vec<ScanRef>> {
    let mut hits = Vec::new();
    let mut after = 0;
    loop {
        let page = core
            .store
            .face_page(&FacePage {
                partner_id: verification.partner_id,
                origin: face.origin,
                after,
                other_than: verification.client_id.clone(),
                limit: PAGE_SIZE,
            })
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        hits.extend(
            page.iter()
                .filter(|f| f.scan_ref != verification.scan_ref)
                .filter(|f| screening::same_face(&f.embedding, &face.embedding))
                .map(|f| f.scan_ref.clone()),
        );
        if hits.len() >= screening::MAX_DUPLICATES_NAMED || (page.len() as i64) < PAGE_SIZE {
            break;
        }
    }
    hits.truncate(screening::MAX_DUPLICATES_NAMED);
    tracing::debug!(origin = %face.origin, hits = hits.len(), "duplicate search");
    Ok(hits)
}

/// The keyed digests of the person's keys, as the blocklist stores them.
pub fn person_digests(
    core: &Services,
    verification: &Verification,
    person: &BlocklistedPerson,
) -> Vec<[u8; 32]> {
    person.keys().iter().map(|key| core.links.person_digest(verification.partner_id, key)).collect()
}

async fn person_blocklisted(
    core: &Services,
    verification: &Verification,
    data: &DocumentData,
) -> CoreResult<bool> {
    let Some(person) = BlocklistedPerson::from_data(data) else { return Ok(false) };
    let digests = person_digests(core, verification, &person);
    let listed = core.store.blocklisted_people(verification.partner_id, &digests).await?;
    Ok(listed.iter().any(|scan_ref| *scan_ref != verification.scan_ref))
}

/// The faces of a comparison, as stored.
pub fn faces_of(comparison: &crate::analysis::FaceComparison) -> Vec<NewFace> {
    [(FaceOrigin::Selfie, &comparison.selfie), (FaceOrigin::Document, &comparison.document)]
        .into_iter()
        .filter_map(|(origin, found)| {
            found.main.as_ref().map(|face| NewFace { origin, embedding: face.embedding.to_vec() })
        })
        .collect()
}
