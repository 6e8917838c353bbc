//! Every list query, in every shape its filter can take, is checked with `EXPLAIN QUERY PLAN`:
//! it must read through an index and never scan or sort the whole table (issue 15: the delivery
//! log went from 15 ms to 536 ms at 52,000 events with a query that could use no index).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::{SqliteStore, audit::audit_query, outbox::deliveries_query};
use kycd_store::crypto::MasterKey;
use sqlx::{Execute, Row, Sqlite, sqlite::SqliteArguments};

async fn plan(store: &SqliteStore, mut query: sqlx::QueryBuilder<'static, Sqlite>) -> String {
    let built = query.build();
    let sql = format!("EXPLAIN QUERY PLAN {}", built.sql());
    let mut built = built;
    let arguments: SqliteArguments<'_> = built.take_arguments().unwrap().unwrap_or_default();
    let rows = sqlx::query_with(&sql, arguments).fetch_all(store.pool()).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>("detail")).collect::<Vec<_>>().join("\n")
}

/// `sorts_a_subset`: the shape selects rows by an index on another column (failed deliveries by
/// state), so SQLite may sort what it selected; it still never reads the whole table.
fn assert_indexed(table: &str, shape: &str, plan: &str, sorts_a_subset: bool) {
    let full_scan = plan.lines().any(|l| l.trim() == format!("SCAN {table}"));
    assert!(!full_scan, "{shape}: scans all of {table}:\n{plan}");
    let sorts = plan.contains("USE TEMP B-TREE FOR ORDER BY");
    assert!(!sorts || sorts_a_subset, "{shape}: sorts every row:\n{plan}");
    assert!(plan.contains("INDEX"), "{shape}: uses no index:\n{plan}");
}

#[tokio::test]
async fn every_list_query_reads_through_an_index() {
    let store = SqliteStore::open("sqlite::memory:", &MasterKey::generate()).await.unwrap();
    for (shape, filter) in kycd_store::conformance::delivery_filter_shapes() {
        let plan = plan(&store, deliveries_query(&filter)).await;
        assert_indexed("webhook_events", &shape, &plan, filter.failed_only);
    }
    for (shape, filter) in kycd_store::conformance::audit_filter_shapes() {
        assert_indexed("audit_log", &shape, &plan(&store, audit_query(&filter)).await, false);
    }
}
