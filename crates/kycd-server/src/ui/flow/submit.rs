//! `POST /ui/{token}/submit`: the photos go to the analysis (the same durable job as
//! `/api/v2/process`); the person then waits on the landing page, which shows the result.

use super::{Flow, FlowQuery};
use crate::AppState;
use axum::{
    extract::{Path, RawQuery, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use kycd_core::flow::NotReady;

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = super::refuse_cross_site(&headers) {
        return refused;
    }
    let flow = match Flow::load(&state, &token, &FlowQuery::parse(raw.as_deref()), &headers).await {
        Ok(flow) => flow,
        Err(page) => return page,
    };
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
