//! Closing the session from the board: first what is still open (agenda items not treated,
//! commitments without responsible or due date, barriers without a responsible institution), so
//! the secretary can go back and complete it; then, confirmed, the board freezes into the acta.

use leptos::prelude::*;

use crate::domain::board::closing::still_open;
use crate::live::BoardCtx;

/// *Cerrar reunión y generar acta*, for the coordination.
#[component]
pub fn CloseSession(ctx: BoardCtx) -> impl IntoView {
    let asking = RwSignal::new(false);
    let close = Action::new(move |(): &()| {
        let id = ctx.session_id;
        async move {
            let closed = crate::api::close_board(id).await;
            // Straight to the acta (the board turns read-only for everyone at this moment, which
            // also removes this button).
            if closed.is_ok() {
                let _ = window()
                    .location()
                    .set_href(&format!("/sesiones/{id}/acta"));
            }
            closed
        }
    });
    let open = move || ctx.view.with(still_open);
    view! {
        <div class="close-session">
            <span class="slot"><Show when=move || !asking.get()>
                <button type="button" class="button button--danger" data-action="cerrar-tablero"
                    on:click=move |_| asking.set(true)>
                    "Cerrar reunión y generar acta"
                </button>
            </Show></span>
            <span class="slot"><Show when=move || asking.get()>
                <section class="card confirm-close" role="alertdialog" aria-labelledby="confirmar-cierre" data-confirm-close>
                    <h3 id="confirmar-cierre">"¿Cerrar la reunión y generar el acta?"</h3>
                    <p>"Después nadie podrá cambiar el tablero: el acta queda con lo que hay ahora."</p>
                    {move || {
                        let open = open();
                        if open.is_empty() {
                            view! { <p data-still-open="0">"No queda nada pendiente en el tablero."</p> }.into_any()
                        } else {
                            let count = open.len();
                            view! {
                                <p>"Queda pendiente:"</p>
                                <ul data-still-open=count>
                                    {open.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                    <div class="card-actions">
                        <button type="button" class="button button--danger" data-action="confirmar-cierre"
                            disabled=move || close.pending().get()
                            on:click=move |_| { close.dispatch(()); }>
                            "Sí, cerrar y generar acta"
                        </button>
                        <button type="button" class="button button--quiet" data-action="volver-al-tablero"
                            on:click=move |_| asking.set(false)>
                            "Volver al tablero"
                        </button>
                    </div>
                </section>
            </Show></span>
            <p class="form-alert" role="alert">
                {move || match close.value().get() { Some(Err(e)) => Some(e.to_string()), _ => None }}
            </p>
        </div>
    }
    .into_any()
}
