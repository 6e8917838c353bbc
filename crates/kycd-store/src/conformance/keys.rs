//! Conformance of [`crate::KeyStore`]: sealed columns round-trip through the key ring.

use super::*;

pub async fn sealed_columns_round_trip_through_the_key_ring(store: &dyn Store) {
    let ring = store.key_ring();
    let sealed = ring.seal(b"image bytes", "files:x/FRONT");
    assert_eq!(ring.open(&sealed, "files:x/FRONT").unwrap(), b"image bytes");
    let mut partner = sample_partner("sealed", Environment::Dev, None);
    partner.signing_key = "s3cr3t-signing-key".into();
    store.create_partner(&partner).await.unwrap();
    assert_eq!(
        store.partner_by_api_key("key-sealed").await.unwrap().unwrap().signing_key,
        "s3cr3t-signing-key"
    );
    let update =
        PartnerUpdate { signing_key: Some("rotated-signing-key".into()), ..Default::default() };
    assert_eq!(
        store.update_partner("sealed", &update).await.unwrap().signing_key,
        "rotated-signing-key"
    );
}
