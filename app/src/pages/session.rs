//! A session: its header, the status changes it allows, and its live board.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::board::{BoardSetup, JoinSlot, LiveBoard};
use super::common::{ErrorNotice, StatusBadge};
use crate::api::codec::page_data;
use crate::api::{ChangeSessionStatus, fetch_board_access};
use crate::domain::board::BoardAccess;
use crate::domain::policy::{self, Act};
use crate::domain::{SessionAction, SessionStatus, format_bogota};
use crate::error::AppError;

/// The session id from the path. (An invitation's token never reaches a page: the server
/// exchanges it for a cookie and redirects to the address without it.)
pub fn session_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    })
}

#[component]
pub fn SessionPage() -> impl IntoView {
    let id = session_id();
    let change = ServerAction::<ChangeSessionStatus>::new();
    let detail = page_data(
        move || (id.get(), change.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => fetch_board_access(id).await,
                None => Err(AppError::NotFound("La sesión solicitada no existe.".into())),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Cargando sesión…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(access) => view! { <SessionOverview access change /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SessionOverview(
    access: BoardAccess,
    change: ServerAction<ChangeSessionStatus>,
) -> impl IntoView {
    let session = access.detail.session.clone();
    let mesa = access.detail.mesa.clone();
    let setup = BoardSetup::new(&access);
    let title = format!("Sesión {} · {}", session.seq, mesa.name);
    let place = if session.place.is_empty() {
        "Por definir".to_owned()
    } else {
        session.place.clone()
    };
    let failure = move || match change.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let role = access.role;
    // Only the buttons this invitation may use (cancelling, which needs a reason, is on the Mesa
    // page).
    let actions = session
        .status
        .allowed_actions()
        .iter()
        .filter(|action| Act::of_meeting(**action).is_some_and(|act| policy::allows(role, act)))
        // Closing asks first what is still open: that happens on the board, not here.
        .filter(|action| **action != SessionAction::Cerrar)
        .map(|action| {
            view! {
                <ActionForm action=change attr:class="inline-form">
                    <input type="hidden" name="id" value=session.id />
                    <input type="hidden" name="action" value=action.as_str() />
                    <button
                        type="submit"
                        class="button"
                        data-action=action.as_str()
                        disabled=move || change.pending().get()
                    >
                        {action.label()}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <Title text=format!("{title} · Sala situacional") />
        <JoinSlot setup invited_name=access.invited_name.clone() />
        <nav aria-label="Ruta" class="breadcrumbs">
            <ol>
                <li>
                    <a href="/">"Mesas"</a>
                </li>
                <li>
                    <a href=format!("/mesas/{}", mesa.code)>{mesa.name.clone()}</a>
                </li>
                <li aria-current="page">{format!("Sesión {}", session.seq)}</li>
            </ol>
        </nav>
        <header class="session-header">
            <h1>{title}</h1>
            <dl class="facts">
                <div>
                    <dt>"Fecha y hora"</dt>
                    <dd>{format_bogota(session.scheduled_at)}</dd>
                </div>
                <div>
                    <dt>"Lugar"</dt>
                    <dd>{place}</dd>
                </div>
                <div>
                    <dt>"Modalidad"</dt>
                    <dd>{session.mode.label()}</dd>
                </div>
                <div>
                    <dt>"Estado"</dt>
                    <dd id="estado-sesion">
                        <StatusBadge status=session.status />
                    </dd>
                </div>
                {session.started_at.map(|at| view! { <div><dt>"Inició"</dt><dd>{format_bogota(at)}</dd></div> })}
                {session.closed_at.map(|at| view! { <div><dt>"Cerró"</dt><dd>{format_bogota(at)}</dd></div> })}
                {session.rescheduled_from.map(|at| view! { <div><dt>"Reprogramada (antes)"</dt><dd>{format_bogota(at)}</dd></div> })}
            </dl>
            {(session.status == SessionStatus::Cancelada).then(|| view! {
                <p class="notice" role="status" data-cancelled>
                    {format!("Sesión cancelada: {}", session.change_reason.clone().unwrap_or_default())}
                </p>
            })}
            <div class="actions">{actions}</div>
            {(session.status == SessionStatus::EnCurso && policy::allows(role, Act::CloseMeeting)).then(|| view! {
                <p class="muted" data-close-hint>
                    "Para cerrar la reunión use «Cerrar reunión y generar acta» al final del tablero: antes le muestra lo que queda pendiente."
                </p>
            })}
            <p class="form-alert" role="alert">{failure}</p>
        </header>
        <nav class="session-links" aria-label="Vistas de la sesión">
            <a href=format!("/sesiones/{}/proyector", session.id) target="_blank">"Vista para proyector"</a>
            <a href=format!("/sesiones/{}/sesion.ics", session.id) download data-download="ics">"Agregar a mi calendario (.ics)"</a>
            {(session.status == SessionStatus::Cerrada).then(|| view! {
                <a href=format!("/sesiones/{}/acta", session.id)>"Acta"</a>
                <a href=format!("/sesiones/{}/revision", session.id)>"Revisión e historial"</a>
            })}
        </nav>
        {access.invite_guests.then(|| view! { <super::guests::GuestLinks session=session.id /> })}
        {access.storage_notice.clone().map(|notice| view! {
            <p class="notice notice--warning" role="status" data-storage-notice>{notice}</p>
        })}
        <LiveBoard setup access />
    }
}
