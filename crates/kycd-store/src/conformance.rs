//! The behaviour every Store backend must show, one check per behaviour, grouped by store trait.
//! A backend's test crate runs each check as its own test with [`conformance_tests!`], so one
//! failure does not hide the rest; every check gets a fresh, empty, migrated store.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should panic loudly

pub mod analysis;
pub mod audit;
pub mod counters;
pub mod faces;
pub mod keys;
pub mod operators;
pub mod outbox;
pub mod partners;
pub mod sandbox;
pub mod verifications;

use crate::{
    AuditFilter, AuditRecord, ChaosSet, DeliveryAttempt, DeliveryFilter, DeliveryState,
    NewWebhookEvent, NextStep, OutboxBacklog, Partner, PartnerUpdate, Store, StoreError,
    Verification, VerificationChange, VerificationPurge,
};
use kycd_domain::{
    AuthToken, ClientId, Environment, PartnerId, ScanRef,
    fair_share::FairShare,
    ids::WebhookId,
    result::{DocumentData, VerificationResult},
    sandbox::Chaos,
    token_request::{self, TokenDefaults},
    vocabulary::{EventType, FaceStatus, OverallStatus},
};
use time::{Duration, OffsetDateTime, macros::datetime};

const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

/// Expands to one `#[tokio::test]` per conformance check, named after the check. `$fresh` is an
/// expression evaluated anew in each test; awaited, it yields `Option<(store, guard)>`: a fresh,
/// empty, migrated store (any type implementing `Store`) and whatever must live as long as it
/// (a temporary directory, or `()`), or `None` to skip the test (having said why). The calling
/// crate needs `tokio` (with `macros` and `rt`) as a dev-dependency.
///
/// ```ignore
/// mod conformance {
///     kycd_store::conformance_tests!(super::fresh_store());
/// }
/// ```
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:expr) => {
        $crate::conformance_tests!(@each $fresh;
            partners::partners_round_trip,
            partners::partner_names_and_keys_are_unique,
            partners::partner_updates_change_only_what_is_named,
            counters::rate_windows_count_per_partner_and_window,
            counters::counters_count_per_key_and_window,
            counters::readiness_probes_commit_writes,
            counters::reclaiming_space_keeps_the_data,
            verifications::verification_round_trip_and_isolation,
            verifications::credits_are_spent_exactly_and_exhaustion_changes_nothing,
            verifications::concurrent_writes_each_commit_or_fail_alone,
            verifications::status_changes_are_compare_and_set_with_their_events,
            verifications::due_expirations_lists_only_expired_active_tokens,
            verifications::opening_the_flow_moves_the_deadline_once,
            verifications::a_handoff_code_works_once_until_it_expires,
            verifications::purge_removes_personal_data_and_stops_deliveries,
            verifications::retention_candidates_are_old_finished_verifications_of_one_environment,
            verifications::the_review_queue_lists_waiting_verifications_oldest_first_by_partner,
            verifications::the_search_finds_by_each_condition_within_the_partners_named,
            verifications::the_dashboard_counts_per_day_and_status_and_times_decisions,
            outbox::claims_lease_each_delivery_to_one_worker_until_the_lease_ends,
            outbox::claims_share_slots_fairly_between_receivers_and_partners,
            outbox::attempts_are_recorded_and_move_deliveries_on,
            outbox::resend_queues_the_same_event_again,
            outbox::backlog_counts_pending_deliveries_and_the_longest_overdue,
            analysis::a_submission_uses_the_token_once_and_queues_one_job,
            analysis::analysis_jobs_are_leased_to_one_worker_until_the_lease_ends,
            analysis::a_result_commits_with_its_webhooks_and_the_jobs_removal,
            analysis::a_failed_attempt_waits_for_its_retry_and_keeps_its_error,
            analysis::a_returned_attempt_reopens_the_link_without_a_webhook,
            faces::faces_are_recorded_while_analysed_and_paged_in_storage_order,
            faces::blocklist_entries_commit_with_their_tag_and_find_faces_and_people,
            faces::purge_removes_faces_and_blocklist_entries,
            operators::operators_round_trip_and_updates_change_only_what_is_named,
            operators::login_failures_lock_and_a_good_login_or_new_password_clears_them,
            operators::sessions_end_with_logout_password_role_or_disabling,
            operators::a_case_claim_is_one_operators_until_it_runs_out,
            operators::a_review_proposal_is_one_per_case_and_goes_with_the_purge,
            operators::a_totp_secret_accepts_each_step_once,
            audit::audit_records_are_appended_and_listed_newest_first,
            keys::sealed_columns_round_trip_through_the_key_ring,
            sandbox::sandbox_queries_shift_list_stream_and_reset,
        );
    };
    (@each $fresh:expr; $($module:ident :: $check:ident),+ $(,)?) => {$(
        #[::tokio::test]
        async fn $check() {
            let Some((store, _guard)) = $fresh.await else { return };
            $crate::conformance::$module::$check(&store).await;
        }
    )+};
}

pub fn sample_partner(name: &str, environment: Environment, credits: Option<i64>) -> Partner {
    Partner {
        id: PartnerId::generate(),
        name: name.to_owned(),
        environment,
        api_key: format!("key-{name}"),
        api_secret_sha256: [7; 32],
        signing_key: format!("signing-{name}"),
        webhook_url: None,
        credits,
        rate_limit_per_hour: 10_000,
        enabled: true,
        token_defaults: TokenDefaults::default(),
        created_at: T0,
    }
}

pub fn sample_verification(partner: &Partner, client: &str) -> Verification {
    let body =
        serde_json::json!({"clientId": client, "firstName": "Jonas", "dateOfBirth": "1990-01-02"});
    let serde_json::Value::Object(body) = body else { unreachable!("object literal") };
    let request = token_request::parse(&body, &partner.token_defaults, partner.environment)
        .expect("sample request is valid");
    Verification {
        scan_ref: ScanRef::generate(),
        partner_id: partner.id,
        client_id: ClientId::from_trusted(client),
        auth_token: AuthToken::generate(),
        digit_string: None,
        status: OverallStatus::Active,
        request,
        created_at: T0,
        token_expires_at: T0 + Duration::days(1),
        result: None,
        updated_at: T0,
        submitted_at: None,
        opened_at: None,
        attempts_used: 0,
        last_attempt: None,
    }
}

/// A webhook id in tests: ids are stored as given.
pub fn webhook_id(id: &str) -> WebhookId {
    WebhookId::from_trusted(id)
}

pub(crate) fn event(
    partner: &Partner,
    scan_ref: &ScanRef,
    id: &str,
    target: Option<&str>,
) -> NewWebhookEvent {
    NewWebhookEvent {
        id: webhook_id(id),
        partner_id: partner.id,
        scan_ref: scan_ref.clone(),
        event_type: EventType::AutoFinished,
        payload: format!("{{\"id\":\"{id}\"}}").into_bytes(),
        target_url: target.map(str::to_owned),
        created_at: T0,
        chaos: if id == "msg_a" {
            ChaosSet::from_iter([Chaos::Duplicate])
        } else {
            ChaosSet::new()
        },
        deliver_after: None,
    }
}

/// The change that approves an active verification at T0.
pub fn approval(partner: &Partner, scan_ref: &ScanRef) -> VerificationChange {
    VerificationChange {
        partner_id: partner.id,
        scan_ref: scan_ref.clone(),
        expected_status: OverallStatus::Active,
        new_status: OverallStatus::Approved,
        result: None,
        updated_at: T0,
    }
}

/// The purge `/api/v2/delete` makes of `verification` in `status`, at `at`.
pub fn deletion(
    verification: &Verification,
    status: OverallStatus,
    at: OffsetDateTime,
) -> VerificationPurge {
    VerificationPurge {
        partner_id: verification.partner_id,
        scan_ref: verification.scan_ref.clone(),
        expected_status: status,
        new_status: OverallStatus::Deleted,
        redacted_request: verification.request.redacted(),
        at,
    }
}

pub(crate) async fn setup_one(store: &dyn Store) -> (Partner, Verification) {
    let partner = sample_partner("p", Environment::Dev, None);
    store.create_partner(&partner).await.unwrap();
    let verification = sample_verification(&partner, "c");
    store.create_verification(&verification, &[]).await.unwrap();
    (partner, verification)
}

fn face_match() -> VerificationResult {
    VerificationResult { auto_face: Some(FaceStatus::FaceMatch), ..Default::default() }
}

fn with_first_name(name: &str) -> VerificationResult {
    let data = DocumentData { doc_first_name: Some(name.to_owned()), ..Default::default() };
    VerificationResult { data, ..Default::default() }
}

fn started_at(unix_seconds: i64) -> VerificationResult {
    VerificationResult { start_time: unix_seconds, ..Default::default() }
}

/// Every shape the delivery log's filter can take, named, for the backends' query-plan checks.
pub fn delivery_filter_shapes() -> Vec<(String, crate::DeliveryFilter)> {
    let partner = Some(PartnerId::generate());
    let scan_ref = Some(ScanRef::from_trusted("00000000-0000-0000-0000-000000000001"));
    [
        (partner, None, false),
        (partner, scan_ref.clone(), false),
        (partner, None, true),
        (None, scan_ref, false),
        (None, None, false),
        (None, None, true),
    ]
    .into_iter()
    .map(|(partner_id, scan_ref, failed_only)| {
        let name = format!(
            "deliveries partner={} scanRef={} failed_only={failed_only}",
            partner_id.is_some(),
            scan_ref.is_some()
        );
        (name, crate::DeliveryFilter { partner_id, scan_ref, failed_only, limit: 100 })
    })
    .collect()
}

/// Every shape of the console's verification search, named.
pub fn verification_search_shapes() -> Vec<(String, crate::VerificationSearch)> {
    let scan_ref = ScanRef::from_trusted("00000000-0000-0000-0000-000000000001");
    let conditions: [(&str, crate::VerificationSearch); 6] = [
        ("nothing", crate::VerificationSearch::default()),
        ("scanRef", crate::VerificationSearch { scan_ref: Some(scan_ref), ..Default::default() }),
        (
            "clientId",
            crate::VerificationSearch { client_id: Some("c".into()), ..Default::default() },
        ),
        (
            "status",
            crate::VerificationSearch {
                status: Some(OverallStatus::Approved),
                ..Default::default()
            },
        ),
        (
            "dates",
            crate::VerificationSearch {
                created_from: Some(T0),
                created_before: Some(T0 + Duration::days(1)),
                ..Default::default()
            },
        ),
        (
            "status and dates",
            crate::VerificationSearch {
                status: Some(OverallStatus::Denied),
                created_from: Some(T0),
                ..Default::default()
            },
        ),
    ];
    let mut shapes = Vec::new();
    for (name, search) in conditions {
        for partners in [vec![], vec![PartnerId::generate()], vec![PartnerId::generate(); 2]] {
            let shape = format!("search by {name}, {} partners named", partners.len());
            shapes
                .push((shape, crate::VerificationSearch { partners, limit: 50, ..search.clone() }));
        }
    }
    shapes
}

/// Every shape of the audit listing's filter, named.
pub fn audit_filter_shapes() -> Vec<(String, crate::AuditFilter)> {
    [None, Some(ScanRef::from_trusted("00000000-0000-0000-0000-000000000001"))]
        .into_iter()
        .map(|scan_ref| {
            (
                format!("audit scanRef={}", scan_ref.is_some()),
                crate::AuditFilter { scan_ref, limit: 100 },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// A check left out of [`conformance_tests!`] would silently never run.
    #[test]
    fn every_check_is_run_by_the_macro() {
        let listed = include_str!("conformance.rs");
        let modules = [
            ("analysis", include_str!("conformance/analysis.rs")),
            ("audit", include_str!("conformance/audit.rs")),
            ("counters", include_str!("conformance/counters.rs")),
            ("faces", include_str!("conformance/faces.rs")),
            ("keys", include_str!("conformance/keys.rs")),
            ("operators", include_str!("conformance/operators.rs")),
            ("outbox", include_str!("conformance/outbox.rs")),
            ("partners", include_str!("conformance/partners.rs")),
            ("sandbox", include_str!("conformance/sandbox.rs")),
            ("verifications", include_str!("conformance/verifications.rs")),
        ];
        let mut checks = 0;
        for (module, source) in modules {
            for rest in source.lines().filter_map(|l| l.strip_prefix("pub async fn ")) {
                let name = rest.split('(').next().unwrap();
                let entry = format!("            {module}::{name},\n");
                assert!(listed.contains(&entry), "{module}::{name} is not in conformance_tests!");
                checks += 1;
            }
        }
        assert!(checks >= 18, "only {checks} checks found: is the pattern still right?");
    }
}
