//! How errors leave the JSON API: a status a client can branch on and a message a person can act on.

use app::domain::FieldErrors;
use app::error::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self(AppError::Fields(errors))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = match self.0.field_errors() {
            Some(fields) => json!({ "error": self.0.to_string(), "fields": fields.0 }),
            None => json!({ "error": self.0.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::UnknownMesa(_)
            | StoreError::UnknownSession(_)
            | StoreError::UnknownEscalation(_)
            | StoreError::UnknownCommitment(_) => AppError::NotFound(error.to_string()),
            StoreError::Transition(_)
            | StoreError::ConcurrentChange(_)
            | StoreError::NoLevelAbove(_)
            | StoreError::EscalationTransition(_)
            | StoreError::ConcurrentEscalation(_) => AppError::Conflict(error.to_string()),
            other => {
                tracing::error!(error = %other, "storage failure");
                AppError::Internal("no se pudo completar la operación; intente de nuevo".into())
            }
        }
    }
}
