//! Every list query, in every shape its filter can take, is checked with `EXPLAIN QUERY PLAN`:
//! it must read through an index and never scan or sort the whole table (issue 15: the delivery
//! log went from 15 ms to 536 ms at 52,000 events with a query that could use no index).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::verifications::search_query;
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
    // A search may sort what an index selected (several partners, or a condition on one
    // column and an order by another); it never reads the whole table.
    for (shape, search) in kycd_store::conformance::verification_search_shapes() {
        assert_indexed("verifications", &shape, &plan(&store, search_query(&search)).await, true);
    }
}

/// The fair claim's reads (issue 15 point 1) stay index probes whatever the backlog: the skip
/// scan over receivers, each receiver's due rows, and the leased rows.
#[tokio::test]
async fn the_fair_claims_reads_go_through_indexes() {
    use crate::outbox::{DUE_PER_RECEIVER, LEASED_BY_RECEIVER, RECEIVERS_WITH_WORK};
    let store = SqliteStore::open("sqlite::memory:", &MasterKey::generate()).await.unwrap();
    let plan = async |sql: &str, binds: &[&str]| {
        let sql = format!("EXPLAIN QUERY PLAN {sql}");
        let mut query = sqlx::query(&sql);
        for bind in binds {
            query = query.bind(*bind);
        }
        let rows = query.fetch_all(store.pool()).await.unwrap();
        rows.iter().map(|r| r.get::<String, _>("detail")).collect::<Vec<_>>().join("\n")
    };
    let receivers = plan(RECEIVERS_WITH_WORK, &["4096"]).await;
    let due = plan(DUE_PER_RECEIVER, &["[\"r\"]", "0", "0", "16"]).await;
    let leased = plan(LEASED_BY_RECEIVER, &["0"]).await;
    for (shape, plan) in [("receivers", &receivers), ("due", &due), ("leased", &leased)] {
        assert_indexed("webhook_events", shape, plan, true);
    }
    assert!(receivers.contains("webhook_events_pending_by_receiver"), "{receivers}");
    assert!(due.contains("webhook_events_pending_by_receiver"), "{due}");
    assert!(leased.contains("webhook_events_leased"), "{leased}");
}
