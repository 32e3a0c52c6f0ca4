//! The pages around a board: the projector's kiosk view, the records' tables (the body of the
//! acta and of the review), the review with its history timeline and step-through.

use leptos::prelude::*;
use leptos_meta::Title;

use super::board::ProjectorBoard;
use super::common::ErrorNotice;
use super::session::session_id;
use crate::api::codec::page_data;
use crate::api::{fetch_board_access, fetch_board_at, fetch_board_history};
use crate::domain::board::{BoardView, Semaforo, quorum};
use crate::error::AppError;

fn missing() -> AppError {
    AppError::NotFound("La sesión solicitada no existe.".into())
}

#[component]
pub fn ProjectorPage() -> impl IntoView {
    let id = session_id();
    let access = page_data(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_board_access(id).await,
                None => Err(missing()),
            }
        },
    );
    view! {
        <Title text="Proyector · Sala situacional" />
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok(access) => view! { <ProjectorBoard access /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The records of a board as read-only tables: the body of the acta and of the review.
#[component]
pub fn BoardRecords(
    board: BoardView,
    members: usize,
    #[prop(optional)] today: Option<chrono::NaiveDate>,
    /// Names for the register's asset codes the board holds.
    #[prop(optional)]
    assets: crate::domain::assets::AssetNames,
) -> impl IntoView {
    let q = quorum(board.members_present(), members);
    let agenda_title = |id: &Option<String>| {
        id.as_deref()
            .and_then(|id| board.agenda.iter().position(|i| i.id == id))
            .map(|n| format!("Punto {}", n + 1))
            .unwrap_or_else(|| "—".into())
    };
    view! {
        <section aria-labelledby="acta-asistencia" data-acta-section="attendance">
            <h2 id="acta-asistencia">{format!("Asistencia ({})", board.attendance.len())}</h2>
            <p data-quorum=q.reached.to_string()>
                {format!("Quórum: {}", q.describe())}
            </p>
            <table class="table" tabindex="0">
                <thead><tr><th>"Nombre"</th><th>"Institución"</th><th>"Sector"</th><th>"Rol"</th><th>"Modalidad"</th></tr></thead>
                <tbody>
                    {board.attendance.iter().map(|a| view! {
                        <tr><td>{a.name.clone()}</td><td>{a.institution.clone()}</td><td>{a.sector.clone()}</td>
                            <td>{a.role.label()}</td><td>{a.mode.label()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section aria-labelledby="acta-agenda" data-acta-section="agenda">
            <h2 id="acta-agenda">"Orden del día"</h2>
            <ol class="acta-agenda">
                {board.agenda.iter().map(|i| view! {
                    <li>
                        <strong>{i.title.clone()}</strong> " — " {i.status.label()}
                        {(!i.presenter.is_empty()).then(|| format!(" · presenta {}", i.presenter))}
                        {(!i.notes.trim().is_empty()).then(|| view! { <p class="acta-notes">{i.notes.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {(!board.followups.is_empty()).then(|| view! {
            <section aria-labelledby="acta-seguimiento" data-acta-section="followups">
                <h2 id="acta-seguimiento">{format!("Seguimiento de compromisos anteriores ({})", board.followups.len())}</h2>
                <table class="table" tabindex="0">
                    <thead><tr><th>"Compromiso"</th><th>"De la sesión"</th><th>"Responsable"</th><th>"Estado en esta sesión"</th><th>"Avance"</th></tr></thead>
                    <tbody>
                        {board.followups.iter().map(|f| view! {
                            <tr><td><a href=format!("/compromisos/{}/{}", f.origin_session, f.id)>{f.description.clone()}</a></td>
                                <td>{f.origin_seq}</td><td>{f.responsible.clone()}</td><td>{f.status.label()}</td><td>{f.note.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        <section aria-labelledby="acta-barreras" data-acta-section="barriers">
            <h2 id="acta-barreras">{format!("Barreras ({})", board.barriers.len())}</h2>
            <table class="table" tabindex="0">
                <thead><tr><th>"Barrera"</th><th>"Tipo"</th><th>"Territorio"</th><th>"Responsable"</th><th>"Severidad"</th><th>"Estado"</th><th>"Punto"</th></tr></thead>
                <tbody>
                    {board.barriers.iter().map(|b| view! {
                        <tr><td>{b.description.clone()}
                                {(!b.route.is_empty()).then(|| view! { <br /><small>{format!("Ruta o programa: {}", b.route)}</small> })}
                                {(!b.population.is_empty()).then(|| view! { <br /><small>{format!("Población: {}", b.population)}</small> })}
                                {(!b.assets.is_empty()).then(|| view! { <br /><small data-acta-assets>{format!("Activos movilizados: {}", assets.list(&b.assets))}</small> })}
                            </td>
                            <td>{b.kind.label()}</td><td>{format!("{} {}", b.localidad, b.upz)}</td><td>{b.institution.clone()}</td>
                            <td>{b.severity}</td><td>{b.status.label()}</td><td>{agenda_title(&b.agenda_item)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section aria-labelledby="acta-acuerdos" data-acta-section="agreements">
            <h2 id="acta-acuerdos">{format!("Acuerdos ({})", board.agreements.len())}</h2>
            <ol>
                {board.agreements.iter().map(|a| view! {
                    <li>{a.statement.clone()} " " <em>{format!("({})", a.method.label())}</em>
                        {(!a.outcome.is_empty()).then(|| view! { <br/><span class="outcome">{a.outcome.clone()}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section aria-labelledby="acta-compromisos" data-acta-section="commitments">
            <h2 id="acta-compromisos">{format!("Compromisos ({})", board.commitments.len())}</h2>
            <table class="table" tabindex="0">
                <thead><tr><th>"Compromiso"</th><th>"Responsable"</th><th>"Institución"</th><th>"Fecha límite"</th><th>"Estado"</th><th>"Semáforo"</th></tr></thead>
                <tbody>
                    {board.commitments.iter().map(|c| view! {
                        <tr><td>{c.description.clone()}
                                {c.asset.as_deref().map(|code| view! { <br /><small data-acta-asset>{format!("Activo: {}", assets.name(code))}</small> })}
                            </td><td>{c.responsible.clone()}</td><td>{c.institutions.clone()}</td>
                            <td>{c.due.map(crate::domain::format_day).unwrap_or_else(|| "—".into())}</td><td>{c.status.label()}</td>
                            <td>{semaforo_label(today.and_then(|t| c.semaforo(t)))}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let id = session_id();
    let history = page_data(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_board_history(id).await,
                None => Err(missing()),
            }
        },
    );
    view! {
        <Title text="Revisión del tablero · Sala situacional" />
        <Suspense fallback=|| view! { <p>"Cargando historial…"</p> }>
            {move || Suspend::new(async move {
                match (history.await, id.get_untracked()) {
                    (Ok(history), Some(id)) => view! { <Review id history /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                    (_, None) => view! { <ErrorNotice error=missing() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Review(id: i64, history: crate::domain::board::review::BoardHistory) -> impl IntoView {
    let steps = history.steps;
    let step = RwSignal::new(steps);
    let board = page_data(move || step.get(), move |step| fetch_board_at(id, step));
    let timeline = history.timeline.clone();
    let members = history.members;
    view! {
        <nav aria-label="Ruta" class="breadcrumbs">
            <ol>
                <li><a href="/">"Mesas"</a></li>
                <li><a href=format!("/sesiones/{id}")>"Sesión"</a></li>
                <li aria-current="page">"Revisión"</li>
            </ol>
        </nav>
        <h1>"Revisión del tablero"</h1>
        <div class="review">
            <section aria-labelledby="historial" class="review-timeline">
                <h2 id="historial">"Historial"</h2>
                <p class="muted">{format!("{} cambios guardados", steps)}</p>
                <ol class="timeline" data-timeline>
                    {timeline.into_iter().map(|entry| {
                        let at = chrono::DateTime::parse_from_rfc3339(&entry.at)
                            .map(|t| t.with_timezone(&crate::domain::bogota()).format("%H:%M:%S").to_string())
                            .unwrap_or(entry.at.clone());
                        let target = entry.step;
                        view! {
                            <li>
                                <button type="button" class="link" on:click=move |_| step.set(target)
                                    aria-pressed=move || (step.get() == target).to_string()>
                                    <time>{at}</time> " · " <strong>{entry.who.clone()}</strong> " " {entry.what.clone()}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <section aria-labelledby="momento" class="review-board">
                <h2 id="momento">"El tablero en ese momento"</h2>
                <label class="field field--wide" for="paso">
                    <span>{move || format!("Paso {} de {}", step.get(), steps)}</span>
                    <input id="paso" type="range" min="0" max=steps.to_string() prop:value=move || step.get().to_string()
                        on:input=move |ev| step.set(event_target_value(&ev).parse().unwrap_or(steps)) data-slider />
                </label>
                <Transition fallback=|| view! { <p>"Cargando…"</p> }>
                    {move || Suspend::new(async move {
                        match board.await {
                            Ok(board) => view! { <div data-step=step.get_untracked()><BoardRecords board members /></div> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// A barrier's escalation chain: who escalated it, when, to whom, what was decided and answered.
#[component]
pub fn BarrierChainPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let key = Memo::new(move |_| {
        let p = params.read();
        (
            p.get("session").and_then(|s| s.parse::<i64>().ok()),
            p.get("barrier").unwrap_or_default(),
        )
    });
    let chain = page_data(
        move || key.get(),
        |(session, barrier)| async move {
            match session {
                Some(session) => crate::api::fetch_barrier_chain(session, barrier).await,
                None => Err(missing()),
            }
        },
    );
    view! {
        <Title text="Escalamiento de una barrera · Sala situacional" />
        <h1>"Escalamiento de la barrera"</h1>
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || Suspend::new(async move {
                match chain.await {
                    Ok(chain) if chain.is_empty() => view! { <p>"Esta barrera no ha sido escalada."</p> }.into_any(),
                    Ok(chain) => view! {
                        <p class="lead">{chain[0].barrier.clone()}</p>
                        <p><a href=format!("/sesiones/{}", chain[0].session_id)>"Sesión donde se registró"</a></p>
                        <ol class="timeline chain" data-chain>
                            {chain.into_iter().map(|e| view! {
                                <li class="card">
                                    <p><strong>{format!("{} → {}", e.from_mesa.name, e.to_mesa.name)}</strong></p>
                                    <p>{format!("Escalada por {} el {} · respuesta solicitada antes de {}", e.escalated_by,
                                        crate::domain::format_bogota(e.escalated_at), crate::domain::format_day(e.answer_by))}</p>
                                    <p>"Motivo: " {e.reason.clone()}</p>
                                    <p>"Estado: " <strong>{e.status.label()}</strong>
                                        {e.decided_by.clone().map(|by| format!(" · decidió {by}"))}
                                        {e.decision_note.clone().map(|n| format!(" · {n}"))}</p>
                                    {e.response.clone().map(|r| view! {
                                        <p data-response>{format!("Respuesta: {r}")}
                                            {e.responded_at.map(|at| format!(" (devuelta a la Mesa el {})", crate::domain::format_bogota(at)))}</p>
                                    })}
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A commitment across sessions: where it was agreed, each later review, and its carry-overs.
#[component]
pub fn CommitmentPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let key = Memo::new(move |_| {
        let p = params.read();
        (
            p.get("session").and_then(|s| s.parse::<i64>().ok()),
            p.get("id").unwrap_or_default(),
        )
    });
    let history = page_data(
        move || key.get(),
        |(session, id)| async move {
            match session {
                Some(session) => crate::api::fetch_commitment_history(session, id).await,
                None => Err(missing()),
            }
        },
    );
    view! {
        <Title text="Compromiso · Sala situacional" />
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(h) => {
                        let c = h.commitment.clone();
                        view! {
                            <h1>"Compromiso"</h1>
                            <p class="lead" data-commitment>{c.description.clone()}</p>
                            <dl class="facts">
                                <div><dt>"Responsable"</dt><dd>{c.responsible.clone()}</dd></div>
                                <div><dt>"Institución"</dt><dd>{c.institutions.clone()}</dd></div>
                                <div><dt>"Fecha límite"</dt><dd>{c.due.map(crate::domain::format_day).unwrap_or_else(|| "—".into())}</dd></div>
                                <div><dt>"Estado actual"</dt><dd data-current-status>{h.current_status().label()}</dd></div>
                                <div><dt>"Arrastrado a"</dt><dd data-carry-overs>{format!("{} sesión(es)", h.carry_overs())}</dd></div>
                            </dl>
                            <h2>"Historia, sesión por sesión"</h2>
                            <ol class="timeline" data-history>
                                <li class="card">
                                    <a href=format!("/sesiones/{}", h.origin_session)>{format!("Sesión {}", h.origin_seq)}</a>
                                    {format!(": acordado por {} · {}", c.stamp.created_by, c.status.label())}
                                    {(!c.stamp.updated_by.is_empty() && c.stamp.updated_by != c.stamp.created_by)
                                        .then(|| format!(" · último cambio de {}", c.stamp.updated_by))}
                                </li>
                                {h.reviews.iter().map(|r| view! {
                                    <li class="card">
                                        <a href=format!("/sesiones/{}", r.session_id)>{format!("Sesión {}", r.session_seq)}</a>
                                        {format!(" ({}): {}", crate::domain::format_bogota(r.held_at), r.status.label())}
                                        {(!r.reviewed_by.is_empty()).then(|| format!(" · revisó {}", r.reviewed_by))}
                                        {(!r.note.is_empty()).then(|| view! { <p>{r.note.clone()}</p> })}
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Today's semáforo label for a commitment's due date.
fn semaforo_label(light: Option<Semaforo>) -> &'static str {
    light.map_or("—", |s| s.label())
}
