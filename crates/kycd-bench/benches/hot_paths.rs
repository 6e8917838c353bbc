//! Micro-benchmarks of kycd's hot pure functions: token-request parsing and validation, the 201
//! body's serialisation, and building plus signing a webhook. Short warm-up and measurement
//! times keep `cargo bench -p kycd-bench` under a minute; run it on a quiet machine.

use criterion::{Criterion, criterion_group, criterion_main};
use kycd_bench::fixtures;
use kycd_domain::{
    Environment,
    dummy::{self, DummyPlan},
    token_request::{self, TokenDefaults},
    vocabulary::{DummyStatus, OverallStatus},
};
use kycd_webhooks::{
    payload::{self, WebhookInput},
    signer,
};
use serde_json::{Map, Value};
use std::{hint::black_box, time::Duration};

fn or_die<T, E: std::fmt::Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("benchmark fixture {what} failed: {error:?}"),
    }
}

fn token_request_parse(c: &mut Criterion) {
    let body = or_die(fixtures::token_body_object(), "token body");
    let bytes = or_die(serde_json::to_vec(&body), "token bytes");
    let defaults = TokenDefaults::default();
    let mut group = c.benchmark_group("token_request");
    group.bench_function("parse (rules only)", |b| {
        b.iter(|| token_request::parse(black_box(&body), &defaults, Environment::Dev))
    });
    group.bench_function("json bytes + parse", |b| {
        b.iter(|| {
            let map: Map<String, Value> =
                serde_json::from_slice(black_box(&bytes)).unwrap_or_default();
            token_request::parse(&map, &defaults, Environment::Dev)
        })
    });
    group.finish();
}

fn token_response_serialise(c: &mut Criterion) {
    let request = or_die(fixtures::token_request(), "token request");
    let response = fixtures::token_response(&request);
    let mut group = c.benchmark_group("token_response");
    group.bench_function("serialise", |b| {
        b.iter(|| serde_json::to_vec(black_box(&response)).unwrap_or_default())
    });
    group.bench_function("build + serialise", |b| {
        b.iter(|| {
            let response = fixtures::token_response(black_box(&request));
            serde_json::to_vec(&response).unwrap_or_default()
        })
    });
    group.finish();
}

fn webhook_build_and_sign(c: &mut Criterion) {
    let request = or_die(fixtures::token_request(), "token request");
    let scan_ref = "01a201b4-bec7-748b-ae43-548e24e01e4a";
    let key = b"bench-signing-key-0123456789abcdefghijklmnopqrstu";
    let DummyPlan::Finish { result, .. } =
        dummy::plan(&request, DummyStatus::Approved, 1_700_000_000)
    else {
        panic!("an APPROVED dummy token must finish at once");
    };
    let file_urls = fixtures::file_urls(scan_ref);
    let build = || {
        payload::to_bytes(&payload::identification_webhook(&WebhookInput {
            scan_ref,
            client_id: request.client_id.as_str(),
            external_ref: request.external_ref.as_deref(),
            overall: OverallStatus::Approved,
            is_final: true,
            result: Some(black_box(result.as_ref())),
            start_time: 1_700_000_000,
            finish_time: 1_700_000_000,
            file_urls: file_urls.clone(),
        }))
    };
    let body = build();
    let sign = |body: &[u8]| {
        signer::headers(key, "IDENTIFICATION_AUTO_FINISHED", "msg_0193", 1_700_000_000, body)
    };
    let mut group = c.benchmark_group("webhook");
    group.bench_function("payload build + bytes", |b| b.iter(build));
    group.bench_function("signer::headers", |b| b.iter(|| sign(black_box(&body))));
    group.bench_function("build + bytes + sign", |b| b.iter(|| sign(&build())));
    group.finish();
}

criterion_group! {
    name = hot_paths;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(30);
    targets = token_request_parse, token_response_serialise, webhook_build_and_sign
}
criterion_main!(hot_paths);
