//! GET /metrics after real traffic: request counts and latency by matched route and status,
//! webhook delivery outcomes, and the outbox backlog of the app's own database.

use kycd_testkit::{TestOptions, WebhookReceiver, spawn_app, spawn_app_with};
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// The value of the series whose line starts with `series` (name and labels exactly), if any.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

async fn scrape(app: &kycd_testkit::TestApp) -> String {
    let reply = app.anonymous_client().get("/metrics").await.expect(200);
    assert_eq!(reply.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    String::from_utf8(reply.body).unwrap()
}

#[tokio::test]
async fn requests_and_deliveries_are_counted_by_route_status_and_outcome() {
    let app = spawn_app().await;
    let receiver = WebhookReceiver::start().await;
    let client = app.sandbox_client();
    for _ in 0..3 {
        client
            .post_json(
                "/api/v2/token",
                &json!({"clientId": "m", "dummyStatus": "APPROVED", "callbackUrl": receiver.url("/m")}),
            )
            .await
            .expect(201);
    }
    client.post_json("/api/v2/status", &json!({"scanRef": "nope"})).await.expect(404);
    app.anonymous_client().get("/no/such/route").await.expect(404);
    receiver.wait_for(3, WAIT).await;
    // The worker records the attempt after the receiver answered: wait for the counter.
    let mut text = scrape(&app).await;
    let delivered = "kycd_webhook_delivery_attempts_total{outcome=\"delivered\"}";
    for _ in 0..100 {
        // The counter is process-wide (other tests deliver too); this app's own backlog says
        // when its three webhooks are recorded.
        if value(&text, delivered).is_some_and(|n| n >= 3.0)
            && value(&text, "kycd_outbox_pending_deliveries") == Some(0.0)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        text = scrape(&app).await;
    }
    // Other tests in this process share the recorder, so counts are at least ours.
    let tokens = "kycd_http_requests_total{method=\"POST\",route=\"/api/v2/token\",status=\"201\"}";
    assert!(value(&text, tokens).is_some_and(|n| n >= 3.0), "{tokens} in:\n{text}");
    let status =
        "kycd_http_requests_total{method=\"POST\",route=\"/api/v2/status\",status=\"404\"}";
    assert!(value(&text, status).is_some_and(|n| n >= 1.0), "{status} in:\n{text}");
    let unmatched = "kycd_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}";
    assert!(value(&text, unmatched).is_some_and(|n| n >= 1.0), "{unmatched} in:\n{text}");
    assert!(
        !text.contains("/no/such/route") && !text.contains("route=\"/api/v2/token?"),
        "raw paths never become labels"
    );
    let latency = "kycd_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v2/token\",status=\"201\"}";
    assert!(value(&text, latency).is_some_and(|n| n >= 3.0), "{latency} in:\n{text}");
    assert!(text.contains("kycd_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v2/token\",status=\"201\",le=\"0.005\"}"));
    assert!(value(&text, delivered).is_some_and(|n| n >= 3.0), "{delivered} in:\n{text}");
    assert!(text.contains("# TYPE kycd_webhook_delivery_latency_seconds histogram"));
    assert_eq!(value(&text, "kycd_outbox_pending_deliveries"), Some(0.0), "all delivered");
    assert_eq!(value(&text, "kycd_outbox_oldest_due_age_seconds"), Some(0.0));
}

#[tokio::test]
async fn outbox_depth_and_the_age_of_the_oldest_due_delivery_are_reported() {
    // An API-only node: nothing delivers, so the events wait in the outbox.
    let app = spawn_app_with(TestOptions { deliver_webhooks: false, ..Default::default() }).await;
    let client = app.sandbox_client();
    for _ in 0..2 {
        client
            .post_json(
                "/api/v2/token",
                &json!({"clientId": "q", "dummyStatus": "DENIED", "callbackUrl": "http://127.0.0.1:9/q"}),
            )
            .await
            .expect(201);
    }
    app.clock.advance(time::Duration::seconds(90));
    let text = scrape(&app).await;
    assert_eq!(value(&text, "kycd_outbox_pending_deliveries"), Some(2.0), "{text}");
    assert_eq!(value(&text, "kycd_outbox_oldest_due_age_seconds"), Some(90.0), "{text}");
    assert_eq!(value(&text, "kycd_analysis_queued_jobs"), Some(0.0), "{text}");
}

#[tokio::test]
async fn the_analysis_queue_and_its_oldest_job_are_reported() {
    // An API-only node: nothing analyses, so the submission waits in the queue.
    let app = spawn_app_with(TestOptions { deliver_webhooks: false, ..Default::default() }).await;
    let client = app.sandbox_client();
    let token =
        client.post_json("/api/v2/token", &json!({"clientId": "q"})).await.expect(201).json();
    let blank = image::GrayImage::from_pixel(32, 32, image::Luma([128]));
    let mut png = Vec::new();
    blank.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let front = crate::analysis::base64(&png);
    client
        .post_json(
            "/api/v2/process",
            &json!({"authToken": token["authToken"], "images": {"FRONT": front}}),
        )
        .await
        .expect(200);
    app.clock.advance(time::Duration::seconds(30));
    let text = scrape(&app).await;
    assert_eq!(value(&text, "kycd_analysis_queued_jobs"), Some(1.0), "{text}");
    assert_eq!(value(&text, "kycd_analysis_oldest_job_age_seconds"), Some(30.0), "{text}");
}

#[tokio::test]
async fn metrics_are_not_served_when_turned_off() {
    let app = spawn_app_with(TestOptions { metrics: false, ..Default::default() }).await;
    let reply = app.anonymous_client().get("/metrics").await.expect(404);
    assert_eq!(reply.error().0, "NOT_FOUND");
}
