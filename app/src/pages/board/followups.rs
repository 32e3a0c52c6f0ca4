//! Follow-up of earlier commitments: the Mesa's open commitments from closed sessions, each
//! reviewed in this one (status and progress), with a link to its history.

use leptos::prelude::*;

use super::evidence::EvidenceList;
use super::inputs::{CodeSelect, SharedText};
use super::section::{field, use_record};
use crate::domain::board::records::followup;
use crate::domain::board::{BoardRecord, FOLLOWUPS, FollowUp, semaforo};
use crate::live::BoardCtx;

/// Only on boards that carried commitments over: each one's review in this session.
#[component]
pub fn FollowUpsSection(ctx: BoardCtx) -> impl IntoView {
    let ids = move || {
        ctx.view
            .with(|v| v.followups.iter().map(|f| f.id.clone()).collect::<Vec<_>>())
    };
    let any = move || ctx.view.with(|v| !v.followups.is_empty());
    view! {
        <span class="slot">
            <Show when=any>
                <section class="panel" aria-labelledby="seguimiento" data-section=FOLLOWUPS>
                    <h3 id="seguimiento">{FollowUp::HEADING}</h3>
                    <ul class="cards">
                        <For each=ids key=|id| id.clone() let:id>
                            <FollowUpCard ctx id />
                        </For>
                    </ul>
                </section>
            </Show>
        </span>
    }
    .into_any()
}

#[component]
fn FollowUpCard(ctx: BoardCtx, id: String) -> impl IntoView {
    let item = use_record::<FollowUp>(ctx, &id);
    let field = move |read: fn(&FollowUp) -> String| field(item, read);
    let light = move || {
        let today = ctx.today();
        item.with(|i| {
            i.as_ref()
                .and_then(|f| f.due.map(|d| semaforo(d, f.status, today)))
        })
    };
    let history = move || {
        item.with(|i| {
            i.as_ref()
                .map(|f| format!("/compromisos/{}/{}", f.origin_session, f.id))
                .unwrap_or_default()
        })
    };
    view! {
        <li class="card" data-kind="followups" data-id=id.clone()>
            <div class="card-head">
                <span class="slot">
                    {move || light().map(|s| view! {
                        <span class=format!("semaforo semaforo--{}", s.code()) data-semaforo=s.code()>{s.label()}</span>
                    })}
                </span>
                <span class="muted">{move || item.with(|i| i.as_ref().map(|f| format!("De la sesión {}", f.origin_seq)).unwrap_or_default())}</span>
            </div>
            <p><strong>{move || item.with(|i| i.as_ref().map(|f| f.description.clone()).unwrap_or_default())}</strong></p>
            <p class="stamp">{move || item.with(|i| i.as_ref().map(|f| format!("{} · {} · vence {}",
                f.responsible, f.institutions, f.due.map(crate::domain::format_day).unwrap_or_else(|| "sin fecha".into()))).unwrap_or_default())}</p>
            <div class="fields">
                <CodeSelect ctx root=FOLLOWUPS id=id.clone() key=followup::STATUS
                    value=field(|f| f.status.code().to_owned()) />
            </div>
            <SharedText ctx root=FOLLOWUPS id=id.clone() key=followup::NOTES multiline=true value=field(|f| f.note.clone()) />
            <EvidenceList root=FOLLOWUPS record=id.clone() can_edit=Signal::derive(move || ctx.can_edit()) />
            <a href=history>"Historia del compromiso"</a>
        </li>
    }
    .into_any()
}
