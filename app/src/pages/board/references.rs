//! What a board's cards name outside the board: the register's assets (a barrier's mobilised
//! assets, a commitment's delivering asset) and the catalogue's indicators (those a barrier is
//! discussed with, each shown with its latest figure). The choices load once the page is live;
//! a code no longer offered still shows, marked as such.

use leptos::prelude::*;

use crate::domain::board::Key;
use crate::domain::board::edit::{record, toggle_in_list};
use crate::live::BoardCtx;
use crate::pages::indicators::GoalMark;

/// Codes a card may name, `(code, label)`, and how to show a code no longer among them.
#[derive(Clone, Copy)]
pub struct Choices {
    pub items: Signal<Vec<(String, String)>>,
    missing: &'static str,
    /// What the picker says when there is nothing to choose.
    empty: &'static str,
}

impl Choices {
    fn label_of(&self, code: &str) -> String {
        self.items.with(|all| {
            all.iter()
                .find(|(c, _)| c == code)
                .map(|(_, label)| label.clone())
                .unwrap_or_else(|| format!("{code} ({})", self.missing))
        })
    }
}

#[derive(Clone, Copy)]
pub struct AssetChoices(pub Choices);

#[derive(Clone, Copy)]
pub struct IndicatorChoices(pub Choices);

/// Loads both lists in the browser (the server's HTML shows the codes a card already names;
/// the labels arrive with the page's script) and puts them in the board's context.
pub fn provide(ctx: BoardCtx) {
    let mesa = ctx.mesa_code.get_value();
    let assets =
        LocalResource::new(move || crate::api::register::fetch_asset_choices(mesa.clone()));
    let indicators = LocalResource::new(crate::api::indicators::fetch_indicator_choices);
    provide_context(AssetChoices(Choices {
        items: Signal::derive(move || assets.get().and_then(Result::ok).unwrap_or_default()),
        missing: "no está en el registro",
        empty: "El territorio aún no tiene activos registrados (página «Activos»).",
    }));
    provide_context(IndicatorChoices(Choices {
        items: Signal::derive(move || indicators.get().and_then(Result::ok).unwrap_or_default()),
        missing: "no está en el catálogo",
        empty: "Aún no hay indicadores cargados (página «Indicadores»).",
    }));
}

pub fn asset_choices() -> Choices {
    use_context::<AssetChoices>().map_or_else(empty, |c| c.0)
}

pub fn indicator_choices() -> Choices {
    use_context::<IndicatorChoices>().map_or_else(empty, |c| c.0)
}

fn empty() -> Choices {
    Choices {
        items: Signal::stored(Vec::new()),
        missing: "",
        empty: "",
    }
}

/// The options of a single-code field: none, the choices, and the current code should it no
/// longer be among them.
pub fn single_options(choices: Choices, current: Signal<String>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        let mut options = vec![(String::new(), "—".to_owned())];
        options.extend(choices.items.get());
        let current = current.get();
        if !current.is_empty() && !options.iter().any(|(c, _)| *c == current) {
            options.push((current.clone(), choices.label_of(&current)));
        }
        options
    })
}

/// Ticks for a list of codes: each tick adds or removes one code in the document's list.
#[component]
pub fn CodesPicker(
    ctx: BoardCtx,
    root: &'static str,
    id: String,
    key: Key,
    chosen: Signal<Vec<String>>,
    choices: Choices,
) -> impl IntoView {
    let summary = move || {
        if chosen.with(Vec::is_empty) {
            "Elegir".to_owned()
        } else {
            format!("Cambiar ({} elegidos)", chosen.with(Vec::len))
        }
    };
    let names = move || {
        chosen
            .get()
            .into_iter()
            .map(|code| view! { <li data-chip=code.clone()>{choices.label_of(&code)}</li> })
            .collect_view()
    };
    let options = move || {
        let mut all = choices.items.get();
        for code in chosen.get() {
            if !all.iter().any(|(c, _)| *c == code) {
                all.push((code.clone(), choices.label_of(&code)));
            }
        }
        if all.is_empty() {
            return view! { <p class="muted">{choices.empty}</p> }.into_any();
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
                        <input type="checkbox" data-option=checked_code.clone()
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
        <div class="field field--wide code-picker" data-field=key.name>
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

/// The latest figure of each indicator a barrier names, for its localidad (or the Mesa's
/// territory), with the semáforo: the numbers in view while the barrier is discussed.
#[component]
pub fn BarrierFigures(
    ctx: BoardCtx,
    codes: Signal<Vec<String>>,
    localidad: Signal<String>,
) -> impl IntoView {
    let mesa = ctx.mesa_code.get_value();
    let figures = LocalResource::new(move || {
        let (codes, localidad, mesa) = (codes.get(), localidad.get(), mesa.clone());
        async move {
            if codes.is_empty() {
                return Ok(Vec::new());
            }
            crate::api::indicators::fetch_indicator_figures(mesa, localidad, codes).await
        }
    });
    let rows = move || {
        figures
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|k| {
                let href = format!("/indicadores/{}", k.code);
                view! {
                    <li data-barrier-figure=k.code.clone()>
                        <GoalMark status=k.figure.status />
                        <a href=href>{k.name.clone()}</a>": "
                        <strong>{k.figure.shown.clone()}</strong>" "
                        <span class="muted">{format!("{} · {} · {}", k.unit, k.figure.period, k.figure.status.label())}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! { <ul class="plain-list barrier-figures">{rows}</ul> }
}
