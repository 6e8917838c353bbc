//! Conformance of [`crate::CounterStore`]: rate windows and keyed counters.

use super::*;

pub async fn rate_windows_count_per_partner_and_window(store: &dyn Store) {
    let a = sample_partner("alpha", Environment::Dev, None);
    let b = sample_partner("beta", Environment::Dev, None);
    store.create_partner(&a).await.unwrap();
    store.create_partner(&b).await.unwrap();
    for expected in 1..=3 {
        assert_eq!(store.count_request(a.id, T0).await.unwrap(), expected);
    }
    assert_eq!(store.count_request(b.id, T0).await.unwrap(), 1);
    let next_hour = T0 + Duration::hours(1);
    assert_eq!(store.count_request(a.id, next_hour).await.unwrap(), 1);
    assert_eq!(store.count_request(a.id, next_hour).await.unwrap(), 2);
}

pub async fn counters_count_per_key_and_window(store: &dyn Store) {
    assert_eq!(store.bump_counter("status:a", T0).await.unwrap(), 1);
    assert_eq!(store.bump_counter("status:a", T0).await.unwrap(), 2);
    assert_eq!(store.bump_counter("status:b", T0).await.unwrap(), 1);
    assert_eq!(store.bump_counter("status:a", T0 + Duration::minutes(1)).await.unwrap(), 1);
}

/// The readiness probe commits, again and again, beside ordinary writes.
pub async fn readiness_probes_commit_writes(store: &dyn Store) {
    store.ping().await.unwrap();
    store.probe_write(T0).await.unwrap();
    store.probe_write(T0 + Duration::seconds(1)).await.unwrap();
    assert_eq!(store.bump_counter("after-probe", T0).await.unwrap(), 1);
    store.probe_write(T0 + Duration::seconds(2)).await.unwrap();
}

/// Reclaiming space works on a live store and leaves its data in place.
pub async fn reclaiming_space_keeps_the_data(store: &dyn Store) {
    let (partner, verification) = setup_one(store).await;
    let (before, after) = store.reclaim_space().await.unwrap();
    assert!(before > 0 && after > 0, "sizes {before} → {after}");
    let read = store.verification(partner.id, &verification.scan_ref).await.unwrap();
    assert_eq!(read.as_ref(), Some(&verification));
    store.probe_write(T0).await.unwrap();
}
