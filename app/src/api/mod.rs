//! Server functions: the verbs the pages call. Each validates with the shared domain rules, then
//! goes through the [`Backend`](crate::ssr::Backend) port.

// A server function's arguments are the fields of the form that posts to it (`ActionForm` names
// them flat), so a form with many fields has as many arguments; the macro's generated code too.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::domain::board::acta::Acta;
use crate::domain::board::review::BoardHistory;
use crate::domain::board::{BoardAccess, BoardView};
use crate::domain::dashboard::{Dashboard, DashboardQuery};
use crate::domain::escalation::{Escalation, EscalationRequest};
use crate::domain::{Member, MesaDetail, MesaSummary, Session, SessionDetail};
#[cfg(feature = "ssr")]
use crate::domain::{MemberRequest, ScheduleRequest, SessionAction, SessionEdit};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{backend, request_context};

/// Passes the result through, giving an error response its proper HTTP status.
#[cfg(feature = "ssr")]
pub(crate) fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        crate::error::set_response_status(error);
    }
    result
}

#[server(endpoint = "mesa_summaries")]
pub async fn fetch_mesa_summaries() -> Result<Vec<MesaSummary>, AppError> {
    respond(backend()?.mesa_summaries(&request_context()).await)
}

#[server(endpoint = "mesa_detail")]
pub async fn fetch_mesa_detail(code: String) -> Result<MesaDetail, AppError> {
    respond(backend()?.mesa_detail(&request_context(), &code).await)
}

/// A checkbox sends its value only when ticked.
#[cfg(feature = "ssr")]
fn ticked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

#[server(endpoint = "schedule_session")]
pub async fn schedule_session(
    mesa: String,
    at: String,
    place: String,
    mode: String,
    #[server(default)] confirm: Option<String>,
) -> Result<Session, AppError> {
    let request = ScheduleRequest {
        mesa,
        at,
        place,
        mode,
        confirmed: ticked(&confirm),
    };
    respond(
        async {
            backend()?
                .schedule_session(&request_context(), request)
                .await
        }
        .await,
    )
}

/// A recurring series (see [`crate::domain::series::SeriesRequest`] for the fields).
#[allow(clippy::too_many_arguments)] // the form's fields, flat as `ActionForm` posts them
#[server(endpoint = "schedule_series")]
pub async fn schedule_series(
    mesa: String,
    repeat: String,
    #[server(default)] ordinal: String,
    #[server(default)] every: String,
    weekday: String,
    time: String,
    from: String,
    until: String,
    place: String,
    mode: String,
) -> Result<crate::domain::series::ScheduledSeries, AppError> {
    let request = crate::domain::series::SeriesRequest {
        mesa,
        repeat,
        ordinal,
        every,
        weekday,
        time,
        from,
        until,
        place,
        mode,
    };
    respond(
        async {
            backend()?
                .schedule_series(&request_context(), request)
                .await
        }
        .await,
    )
}

#[server(endpoint = "agenda_template")]
pub async fn fetch_agenda_template(
    mesa: String,
) -> Result<Vec<crate::domain::agenda_template::TemplatePoint>, AppError> {
    respond(backend()?.agenda_template(&request_context(), &mesa).await)
}

#[server(endpoint = "set_agenda_template")]
pub async fn set_agenda_template(
    mesa: String,
    agenda: String,
) -> Result<Vec<crate::domain::agenda_template::TemplatePoint>, AppError> {
    respond(
        backend()?
            .set_agenda_template(&request_context(), &mesa, &agenda)
            .await,
    )
}

#[server(endpoint = "edit_session")]
pub async fn edit_session(
    id: i64,
    at: String,
    place: String,
    mode: String,
    #[server(default)] reason: String,
    #[server(default)] confirm: Option<String>,
) -> Result<Session, AppError> {
    let edit = SessionEdit {
        at,
        place,
        mode,
        reason,
        confirmed: ticked(&confirm),
    };
    respond(async { backend()?.edit_session(&request_context(), id, edit).await }.await)
}

#[server(endpoint = "cancel_session")]
pub async fn cancel_session(id: i64, reason: String) -> Result<Session, AppError> {
    respond(
        async {
            backend()?
                .cancel_session(&request_context(), id, reason)
                .await
        }
        .await,
    )
}

#[server(endpoint = "add_member")]
pub async fn add_member(
    mesa: String,
    name: String,
    institution: String,
    sector: String,
    role: String,
    #[server(default)] seat: String,
    contact: String,
) -> Result<Member, AppError> {
    let request = MemberRequest {
        mesa,
        name,
        institution,
        sector,
        role,
        seat,
        contact,
    };
    respond(
        async {
            backend()?
                .add_member(&request_context(), request.validate()?)
                .await
        }
        .await,
    )
}

#[server(endpoint = "update_member")]
pub async fn update_member(
    id: i64,
    name: String,
    institution: String,
    sector: String,
    role: String,
    #[server(default)] seat: String,
    #[server(default)] contact: String,
    #[server(default)] keep_contact: Option<String>,
) -> Result<Member, AppError> {
    let keep_contact = ticked(&keep_contact);
    let request = MemberRequest {
        mesa: String::new(),
        name,
        institution,
        sector,
        role,
        seat,
        contact,
    };
    respond(
        async {
            backend()?
                .update_member(&request_context(), id, request, keep_contact)
                .await
        }
        .await,
    )
}

#[server(endpoint = "remove_member")]
pub async fn remove_member(id: i64) -> Result<Member, AppError> {
    respond(async { backend()?.remove_member(&request_context(), id).await }.await)
}

#[server(endpoint = "session_detail")]
pub async fn fetch_session_detail(id: i64) -> Result<SessionDetail, AppError> {
    respond(backend()?.session_detail(&request_context(), id).await)
}

/// *Iniciar reunión* / *Cerrar reunión* from the session page, with its invitation.
#[server(endpoint = "change_session_status")]
pub async fn change_session_status(id: i64, action: String) -> Result<Session, AppError> {
    respond(
        async {
            let action = SessionAction::parse(&action)
                .ok_or_else(|| AppError::Conflict(format!("Acción desconocida «{action}».")))?;
            backend()?
                .meeting_action(&request_context(), id, action)
                .await
        }
        .await,
    )
}

#[server(endpoint = "board_access")]
pub async fn fetch_board_access(session: i64) -> Result<BoardAccess, AppError> {
    respond(backend()?.board_access(&request_context(), session).await)
}

#[server(endpoint = "close_board")]
pub async fn close_board(session: i64) -> Result<i64, AppError> {
    respond(backend()?.close_board(&request_context(), session).await)
}

#[server(endpoint = "acta")]
pub async fn fetch_acta(session: i64) -> Result<Acta, AppError> {
    respond(backend()?.acta(&request_context(), session).await)
}

#[server(endpoint = "board_history")]
pub async fn fetch_board_history(session: i64) -> Result<BoardHistory, AppError> {
    respond(backend()?.board_history(&request_context(), session).await)
}

#[server(endpoint = "board_at")]
pub async fn fetch_board_at(session: i64, step: usize) -> Result<BoardView, AppError> {
    respond(backend()?.board_at(&request_context(), session, step).await)
}

#[server(endpoint = "dashboard")]
pub async fn fetch_dashboard(query: DashboardQuery) -> Result<Dashboard, AppError> {
    respond(backend()?.dashboard(&request_context(), query).await)
}

#[server(endpoint = "escalate_barrier")]
pub async fn escalate_barrier(request: EscalationRequest) -> Result<Escalation, AppError> {
    respond(
        backend()?
            .escalate_barrier(&request_context(), request)
            .await,
    )
}

#[server(endpoint = "act_on_escalation")]
pub async fn act_on_escalation(
    id: i64,
    action: String,
    text: String,
    answer_by: String,
    by: String,
) -> Result<Escalation, AppError> {
    respond(
        backend()?
            .act_on_escalation(&request_context(), id, action, text, answer_by, by)
            .await,
    )
}

#[server(endpoint = "escalation_inbox")]
pub async fn fetch_escalation_inbox(
    mesa: String,
    #[server(default)] session: Option<i64>,
) -> Result<crate::domain::escalation::EscalationInbox, AppError> {
    respond(
        backend()?
            .escalation_inbox(&request_context(), mesa, session)
            .await,
    )
}

#[server(endpoint = "barrier_chain")]
pub async fn fetch_barrier_chain(
    session: i64,
    barrier: String,
) -> Result<Vec<Escalation>, AppError> {
    respond(
        backend()?
            .barrier_chain(&request_context(), session, barrier)
            .await,
    )
}

#[server(endpoint = "commitment_history")]
pub async fn fetch_commitment_history(
    session: i64,
    commitment: String,
) -> Result<crate::domain::board::review::CommitmentHistory, AppError> {
    respond(
        backend()?
            .commitment_history(&request_context(), session, commitment)
            .await,
    )
}
pub mod accounts;
pub mod actas;
pub mod codec;
pub mod evidence;
pub mod indicators;
pub mod mail;
pub mod register;
pub mod votes;
