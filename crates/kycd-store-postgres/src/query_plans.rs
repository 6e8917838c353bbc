//! Every list query, in every shape its filter can take, is checked with `EXPLAIN` (sequential
//! scans and sorts switched off, so the planner reports whether an index can serve the query
//! at all on a test database too small for it to prefer one): it must read through an index
//! and take its order from it. Needs `KYCD_TEST_POSTGRES_URL`; skipped, visibly, without it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
}
