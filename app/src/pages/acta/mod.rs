//! The acta of a closed session: its record, where it is in its cycle (draft, observations,
//! approval and lock) and, for who may, the forms that move it along.

mod cycle;

use leptos::prelude::*;
use leptos_meta::Title;

use super::common::{ErrorNotice, bump_on_success};
use super::records::BoardRecords;
use super::session::session_id;
use crate::api::actas::{
    AnswerObservation, ApproveActa, CorrectActa, ObserveActa, fetch_acta_sheet,
};
use crate::api::codec::page_data;
use crate::domain::board::acta::ActaSheet;
use crate::domain::board::approval::ActaState;
use crate::error::AppError;

/// The forms of the page, created once so their results outlive the reloads they cause.
#[derive(Clone, Copy)]
pub(super) struct CycleActions {
    pub observe: ServerAction<ObserveActa>,
    pub answer: ServerAction<AnswerObservation>,
    pub correct: ServerAction<CorrectActa>,
    pub approve: ServerAction<ApproveActa>,
}

#[component]
pub fn ActaPage() -> impl IntoView {
    let id = session_id();
    let saved = RwSignal::new(0u32);
    let actions = CycleActions {
        observe: ServerAction::new(),
        answer: ServerAction::new(),
        correct: ServerAction::new(),
        approve: ServerAction::new(),
    };
    bump_on_success(actions.observe.value().into(), saved);
    bump_on_success(actions.answer.value().into(), saved);
    bump_on_success(actions.correct.value().into(), saved);
    bump_on_success(actions.approve.value().into(), saved);
    let sheet = page_data(
        move || (id.get(), saved.get()),
        |(id, _)| async move {
            match id {
                Some(id) => fetch_acta_sheet(id).await,
                None => Err(AppError::NotFound("La sesión solicitada no existe.".into())),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Cargando acta…"</p> }>
            {move || Suspend::new(async move {
                match sheet.await {
                    Ok(sheet) => view! { <ActaView sheet actions /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ActaView(sheet: ActaSheet, actions: CycleActions) -> impl IntoView {
    let acta = sheet.acta.clone();
    let title = acta.title();
    let state = acta.cycle.state();
    let digest = acta.cycle.approval.as_ref().map(|a| a.digest.clone());
    view! {
        <Title text=format!("{title} · Sala situacional") />
        <article class="acta" data-acta=acta.number data-acta-state=state.code()>
            <nav aria-label="Ruta" class="breadcrumbs no-print">
                <ol>
                    <li><a href="/">"Mesas"</a></li>
                    <li><a href=format!("/mesas/{}", acta.mesa_code)>{acta.mesa_name.clone()}</a></li>
                    <li><a href=format!("/sesiones/{}", acta.session_id)>{format!("Sesión {}", acta.session_seq)}</a></li>
                    <li aria-current="page">"Acta"</li>
                </ol>
            </nav>
            <header>
                <h1>{title.clone()}</h1>
                <p class=format!("acta-state acta-state--{}", state.code()) data-acta-status>
                    <strong class="badge">{state.label()}</strong>" "{acta.cycle.status_line()}
                </p>
                {digest.map(|digest| view! {
                    <p class="acta-digest">"Huella SHA-256 del acta aprobada: "<code data-acta-digest>{digest}</code></p>
                })}
                <dl class="facts">
                    <div><dt>"Sesión"</dt><dd>{acta.session_seq}</dd></div>
                    <div><dt>"Fecha"</dt><dd>{acta.held_at.clone()}</dd></div>
                    <div><dt>"Lugar"</dt><dd>{if acta.place.is_empty() { "—".to_owned() } else { acta.place.clone() }}</dd></div>
                    <div><dt>"Modalidad"</dt><dd>{acta.mode.clone()}</dd></div>
                    <div><dt>"Cierre"</dt><dd>{acta.closed_at.clone()}</dd></div>
                </dl>
                <p class="actions no-print">
                    <a class="button" href=format!("/sesiones/{}/acta.pdf", acta.session_id) download data-download="pdf">"Descargar PDF"</a>
                    <a class="button button--quiet" href=format!("/sesiones/{}/acta.md", acta.session_id) download>"Markdown"</a>
                    <button type="button" class="button button--quiet" onclick="window.print()">"Imprimir"</button>
                    <a class="button button--quiet" href=format!("/sesiones/{}/revision", acta.session_id)>"Revisión e historial"</a>
                    {(state == ActaState::Borrador && (sheet.may_observe || sheet.may_approve)).then(|| view! {
                        <a class="button button--quiet" href="#acta-observaciones">"Observaciones"</a>
                    })}
                </p>
            </header>
            <BoardRecords board=acta.board.clone() members=acta.members today=acta.closed_on assets=acta.assets.clone() />
            {(!acta.evidence.is_empty()).then(|| view! { <ActaEvidence acta=acta.clone() /> })}
            <cycle::CycleSections sheet actions />
        </article>
    }
}

/// The evidence files the acta froze at closing, each downloadable by the board's readers.
#[component]
fn ActaEvidence(acta: crate::domain::board::acta::Acta) -> impl IntoView {
    use crate::domain::board::evidence::carrier_label;
    view! {
        <section aria-labelledby="acta-evidencias" data-acta-section="evidence">
            <h2 id="acta-evidencias">{format!("Evidencias ({})", acta.evidence.len())}</h2>
            <table class="table" tabindex="0">
                <thead><tr><th>"Registro"</th><th>"Archivo"</th><th>"Tipo y tamaño"</th><th>"Adjuntada por"</th></tr></thead>
                <tbody>
                    {acta.evidence.iter().map(|e| view! {
                        <tr data-acta-evidence=e.id.to_string()>
                            <td>{carrier_label(&acta.board, e)}</td>
                            <td><a href=e.href() download=e.file_name.clone()>{e.file_name.clone()}</a>
                                <br /><small class="digest">{format!("SHA-256 {}", e.sha256)}</small></td>
                            <td>{format!("{} · {}", e.type_label, e.size_label())}</td>
                            <td>{e.uploaded_by.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
