//! Server functions for the mail queue (the district's administration).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::mail::MailState;
use crate::domain::mail::{MailDesk, OutboxEntry};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{mailroom, request_context};

#[cfg(feature = "ssr")]
use super::respond;

#[server(endpoint = "mail_desk")]
pub async fn fetch_mail_desk() -> Result<MailDesk, AppError> {
    respond(mailroom()?.mail_desk(&request_context()).await)
}

/// `to` is `pendiente` (send it again) or `descartado`.
#[server(endpoint = "set_mail_state")]
pub async fn set_mail_state(id: i64, to: String) -> Result<OutboxEntry, AppError> {
    let to = respond(
        MailState::parse(&to)
            .ok_or_else(|| AppError::Conflict("Elija reenviar o descartar.".into())),
    )?;
    respond(mailroom()?.set_mail_state(&request_context(), id, to).await)
}
