//! Server functions for votes and consensus checks on a running session's agreements. Fields
//! are flat codes, as the board's buttons post them.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::board::vote::{Choice, PollKind, PollRequest};
use crate::domain::board::vote::{Closing, PollDesk};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{request_context, votes};

#[cfg(feature = "ssr")]
use super::respond;

#[cfg(feature = "ssr")]
/// A code no button sends is malformed input (422), not a refusal of a valid request (409).
fn unknown(field: &str, message: &str) -> AppError {
    let mut errors = crate::domain::FieldErrors::default();
    errors.add(field, message);
    AppError::Fields(errors)
}

#[cfg(feature = "ssr")]
fn choice(code: &str) -> Result<Choice, AppError> {
    Choice::parse(code).ok_or_else(|| unknown("choice", "Elija una opción."))
}

#[server(endpoint = "poll_desk")]
pub async fn fetch_poll_desk(session: i64) -> Result<PollDesk, AppError> {
    respond(votes()?.poll_desk(&request_context(), session).await)
}

#[server(endpoint = "open_poll")]
pub async fn open_poll(
    session: i64,
    agreement: String,
    kind: String,
    #[server(default)] secret: bool,
) -> Result<i64, AppError> {
    let kind = respond(
        PollKind::parse(&kind)
            .ok_or_else(|| unknown("kind", "Elija votación o verificación de consenso.")),
    )?;
    let request = PollRequest {
        agreement_id: agreement,
        kind,
        secret,
    };
    respond(
        votes()?
            .open_poll(&request_context(), session, request)
            .await,
    )
}

#[server(endpoint = "cast_ballot")]
pub async fn cast_ballot(
    poll: i64,
    choice: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let choice = respond(self::choice(&choice))?;
    respond(
        votes()?
            .cast_ballot(&request_context(), poll, choice, reason)
            .await,
    )
}

#[server(endpoint = "record_ballot")]
pub async fn record_ballot(
    poll: i64,
    attendee: String,
    choice: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let choice = respond(self::choice(&choice))?;
    respond(
        votes()?
            .record_ballot(&request_context(), poll, attendee, choice, reason)
            .await,
    )
}

#[server(endpoint = "close_poll")]
pub async fn close_poll(poll: i64) -> Result<Closing, AppError> {
    respond(votes()?.close_poll(&request_context(), poll).await)
}
