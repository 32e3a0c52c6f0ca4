//! The register's assets on a board's cards: the barrier's mobilised assets (a list to tick) and
//! the commitment's delivering asset (one to choose). The choices are the Mesa's territory's
//! assets, loaded once the page is live; a code no longer in the register still shows.

use leptos::prelude::*;

use crate::domain::board::Key;
use crate::domain::board::edit::{record, toggle_in_list};
use crate::live::BoardCtx;

/// The assets a card may name, `(code, label)`, for the board's Mesa.
#[derive(Clone, Copy)]
pub struct AssetChoices(pub Signal<Vec<(String, String)>>);

impl AssetChoices {
    /// Loads the register's choices in the browser (the server's HTML shows the codes a card
    /// already names; the labels arrive with the page's script).
    pub fn provide(ctx: BoardCtx) {
        let mesa = ctx.mesa_code.get_value();
        let loaded =
            LocalResource::new(move || crate::api::register::fetch_asset_choices(mesa.clone()));
        let choices = Signal::derive(move || loaded.get().and_then(Result::ok).unwrap_or_default());
        provide_context(Self(choices));
    }

    fn get() -> Self {
        use_context::<Self>().unwrap_or(Self(Signal::stored(Vec::new())))
    }

    fn label_of(&self, code: &str) -> String {
        self.0.with(|all| {
            all.iter()
                .find(|(c, _)| c == code)
                .map(|(_, label)| label.clone())
                .unwrap_or_else(|| format!("{code} (no está en el registro)"))
        })
    }
}

/// The options of a single-asset field: none, the territory's assets, and the current code
/// should it no longer be in the register.
pub fn asset_options(current: Signal<String>) -> Signal<Vec<(String, String)>> {
    let choices = AssetChoices::get();
    Signal::derive(move || {
        let mut options = vec![(String::new(), "—".to_owned())];
        options.extend(choices.0.get());
        let current = current.get();
        if !current.is_empty() && !options.iter().any(|(c, _)| *c == current) {
            options.push((current.clone(), choices.label_of(&current)));
        }
        options
    })
}

/// Ticks for the territory's assets: each tick adds or removes one code in the document's list.
#[component]
pub fn AssetPicker(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    key: Key,
    chosen: Signal<Vec<String>>,
) -> impl IntoView {
    let choices = AssetChoices::get();
    let summary = move || {
        if chosen.with(Vec::is_empty) {
            "Elegir activos".to_owned()
        } else {
            format!("Cambiar ({} elegidos)", chosen.with(Vec::len))
        }
    };
    let names = move || {
        chosen
            .get()
            .into_iter()
            .map(|code| view! { <li data-asset-chip=code.clone()>{choices.label_of(&code)}</li> })
            .collect_view()
    };
    let options = move || {
        let mut all = choices.0.get();
        for code in chosen.get() {
            if !all.iter().any(|(c, _)| *c == code) {
                all.push((code.clone(), choices.label_of(&code)));
            }
        }
        if all.is_empty() {
            return view! {
                <p class="muted">"El territorio aún no tiene activos registrados (página «Activos»)."</p>
            }
            .into_any();
        }
        all.into_iter()
            .map(|(code, label)| {
                let id = id.clone();
                let checked_code = code.clone();
                let toggle = move |ev: leptos::ev::Event| {
                    let on = event_target_checked(&ev);
                    let id = id.clone();
                    let code = code.clone();
                    ctx.edit(move |txn, author, now| {
                        if let Some(r) = record(txn, root, &id) {
                            toggle_in_list(txn, &r, key, &code, on, author, now);
                        }
                    });
                };
                view! {
                    <label class="check">
                        <input type="checkbox" data-asset-option=checked_code.clone()
                            prop:checked=move || chosen.with(|c| c.contains(&checked_code))
                            disabled=move || !ctx.can_edit() on:change=toggle />
                        <span>{label}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="field field--wide asset-picker" data-field=key.name>
            <span class="field-label">{key.label}</span>
            {move || chosen.with(Vec::is_empty).then(|| view! { <span class="muted">"Ninguno todavía."</span> })}
            <ul class="chips" aria-label=key.label>{names}</ul>
            <details>
                <summary>{summary}</summary>
                <div class="checks">{options}</div>
            </details>
        </div>
    }
}
