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
use kycd_store::Partner;
use serde_json::json;
use std::{convert::Infallible, time::Duration};

const POLL: Duration = Duration::from_millis(100);

struct Cursor {
    state: AppState,
    partner: Partner,
    since: time::OffsetDateTime,
    /// The last event streamed: the cursor is (since, last_id).
    last_id: Option<String>,
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
    let since = state.clock.now();
    let cursor =
        Cursor { state, partner, since, last_id: None, backlog: Vec::new(), greeted: false };
    let stream = futures::stream::unfold(cursor, |mut cursor| async move {
        loop {
            if !cursor.greeted {
                cursor.greeted = true;
                let ready = json!({"partner": cursor.partner.name, "signingKey": cursor.partner.signing_key});
                return Some((Ok(Event::default().event("ready").data(ready.to_string())), cursor));
            }
            if let Some(event) = cursor.backlog.pop() {
                return Some((Ok(event), cursor));
            }
            tokio::time::sleep(POLL).await;
            let found = match cursor
                .state
                .store
                .partner_events_since(
                    cursor.partner.id,
                    cursor.since,
                    cursor.last_id.as_deref(),
                    100,
                )
                .await
            {
                Ok(found) => found,
                Err(error) => {
                    tracing::warn!(%error, "reading sandbox events failed");
                    continue;
                }
            };
            let mut fresh = Vec::new();
            // Events come in insertion order; the cursor moves to the newest one streamed.
            for delivery in found {
                cursor.since = delivery.created_at;
                cursor.last_id = Some(delivery.id.clone());
                if delivery.payload.is_empty() {
                    continue;
                }
                let chaos: Vec<&str> =
                    delivery.chaos.as_deref().map_or(Vec::new(), |c| c.split(',').collect());
                let prepared = kycd_webhooks::signer::prepare(
                    cursor.partner.signing_key.as_bytes(),
                    delivery.event_type.as_str(),
                    &delivery.id,
                    cursor.state.clock.now().unix_timestamp(),
                    &delivery.payload,
                    &chaos,
                );
                let headers: serde_json::Map<String, serde_json::Value> =
                    prepared.headers.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
                let data = json!({
                    "id": delivery.id,
                    "eventType": delivery.event_type.as_str(),
                    "scanRef": delivery.scan_ref,
                    "headers": headers,
                    "body": base64::engine::general_purpose::STANDARD.encode(&prepared.body),
                });
                let event = Event::default()
                    .event("webhook")
                    .id(delivery.id.clone())
                    .data(data.to_string());
                // DUPLICATE chaos: the same webhook twice, as the worker sends it.
                if prepared.send_twice {
                    fresh.push(event.clone());
                }
                fresh.push(event);
            }
            fresh.reverse();
            cursor.backlog = fresh;
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
