//! A Mesa's escalations, as the board and the Mesa page both show them: what it received (with the
//! decisions the status still allows, for whoever may decide) and what it sent (with the answers
//! that came back). After a decision the lists load again in place.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::codec::page_data;
use crate::api::{act_on_escalation, fetch_escalation_inbox};
use crate::domain::escalation::Escalation;

/// Where the inbox is shown and who looks at it.
#[derive(Clone, Copy)]
pub struct InboxContext {
    pub mesa: Signal<String>,
    /// Shown on this session's board: whoever reads the board reads its Mesa's escalations.
    pub session: Option<i64>,
    /// Who decides, when the page knows ("Ana Pérez (Subred Sur)"); empty asks for it.
    pub by: Signal<String>,
    /// False while this page may not write (board read-only, not yet joined).
    pub active: Signal<bool>,
    /// Bumped to load the lists again (after any decision, here or on the board).
    pub refresh: RwSignal<u32>,
}

/// What someone is writing on a received escalation (answer or reason, date, who decides). It
/// lives with the inbox, not with the card, so the lists reloading every few seconds (or after
/// another decision) never wipe a half-written answer.
#[derive(Clone, Copy)]
struct Draft {
    text: RwSignal<String>,
    date: RwSignal<String>,
    who: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct Drafts {
    by_escalation: StoredValue<HashMap<i64, Draft>>,
    owner: StoredValue<Option<Owner>>,
}

impl Drafts {
    fn new() -> Self {
        Self {
            by_escalation: StoredValue::new(HashMap::new()),
            owner: StoredValue::new(Owner::current()),
        }
    }

    fn of(&self, id: i64) -> Draft {
        if let Some(draft) = self.by_escalation.with_value(|d| d.get(&id).copied()) {
            return draft;
        }
        let make = || Draft {
            text: RwSignal::new(String::new()),
            date: RwSignal::new(String::new()),
            who: RwSignal::new(String::new()),
        };
        // Owned by the inbox, so they outlive the card that asked for them.
        let draft = match self.owner.get_value() {
            Some(owner) => owner.with(make),
            None => make(),
        };
        self.by_escalation.update_value(|d| {
            d.insert(id, draft);
        });
        draft
    }
}

#[component]
pub fn EscalationInbox(
    inbox: InboxContext,
    #[prop(optional)] poll_ms: Option<i32>,
) -> impl IntoView {
    let drafts = Drafts::new();
    let data = page_data(
        move || (inbox.mesa.get(), inbox.refresh.get()),
        move |(mesa, _)| fetch_escalation_inbox(mesa, inbox.session),
    );
    // Escalations change elsewhere (other Mesas decide and answer): look again now and then.
    #[cfg(feature = "hydrate")]
    if let Some(every) = poll_ms {
        let refresh = inbox.refresh;
        let tick = wasm_bindgen::prelude::Closure::<dyn FnMut()>::new(move || {
            refresh.try_update(|v| *v += 1);
        });
        use wasm_bindgen::JsCast;
        let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            every,
        );
        tick.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = poll_ms;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(found) => {
                        let can_decide = found.can_decide;
                        view! {
                            <h4>"Recibidos"</h4>
                            {found.received.is_empty().then(|| view! {
                                <p class="muted">"No hay escalamientos recibidos."</p>
                            })}
                            <ul class="cards" data-escalations="received">
                                {found.received.into_iter().map(|e| {
                                    let draft = drafts.of(e.id);
                                    view! { <Received inbox e can_decide draft /> }
                                }).collect_view()}
                            </ul>
                            <h4>"Enviados"</h4>
                            {found.sent.is_empty().then(|| view! {
                                <p class="muted">"Esta Mesa no ha escalado barreras."</p>
                            })}
                            <ul class="cards" data-escalations="sent">
                                {found.sent.into_iter().map(|e| view! { <li class="card" data-escalation=e.id>{facts(&e)}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="form-alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn facts(e: &Escalation) -> impl IntoView + use<> {
    let chain = format!("/barreras/{}/{}", e.session_id, e.barrier_id);
    view! {
        <p><strong>{e.barrier.clone()}</strong></p>
        <p class="stamp">{format!("De la {} a la {} · {} · respuesta solicitada antes de {}",
            e.from_mesa.name, e.to_mesa.name, e.escalated_by, crate::domain::format_day(e.answer_by))}</p>
        <p>"Motivo: " {e.reason.clone()}</p>
        <p><span class="badge" data-escalation-status=e.status.code()>{e.status.label()}</span>
            {e.decided_by.clone().map(|by| format!(" · por {by}"))}
            {e.decision_note.clone().map(|n| format!(" · {n}"))}</p>
        {e.response.clone().map(|r| view! { <p class="response" data-response>"Respuesta: " {r}</p> })}
        <a href=chain>"Ver la cadena completa"</a>
    }
}

#[component]
fn Received(inbox: InboxContext, e: Escalation, can_decide: bool, draft: Draft) -> impl IntoView {
    let id = e.id;
    let Draft { text, date, who } = draft;
    let act = Action::new(move |action: &&'static str| {
        let action = (*action).to_owned();
        let by = match inbox.by.get_untracked() {
            by if by.trim().is_empty() => who.get_untracked(),
            by => by,
        };
        let (written, answer_by) = (text.get_untracked(), date.get_untracked());
        async move {
            let done = act_on_escalation(id, action, written, answer_by, by).await;
            if done.is_ok() {
                // The card comes back with its new status and only what that status allows.
                text.set(String::new());
                date.set(String::new());
                inbox.refresh.update(|v| *v += 1);
            }
            done
        }
    });
    let actions = e.status.actions();
    let offers_passing_on = actions.iter().any(|(code, _)| *code == "escalar");
    let decides = move || can_decide && !actions.is_empty() && inbox.active.get();
    let asks_who = move || inbox.by.with(|b| b.trim().is_empty());
    view! {
        <li class="card" data-escalation=id>
            {facts(&e)}
            <span class="slot">
                <Show when=decides>
                    <label class="field field--wide"><span>"Respuesta o motivo"</span>
                        <textarea data-field="escalation-text" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))></textarea></label>
                    {offers_passing_on.then(|| view! {
                        <label class="field"><span>"Si la escala: respuesta antes de"</span>
                            <input type="date" prop:value=move || date.get()
                                on:input=move |ev| date.set(event_target_value(&ev)) /></label>
                    })}
                    <span class="slot"><Show when=asks_who>
                        <label class="field"><span>"Quién decide (nombre e institución)"</span>
                            <input type="text" data-field="escalation-by" prop:value=move || who.get()
                                on:input=move |ev| who.set(event_target_value(&ev)) /></label>
                    </Show></span>
                    <div class="card-actions">
                        {actions.iter().map(|(code, label)| {
                            let code: &'static str = code;
                            view! {
                                <button type="button" class="button button--quiet" data-action=code
                                    disabled=move || act.pending().get() on:click=move |_| { act.dispatch(code); }>{*label}</button>
                            }
                        }).collect_view()}
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
