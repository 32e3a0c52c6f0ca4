//! Server functions for an acta after closing: its page, observations, answers, corrections and
//! approval. Fields are flat, as `ActionForm` posts them.

use leptos::prelude::*;

use crate::domain::board::acta::ActaSheet;
use crate::domain::board::approval::Approval;
#[cfg(feature = "ssr")]
use crate::domain::board::approval::{ApprovalMethod, ApprovalRequest, TextEdit};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{actas, request_context};

#[cfg(feature = "ssr")]
use super::respond;

#[server(endpoint = "acta_sheet")]
pub async fn fetch_acta_sheet(session: i64) -> Result<ActaSheet, AppError> {
    respond(actas()?.acta_sheet(&request_context(), session).await)
}

#[server(endpoint = "observe_acta")]
pub async fn observe_acta(session: i64, text: String) -> Result<i64, AppError> {
    respond(
        actas()?
            .observe_acta(&request_context(), session, text)
            .await,
    )
}

#[server(endpoint = "answer_observation")]
pub async fn answer_observation(
    session: i64,
    observation: i64,
    text: String,
) -> Result<(), AppError> {
    respond(
        actas()?
            .answer_observation(&request_context(), session, observation, text)
            .await,
    )
}

/// `target` is `kind/record/field`, as the page's list of correctable texts names them.
#[server(endpoint = "correct_acta")]
pub async fn correct_acta(session: i64, target: String, text: String) -> Result<(), AppError> {
    let mut parts = target.splitn(3, '/');
    let (Some(kind), Some(record), Some(field)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AppError::Conflict(
            "Elija el texto que quiere corregir.".into(),
        ));
    };
    let edit = TextEdit {
        kind: kind.to_owned(),
        record: record.to_owned(),
        field: field.to_owned(),
        text,
    };
    respond(
        actas()?
            .correct_acta(&request_context(), session, edit)
            .await,
    )
}

#[server(endpoint = "approve_acta")]
pub async fn approve_acta(
    session: i64,
    method: String,
    #[server(default)] decided_by: String,
) -> Result<Approval, AppError> {
    let method = respond(
        ApprovalMethod::parse(&method)
            .ok_or_else(|| AppError::Conflict("Elija cómo se aprueba el acta.".into())),
    )?;
    let decided_by = match decided_by.as_str() {
        "" => None,
        code => Some(respond(
            crate::domain::board::DecisionMethod::parse(code)
                .ok_or_else(|| AppError::Conflict("Elija cómo decidió la Mesa.".into())),
        )?),
    };
    let request = ApprovalRequest { method, decided_by };
    respond(
        actas()?
            .approve_acta(&request_context(), session, request)
            .await,
    )
}
