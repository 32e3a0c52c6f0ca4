//! Inputs bound to one field of one board record. Each takes the field's [`Key`] from the
//! record kind's module (its name, label and kind) and a signal with the value the document
//! holds; edits go to the document through the board's context.

use leptos::prelude::*;

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
    view! {
        <label class="field field--wide" for=label_for>
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
    let Some(edit) = crate::domain::board::edit::diff(&current, wanted) else {
        return;
    };
    let focused = document()
        .active_element()
        .is_some_and(|active| &active == el.as_ref() as &web_sys::Element);
    let new_caret = caret.map(|c| crate::domain::board::edit::shift_caret(c, &edit));
    if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(wanted);
        if focused && let Some(c) = new_caret {
            let _ = area.set_selection_range(c, c);
        }
    } else if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(wanted);
        if focused && let Some(c) = new_caret {
            let _ = input.set_selection_range(c, c);
        }
    }
}

/// A plain value (last writer wins), saved when the person leaves the field. The input's type
/// follows the field's kind; what the kind refuses (not a number, not a date) is not written.
#[component]
pub fn ValueInput(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    key: Key,
    value: Signal<String>,
) -> impl IntoView {
    let input_id = format!("{}-{id}", key.name);
    let label_for = input_id.clone();
    let target = format!("{root}:{id}");
    let input_type = match key.kind {
        Kind::Number { .. } => "number",
        Kind::Date => "date",
        _ => "text",
    };
    let save = move |ev: leptos::ev::Event| {
        if let Some(accepted) = key.accept(&event_target_value(&ev)) {
            ctx.set(root, &id, key, accepted);
        }
    };
    view! {
        <label class="field" for=label_for.clone()>
            <span>{key.label}</span>
            <input id=input_id type=input_type data-field=key.name prop:value=move || value.get()
                readonly=move || !ctx.can_edit() on:change=save
                on:focus=move |_| focus_marker(Some(target.clone())) on:blur=move |_| focus_marker(None) />
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

/// One of a fixed set of values: the field's own codes, unless `options` are given (links to
/// other records, whose choices come from the board).
#[component]
pub fn CodeSelect(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    key: Key,
    value: Signal<String>,
    #[prop(optional)] options: Option<Vec<(String, String)>>,
) -> impl IntoView {
    let input_id = format!("{}-{id}", key.name);
    let label_for = input_id.clone();
    let options = options.unwrap_or_else(|| match key.kind {
        Kind::Code(codes) => codes(),
        _ => Vec::new(),
    });
    let save = move |ev: leptos::ev::Event| {
        if let Some(accepted) = key.accept(&event_target_value(&ev)) {
            ctx.set(root, &id, key, accepted);
        }
    };
    let options = options
        .into_iter()
        .map(|(code, text)| {
            let selected_code = code.clone();
            view! { <option value=code selected=move || value.get() == selected_code>{text}</option> }
        })
        .collect_view();
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
