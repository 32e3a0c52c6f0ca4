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
    #[error("Error interno del servidor: {0}")]
    Internal(String),
    #[error("No se pudo comunicar con el servidor: {0}")]
    Transport(String),
}

impl AppError {
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

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Fields(errors)
    }
}
