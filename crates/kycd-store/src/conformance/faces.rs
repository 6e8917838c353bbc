use super::*;
use crate::{BlocklistAddition, BlocklistEntry, FacePage, FacesFound, NewFace};
use kycd_domain::{
    screening::BlocklistedPerson,
    vocabulary::{BlocklistSource, FaceOrigin, FraudTag},
};

fn embedding(seed: f32) -> Vec<f32> {
    (0..128).map(|i| seed + i as f32 / 1000.0).collect()
}

fn faces_of(partner: &Partner, v: &Verification, seed: f32) -> FacesFound {
    FacesFound {
        partner_id: partner.id,
        scan_ref: v.scan_ref.clone(),
        client_id: v.client_id.clone(),
        faces: vec![
            NewFace { origin: FaceOrigin::Selfie, embedding: embedding(seed) },
            NewFace { origin: FaceOrigin::Document, embedding: embedding(seed + 0.5) },
        ],
        at: T0,
    }
}

fn page(partner: &Partner, origin: FaceOrigin, other_than: &str, after: i64) -> FacePage {
    FacePage {
        partner_id: partner.id,
        origin,
        after,
        other_than: ClientId::from_trusted(other_than),
        limit: 2,
    }
}

/// A change that keeps the status and writes `result`.
fn retag(partner: &Partner, v: &Verification, result: VerificationResult) -> VerificationChange {
    VerificationChange {
        partner_id: partner.id,
        scan_ref: v.scan_ref.clone(),
        expected_status: OverallStatus::Approved,
        new_status: OverallStatus::Approved,
        result: Some(result),
        updated_at: T0,
    }
}

fn addition(
    partner: &Partner,
    v: &Verification,
    source: BlocklistSource,
    person: Option<BlocklistedPerson>,
    digests: Vec<[u8; 32]>,
) -> BlocklistAddition {
    let result = VerificationResult { fraud_tags: vec![source.added_tag()], ..face_match() };
    BlocklistAddition {
        entry: BlocklistEntry {
            partner_id: partner.id,
            scan_ref: v.scan_ref.clone(),
            source,
            reason: Some("chargeback".into()),
            person,
            created_at: T0,
        },
        person_digests: digests,
        change: retag(partner, v, result),
    }
}

/// Faces are stored only while the verification is being analysed, replace the earlier ones,
/// open again as stored, and page in storage order without the asking client's own.
pub async fn faces_are_recorded_while_analysed_and_paged_in_storage_order(store: &dyn Store) {
    let partner = sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let mut verifications = Vec::new();
    for client in ["a", "b", "c", "a"] {
        let v = sample_verification(&partner, client);
        store.create_verification(&v, &[]).await.unwrap();
        verifications.push(v);
    }
    for (i, v) in verifications.iter().enumerate() {
        assert!(store.record_faces(&faces_of(&partner, v, i as f32 + 10.0)).await.unwrap());
    }
    // Recorded again (a second attempt): replaced, and moved to the end of the order.
    assert!(store.record_faces(&faces_of(&partner, &verifications[0], 1.0)).await.unwrap());

    let first = store.face_page(&page(&partner, FaceOrigin::Selfie, "a", 0)).await.unwrap();
    let names: Vec<&ScanRef> = first.iter().map(|f| &f.scan_ref).collect();
    assert_eq!(
        names,
        [&verifications[1].scan_ref, &verifications[2].scan_ref],
        "client a left out"
    );
    assert_eq!(first[0].embedding, embedding(11.0), "opened as stored");
    assert!(first.iter().all(|f| f.origin == FaceOrigin::Selfie));
    let rest =
        store.face_page(&page(&partner, FaceOrigin::Selfie, "a", first[1].id)).await.unwrap();
    assert!(rest.is_empty(), "{rest:?}");
    let all = store.face_page(&page(&partner, FaceOrigin::Document, "z", 0)).await.unwrap();
    assert_eq!(all.len(), 2, "a page holds at most its limit");
    assert_eq!(all[0].embedding, embedding(11.5));
    let next = store.face_page(&page(&partner, FaceOrigin::Document, "z", all[1].id)).await;
    let next: Vec<ScanRef> = next.unwrap().into_iter().map(|f| f.scan_ref).collect();
    assert_eq!(next, [verifications[3].scan_ref.clone(), verifications[0].scan_ref.clone()]);

    // Another partner sees none of them.
    let other = sample_partner("q", Environment::Dev, None);
    store.create_partner(&other).await.unwrap();
    assert!(store.face_page(&page(&other, FaceOrigin::Selfie, "z", 0)).await.unwrap().is_empty());
    // Decided verifications get no faces any more, nor does another partner's claim.
    store.change_verification(&approval(&partner, &verifications[1].scan_ref), &[]).await.unwrap();
    assert!(!store.record_faces(&faces_of(&partner, &verifications[1], 5.0)).await.unwrap());
    assert!(!store.record_faces(&faces_of(&other, &verifications[2], 5.0)).await.unwrap());
}

/// Blocklist entries commit with the result's tag, hold their reason and person sealed, give
/// their faces and people back to lookups, and go again with their removal.
pub async fn blocklist_entries_commit_with_their_tag_and_find_faces_and_people(store: &dyn Store) {
    let partner = sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let listed = sample_verification(&partner, "fraudster");
    let innocent = sample_verification(&partner, "innocent");
    for v in [&listed, &innocent] {
        store.create_verification(v, &[]).await.unwrap();
        store.record_faces(&faces_of(&partner, v, 3.0)).await.unwrap();
        store.change_verification(&approval(&partner, &v.scan_ref), &[]).await.unwrap();
    }
    assert!(store.blocklisted_faces(partner.id).await.unwrap().is_empty());

    store
        .add_to_blocklist(&addition(&partner, &listed, BlocklistSource::Selfie, None, vec![]))
        .await
        .unwrap();
    let person =
        BlocklistedPerson { full_name: Some("JONAS JONAITIS".into()), ..Default::default() };
    let info = addition(
        &partner,
        &listed,
        BlocklistSource::DocumentInfo,
        Some(person.clone()),
        vec![[1; 32], [2; 32]],
    );
    assert!(store.add_to_blocklist(&info).await.unwrap());

    let faces = store.blocklisted_faces(partner.id).await.unwrap();
    assert_eq!(faces.len(), 1, "only the SELFIE entry holds a face: {faces:?}");
    assert_eq!((&faces[0].scan_ref, faces[0].origin), (&listed.scan_ref, FaceOrigin::Selfie));
    assert_eq!(faces[0].embedding, embedding(3.0));
    let own = store.faces_of(partner.id, &listed.scan_ref).await.unwrap();
    assert_eq!(
        own.iter().map(|f| f.origin).collect::<Vec<_>>(),
        [FaceOrigin::Selfie, FaceOrigin::Document]
    );
    assert!(store.faces_of(PartnerId::generate(), &listed.scan_ref).await.unwrap().is_empty());
    let found = store.blocklisted_people(partner.id, &[[9; 32], [2; 32]]).await.unwrap();
    assert_eq!(found, std::slice::from_ref(&listed.scan_ref));
    assert!(store.blocklisted_people(partner.id, &[[9; 32]]).await.unwrap().is_empty());

    let entry = store
        .blocklist_entry(partner.id, &listed.scan_ref, BlocklistSource::DocumentInfo)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.reason.as_deref(), Some("chargeback"));
    assert_eq!(entry.person, Some(person));
    let stored = store.verification(partner.id, &listed.scan_ref).await.unwrap().unwrap();
    assert_eq!(stored.result.unwrap().fraud_tags, [FraudTag::DataInBlacklist]);

    // Added again with a new reason: one entry, the new reason.
    let mut again = addition(&partner, &listed, BlocklistSource::Selfie, None, vec![]);
    again.entry.reason = Some("second look".into());
    assert!(store.add_to_blocklist(&again).await.unwrap());
    let entry = store.blocklist_entry(partner.id, &listed.scan_ref, BlocklistSource::Selfie).await;
    assert_eq!(entry.unwrap().unwrap().reason.as_deref(), Some("second look"));
    assert_eq!(store.blocklisted_faces(partner.id).await.unwrap().len(), 1);

    // The compare-and-set holds: a stale status writes nothing.
    let mut stale = addition(&partner, &innocent, BlocklistSource::Selfie, None, vec![]);
    stale.change.expected_status = OverallStatus::Denied;
    assert!(!store.add_to_blocklist(&stale).await.unwrap());
    assert!(
        store
            .blocklist_entry(partner.id, &innocent.scan_ref, BlocklistSource::Selfie)
            .await
            .unwrap()
            .is_none()
    );

    // Another partner reaches none of it.
    let other = sample_partner("q", Environment::Dev, None);
    store.create_partner(&other).await.unwrap();
    assert!(store.blocklisted_faces(other.id).await.unwrap().is_empty());
    assert!(store.blocklisted_people(other.id, &[[1; 32]]).await.unwrap().is_empty());
    assert!(
        store
            .blocklist_entry(other.id, &listed.scan_ref, BlocklistSource::Selfie)
            .await
            .unwrap()
            .is_none()
    );

    // Removal takes the entry, its keys and the tag away; a second removal finds nothing.
    let untagged = retag(&partner, &listed, face_match());
    assert!(store.remove_from_blocklist(BlocklistSource::DocumentInfo, &untagged).await.unwrap());
    assert!(store.blocklisted_people(partner.id, &[[1; 32], [2; 32]]).await.unwrap().is_empty());
    assert!(!store.remove_from_blocklist(BlocklistSource::DocumentInfo, &untagged).await.unwrap());
    let stored = store.verification(partner.id, &listed.scan_ref).await.unwrap().unwrap();
    assert!(stored.result.unwrap().fraud_tags.is_empty());
    assert_eq!(store.blocklisted_faces(partner.id).await.unwrap().len(), 1, "SELFIE stays");
}

/// A purge takes the verification's faces and blocklist entries with it.
pub async fn purge_removes_faces_and_blocklist_entries(store: &dyn Store) {
    let partner = sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let v = sample_verification(&partner, "c");
    store.create_verification(&v, &[]).await.unwrap();
    store.record_faces(&faces_of(&partner, &v, 1.0)).await.unwrap();
    store.change_verification(&approval(&partner, &v.scan_ref), &[]).await.unwrap();
    store
        .add_to_blocklist(&addition(&partner, &v, BlocklistSource::Selfie, None, vec![]))
        .await
        .unwrap();
    let info = addition(&partner, &v, BlocklistSource::DocumentInfo, None, vec![[1; 32]]);
    store.add_to_blocklist(&info).await.unwrap();

    let purge = deletion(&v, OverallStatus::Approved, T0);
    assert!(store.purge_verification(&purge).await.unwrap());
    assert!(store.face_page(&page(&partner, FaceOrigin::Selfie, "z", 0)).await.unwrap().is_empty());
    assert!(
        store.face_page(&page(&partner, FaceOrigin::Document, "z", 0)).await.unwrap().is_empty()
    );
    assert!(store.blocklisted_faces(partner.id).await.unwrap().is_empty());
    assert!(store.faces_of(partner.id, &v.scan_ref).await.unwrap().is_empty());
    assert!(store.blocklisted_people(partner.id, &[[1; 32]]).await.unwrap().is_empty());
    for source in BlocklistSource::ALL {
        assert!(store.blocklist_entry(partner.id, &v.scan_ref, *source).await.unwrap().is_none());
    }
}
