//! Conformance of [`crate::PartnerStore`]: round trips, uniqueness, partial updates.

use super::*;

pub async fn partners_round_trip(store: &dyn Store) {
    assert_eq!(store.count_partners().await.unwrap(), 0);
    let partner = sample_partner("alpha", Environment::Test, Some(5));
    store.create_partner(&partner).await.unwrap();
    let by_name = store.partner_by_name("alpha").await.unwrap().expect("stored");
    assert_eq!(by_name, partner);
    let by_key = store.partner_by_api_key("key-alpha").await.unwrap().expect("stored");
    assert_eq!(by_key, partner);
    assert!(store.partner_by_name("nobody").await.unwrap().is_none());
    assert!(store.partner_by_api_key("nokey").await.unwrap().is_none());
    store.create_partner(&sample_partner("beta", Environment::Dev, None)).await.unwrap();
    let names: Vec<_> = store.list_partners().await.unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(store.count_partners().await.unwrap(), 2);
}

pub async fn partner_names_and_keys_are_unique(store: &dyn Store) {
    store.create_partner(&sample_partner("alpha", Environment::Dev, None)).await.unwrap();
    let same_name = sample_partner("alpha", Environment::Dev, None);
    assert!(matches!(store.create_partner(&same_name).await, Err(StoreError::Conflict(_))));
    let mut same_key = sample_partner("gamma", Environment::Dev, None);
    same_key.api_key = "key-alpha".into();
    assert!(matches!(store.create_partner(&same_key).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.count_partners().await.unwrap(), 1);
}

pub async fn partner_updates_change_only_what_is_named(store: &dyn Store) {
    let mut partner = sample_partner("alpha", Environment::Dev, Some(3));
    partner.webhook_url = Some("http://127.0.0.1:9/hook".into());
    store.create_partner(&partner).await.unwrap();

    let disabled = store
        .update_partner("alpha", &PartnerUpdate { enabled: Some(false), ..Default::default() })
        .await
        .unwrap();
    assert!(!disabled.enabled);
    assert_eq!(disabled.credits, Some(3));
    assert_eq!(disabled.webhook_url, partner.webhook_url);

    let changed = store
        .update_partner(
            "alpha",
            &PartnerUpdate {
                credits: Some(None),
                webhook_url: Some(None),
                api_secret_sha256: Some([9; 32]),
                rate_limit_per_hour: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.credits, None);
    assert_eq!(changed.webhook_url, None);
    assert_eq!(changed.api_secret_sha256, [9; 32]);
    assert_eq!(changed.rate_limit_per_hour, 0);
    assert!(!changed.enabled);
    assert_eq!(changed.signing_key, partner.signing_key);
    assert_eq!(store.partner_by_name("alpha").await.unwrap(), Some(changed));

    let missing = store.update_partner("nobody", &PartnerUpdate::default()).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
}
