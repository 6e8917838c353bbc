//! `POST /ui/{token}/submit`: the photos go to the analysis (the same durable job as
//! `/api/v2/process`); the person then waits on the landing page, which shows the result.

use super::{Flow, SameOrigin};
use crate::AppState;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use kycd_core::flow::NotReady;

pub async fn submit(State(state): State<AppState>, _: SameOrigin, flow: Flow) -> Response {
    let Some(document) = flow.nav.doc else { return flow.go("choose") };
    if !flow.session.stage.is_capturing() {
        return flow.go("");
    }
    match kycd_core::flow::submit(
        &state.core,
        &flow.session,
        document,
        flow.nav.country.clone(),
        flow.platform,
    )
    .await
    {
        Ok(Ok(())) => flow.go(""),
        Ok(Err(NotReady::Missing(missing))) => match missing.first() {
            Some(kind) => flow.go(&format!("capture/{kind}")),
            None => flow.go("review"),
        },
        Ok(Err(NotReady::DocumentNotAllowed)) => flow.go("choose"),
        Err(kycd_core::CoreError::LinkNotValid) => flow.go(""),
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}
