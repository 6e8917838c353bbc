//! GET /api/v2/sandbox/events: a Server-Sent Events stream of the calling DEV partner's webhooks,
//! each exactly as it would be POSTed (signed headers and body bytes), so `kycd listen` can
//! forward them to a local app without an inbound port or tunnel. Works on any node: events are
//! read from the shared outbox.

use crate::{
    AppState, auth::Authenticated, error::ApiResult, routes::api_v2::sandbox::require_dev,
};
use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use base64::Engine;
use futures::Stream;
use kycd_core::sandbox::{EventCursor, PreparedWebhook};
use kycd_store::Partner;
use serde_json::json;
use std::{convert::Infallible, time::Duration};

const POLL: Duration = Duration::from_millis(100);

struct EventStream {
    state: AppState,
    partner: Partner,
    cursor: EventCursor,
    backlog: Vec<Event>,
    greeted: bool,
}

/// Stream this partner's webhooks (DEV).
#[utoipa::path(get, path = "/api/v2/sandbox/events", tag = "Sandbox",
    security(("basicAuth" = [])),
    responses((status = 200, description = "text/event-stream: `ready` {partner, signingKey}, then `webhook` {id, eventType, scanRef, headers, body (base64)} per event", content_type = "text/event-stream"),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner", body = kycd_api::ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    require_dev(&partner)?;
    let cursor = EventCursor::now(&state.core);
    let stream = EventStream { state, partner, cursor, backlog: Vec::new(), greeted: false };
    let stream = futures::stream::unfold(stream, |mut s| async move {
        loop {
            if !s.greeted {
                s.greeted = true;
                let ready = json!({"partner": s.partner.name, "signingKey": s.partner.signing_key});
                return Some((Ok(Event::default().event("ready").data(ready.to_string())), s));
            }
            if let Some(event) = s.backlog.pop() {
                return Some((Ok(event), s));
            }
            tokio::time::sleep(POLL).await;
            match kycd_core::sandbox::events_after(&s.state.core, &s.partner, &mut s.cursor).await {
                // Oldest first; the backlog is popped from its end.
                Ok(found) => s.backlog = found.iter().rev().flat_map(sse_events).collect(),
                Err(error) => tracing::warn!(%error, "reading sandbox events failed"),
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The SSE `webhook` event for one prepared webhook; twice for DUPLICATE chaos, as the worker
/// sends it.
fn sse_events(webhook: &PreparedWebhook) -> Vec<Event> {
    let headers: serde_json::Map<String, serde_json::Value> =
        webhook.headers.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
    let data = json!({
        "id": webhook.id,
        "eventType": webhook.event_type,
        "scanRef": webhook.scan_ref,
        "headers": headers,
        "body": base64::engine::general_purpose::STANDARD.encode(&webhook.body),
    });
    let event = Event::default().event("webhook").id(webhook.id.as_str()).data(data.to_string());
    if webhook.send_twice { vec![event.clone(), event] } else { vec![event] }
}
