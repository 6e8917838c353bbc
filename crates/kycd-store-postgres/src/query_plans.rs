//! Every list query, in every shape its filter can take, is checked with `EXPLAIN` (sequential
//! scans and sorts switched off, so the planner reports whether an index can serve the query
//! at all on a test database too small for it to prefer one): it must read through an index
//! and take its order from it. Needs `KYCD_TEST_POSTGRES_URL`; skipped, visibly, without it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::verifications::search_query;
use crate::{PostgresStore, audit::audit_query, outbox::deliveries_query, testing};
use kycd_store::crypto::MasterKey;
use sqlx::{Execute, Postgres, Row};

async fn plan(
    store: &PostgresStore,
    query: Option<sqlx::QueryBuilder<'static, Postgres>>,
) -> String {
    let mut query = query.expect("a query for this filter");
    let mut built = query.build();
    let sql = format!("EXPLAIN {}", built.sql());
    let arguments = built.take_arguments().unwrap().unwrap_or_default();
    let mut connection = store.pool().acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off").execute(&mut *connection).await.unwrap();
    sqlx::query("SET enable_sort = off").execute(&mut *connection).await.unwrap();
    let rows = sqlx::query_with(&sql, arguments).fetch_all(&mut *connection).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect::<Vec<_>>().join("\n")
}

/// `sorts_a_subset`: failed deliveries are selected by their state, then sorted.
fn assert_indexed(table: &str, shape: &str, plan: &str, sorts_a_subset: bool) {
    assert!(
        !plan.contains(&format!("Seq Scan on {table}")),
        "{shape}: scans all of {table}:\n{plan}"
    );
    assert!(plan.contains("Index"), "{shape}: uses no index:\n{plan}");
    assert!(sorts_a_subset || !plan.contains("Sort"), "{shape}: sorts:\n{plan}");
}

#[tokio::test]
async fn every_list_query_reads_through_an_index() {
    let Some(server) = testing::server_url() else {
        println!(
            "SKIPPED: {} is not set; the PostgreSQL query plans were not checked",
            testing::URL_VAR
        );
        return;
    };
    let url = testing::fresh_database(&server).await.unwrap();
    let store = PostgresStore::open(&url, &MasterKey::generate()).await.unwrap();
    for (shape, filter) in kycd_store::conformance::delivery_filter_shapes() {
        let plan = plan(&store, deliveries_query(&filter)).await;
        assert_indexed("webhook_events", &shape, &plan, filter.failed_only);
    }
    for (shape, filter) in kycd_store::conformance::audit_filter_shapes() {
        assert_indexed("audit_log", &shape, &plan(&store, audit_query(&filter)).await, false);
    }
    // A search may sort what an index selected (several partners, or a condition on one
    // column and an order by another); it never reads the whole table.
    for (shape, search) in kycd_store::conformance::verification_search_shapes() {
        assert_indexed("verifications", &shape, &plan(&store, search_query(&search)).await, true);
    }
}

/// The fair claim's reads (issue 15 point 1) stay index probes whatever the backlog: the loose
/// index scan over receivers, each receiver's due rows, and the leased rows.
#[tokio::test]
async fn the_fair_claims_reads_go_through_indexes() {
    use crate::outbox::{DUE_PER_RECEIVER, LEASED_BY_RECEIVER, RECEIVERS_WITH_WORK};
    let Some(server) = testing::server_url() else {
        println!("SKIPPED: {} is not set; the claim plans were not checked", testing::URL_VAR);
        return;
    };
    let url = testing::fresh_database(&server).await.unwrap();
    let store = PostgresStore::open(&url, &MasterKey::generate()).await.unwrap();
    let mut connection = store.pool().acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off").execute(&mut *connection).await.unwrap();
    let mut plan = async |query: sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments>| {
        let rows = query.fetch_all(&mut *connection).await.unwrap();
        rows.iter().map(|r| r.get::<String, _>(0)).collect::<Vec<_>>().join("\n")
    };
    let receivers_sql = format!("EXPLAIN {RECEIVERS_WITH_WORK}");
    let receivers = plan(sqlx::query(&receivers_sql).bind(4096_i64)).await;
    let due_sql = format!("EXPLAIN {DUE_PER_RECEIVER}");
    let due = plan(sqlx::query(&due_sql).bind(vec!["r".to_owned()]).bind(0_i64).bind(16_i64)).await;
    let leased_sql = format!("EXPLAIN {LEASED_BY_RECEIVER}");
    let leased = plan(sqlx::query(&leased_sql).bind(0_i64)).await;
    for (shape, plan) in [("receivers", &receivers), ("due", &due), ("leased", &leased)] {
        assert_indexed("webhook_events", shape, plan, true);
    }
    assert!(receivers.contains("webhook_events_pending_by_receiver"), "{receivers}");
    assert!(due.contains("webhook_events_pending_by_receiver"), "{due}");
    assert!(leased.contains("webhook_events_leased"), "{leased}");
}
