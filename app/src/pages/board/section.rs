//! The shape every record section shares: a heading, the list of its records (one card each,
//! keyed by id so a card keeps its inputs while others change) and an add button; and the shell
//! of a card (editing markers, remove, who created and changed it). Generic over the record
//! kind, so each kind only says what its card shows.

use leptos::prelude::*;
use yrs::Map;

use super::presence::EditingMarkers;
use crate::domain::board::edit::{record, remove_record};
use crate::domain::board::records::common;
use crate::domain::board::{BoardRecord, excerpt};
use crate::live::BoardCtx;

/// The card of one record: given the board and the record's id.
pub type CardFn = fn(BoardCtx, String) -> AnyView;

/// A section listing every record of kind `R`.
#[component]
pub fn RecordSection<R: BoardRecord>(
    ctx: BoardCtx,
    /// The heading's id (what the section is labelled by).
    anchor: &'static str,
    /// The add button's text.
    add: &'static str,
    card: CardFn,
    /// Extra classes of the panel.
    #[prop(optional)]
    class: &'static str,
    /// A numbered list (the agenda) instead of a plain one.
    #[prop(optional)]
    ordered: bool,
    /// Compact cards (attendance).
    #[prop(optional)]
    compact: bool,
    #[prop(optional)] _kind: std::marker::PhantomData<R>,
) -> impl IntoView {
    let ids = move || {
        ctx.view.with(|v| {
            R::on(v)
                .iter()
                .map(|r| r.id().to_owned())
                .collect::<Vec<_>>()
        })
    };
    let list_class = if compact {
        "cards cards--compact"
    } else {
        "cards"
    };
    let cards = move || {
        view! {
            <For each=ids key=|id| id.clone() let:id>
                {card(ctx, id)}
            </For>
        }
    };
    let list = if ordered {
        view! { <ol class=list_class>{cards}</ol> }.into_any()
    } else {
        view! { <ul class=list_class>{cards}</ul> }.into_any()
    };
    let panel_class = if class.is_empty() {
        "panel".to_owned()
    } else {
        format!("panel {class}")
    };
    view! {
        <section class=panel_class aria-labelledby=anchor data-section=R::ROOT>
            <h3 id=anchor>{R::HEADING}</h3>
            {list}
            <span class="slot"><Show when=move || ctx.can_edit()>
                <button type="button" class="button" data-add=R::ROOT on:click={move |_| ctx.add::<R>()}>{add}</button>
            </Show></span>
        </section>
    }
    .into_any()
}

/// The record `id` of kind `R` as the board holds it now (`None` once it is removed).
pub fn use_record<R: BoardRecord>(ctx: BoardCtx, id: &str) -> Memo<Option<R>> {
    let id = id.to_owned();
    Memo::new(move |_| ctx.view.with(|v| R::find(v, &id).cloned()))
}

/// One value of a record, for an input (empty while the record is gone). A memo: it notifies
/// only when this value changes, so an edit to another field of the record never touches this
/// field's input (a neighbour's change must not reset what someone is typing).
pub fn field<R: BoardRecord>(item: Memo<Option<R>>, read: fn(&R) -> String) -> Signal<String> {
    Memo::new(move |_| item.with(|i| i.as_ref().map(read).unwrap_or_default())).into()
}

/// A card's frame: `head` (badges) beside the markers of who is editing it, the card's own
/// fields, its `actions` beside *Eliminar*, and who created and last changed it.
pub fn card_shell<R: BoardRecord>(
    ctx: BoardCtx,
    id: String,
    item: Memo<Option<R>>,
    head: impl IntoView + 'static,
    body: impl IntoView + 'static,
    actions: impl IntoView + 'static,
) -> AnyView {
    view! {
        <li class="card" data-kind=R::ROOT data-id=id.clone()>
            <div class="card-head">{head}<EditingMarkers ctx target=format!("{}:{id}", R::ROOT) /></div>
            {body}
            <div class="card-actions">{actions}<RemoveButton ctx root=R::ROOT id=id.clone() what=R::NOUN /></div>
            <StampLine created_by=field(item, |r| r.stamp().created_by.clone())
                updated_by=field(item, |r| r.stamp().updated_by.clone()) />
        </li>
    }
    .into_any()
}

/// Who created and last changed a record.
#[component]
pub fn StampLine(created_by: Signal<String>, updated_by: Signal<String>) -> impl IntoView {
    view! {
        <p class="stamp">
            "Creado por " <span data-created-by>{move || created_by.get()}</span>
            {move || {
                let u = updated_by.get();
                (!u.is_empty() && u != created_by.get())
                    .then(|| view! { " · modificado por " <span data-updated-by>{u}</span> })
            }}
        </p>
    }
}

/// Removal asks once more inline (no dialog that blocks the room's screen).
#[component]
pub fn RemoveButton(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    what: &'static str,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    let remove = move |_| {
        if armed.get_untracked() {
            // Two changes: first who removes it (the review reads it from the board just
            // before), then the removal.
            let stamped = id.clone();
            ctx.edit(move |txn, author, _| {
                if let Some(r) = record(txn, root, &stamped) {
                    r.insert(txn, common::DELETED_BY.name, author);
                }
            });
            let id = id.clone();
            ctx.edit(move |txn, _, _| {
                remove_record(txn, root, &id);
            });
        } else {
            armed.set(true);
        }
    };
    view! {
        <span class="slot"><Show when=move || ctx.can_edit()>
            <button type="button" class="button button--quiet" on:click=remove.clone()
                on:blur=move |_| armed.set(false)>
                {move || if armed.get() { format!("¿Eliminar {what}? Confirmar") } else { "Eliminar".to_owned() }}
            </button>
        </Show></span>
    }
}

/// Options linking to records of kind `R` (an agreement's barrier, a commitment's agreement),
/// after an empty choice; live: a record added or renamed on the board shows at once.
pub fn link_options<R: BoardRecord>(ctx: BoardCtx) -> Signal<Vec<(String, String)>> {
    Memo::new(move |_| {
        let mut options = vec![(String::new(), "—".to_owned())];
        ctx.view.with(|v| {
            options.extend(
                R::on(v)
                    .iter()
                    .map(|r| (r.id().to_owned(), short(r.summary()))),
            );
        });
        options
    })
    .into()
}

/// A record's text cut to one short line, for a select's option.
fn short(text: &str) -> String {
    let cut = excerpt(text, 50);
    if cut.is_empty() {
        "(sin descripción)".into()
    } else {
        cut
    }
}
