//! `GET /ui/{token}/state`: where the session stands, as JSON for the pages' own script
//! (`{"stage": "capturing" | "analysing" | "finished" | "invalid"}`), so the waiting and
//! hand-off pages move on when something changed instead of reloading on a timer. Never cached.

use crate::{AppState, params::ApiPath};
use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use kycd_domain::flow::Stage;

pub async fn state(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Response {
    let stage = match kycd_core::flow::session(&state.core, &token).await {
        Ok(Some(session)) => match session.stage {
            Stage::Capturing { .. } => "capturing",
            Stage::Analysing => "analysing",
            Stage::Finished(_) => "finished",
            Stage::NotValid => "invalid",
        },
        Ok(None) => "invalid",
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    let mut response = Json(serde_json::json!({ "stage": stage })).into_response();
    crate::ui::page::no_store(response.headers_mut());
    response
}
