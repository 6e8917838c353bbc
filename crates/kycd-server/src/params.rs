//! Path and query parameters with the API's own errors: axum's `Path` and `Query` answer a bad
//! segment (`/files/%ff/FRONT`) or a repeated parameter (`?limit=1&limit=2`) with `text/plain`;
//! these wrappers make every such refusal the JSON error shape (400 BAD_VALUE naming what is
//! wrong). Handlers put them after the authentication extractor, so a partner who may not call
//! an endpoint learns that before anything about its parameters.

use crate::error::ApiError;
use axum::{
    extract::{FromRequestParts, Path, Query},
    http::{Uri, request::Parts},
};
use kycd_domain::Rejection;
use serde::de::DeserializeOwned;

/// Path parameters (`{scanRef}`, `{id}`, …).
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => {
                Err(ApiError::Rejected(Rejection::bad_value(path_message(&rejection.body_text()))))
            }
        }
    }
}

/// Query parameters; a parameter given twice is refused rather than guessed at.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        query_of(&parts.uri).map(Self)
    }
}

/// The query parameters of `uri`, for a handler that must refuse the caller before it reads
/// them (take the `Uri`, check, then call this).
pub fn query_of<T: DeserializeOwned>(uri: &Uri) -> Result<T, ApiError> {
    Query::<T>::try_from_uri(uri).map(|Query(value)| value).map_err(|rejection| {
        ApiError::Rejected(Rejection::bad_value(query_message(&rejection.body_text())))
    })
}

fn path_message(framework: &str) -> String {
    match between(framework, "Invalid UTF-8 in `", "`") {
        Some(name) => format!("Path parameter '{name}' is not valid UTF-8 once percent-decoded."),
        None => format!("The path cannot be read: {}", strip_prefix(framework)),
    }
}

fn query_message(framework: &str) -> String {
    match between(framework, "duplicate field `", "`") {
        Some(name) => format!("Query parameter '{name}' is given more than once."),
        None => format!("The query string cannot be read: {}", strip_prefix(framework)),
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    Some(&text[from..from + text[from..].find(end)?])
}

/// axum's messages start with "Failed to deserialize query string: " and the like.
fn strip_prefix(framework: &str) -> &str {
    framework.split_once(": ").map_or(framework, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_messages_become_ones_that_name_the_parameter() {
        assert_eq!(
            query_message("Failed to deserialize query string: duplicate field `limit`"),
            "Query parameter 'limit' is given more than once."
        );
        assert_eq!(
            query_message("Failed to deserialize query string: invalid type"),
            "The query string cannot be read: invalid type"
        );
        assert_eq!(
            path_message("Invalid UTF-8 in `scanRef`"),
            "Path parameter 'scanRef' is not valid UTF-8 once percent-decoded."
        );
    }
}
