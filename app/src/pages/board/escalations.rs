//! Escalation on the board: a barrier sent to the next level from its card (once at a time; the
//! server says where an open one stands), and the Mesa's escalations panel.

use leptos::prelude::*;

use crate::api::escalate_barrier;
use crate::domain::board::records::barrier;
use crate::domain::board::{BARRIERS, BarrierStatus, Field};
use crate::domain::escalation::EscalationRequest;
use crate::live::BoardCtx;
use crate::pages::escalations::{EscalationInbox, InboxContext};

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
        let barrier = barrier.clone();
        async move {
            let sent = escalate_barrier(request).await;
            if sent.is_ok() {
                // The form closes and «Enviados» shows it at once.
                open.set(false);
                reason.set(String::new());
                answer_by.set(String::new());
                ctx.escalations.update(|v| *v += 1);
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
            <Show when=move || ctx.can_edit() && ctx.allows(crate::domain::policy::Act::Escalate)>
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

/// The Mesa's escalations on its board: decisions for the coordination while the board is open.
#[component]
pub fn EscalationsPanel(ctx: BoardCtx) -> impl IntoView {
    let inbox = InboxContext {
        mesa: Signal::stored(ctx.mesa_code.get_value()),
        session: Some(ctx.session_id),
        by: Signal::derive(move || {
            ctx.me
                .with(|m| m.as_ref().map(|m| m.display()))
                .unwrap_or_default()
        }),
        active: Signal::derive(move || ctx.can_edit()),
        refresh: ctx.escalations,
    };
    view! {
        <section class="panel escalations" aria-labelledby="escalamientos" data-section="escalations">
            <h3 id="escalamientos">"Escalamientos"</h3>
            <EscalationInbox inbox poll_ms=5_000 />
        </section>
    }
    .into_any()
}
