//! `GET /ui/{token}/photo/{kind}`: a photo the person took, for their own review page, only
//! while the session can still capture; never cached.

use super::Flow;
use crate::AppState;
use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use kycd_domain::vocabulary::FileKind;

pub async fn photo(State(state): State<AppState>, flow: Flow, uri: axum::http::Uri) -> Response {
    let Some(kind) = FileKind::parse(super::last_segment(&uri)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !flow.session.stage.is_capturing() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match kycd_core::flow::photo(&state.core, &flow.session, kind).await {
        Ok(Some(bytes)) => {
            let content_type = kycd_core::files::content_type(&bytes);
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            crate::ui::page::no_store(headers);
            response
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}
