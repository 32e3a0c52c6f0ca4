//! The error every page and server function speaks: serialisable so the browser receives the same
//! value the server produced, and written for the person reading it.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

use crate::domain::FieldErrors;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    /// Input that failed validation, field by field (shown next to each input).
    #[error("Revise los datos: {0}")]
    Fields(FieldErrors),
    /// A request that is well formed but not allowed now (e.g. closing a scheduled session).
    #[error("{0}")]
    Conflict(String),
    /// Nobody is signed in (or the credential expired or was revoked).
    #[error("{0}")]
    Unauthorized(String),
    /// Someone known whose role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed attempts: try again later.
    #[error("{0}")]
    TooManyAttempts(String),
    #[error("Error interno del servidor: {0}")]
    Internal(String),
    #[error("No se pudo comunicar con el servidor: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status that matches this error, for pages, server functions and the JSON API.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::Fields(_) => 422,
            Self::Conflict(_) => 409,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::TooManyAttempts(_) => 429,
            Self::Internal(_) | Self::Transport(_) => 500,
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Self::Fields(errors) => Some(errors),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

impl From<crate::domain::policy::Denied> for AppError {
    fn from(denied: crate::domain::policy::Denied) -> Self {
        use crate::domain::policy::Denied;
        match denied {
            Denied::SignIn(_) => Self::Unauthorized(denied.to_string()),
            Denied::NotAllowed(_) => Self::Forbidden(denied.to_string()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Fields(errors)
    }
}

/// Gives the current server response the status that matches `error`, so a missing Mesa is a 404
/// and a validation error a 422 for crawlers, scripts and logs, not a 200 or 500 with a message.
/// A no-op in the browser.
pub fn set_response_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let status = http::StatusCode::from_u16(error.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
