//! Server functions for a board's evidence files. Attaching and downloading are plain HTTP
//! (`/sesiones/{id}/evidencias`), as a file is a body, not a form field.

use leptos::prelude::*;

use crate::domain::board::evidence::Evidence;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{evidence_files, request_context};

#[cfg(feature = "ssr")]
use super::respond;

#[server(endpoint = "evidence_of_session")]
pub async fn fetch_evidence(session: i64) -> Result<Vec<Evidence>, AppError> {
    respond(
        evidence_files()?
            .evidence(&request_context(), session)
            .await,
    )
}

#[server(endpoint = "remove_evidence")]
pub async fn remove_evidence(session: i64, id: i64) -> Result<(), AppError> {
    respond(
        evidence_files()?
            .remove_evidence(&request_context(), session, id)
            .await,
    )
}
