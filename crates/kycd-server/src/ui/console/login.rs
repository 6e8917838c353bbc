//! `GET` / `POST /console/login`: the name-and-password form, with the code of an operator's
//! second factor (TOTP) when they have one. A wrong name, a wrong password and a wrong or used
//! code read the same; the fifth failure in a row locks the account for 15 minutes (429 until then).
//! A post from another origin is refused before any password is checked.

use super::{closed, cross_site, message, render, session_cookie, session_token, with_cookie};
use crate::AppState;
use askama::Template;
use axum::{
    Form,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use kycd_core::operators::{self, LoginRefused};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    css: String,
    name: String,
    problem: Option<String>,
}

fn page(name: String, problem: Option<String>, status: StatusCode) -> Response {
    let css = crate::ui::assets::url("console.css");
    render(&LoginPage { css, name, problem }, status)
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(response) = closed(&state).await {
        return response;
    }
    // Already signed in: straight to the queue.
    if let Some(token) = session_token(&headers)
        && let Ok(Some(_)) = operators::signed_in(&state.core, &token).await
    {
        return Redirect::to("/console").into_response();
    }
    page(String::new(), None, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    /// The authenticator app's code, for operators with a second factor.
    #[serde(default)]
    code: String,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<Credentials>, axum::extract::rejection::FormRejection>,
) -> Response {
    if let Some(response) = closed(&state).await {
        return response;
    }
    if !crate::ui::page::same_origin(&headers) {
        return cross_site();
    }
    let Ok(Form(credentials)) = form else {
        return page(
            String::new(),
            Some("Enter your name and password.".into()),
            StatusCode::BAD_REQUEST,
        );
    };
    // Never echo more than a name's worth back into the page.
    let shown: String = credentials.name.chars().take(64).collect();
    let code = Some(credentials.code.trim()).filter(|c| !c.is_empty());
    // The text depends only on what was sent, so it does not tell who has a second factor.
    let wrong =
        if code.is_some() { "Wrong name, password or code." } else { "Wrong name or password." };
    match operators::login(&state.core, &credentials.name, credentials.password, code).await {
        Ok(Ok(signed_in)) => with_cookie(
            Redirect::to("/console").into_response(),
            session_cookie(&state, Some(&signed_in.token)),
        ),
        Ok(Err(LoginRefused::WrongCredentials)) => {
            page(shown, Some(wrong.into()), StatusCode::UNAUTHORIZED)
        }
        Ok(Err(LoginRefused::Locked(until))) => {
            let text = format!(
                "Too many failed logins: this account is locked until {}.",
                super::hhmm(until)
            );
            page(shown, Some(text), StatusCode::TOO_MANY_REQUESTS)
        }
        Err(error) => {
            tracing::error!(%error, "console login failed");
            message(StatusCode::INTERNAL_SERVER_ERROR, "Login failed", "Please try again.")
        }
    }
}
