//! A session: its header and the status changes it allows. The live board will live here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::common::{ErrorNotice, StatusBadge};
use crate::api::{ChangeSessionStatus, fetch_session_detail};
use crate::domain::{SessionDetail, format_bogota};
use crate::error::AppError;

#[component]
pub fn SessionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let change = ServerAction::<ChangeSessionStatus>::new();
    let detail = Resource::new(
        move || (id(), change.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => fetch_session_detail(id).await,
                None => Err(AppError::NotFound("La sesión solicitada no existe.".into())),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Cargando sesión…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <SessionOverview detail change /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SessionOverview(
    detail: SessionDetail,
    change: ServerAction<ChangeSessionStatus>,
) -> impl IntoView {
    let SessionDetail { session, mesa } = detail;
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
    let actions = session
        .status
        .allowed_actions()
        .iter()
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
            </dl>
            <div class="actions">{actions}</div>
            <p class="form-alert" role="alert">{failure}</p>
        </header>
        <section class="board-slot" aria-labelledby="tablero">
            <h2 id="tablero">"Tablero de la sesión"</h2>
            <p>
                "Aquí estará el tablero en vivo de la sesión: orden del día, barreras, acuerdos, compromisos y asistencia, editados por todos los participantes a la vez."
            </p>
            <p class="muted">"El tablero en vivo aún no está disponible en esta versión de Sala."</p>
        </section>
    }
}
