//! Prometheus metrics: the process-wide recorder, the HTTP middleware that counts and times every
//! request by matched route and status, and the text served at `GET /metrics` (see
//! docs/adr/0013-metrics-endpoint.md for where it is served). Delivery outcomes are counted by
//! the webhook worker; the outbox backlog is read from the store at each scrape, so every node
//! reports the shared outbox as it is.

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::{fmt::Write, sync::OnceLock, time::Instant};

pub const HTTP_REQUESTS: &str = "kycd_http_requests_total";
pub const HTTP_DURATION: &str = "kycd_http_request_duration_seconds";
pub const OUTBOX_PENDING: &str = "kycd_outbox_pending_deliveries";
pub const OUTBOX_OLDEST_DUE_AGE: &str = "kycd_outbox_oldest_due_age_seconds";
pub const ANALYSIS_QUEUED: &str = "kycd_analysis_queued_jobs";
pub const ANALYSIS_OLDEST_AGE: &str = "kycd_analysis_oldest_job_age_seconds";

/// Upper bounds of the latency buckets, in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use. None if another recorder was installed first
/// (then nothing is exported, and `/metrics` says so).
pub fn recorder() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::warn!(%error, "Prometheus recorder not installed; /metrics stays empty");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests by method, matched route and status.");
    metrics::describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "HTTP request latency by method, matched route and status."
    );
    metrics::describe_counter!(
        kycd_webhooks::worker::DELIVERY_ATTEMPTS,
        "Webhook delivery attempts by outcome: delivered, retry, failed, gone."
    );
    metrics::describe_histogram!(
        kycd_webhooks::worker::DELIVERY_LATENCY,
        metrics::Unit::Seconds,
        "Time a receiver took to answer a webhook attempt."
    );
}

/// Counts and times one request. The route is the matched template (`/files/{scan_ref}/{kind}`),
/// never the raw path, so ids do not become labels.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let labels =
        [("method", method), ("route", route), ("status", response.status().as_u16().to_string())];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// The exposition text: the recorder's series, then the outbox and analysis backlogs of this
/// node's store.
pub fn render(
    backlog: &kycd_store::OutboxBacklog,
    analysis: &kycd_store::AnalysisBacklog,
    now: time::OffsetDateTime,
) -> String {
    let mut text = match recorder() {
        Some(handle) => {
            handle.run_upkeep();
            handle.render()
        }
        None => String::new(),
    };
    let oldest_age = backlog.oldest_due_at.map_or(0.0, |due| (now - due).as_seconds_f64().max(0.0));
    let _ = write!(
        text,
        "# HELP {OUTBOX_PENDING} Webhook deliveries waiting for an attempt (due or scheduled).\n\
         # TYPE {OUTBOX_PENDING} gauge\n{OUTBOX_PENDING} {}\n\
         # HELP {OUTBOX_OLDEST_DUE_AGE} How long the longest-waiting due delivery has waited (0 when none is due).\n\
         # TYPE {OUTBOX_OLDEST_DUE_AGE} gauge\n{OUTBOX_OLDEST_DUE_AGE} {oldest_age}\n",
        backlog.pending
    );
    let oldest_job =
        analysis.oldest_queued_at.map_or(0.0, |at| (now - at).as_seconds_f64().max(0.0));
    let _ = write!(
        text,
        "# HELP {ANALYSIS_QUEUED} Submissions waiting for (or in) their automatic analysis.\n\
         # TYPE {ANALYSIS_QUEUED} gauge\n{ANALYSIS_QUEUED} {}\n\
         # HELP {ANALYSIS_OLDEST_AGE} How long the oldest queued analysis has waited (0 when none is queued).\n\
         # TYPE {ANALYSIS_OLDEST_AGE} gauge\n{ANALYSIS_OLDEST_AGE} {oldest_job}\n",
        analysis.queued
    );
    text
}
