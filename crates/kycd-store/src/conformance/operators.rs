use super::*;
use crate::{ConsoleSession, Operator, OperatorUpdate};
use kycd_domain::{OperatorId, console::Role};

fn operator(name: &str, role: Role) -> Operator {
    Operator {
        id: OperatorId::generate(),
        name: name.to_owned(),
        role,
        partners: vec![],
        password_hash: format!("$argon2id$hash-of-{name}"),
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: T0,
        updated_at: T0,
    }
}

fn session(operator: &Operator, byte: u8) -> ConsoleSession {
    ConsoleSession {
        digest: [byte; 32],
        operator_id: operator.id,
        created_at: T0,
        last_seen_at: T0,
    }
}

/// Operators round-trip, names are unique, updates change only what they name, and the
/// console's "an admin exists" follows role and `disabled`.
pub async fn operators_round_trip_and_updates_change_only_what_is_named(store: &dyn Store) {
    assert!(!store.any_admin().await.unwrap());
    let partner = PartnerId::generate();
    let mut alice = operator("alice", Role::Reviewer);
    alice.partners = vec![partner];
    store.create_operator(&alice).await.unwrap();
    assert!(matches!(
        store.create_operator(&operator("alice", Role::Admin)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.operator_by_name("alice").await.unwrap(), Some(alice.clone()));
    assert_eq!(store.operator_by_id(alice.id).await.unwrap(), Some(alice.clone()));
    assert_eq!(store.operator_by_name("nobody").await.unwrap(), None);
    assert_eq!(store.operator_by_name("al\0ice").await.unwrap(), None);
    assert!(!store.any_admin().await.unwrap(), "a reviewer is no admin");

    let root = operator("root", Role::Admin);
    store.create_operator(&root).await.unwrap();
    assert!(store.any_admin().await.unwrap());
    let names: Vec<String> =
        store.list_operators().await.unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["alice", "root"]);

    let later = T0 + Duration::minutes(5);
    let promoted = OperatorUpdate { role: Some(Role::Admin), ..Default::default() };
    let alice_now = store.update_operator("alice", &promoted, later).await.unwrap().unwrap();
    assert_eq!(alice_now.role, Role::Admin);
    assert_eq!(alice_now.partners, [partner], "untouched");
    assert_eq!(alice_now.password_hash, alice.password_hash, "untouched");
    assert_eq!(alice_now.updated_at, later);
    let all = OperatorUpdate { partners: Some(vec![]), ..Default::default() };
    assert!(
        store.update_operator("alice", &all, later).await.unwrap().unwrap().partners.is_empty()
    );
    assert_eq!(store.update_operator("nobody", &all, later).await.unwrap(), None);

    let off = OperatorUpdate { disabled: Some(true), ..Default::default() };
    for name in ["alice", "root"] {
        store.update_operator(name, &off, later).await.unwrap();
    }
    assert!(!store.any_admin().await.unwrap(), "disabled admins do not count");
}

/// Failures are counted in a row and lock at the threshold; a good login or a new password
/// clears them.
pub async fn login_failures_lock_and_a_good_login_or_new_password_clears_them(store: &dyn Store) {
    let bob = operator("bob", Role::Viewer);
    store.create_operator(&bob).await.unwrap();
    let until = T0 + Duration::minutes(15);
    for expected in 1..=2 {
        assert_eq!(store.record_login_failure(bob.id, 3, until).await.unwrap(), expected);
    }
    assert_eq!(store.operator_by_name("bob").await.unwrap().unwrap().locked_until, None);
    assert_eq!(store.record_login_failure(bob.id, 3, until).await.unwrap(), 3);
    let locked = store.operator_by_name("bob").await.unwrap().unwrap();
    assert_eq!((locked.failed_logins, locked.locked_until), (3, Some(until)));

    store.start_session(&session(&bob, 1)).await.unwrap();
    let cleared = store.operator_by_name("bob").await.unwrap().unwrap();
    assert_eq!((cleared.failed_logins, cleared.locked_until), (0, None));

    for _ in 0..3 {
        store.record_login_failure(bob.id, 3, until).await.unwrap();
    }
    let reset =
        OperatorUpdate { password_hash: Some("$argon2id$new".into()), ..Default::default() };
    let after = store.update_operator("bob", &reset, T0).await.unwrap().unwrap();
    assert_eq!((after.failed_logins, after.locked_until), (0, None));
    assert_eq!(store.record_login_failure(OperatorId::generate(), 3, until).await.unwrap(), 0);
}

/// Sessions are found by digest, touched and ended; a new password, a new role or disabling
/// ends every session of that operator and no other.
pub async fn sessions_end_with_logout_password_role_or_disabling(store: &dyn Store) {
    let carol = operator("carol", Role::Reviewer);
    let dave = operator("dave", Role::Reviewer);
    for o in [&carol, &dave] {
        store.create_operator(o).await.unwrap();
    }
    store.start_session(&session(&carol, 1)).await.unwrap();
    store.start_session(&session(&carol, 2)).await.unwrap();
    store.start_session(&session(&dave, 3)).await.unwrap();
    assert_eq!(store.session(&[1; 32]).await.unwrap(), Some(session(&carol, 1)));
    assert_eq!(store.session(&[9; 32]).await.unwrap(), None);

    let later = T0 + Duration::minutes(3);
    store.touch_session(&[1; 32], later).await.unwrap();
    assert_eq!(store.session(&[1; 32]).await.unwrap().unwrap().last_seen_at, later);
    store.end_session(&[2; 32]).await.unwrap();
    assert_eq!(store.session(&[2; 32]).await.unwrap(), None);
    assert!(store.session(&[1; 32]).await.unwrap().is_some(), "only that one");

    let partners_only =
        OperatorUpdate { partners: Some(vec![PartnerId::generate()]), ..Default::default() };
    store.update_operator("carol", &partners_only, later).await.unwrap();
    assert!(store.session(&[1; 32]).await.unwrap().is_some(), "a scope change keeps sessions");
    let demoted = OperatorUpdate { role: Some(Role::Viewer), ..Default::default() };
    store.update_operator("carol", &demoted, later).await.unwrap();
    assert_eq!(store.session(&[1; 32]).await.unwrap(), None);
    assert!(store.session(&[3; 32]).await.unwrap().is_some(), "dave's stays");
    let off = OperatorUpdate { disabled: Some(true), ..Default::default() };
    store.update_operator("dave", &off, later).await.unwrap();
    assert_eq!(store.session(&[3; 32]).await.unwrap(), None);
}

/// A case is one operator's until the lease runs out; the holder may renew or release it.
pub async fn a_case_claim_is_one_operators_until_it_runs_out(store: &dyn Store) {
    let (erin, frank) = (operator("erin", Role::Reviewer), operator("frank", Role::Reviewer));
    for o in [&erin, &frank] {
        store.create_operator(o).await.unwrap();
    }
    let case = ScanRef::generate();
    let claim = |who: &Operator, until| crate::CaseClaim {
        scan_ref: case.clone(),
        operator_id: who.id,
        until,
    };
    let lease = T0 + Duration::minutes(15);
    assert_eq!(store.case_claim(&case).await.unwrap(), None);
    assert_eq!(store.claim_case(&claim(&erin, lease), T0).await.unwrap(), claim(&erin, lease));
    let later = T0 + Duration::minutes(5);
    let theirs = store.claim_case(&claim(&frank, later + Duration::minutes(15)), later).await;
    assert_eq!(theirs.unwrap(), claim(&erin, lease), "frank sees erin's claim");
    let renewed = claim(&erin, later + Duration::minutes(15));
    assert_eq!(store.claim_case(&renewed, later).await.unwrap(), renewed, "erin renews");

    let expired = later + Duration::minutes(15);
    let taken = claim(&frank, expired + Duration::minutes(15));
    assert_eq!(store.claim_case(&taken, expired).await.unwrap(), taken, "a run-out lease is free");
    store.release_case(&case, erin.id).await.unwrap();
    assert_eq!(store.case_claim(&case).await.unwrap(), Some(taken), "only the holder releases");
    store.release_case(&case, frank.id).await.unwrap();
    assert_eq!(store.case_claim(&case).await.unwrap(), None);
}

/// A four-eyes proposal: one per case, stored sealed and read back whole, withdrawn once, and
/// gone with the verification's purge.
pub async fn a_review_proposal_is_one_per_case_and_goes_with_the_purge(store: &dyn Store) {
    let partner = sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let (erin, frank) = (operator("erin", Role::Reviewer), operator("frank", Role::Reviewer));
    for o in [&erin, &frank] {
        store.create_operator(o).await.unwrap();
    }
    let v = sample_verification(&partner, "c");
    store.create_verification(&v, &[]).await.unwrap();
    let proposal = |who: &Operator, decision: &str| crate::ReviewProposal {
        scan_ref: v.scan_ref.clone(),
        partner_id: partner.id,
        operator_id: who.id,
        decision: decision.as_bytes().to_vec(),
        created_at: T0,
    };
    assert_eq!(store.review_proposal(&v.scan_ref).await.unwrap(), None);
    assert!(store.propose_decision(&proposal(&erin, r#"{"note":"looks fine"}"#)).await.unwrap());
    assert!(
        !store.propose_decision(&proposal(&frank, "{}")).await.unwrap(),
        "a case has one proposal at a time"
    );
    let stored = store.review_proposal(&v.scan_ref).await.unwrap();
    assert_eq!(stored, Some(proposal(&erin, r#"{"note":"looks fine"}"#)));
    assert_eq!(store.review_proposal(&ScanRef::generate()).await.unwrap(), None);
    assert!(store.withdraw_proposal(&v.scan_ref).await.unwrap());
    assert!(!store.withdraw_proposal(&v.scan_ref).await.unwrap(), "withdrawn once");

    assert!(store.propose_decision(&proposal(&frank, "{}")).await.unwrap(), "free again");
    store.change_verification(&approval(&partner, &v.scan_ref), &[]).await.unwrap();
    let purge = deletion(&v, OverallStatus::Approved, T0);
    assert!(store.purge_verification(&purge).await.unwrap());
    assert_eq!(store.review_proposal(&v.scan_ref).await.unwrap(), None, "purged with the data");
}

/// A TOTP secret is stored sealed and read back whole; each step is used once and never an
/// earlier one; replacing the secret starts over; removing it leaves none.
pub async fn a_totp_secret_accepts_each_step_once(store: &dyn Store) {
    let erin = operator("erin", Role::Reviewer);
    store.create_operator(&erin).await.unwrap();
    assert_eq!(store.totp_secret(erin.id).await.unwrap(), None);
    store.set_totp_secret(erin.id, Some(b"first secret")).await.unwrap();
    let stored = store.totp_secret(erin.id).await.unwrap().unwrap();
    assert_eq!((stored.secret.as_slice(), stored.last_step), (&b"first secret"[..], 0));
    assert!(store.use_totp_step(erin.id, 100).await.unwrap());
    assert!(!store.use_totp_step(erin.id, 100).await.unwrap(), "the same step twice");
    assert!(!store.use_totp_step(erin.id, 99).await.unwrap(), "an earlier step");
    assert!(store.use_totp_step(erin.id, 101).await.unwrap());
    assert_eq!(store.totp_secret(erin.id).await.unwrap().unwrap().last_step, 101);
    store.set_totp_secret(erin.id, Some(b"second secret")).await.unwrap();
    let replaced = store.totp_secret(erin.id).await.unwrap().unwrap();
    assert_eq!((replaced.secret.as_slice(), replaced.last_step), (&b"second secret"[..], 0));
    store.set_totp_secret(erin.id, None).await.unwrap();
    assert_eq!(store.totp_secret(erin.id).await.unwrap(), None);
    assert!(!store.use_totp_step(erin.id, 200).await.unwrap(), "no secret, no step");
}
