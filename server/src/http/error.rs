//! The one way errors leave HTTP handlers: a status a client can branch on and a message a person
//! can act on, as JSON `{"error", "fields"?}`. Every handler returns `Result<_, ApiError>`.

use app::domain::FieldErrors;
use app::error::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::TokenError;
use crate::store::StoreError;
use crate::sync::HubError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    App(#[from] AppError),
    /// No usable credential at all (missing, malformed, forged or expired): 401, not 403.
    #[error(transparent)]
    Unauthenticated(#[from] TokenError),
    /// A cap on open connections (per client address: 429; in all: 503).
    #[error(transparent)]
    Busy(#[from] super::budget::Refusal),
    /// A body past its route's limit (an evidence file too heavy): 413, with the limit.
    #[error("{0}")]
    TooLarge(String),
    /// A body that could not be read (the upload was cut off): 400.
    #[error(
        "No se pudo recibir el archivo completo (la conexión se interrumpió): inténtelo de nuevo."
    )]
    BodyUnreadable,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::App(error) => StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Busy(super::budget::Refusal::Client(_)) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy(super::budget::Refusal::Total(_)) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyUnreadable => StatusCode::BAD_REQUEST,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::App(AppError::NotFound(message.into()))
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::App(AppError::Fields(errors))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::App(error.into())
    }
}

impl From<HubError> for ApiError {
    fn from(error: HubError) -> Self {
        Self::App(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            ApiError::App(error) => match error.field_errors() {
                Some(fields) => json!({ "error": error.to_string(), "fields": fields.0 }),
                None => json!({ "error": error.to_string() }),
            },
            ApiError::Unauthenticated(_)
            | ApiError::Busy(_)
            | ApiError::TooLarge(_)
            | ApiError::BodyUnreadable => json!({ "error": self.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}

impl From<HubError> for AppError {
    fn from(error: HubError) -> Self {
        tracing::error!(%error, "board unavailable");
        AppError::Internal(error.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::UnknownMesa(_)
            | StoreError::UnknownSession(_)
            | StoreError::UnknownEscalation(_)
            | StoreError::UnknownMember(_)
            | StoreError::UnknownCommitment(_)
            | StoreError::UnknownAccount(_)
            | StoreError::UnknownInvitation
            | StoreError::UnknownImport(_)
            | StoreError::UnknownAccessToken(_)
            | StoreError::UnknownCalendarFeed(_)
            | StoreError::UnknownMail(_)
            | StoreError::UnknownPoll(_)
            | StoreError::UnknownEvidence(_)
            | StoreError::NoActa(_) => AppError::NotFound(error.to_string()),
            StoreError::Invalid(errors) => AppError::Fields(errors),
            StoreError::DuplicateEmail(_) => {
                let mut fields = app::domain::FieldErrors::default();
                fields.add("email", error.to_string());
                AppError::Fields(fields)
            }
            StoreError::Transition(_)
            | StoreError::RemovedMember(_)
            | StoreError::ConcurrentChange(_)
            | StoreError::NoLevelAbove(_)
            | StoreError::EscalationTransition(_)
            | StoreError::AlreadyEscalated(_)
            | StoreError::ConcurrentEscalation(_)
            | StoreError::ImportNotPending(_)
            | StoreError::Cycle(_)
            | StoreError::PollClosed
            | StoreError::PollAlreadyOpen
            | StoreError::AlreadyVoted(_) => AppError::Conflict(error.to_string()),
            other => {
                tracing::error!(error = %other, "storage failure");
                AppError::Internal("no se pudo completar la operación; intente de nuevo".into())
            }
        }
    }
}
