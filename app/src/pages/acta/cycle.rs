//! The acta's cycle on its page: the observations with their answers, the corrections, the
//! approval, and the forms for who may leave, answer, correct or approve (the server decides
//! again; these only spare people a form they could not use).

use leptos::prelude::*;

use super::CycleActions;
use crate::domain::board::DecisionMethod;
use crate::domain::board::acta::ActaSheet;
use crate::domain::board::approval::{
    ApprovalMethod, CorrectableText, Observation, correctable_texts,
};
use crate::domain::{SessionStatus, format_day};
use crate::pages::common::general_message;

#[component]
pub(super) fn CycleSections(sheet: ActaSheet, actions: CycleActions) -> impl IntoView {
    let cycle = &sheet.acta.cycle;
    let draft = cycle.approval.is_none();
    let session = sheet.acta.session_id;
    let answering = draft && sheet.may_approve;
    let observations = cycle
        .observations
        .iter()
        .cloned()
        .map(|o| view! { <ObservationItem observation=o session answering actions /> })
        .collect_view();
    let why_not = if !draft {
        "El acta está aprobada: ya no recibe observaciones.".to_owned()
    } else if !cycle.observations_open(sheet.today) {
        cycle.observations_until.map_or_else(String::new, |until| {
            format!(
                "El plazo de observaciones terminó el {}.",
                format_day(until)
            )
        })
    } else {
        "Pueden dejar observaciones quienes participaron en la sesión: inicie sesión o abra el enlace de la sesión.".to_owned()
    };
    let corrections = cycle.corrections.clone();
    view! {
        <section aria-labelledby="acta-observaciones" data-acta-section="observations" class="acta-cycle">
            <h2 id="acta-observaciones">{format!("Observaciones al borrador ({})", cycle.observations.len())}</h2>
            {cycle.observations.is_empty().then(|| view! { <p class="muted">"Nadie ha dejado observaciones."</p> })}
            <ol class="acta-observations">{observations}</ol>
            <p class="form-alert" role="alert">{move || general_message(actions.answer.value().into(), &[]).get()}</p>
            {if sheet.may_observe {
                view! { <ObserveForm session actions /> }.into_any()
            } else {
                view! { <p class="muted no-print" data-observe-closed>{why_not}</p> }.into_any()
            }}
        </section>
        {(!corrections.is_empty()).then(|| view! {
            <section aria-labelledby="acta-correcciones" data-acta-section="corrections">
                <h2 id="acta-correcciones">{format!("Correcciones al borrador ({})", corrections.len())}</h2>
                <table class="table" tabindex="0">
                    <thead><tr><th>"Campo"</th><th>"Decía"</th><th>"Dice"</th><th>"Quién"</th><th>"Cuándo"</th></tr></thead>
                    <tbody>
                        {corrections.into_iter().map(|c| view! {
                            <tr><td>{c.label}</td><td>{c.before}</td><td>{c.after}</td><td>{c.by}</td><td>{c.at}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {answering.then(|| view! { <CorrectForm texts=correctable_texts(&sheet.acta.board) session actions /> })}
        <section aria-labelledby="acta-aprobacion" data-acta-section="approval">
            <h2 id="acta-aprobacion">"Aprobación"</h2>
            <p data-approval>{cycle.status_line()}</p>
            {answering.then(|| view! { <ApproveForm sheet=sheet.clone() actions /> })}
        </section>
    }
}

#[component]
fn ObservationItem(
    observation: Observation,
    session: i64,
    answering: bool,
    actions: CycleActions,
) -> impl IntoView {
    let id = observation.id;
    let answer = observation.answer.clone();
    view! {
        <li data-observation=id>
            <p><strong>{observation.author.clone()}</strong>" · "<small>{observation.at.clone()}</small></p>
            <p class="acta-notes">{observation.text.clone()}</p>
            {match answer {
                Some(a) => view! {
                    <p class="acta-answer" data-answer>
                        <strong>{format!("Respuesta de {} ", a.by)}</strong><small>{format!("({})", a.at)}</small>": "{a.text}
                    </p>
                }.into_any(),
                None if answering => view! {
                    <ActionForm action=actions.answer attr:class="form form--inline no-print" attr:data-form="responder">
                        <input type="hidden" name="session" value=session />
                        <input type="hidden" name="observation" value=id />
                        <div class="field">
                            <label for=format!("answer-{id}")>"Respuesta de la coordinación"</label>
                            <textarea id=format!("answer-{id}") name="text" required rows="2"></textarea>
                        </div>
                        <button type="submit" class="button button--quiet" disabled=move || actions.answer.pending().get()>"Responder"</button>
                    </ActionForm>
                }.into_any(),
                None => view! { <p class="muted">"Sin respuesta aún."</p> }.into_any(),
            }}
        </li>
    }
}

#[component]
fn ObserveForm(session: i64, actions: CycleActions) -> impl IntoView {
    let result = actions.observe.value();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::pages::common::clear_on_success(result.into(), form, None);
    view! {
        <ActionForm action=actions.observe node_ref=form attr:class="form no-print" attr:data-form="observar">
            <input type="hidden" name="session" value=session />
            <div class="field">
                <label for="observation-text">"Su observación al borrador"</label>
                <textarea id="observation-text" name="text" required rows="3"
                    placeholder="Qué falta, qué está mal dicho o qué debe corregirse"></textarea>
            </div>
            <button type="submit" class="button" disabled=move || actions.observe.pending().get()>"Enviar observación"</button>
            <p class="form-status" role="status">
                {move || matches!(result.get(), Some(Ok(_))).then_some("Observación registrada.")}
            </p>
            <p class="form-alert" role="alert">{move || general_message(result.into(), &[]).get()}</p>
        </ActionForm>
    }
}

/// Choose a text of the draft, see what it says, write what it should say.
#[component]
fn CorrectForm(texts: Vec<CorrectableText>, session: i64, actions: CycleActions) -> impl IntoView {
    let result = actions.correct.value();
    let chosen = RwSignal::new(
        texts
            .first()
            .map(CorrectableText::target)
            .unwrap_or_default(),
    );
    let current = {
        let texts = texts.clone();
        move || {
            let target = chosen.get();
            texts
                .iter()
                .find(|t| t.target() == target)
                .map(|t| t.text.clone())
                .unwrap_or_default()
        }
    };
    let options = texts
        .iter()
        .map(|t| {
            let summary: String = t.summary.chars().take(60).collect();
            view! {
                <option value=t.target()>{format!("{} «{}» · {}", t.kind_label, summary, t.field_label)}</option>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="acta-corregir" class="no-print" data-acta-section="correct">
            <h2 id="acta-corregir">"Corregir el borrador"</h2>
            <p class="muted">"Cada corrección queda en el acta con lo que decía antes."</p>
            <ActionForm action=actions.correct attr:class="form" attr:data-form="corregir">
                <input type="hidden" name="session" value=session />
                <div class="field">
                    <label for="correct-target">"Texto"</label>
                    <select id="correct-target" name="target" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {options}
                    </select>
                </div>
                <div class="field">
                    <label for="correct-text">"Debe decir"</label>
                    <textarea id="correct-text" name="text" required rows="3" prop:value=current></textarea>
                </div>
                <button type="submit" class="button button--quiet" disabled=move || actions.correct.pending().get()>"Guardar corrección"</button>
                <p class="form-status" role="status">
                    {move || matches!(result.get(), Some(Ok(()))).then_some("Corrección guardada.")}
                </p>
                <p class="form-alert" role="alert">{move || general_message(result.into(), &[]).get()}</p>
            </ActionForm>
        </section>
    }
}

#[component]
fn ApproveForm(sheet: ActaSheet, actions: CycleActions) -> impl IntoView {
    let result = actions.approve.value();
    let session = sheet.acta.session_id;
    let period_over = !sheet.acta.cycle.observations_open(sheet.today);
    let until = sheet
        .acta
        .cycle
        .observations_until
        .map(format_day)
        .unwrap_or_default();
    let next = sheet
        .next_session
        .filter(|n| matches!(n.status, SessionStatus::EnCurso | SessionStatus::Cerrada));
    let method = RwSignal::new(
        if next.is_some() {
            ApprovalMethod::Sesion
        } else {
            ApprovalMethod::Coordinacion
        }
        .code()
        .to_owned(),
    );
    let in_session = move || method.get() == ApprovalMethod::Sesion.code();
    view! {
        <ActionForm action=actions.approve attr:class="form no-print" attr:data-form="aprobar">
            <input type="hidden" name="session" value=session />
            <fieldset class="field">
                <legend>"¿Cómo se aprueba?"</legend>
                <label class="choice">
                    <input type="radio" name="method" value=ApprovalMethod::Sesion.code()
                        checked=next.is_some() disabled=next.is_none()
                        on:change=move |_| method.set(ApprovalMethod::Sesion.code().to_owned()) />
                    {match next {
                        Some(n) => format!("La Mesa la aprobó en su sesión {}", n.seq),
                        None => "En la próxima sesión de la Mesa (cuando se inicie)".to_owned(),
                    }}
                </label>
                <label class="choice">
                    <input type="radio" name="method" value=ApprovalMethod::Coordinacion.code()
                        checked=next.is_none() disabled=!period_over
                        on:change=move |_| method.set(ApprovalMethod::Coordinacion.code().to_owned()) />
                    {if period_over {
                        "La coordinación la aprueba: el plazo de observaciones venció".to_owned()
                    } else {
                        format!("La coordinación, después del plazo de observaciones ({until})")
                    }}
                </label>
            </fieldset>
            <div class="field" hidden=move || !in_session()>
                <label for="decided-by">"La Mesa decidió por"</label>
                // disabled (so not sent) when the coordination approves; no choice made for anyone
                <select id="decided-by" name="decided_by" disabled=move || !in_session()>
                    <option value="">"— Elija —"</option>
                    {DecisionMethod::options().into_iter().map(|(code, label)| view! {
                        <option value=code>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <p class="muted">"Al aprobarla el acta queda cerrada: no se podrá modificar y llevará su huella SHA-256."</p>
            <button type="submit" class="button" disabled=move || actions.approve.pending().get() || (next.is_none() && !period_over)>
                "Aprobar el acta"
            </button>
            <p class="form-alert" role="alert">{move || general_message(result.into(), &[]).get()}</p>
        </ActionForm>
    }
}
