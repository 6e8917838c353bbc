//! `POST /ui/{token}/sandbox` (DEV partners only): the test panel's buttons finish the
//! verification as a `dummyResult` scenario would, with the same webhooks, so integrators can
//! test their redirect and webhook handling through the real pages without real documents.

use super::{Flow, SameOrigin};
use crate::AppState;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};

pub async fn finish(
    State(state): State<AppState>,
    _: SameOrigin,
    flow: Flow,
    body: String,
) -> Response {
    let scenario = url::form_urlencoded::parse(body.as_bytes())
        .find(|(name, _)| name == "scenario")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    match kycd_core::flow::finish_as_scenario(&state.core, &flow.session, &scenario).await {
        Ok(_) | Err(kycd_core::CoreError::LinkNotValid) => flow.go(""),
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}
