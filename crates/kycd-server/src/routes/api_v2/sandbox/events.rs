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
use kycd_api::sandbox::{SandboxReadyEvent, SandboxWebhookEvent};
use kycd_core::sandbox::{EventCursor, PreparedWebhook};
use kycd_store::Partner;
use std::{convert::Infallible, time::Duration};

const POLL: Duration = Duration::from_millis(100);
/// How often an open stream checks that its credentials still hold (disable, rotate-secret).
const RECHECK: Duration = Duration::from_secs(1);

struct EventStream {
    state: AppState,
    partner: Partner,
    cursor: EventCursor,
    backlog: Vec<Event>,
    greeted: bool,
    checked_at: tokio::time::Instant,
    /// Set once the credentials no longer hold: the `revoked` event is sent, then the end.
    ended: bool,
}

/// Stream this partner's webhooks (DEV).
#[utoipa::path(get, path = "/api/v2/sandbox/events", tag = "Sandbox",
    security(("basicAuth" = [])),
    responses((status = 200, description = "text/event-stream: `ready` (data: SandboxReadyEvent), then `webhook` (data: SandboxWebhookEvent, id: the webhook-id) per event. Checked every second: once the partner is disabled or its API key or secret changes, a `revoked` event (data: {\"reason\"}) and the stream ends", content_type = "text/event-stream"),
              (status = 401, description = "UNAUTHORIZED: missing or wrong API key/secret", body = kycd_api::ErrorBody),
              (status = 403, description = "PERMISSIONS_ERROR: not a DEV partner, or partner inactive", body = kycd_api::ErrorBody),
              (status = 429, description = "TOO_MANY_REQUESTS: the partner's rate limit; see Retry-After", body = kycd_api::ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Authenticated(partner): Authenticated,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    require_dev(&partner)?;
    let cursor = EventCursor::now(&state.core);
    let stream = EventStream {
        state,
        partner,
        cursor,
        backlog: Vec::new(),
        greeted: false,
        checked_at: tokio::time::Instant::now(),
        ended: false,
    };
    let stream = futures::stream::unfold(stream, |mut s| async move {
        loop {
            if s.ended {
                return None;
            }
            if s.checked_at.elapsed() >= RECHECK {
                s.checked_at = tokio::time::Instant::now();
                match kycd_core::partners::still_authorised(&s.state.core, &s.partner).await {
                    Ok(Ok(())) => {}
                    Ok(Err(reason)) => {
                        tracing::info!(partner = %s.partner.name, reason, "event stream closed");
                        s.ended = true;
                        let data = serde_json::json!({ "reason": reason }).to_string();
                        return Some((Ok(Event::default().event("revoked").data(data)), s));
                    }
                    Err(error) => tracing::warn!(%error, "re-checking the stream's partner failed"),
                }
            }
            if !s.greeted {
                s.greeted = true;
                let ready = SandboxReadyEvent {
                    partner: s.partner.name.clone(),
                    signing_key: s.partner.signing_key.clone(),
                };
                return Some((Ok(Event::default().event("ready").data(to_json(&ready))), s));
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
    let data = SandboxWebhookEvent {
        id: webhook.id.clone(),
        event_type: webhook.event_type,
        scan_ref: webhook.scan_ref.clone(),
        headers: webhook.headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone().into())).collect(),
        body: base64::engine::general_purpose::STANDARD.encode(&webhook.body),
    };
    let event = Event::default().event("webhook").id(webhook.id.as_str()).data(to_json(&data));
    if webhook.send_twice { vec![event.clone(), event] } else { vec![event] }
}

/// Compact JSON of an event's data (serialising these plain structs cannot fail).
fn to_json(data: &impl serde::Serialize) -> String {
    serde_json::to_string(data).unwrap_or_default()
}
