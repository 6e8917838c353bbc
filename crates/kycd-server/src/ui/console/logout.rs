//! `POST /console/logout`: ends the session (CSRF-checked) and clears the cookie.

use super::{SignedIn, cross_site, session_cookie, with_cookie};
use crate::AppState;
use axum::{
    Form,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !signed_in.posted_by_session(&state, &headers, &form.csrf) {
        return cross_site();
    }
    if let Err(error) =
        kycd_core::operators::logout(&state.core, &signed_in.operator, &signed_in.token).await
    {
        return crate::error::ApiError::from(error).into_response();
    }
    with_cookie(Redirect::to("/console/login").into_response(), session_cookie(&state, None))
}
