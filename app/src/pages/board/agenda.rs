//! The agenda (orden del día): items in order, the facilitator's current item with its timer,
//! and reordering that is one concurrent-safe write of a fractional position.

use leptos::prelude::*;

use crate::domain::policy::Act;
use yrs::Any;

use super::inputs::{CodeSelect, SharedText, ValueInput};
use super::presence::EditingMarkers;
use super::section::{RecordSection, RemoveButton, StampLine, field, use_record};
use crate::domain::board::edit::{record, set_meta};
use crate::domain::board::records::agenda;
use crate::domain::board::{
    AGENDA, AgendaItem, AgendaStatus, BoardRecord, Field, meta, position_between, set_field,
};
use crate::live::BoardCtx;

/// The item being dragged, shared by the agenda's cards.
#[derive(Clone, Copy)]
struct Dragged(RwSignal<Option<String>>);

#[component]
pub fn AgendaSection(ctx: BoardCtx) -> impl IntoView {
    provide_context(Dragged(RwSignal::new(None)));
    view! {
        <RecordSection<AgendaItem> ctx anchor="orden-del-dia" add="Agregar punto" card=agenda_card
            class="panel--agenda" ordered=true />
    }
}

/// `mm:ss` of a timer.
pub fn minutes_seconds(ms: f64) -> String {
    let total = (ms.max(0.0) / 1000.0) as i64;
    format!("{:02}:{:02}", total / 60, total % 60)
}

/// Moves agenda item `id` one place up (`-1`) or down (`+1`), or before `before`.
fn move_item(ctx: BoardCtx, id: &str, step: i32, before: Option<&str>) {
    let order: Vec<(String, f64)> = ctx.view.with_untracked(|v| {
        v.agenda
            .iter()
            .map(|i| (i.id.clone(), i.position))
            .collect()
    });
    let Some(from) = order.iter().position(|(i, _)| i == id) else {
        return;
    };
    let others: Vec<&(String, f64)> = order.iter().filter(|(i, _)| i != id).collect();
    let to = match before {
        Some(target) => match others.iter().position(|(i, _)| i == target) {
            Some(t) => t,
            None => return,
        },
        None => {
            (from as i32 + if step > 0 { 1 } else { -1 }).clamp(0, others.len() as i32) as usize
        }
    };
    if before.is_none() && to == from {
        return;
    }
    let prev = to
        .checked_sub(1)
        .and_then(|p| others.get(p))
        .map(|(_, p)| *p);
    let next = others.get(to).map(|(_, p)| *p);
    let position = position_between(prev, next);
    ctx.set(AGENDA, id, agenda::POSITION, Field::Number(position));
}

/// One agenda item's card: current-item badge and timer, reordering by buttons, Alt+↑/↓ and drag.
fn agenda_card(ctx: BoardCtx, id: String) -> AnyView {
    let dragged = expect_context::<Dragged>().0;
    let item = use_record::<AgendaItem>(ctx, &id);
    let field = move |read: fn(&AgendaItem) -> String| field(item, read);
    let is_current = {
        let id = id.clone();
        move || {
            ctx.view
                .with(|v| v.current_item.as_deref() == Some(id.as_str()))
        }
    };
    let timer = {
        let is_current = is_current.clone();
        move || {
            if !is_current() {
                return None;
            }
            let started = ctx.view.with(|v| v.timer_started_at)?;
            let elapsed = ctx.now_ms.get() - started;
            let allotted = item.with(|i| i.as_ref().map_or(0, |i| i.minutes)) as f64 * 60_000.0;
            Some((
                minutes_seconds(elapsed),
                elapsed > allotted && allotted > 0.0,
            ))
        }
    };
    let make_current = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            let previous = ctx.view.with_untracked(|v| v.current_item.clone());
            ctx.edit(move |txn, author, now| {
                if let Some(prev) = previous.filter(|p| *p != id)
                    && let Some(r) = record(txn, AGENDA, &prev)
                {
                    let status = Field::Text(AgendaStatus::Tratado.code().into());
                    set_field(txn, AGENDA, &r, agenda::STATUS.name, status, author, now);
                }
                if let Some(r) = record(txn, AGENDA, &id) {
                    let status = Field::Text(AgendaStatus::EnCurso.code().into());
                    set_field(txn, AGENDA, &r, agenda::STATUS.name, status, author, now);
                }
                set_meta(txn, meta::CURRENT_AGENDA_ITEM, Any::from(id.clone()));
                set_meta(txn, meta::TIMER_STARTED_AT, Any::from(now));
            });
        }
    };
    let up = {
        let id = id.clone();
        move |_| move_item(ctx, &id, -1, None)
    };
    let down = {
        let id = id.clone();
        move |_| move_item(ctx, &id, 1, None)
    };
    let keys = {
        let id = id.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.alt_key() && (ev.key() == "ArrowUp" || ev.key() == "ArrowDown") {
                ev.prevent_default();
                move_item(ctx, &id, if ev.key() == "ArrowUp" { -1 } else { 1 }, None);
            }
        }
    };
    let drag_start = {
        let id = id.clone();
        move |_| dragged.set(Some(id.clone()))
    };
    let drop = {
        let id = id.clone();
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            if let Some(from) = dragged.get_untracked().filter(|f| *f != id) {
                move_item(ctx, &from, 0, Some(&id));
            }
            dragged.set(None);
        }
    };
    let target = format!("{AGENDA}:{id}");
    view! {
        <li class="card" class:card--current=is_current.clone() data-kind="agenda" data-id=id.clone()
            draggable=move || ctx.can_edit().to_string() on:dragstart=drag_start
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=drop on:keydown=keys>
            <div class="card-head">
                <span class="slot"><Show when=is_current.clone()>
                    <span class="badge badge--en_curso">"Punto actual"</span>
                </Show></span>
                <span class="slot">
                    {move || timer().map(|(text, over)| view! {
                        <span class=if over { "timer timer--over" } else { "timer" } data-timer>{text}</span>
                    })}
                </span>
                <EditingMarkers ctx target />
            </div>
            <SharedText ctx root=AGENDA id=id.clone() key=agenda::TITLE wide=true value=field(|i| i.title.clone()) />
            <SharedText ctx root=AGENDA id=id.clone() key=agenda::NOTES multiline=true value=field(|i| i.notes.clone()) />
            <div class="fields">
                <ValueInput ctx root=AGENDA id=id.clone() key=agenda::PRESENTER value=field(|i| i.presenter.clone()) />
                <ValueInput ctx root=AGENDA id=id.clone() key=agenda::MINUTES value=field(|i| i.minutes.to_string()) />
                <CodeSelect ctx root=AGENDA id=id.clone() key=agenda::STATUS value=field(|i| i.status.code().to_owned()) />
            </div>
            {agenda::approves_acta(&id).map(|session| view! {
                <p><a class="button button--quiet" href=format!("/sesiones/{session}/acta") target="_blank" data-open-acta>
                    "Abrir el acta para aprobarla"
                </a></p>
            })}
            <div class="card-actions">
                <span class="slot"><Show when=move || ctx.can_edit() && ctx.allows(Act::LeadAgenda)>
                    <button type="button" class="button button--quiet" data-action="actual" on:click=make_current.clone()>
                        "Marcar como punto actual"
                    </button>
                </Show></span>
                <span class="slot"><Show when=move || ctx.can_edit()>
                    <button type="button" class="button button--quiet" aria-label="Subir punto" on:click=up.clone()>"↑"</button>
                    <button type="button" class="button button--quiet" aria-label="Bajar punto" on:click=down.clone()>"↓"</button>
                </Show></span>
                <RemoveButton ctx root=AGENDA id=id.clone() what=AgendaItem::NOUN />
            </div>
            <StampLine created_by=field(|i| i.stamp.created_by.clone()) updated_by=field(|i| i.stamp.updated_by.clone()) />
        </li>
    }
    .into_any()
}

/// The agenda as options of a select (a barrier's or an agreement's item), numbered; live.
pub fn agenda_options(ctx: BoardCtx) -> Signal<Vec<(String, String)>> {
    Memo::new(move |_| {
        let mut options = vec![(String::new(), "—".to_owned())];
        ctx.view.with(|v| {
            options.extend(v.agenda.iter().enumerate().map(|(n, i)| {
                let title = if i.title.is_empty() {
                    "(sin tema)"
                } else {
                    &i.title
                };
                (i.id.clone(), format!("{}. {title}", n + 1))
            }))
        });
        options
    })
    .into()
}
