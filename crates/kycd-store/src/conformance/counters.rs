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
