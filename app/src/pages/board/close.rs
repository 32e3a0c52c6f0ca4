//! Closing the session from the board.

use leptos::prelude::*;

use crate::live::BoardCtx;

/// *Cerrar sesión y generar acta*, for the coordination: freezes the board and opens the acta.
#[component]
pub fn CloseSession(ctx: BoardCtx, token: String) -> impl IntoView {
    let close = Action::new(move |token: &String| {
        let token = token.clone();
        let id = ctx.session_id;
        async move {
            let closed = crate::api::close_board(id, token).await;
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
    view! {
        <div class="close-session">
            <button type="button" class="button button--danger" data-action="cerrar-tablero"
                disabled=move || close.pending().get()
                on:click=move |_| { close.dispatch(token.clone()); }>
                "Cerrar sesión y generar acta"
            </button>
            <p class="form-alert" role="alert">
                {move || match close.value().get() { Some(Err(e)) => Some(e.to_string()), _ => None }}
            </p>
        </div>
    }
    .into_any()
}
