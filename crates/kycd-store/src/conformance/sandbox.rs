//! Conformance of [`crate::SandboxStore`]: time shifts, status listings, the event stream and
//! partner resets.

use super::*;

pub async fn sandbox_queries_shift_list_stream_and_reset(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let other = sample_partner("other", Environment::Dev, None);
    store.create_partner(&other).await.unwrap();
    let theirs = sample_verification(&other, "theirs");
    store.create_verification(&theirs, &[]).await.unwrap();

    let by = Duration::hours(2);
    assert!(
        store
            .shift_verification_times(partner.id, &verification.scan_ref, by, Some(&started_at(1)))
            .await
            .unwrap()
    );
    assert!(
        !store.shift_verification_times(other.id, &verification.scan_ref, by, None).await.unwrap(),
        "not theirs"
    );
    let shifted = store.verification(partner.id, &verification.scan_ref).await.unwrap().unwrap();
    assert_eq!(shifted.created_at, verification.created_at - by);
    assert_eq!(shifted.token_expires_at, verification.token_expires_at - by);
    assert_eq!(shifted.result, Some(started_at(1)));

    let change = VerificationChange {
        partner_id: partner.id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Reviewing,
        result: None,
        updated_at: T0,
    };
    let mut late = event(&partner, &verification.scan_ref, "msg_late", None);
    late.created_at = T0 + Duration::seconds(5);
    let early = event(&partner, &verification.scan_ref, "msg_early", None);
    store.change_verification(&change, &[late, early]).await.unwrap();
    let reviewing = store.verifications_with_status(OverallStatus::Reviewing, 10).await.unwrap();
    assert_eq!(reviewing.iter().map(|v| &v.scan_ref).collect::<Vec<_>>(), [&verification.scan_ref]);
    let events = store.partner_events_since(partner.id, T0, None, 10).await.unwrap();
    assert_eq!(events.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["msg_early", "msg_late"]);
    let later = store.partner_events_since(partner.id, T0 + Duration::seconds(1), None, 10);
    assert_eq!(later.await.unwrap().len(), 1);
    assert!(store.partner_events_since(other.id, T0, None, 10).await.unwrap().is_empty());
    // Paging on the (created_at, id) cursor: nothing is skipped or repeated.
    let page = store.partner_events_since(partner.id, T0, None, 1).await.unwrap();
    assert_eq!(page[0].id.as_str(), "msg_early");
    let next = store.partner_events_since(partner.id, page[0].created_at, Some(&page[0].id), 1);
    let next = next.await.unwrap();
    assert_eq!(next[0].id.as_str(), "msg_late");
    let end = store.partner_events_since(partner.id, next[0].created_at, Some(&next[0].id), 1);
    assert!(end.await.unwrap().is_empty());

    // In batches: two more verifications, taken two at a time, then nothing.
    let mut all = vec![verification.scan_ref.clone()];
    for client in ["b1", "b2"] {
        let more = sample_verification(&partner, client);
        store.create_verification(&more, &[]).await.unwrap();
        all.push(more.scan_ref);
    }
    let first = store.delete_partner_verifications(partner.id, 2).await.unwrap();
    assert_eq!(first.len(), 2, "at most the batch size");
    assert_eq!(store.count_verifications(partner.id).await.unwrap(), 1);
    let second = store.delete_partner_verifications(partner.id, 2).await.unwrap();
    assert_eq!(second.len(), 1);
    let mut removed: Vec<_> = first.into_iter().chain(second).collect();
    removed.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    all.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    assert_eq!(removed, all, "every verification once");
    assert!(store.delete_partner_verifications(partner.id, 2).await.unwrap().is_empty());
    assert_eq!(store.count_verifications(partner.id).await.unwrap(), 0);
    assert!(store.delivery(&webhook_id("msg_early")).await.unwrap().is_none());
    assert_eq!(store.count_verifications(other.id).await.unwrap(), 1, "other partners untouched");
}
