//! The one place where failures become HTTP responses. Every error a client can see is JSON with
//! `identifier` and `message`; 5xx causes are logged with their chain and answered opaquely.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use kycd_api::{ErrorBody, ExtendedErrorBody};
use kycd_core::CoreError;
use kycd_domain::{Identifier, Rejection};
use kycd_store::StoreError;

pub const INVALID_CREDENTIALS: &str = "Invalid authorization credentials";
pub const PARTNER_INACTIVE: &str = "Partner inactive";
pub const NO_FUNDS: &str = "Action not allowed due to lack of funds or exceeded limit.";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A request refused by a rule, with the rule's identifier and message.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    #[error("invalid or missing credentials")]
    Unauthorized,
    #[error("partner is disabled")]
    PartnerInactive,
    #[error("no credits left")]
    NoCredits,
    #[error("rate limit reached; retry after {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64, limit: i64 },
    #[error("unknown or foreign scanRef")]
    ScanRefNotFound,
    /// 429 with Retry-After and a rule-specific message (e.g. the polling guard).
    #[error("{rejection}")]
    Throttled { retry_after_secs: u64, rejection: Rejection },
    #[error("file link refused")]
    LinkRefused,
    /// 404 BAD_VALUE naming what was not found (ids are never confirmed to exist elsewhere).
    #[error("{0}")]
    NotFound(String),
    #[error("no such route: {method} {path}")]
    RouteNotFound { method: String, path: String },
    #[error("method {method} not allowed on {path}")]
    MethodNotAllowed { method: String, path: String },
    #[error("body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// PARTNER_ERROR in the extended shape (reference §3.1), e.g. "Token has not expired yet."
    #[error("{0}")]
    PartnerError(String),
    /// 503 with Retry-After: kycd is overloaded or a request ran out of time (nothing wrong
    /// with the request itself).
    #[error("{message}")]
    Unavailable { message: String, retry_after_secs: u64 },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// 503: nothing of the request was stored because the disk is full.
    pub fn storage_full() -> Self {
        Self::Unavailable {
            message: "kycd's storage is full, so nothing of this request was stored; retry later."
                .to_owned(),
            retry_after_secs: 60,
        }
    }
}

/// ENOSPC anywhere in the error's chain (the local object store on a full disk).
fn is_disk_full(error: &(dyn std::error::Error + 'static)) -> bool {
    chain_mentions(error, "No space left on device")
}

/// True when `error` or one of its sources says `text` (for causes that libraries report only
/// in their messages).
pub fn chain_mentions(error: &(dyn std::error::Error + 'static), text: &str) -> bool {
    std::iter::successors(Some(error), |e| e.source()).any(|e| e.to_string().contains(text))
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NoCredits => Self::NoCredits,
            StoreError::StorageFull(cause) => {
                tracing::error!(%cause, "refused a request: storage is full");
                Self::storage_full()
            }
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Rejected(rejection) => Self::Rejected(rejection),
            CoreError::Unauthorized => Self::Unauthorized,
            CoreError::PartnerInactive => Self::PartnerInactive,
            CoreError::NoCredits => Self::NoCredits,
            CoreError::RateLimited { retry_after_secs, limit } => {
                Self::RateLimited { retry_after_secs, limit }
            }
            CoreError::Throttled { retry_after_secs, rejection } => {
                Self::Throttled { retry_after_secs, rejection }
            }
            CoreError::ScanRefNotFound => Self::ScanRefNotFound,
            CoreError::LinkRefused => Self::LinkRefused,
            CoreError::NotFound(message) => Self::NotFound(message),
            error @ CoreError::LinkNotValid => {
                Self::Rejected(Rejection::new(Identifier::TokenNotValid, error.to_string()))
            }
            error @ (CoreError::TokenNotExpired | CoreError::BeingAnalysed) => {
                Self::PartnerError(error.to_string())
            }
            CoreError::Invalid(message) | CoreError::Conflict(message) => {
                Self::Rejected(Rejection::bad_value(message))
            }
            CoreError::Store(error) => error.into(),
            CoreError::Files(error) if is_disk_full(&error) => {
                tracing::error!(%error, "refused a request: the object store's disk is full");
                Self::storage_full()
            }
            CoreError::Files(error) => Self::Internal(anyhow::Error::new(error)),
            CoreError::Internal(message) => Self::Internal(anyhow::anyhow!(message)),
        }
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Rejected(r) => status_of(r.identifier),
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::PartnerInactive => StatusCode::FORBIDDEN,
            Self::NoCredits => StatusCode::PAYMENT_REQUIRED,
            Self::RateLimited { .. } | Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::LinkRefused => StatusCode::FORBIDDEN,
            Self::ScanRefNotFound | Self::RouteNotFound { .. } | Self::NotFound(_) => {
                StatusCode::NOT_FOUND
            }
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::PartnerError(_) => StatusCode::BAD_REQUEST,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn identifier(&self) -> Identifier {
        match self {
            Self::Rejected(r) => r.identifier,
            Self::Unauthorized => Identifier::Unauthorized,
            Self::PartnerInactive | Self::NoCredits => Identifier::PermissionsError,
            Self::RateLimited { .. } | Self::Throttled { .. } => Identifier::TooManyRequests,
            Self::LinkRefused => Identifier::PermissionsError,
            Self::ScanRefNotFound | Self::PayloadTooLarge { .. } | Self::NotFound(_) => {
                Identifier::BadValue
            }
            Self::RouteNotFound { .. } => Identifier::NotFound,
            Self::MethodNotAllowed { .. } => Identifier::MethodNotAllowed,
            Self::PartnerError(_) => Identifier::PartnerError,
            Self::Unavailable { .. } | Self::Internal(_) => Identifier::InternalError,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Rejected(r) => r.message.clone(),
            Self::Unauthorized => INVALID_CREDENTIALS.to_owned(),
            Self::PartnerInactive => PARTNER_INACTIVE.to_owned(),
            Self::NoCredits => NO_FUNDS.to_owned(),
            Self::RateLimited { limit, retry_after_secs } => format!(
                "Rate limit of {limit} requests per hour reached; retry after {retry_after_secs} seconds."
            ),
            Self::Throttled { rejection, .. } => rejection.message.clone(),
            Self::LinkRefused => "File link is invalid, expired or not for this file; request fresh links with POST /api/v2/files.".to_owned(),
            Self::ScanRefNotFound => {
                "Field 'scanRef' does not name a verification of this partner.".to_owned()
            }
            Self::RouteNotFound { method, path } => format!(
                "No endpoint {method} {path}. The API is described at /openapi.json and /docs."
            ),
            Self::MethodNotAllowed { method, path } => {
                format!("Method {method} is not allowed on {path}.")
            }
            Self::PayloadTooLarge { limit } => {
                format!("Request body is larger than the limit of {limit} bytes.")
            }
            Self::PartnerError(message) | Self::NotFound(message) => message.clone(),
            Self::Unavailable { message, .. } => message.clone(),
            Self::Internal(_) => {
                "An internal error occurred; it has been logged. Please retry later.".to_owned()
            }
        }
    }
}

fn status_of(identifier: Identifier) -> StatusCode {
    match identifier {
        Identifier::Unauthorized => StatusCode::UNAUTHORIZED,
        Identifier::PartnerContractError | Identifier::PermissionsError => StatusCode::FORBIDDEN,
        Identifier::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        Identifier::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Identifier::NotFound => StatusCode::NOT_FOUND,
        Identifier::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        Identifier::BadValue
        | Identifier::MissingValue
        | Identifier::EncodingError
        | Identifier::JsonError
        | Identifier::TokenNotValid
        | Identifier::ValidationError
        | Identifier::PartnerError => StatusCode::BAD_REQUEST,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let identifier = self.identifier().as_str();
        let message = self.message();
        let mut response = if let Self::PartnerError(_) = self {
            let body = ExtendedErrorBody {
                message,
                identifier,
                documentation: "",
                severity: "NOT_SEVERE",
            };
            (status, axum::Json(body)).into_response()
        } else {
            (status, axum::Json(ErrorBody { identifier, message })).into_response()
        };
        let headers = response.headers_mut();
        match &self {
            Self::RateLimited { retry_after_secs, .. }
            | Self::Throttled { retry_after_secs, .. }
            | Self::Unavailable { retry_after_secs, .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            Self::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"kycd\""),
                );
            }
            _ => {}
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
