//! Escalation on the board: a barrier sent to the next level from its card, and the Mesa's
//! escalations panel — what it received (to accept, return, answer or pass on) and what it sent
//! (with the answers that came back).

use leptos::prelude::*;

use crate::domain::policy::Act;

use crate::api::{act_on_escalation, escalate_barrier, fetch_escalations};
use crate::domain::board::records::barrier;
use crate::domain::board::{BARRIERS, BarrierStatus, Field};
use crate::domain::escalation::{Escalation, EscalationRequest};
use crate::live::BoardCtx;

fn author(ctx: BoardCtx) -> String {
    ctx.me
        .get_untracked()
        .map(|m| m.display())
        .unwrap_or_default()
}

/// "Escalar" on a barrier card: reason and requested answer date, sent to the parent Mesa.
#[component]
pub fn EscalateBarrier(ctx: BoardCtx, barrier: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let answer_by = RwSignal::new(String::new());
    let send = Action::new(move |(): &()| {
        let request = EscalationRequest {
            session: ctx.session_id,
            barrier: barrier.clone(),
            reason: reason.get_untracked(),
            answer_by: answer_by.get_untracked(),
            by: author(ctx),
        };
        let token = ctx.token.get_value();
        let barrier = barrier.clone();
        async move {
            let sent = escalate_barrier(token, request).await;
            if sent.is_ok() {
                ctx.set(
                    BARRIERS,
                    &barrier,
                    barrier::STATUS,
                    Field::Text(BarrierStatus::Escalada.code().into()),
                );
            }
            sent
        }
    });
    let result = move || {
        match send.value().get() {
        Some(Ok(e)) => Some(view! {
            <p class="form-status" data-escalated>{format!("Escalada a la {}", e.to_mesa.name)}</p>
        }.into_any()),
        Some(Err(error)) => Some(view! { <p class="form-alert" role="alert">{error.to_string()}</p> }.into_any()),
        None => None,
    }
    };
    view! {
        <span class="slot">
            <Show when=move || ctx.can_edit() && !ctx.token.with_value(String::is_empty)>
                <button type="button" class="button button--quiet" data-action="escalar"
                    on:click=move |_| open.update(|o| *o = !*o)>"Escalar"</button>
            </Show>
        </span>
        <span class="slot">
            <Show when=move || open.get()>
                <div class="escalate-form">
                    <label class="field field--wide"><span>"Motivo del escalamiento"</span>
                        <textarea data-field="escalation-reason" prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))></textarea></label>
                    <label class="field"><span>"Respuesta solicitada antes de"</span>
                        <input type="date" data-field="escalation-date" prop:value=move || answer_by.get()
                            on:input=move |ev| answer_by.set(event_target_value(&ev)) /></label>
                    <button type="button" class="button" data-action="enviar-escalamiento"
                        disabled=move || send.pending().get() on:click=move |_| { send.dispatch(()); }>
                        "Enviar al nivel superior"
                    </button>
                </div>
            </Show>
        </span>
        {result}
    }
    .into_any()
}

#[component]
pub fn EscalationsPanel(ctx: BoardCtx) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(
        move || version.get(),
        move |_| fetch_escalations(ctx.mesa_code.get_value()),
    );
    // Escalations change elsewhere (other Mesas decide and answer): look again now and then.
    #[cfg(feature = "hydrate")]
    {
        let refresh = wasm_bindgen::prelude::Closure::<dyn FnMut()>::new(move || {
            version.try_update(|v| *v += 1);
        });
        use wasm_bindgen::JsCast;
        let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
            refresh.as_ref().unchecked_ref(),
            5_000,
        );
        refresh.forget();
    }
    view! {
        <section class="panel escalations" aria-labelledby="escalamientos" data-section="escalations">
            <h3 id="escalamientos">"Escalamientos"</h3>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((received, sent)) => view! {
                            <h4>"Recibidos"</h4>
                            <ul class="cards" data-escalations="received">
                                {received.into_iter().map(|e| view! { <Received ctx e version /> }).collect_view()}
                            </ul>
                            <h4>"Enviados"</h4>
                            <ul class="cards" data-escalations="sent">
                                {sent.into_iter().map(|e| view! { <Sent e /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <p class="form-alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

fn facts(e: &Escalation) -> impl IntoView + use<> {
    let chain = format!("/barreras/{}/{}", e.session_id, e.barrier_id);
    view! {
        <p><strong>{e.barrier.clone()}</strong></p>
        <p class="stamp">{format!("De la {} a la {} · {} · respuesta solicitada antes de {}",
            e.from_mesa.name, e.to_mesa.name, e.escalated_by, e.answer_by)}</p>
        <p>"Motivo: " {e.reason.clone()}</p>
        <p><span class="badge" data-escalation-status=e.status.code()>{e.status.label()}</span>
            {e.decision_note.clone().map(|n| format!(" · {n}"))}</p>
        {e.response.clone().map(|r| view! { <p class="response" data-response>"Respuesta: " {r}</p> })}
        <a href=chain>"Ver la cadena completa"</a>
    }
}

#[component]
fn Sent(e: Escalation) -> impl IntoView {
    view! { <li class="card" data-escalation=e.id>{facts(&e)}</li> }
}

#[component]
fn Received(ctx: BoardCtx, e: Escalation, version: RwSignal<u32>) -> impl IntoView {
    let id = e.id;
    let text = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let act = Action::new(move |action: &&'static str| {
        let action = (*action).to_owned();
        let token = ctx.token.get_value();
        let (text, date, by) = (text.get_untracked(), date.get_untracked(), author(ctx));
        async move {
            let done = act_on_escalation(id, token, action, text, date, by).await;
            if done.is_ok() {
                version.update(|v| *v += 1);
            }
            done
        }
    });
    let open =
        e.status.is_open() && e.status != crate::domain::escalation::EscalationStatus::Escalada;
    let button = move |action: &'static str, label: &'static str| {
        view! {
            <button type="button" class="button button--quiet" data-action=action
                disabled=move || act.pending().get() on:click=move |_| { act.dispatch(action); }>{label}</button>
        }
    };
    view! {
        <li class="card" data-escalation=id>
            {facts(&e)}
            <span class="slot">
                <Show when=move || open && ctx.allows(Act::DecideEscalation) && ctx.can_edit()>
                    <label class="field field--wide"><span>"Respuesta o motivo"</span>
                        <textarea data-field="escalation-text" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))></textarea></label>
                    <label class="field"><span>"Si la escala: respuesta antes de"</span>
                        <input type="date" prop:value=move || date.get()
                            on:input=move |ev| date.set(event_target_value(&ev)) /></label>
                    <div class="card-actions">
                        {button("aceptar", "Aceptar")}
                        {button("responder", "Responder")}
                        {button("devolver", "Devolver")}
                        {button("escalar", "Escalar al nivel superior")}
                    </div>
                </Show>
            </span>
            <p class="form-alert" role="alert">
                {move || match act.value().get() { Some(Err(e)) => Some(e.to_string()), _ => None }}
            </p>
        </li>
    }
    .into_any()
}
