//! Inputs bound to one field of one board record. Each takes the field's [`Key`] from the
//! record kind's module (its name, label and kind) and a signal with the value the document
//! holds; edits go to the document through the board's context.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::domain::board::edit::rebind;
use crate::domain::board::edit::write_text;
use crate::domain::board::records::Kind;
use crate::domain::board::{Key, edit::record};
use crate::live::BoardCtx;

/// A text typed together (`Y.Text`): each keystroke becomes the smallest insert/delete, and
/// other people's edits arrive without moving this person's caret.
#[component]
pub fn SharedText(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    key: Key,
    value: Signal<String>,
    #[prop(optional)] multiline: bool,
    /// Full width of the card (long texts).
    #[prop(optional)]
    wide: bool,
) -> impl IntoView {
    debug_assert!(key.is_shared_text(), "{} is not a shared text", key.name);
    let initial = value.get_untracked();
    let target = format!("{root}:{id}");
    let input_id = format!("{}-{id}", key.name);
    let label_for = input_id.clone();
    let area: NodeRef<leptos::html::Textarea> = NodeRef::new();
    let line: NodeRef<leptos::html::Input> = NodeRef::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let wanted = value.get();
        let el: Option<web_sys::HtmlElement> = if multiline {
            area.get().map(Into::into)
        } else {
            line.get().map(Into::into)
        };
        if let Some(el) = el {
            sync_text_element(&el, &wanted);
        }
    });
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let id = id.clone();
        ctx.edit(move |txn, author, now| {
            if let Some(r) = record(txn, root, &id) {
                write_text(txn, &r, key, &typed, author, now);
            }
        });
    };
    let focus = move |_| focus_marker(Some(target.clone()));
    let blur = move |_| focus_marker(None);
    let field = key.name;
    let field_view = if multiline {
        view! {
            <textarea id=input_id node_ref=area rows="3" data-field=field
                readonly=move || !ctx.can_edit() on:input=on_input on:focus=focus on:blur=blur>
                {initial}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=input_id node_ref=line type="text" data-field=field value=initial
                readonly=move || !ctx.can_edit() on:input=on_input on:focus=focus on:blur=blur />
        }
        .into_any()
    };
    let class = if multiline || wide {
        "field field--wide"
    } else {
        "field"
    };
    view! {
        <label class=class for=label_for>
            <span>{key.label}</span>
            {field_view}
        </label>
    }
}

/// Brings a text box to `wanted` without losing the caret of whoever is typing in it.
#[cfg(feature = "hydrate")]
fn sync_text_element(el: &web_sys::HtmlElement, wanted: &str) {
    use wasm_bindgen::JsCast;
    let (current, caret) = if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        (area.value(), area.selection_start().ok().flatten())
    } else if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        (input.value(), input.selection_start().ok().flatten())
    } else {
        return;
    };
    let Some(shown) = rebind(&current, caret, wanted) else {
        return;
    };
    let focused = document()
        .active_element()
        .is_some_and(|active| &active == el.as_ref() as &web_sys::Element);
    if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(&shown.value);
        if focused && let Some(c) = shown.caret {
            let _ = area.set_selection_range(c, c);
        }
    } else if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(&shown.value);
        if focused && let Some(c) = shown.caret {
            let _ = input.set_selection_range(c, c);
        }
    }
}

/// A field's input by its kind: text people type goes to [`SharedText`] (sent as it is typed);
/// numbers and dates are plain values (last writer wins), saved when the person leaves the
/// field, and what the kind refuses (not a number, not a date) is not written. While this person
/// is changing a value, someone else's change to the same field does not replace what they typed:
/// it is shown beside it, and leaving the field saves theirs (both were seen).
#[component]
pub fn ValueInput(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    key: Key,
    value: Signal<String>,
) -> impl IntoView {
    if key.is_shared_text() {
        return view! { <SharedText ctx root id key value /> }.into_any();
    }
    let input_id = format!("{}-{id}", key.name);
    let label_for = input_id.clone();
    let target = format!("{root}:{id}");
    let input_type = match key.kind {
        Kind::Number { .. } => "number",
        Kind::Date => "date",
        _ => "text",
    };
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    // Someone else's value for this field while this person had changed it and not saved.
    let other = RwSignal::new(None::<String>);
    let initial = value.get_untracked();
    #[cfg(feature = "hydrate")]
    {
        let shown = StoredValue::new(initial.clone());
        Effect::new(move |_| {
            let wanted = value.get();
            let Some(el) = input.get() else { return };
            let focused = document()
                .active_element()
                .is_some_and(|active| &active == el.as_ref() as &web_sys::Element);
            if focused && el.value() != shown.get_value() && el.value() != wanted {
                other.set(Some(wanted));
                return;
            }
            el.set_value(&wanted);
            shown.set_value(wanted);
        });
    }
    let save = move |ev: leptos::ev::Event| {
        other.set(None);
        if let Some(accepted) = key.accept(&event_target_value(&ev)) {
            ctx.set(root, &id, key, accepted);
        }
    };
    view! {
        <label class="field" for=label_for.clone()>
            <span>{key.label}</span>
            <input id=input_id node_ref=input type=input_type data-field=key.name value=initial
                readonly=move || !ctx.can_edit() on:change=save
                on:focus=move |_| focus_marker(Some(target.clone())) on:blur=move |_| focus_marker(None) />
            {move || other.get().map(|theirs| view! {
                <span class="field-note" role="status" data-other-version>
                    {format!("Otra persona lo cambió a «{theirs}» mientras usted escribía; al salir del campo se guarda lo suyo.")}
                </span>
            })}
        </label>
    }
    .into_any()
}

/// Tells the others which record this person is editing (shown as a marker on its card).
pub fn focus_marker(target: Option<String>) {
    #[cfg(feature = "hydrate")]
    crate::live::set_editing(target);
    #[cfg(not(feature = "hydrate"))]
    let _ = target;
}

/// One of a set of values: the field's own codes, unless `options` are given (links to other
/// records, whose choices follow the board live: new and renamed records show at once).
#[component]
pub fn CodeSelect(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    key: Key,
    value: Signal<String>,
    #[prop(optional, into)] options: Option<Signal<Vec<(String, String)>>>,
) -> impl IntoView {
    let input_id = format!("{}-{id}", key.name);
    let label_for = input_id.clone();
    let options = options.unwrap_or_else(|| {
        let codes = match key.kind {
            Kind::Code(codes) => codes(),
            _ => Vec::new(),
        };
        Signal::stored(codes)
    });
    let save = move |ev: leptos::ev::Event| {
        if let Some(accepted) = key.accept(&event_target_value(&ev)) {
            ctx.set(root, &id, key, accepted);
        }
    };
    let options = move || {
        options
            .get()
            .into_iter()
            .map(|(code, text)| {
                let selected_code = code.clone();
                view! { <option value=code selected=move || value.get() == selected_code>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <label class="field" for=label_for.clone()>
            <span>{key.label}</span>
            <select id=input_id data-field=key.name disabled=move || !ctx.can_edit() on:change=save
                prop:value=move || value.get()>
                {options}
            </select>
        </label>
    }
    .into_any()
}
