//! Who else is on the board: the presence bar (everyone connected, in their colour) and the
//! markers on a card showing who is editing it right now.

use leptos::prelude::*;

use crate::live::BoardCtx;

/// Everyone connected now, this person first.
#[component]
pub fn PresenceBar(ctx: BoardCtx) -> impl IntoView {
    view! {
        <ul class="presence" aria-label="Conectados ahora">
            {move || ctx.me.get().map(|me| {
                let style = format!("--who: {}", me.color);
                view! { <li style=style class="presence--me">{me.name} " (usted)"</li> }
            })}
            <For each=move || ctx.presence.get() key=|p| (p.client, p.name.clone(), p.color.clone()) let:p>
                <li style=format!("--who: {}", p.color) title=p.institution.clone()>{p.name.clone()}</li>
            </For>
        </ul>
    }
}

/// Markers for the people editing the record `target` (`"barriers:<id>"`) right now.
#[component]
pub fn EditingMarkers(ctx: BoardCtx, target: String) -> impl IntoView {
    view! {
        <ul class="editing-markers" aria-label="Editando ahora">
            {move || {
                ctx.presence
                    .get()
                    .into_iter()
                    .filter(|p| p.editing.as_deref() == Some(target.as_str()))
                    .map(|p| {
                        let style = format!("--who: {}", p.color);
                        view! { <li style=style>{p.name}</li> }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
