//! The top of the board: its title, the connection state (always visible), this person's role,
//! who is connected, and the live counts.

use leptos::prelude::*;

use super::presence::PresenceBar;
use crate::domain::board::{Agreement, Attendee, Barrier, BoardView, Commitment};
use crate::live::BoardCtx;

#[component]
pub fn BoardBar(ctx: BoardCtx, role_label: &'static str) -> impl IntoView {
    view! {
        <div class="board-bar">
            <h2 id="tablero">"Tablero de la sesión"</h2>
            <ConnectionState ctx live_region=true />
            <p class="muted">"Su rol: " {role_label}</p>
            <PresenceBar ctx />
        </div>
        {move || ctx.read_only_reason.get().map(|reason| view! {
            <p class="notice" role="status" data-read-only>{reason}</p>
        })}
        {move || ctx.server_notice.get().map(|notice| view! {
            <p class="notice notice--warning" role="alert" data-server-notice>{notice}</p>
        })}
    }
}

/// *Conectado*, *Reconectando…*, *Sin conexión…*: the projector shows it too (without
/// announcing it: nobody reads a projector with a screen reader).
#[component]
pub fn ConnectionState(ctx: BoardCtx, #[prop(optional)] live_region: bool) -> impl IntoView {
    view! {
        <p class=move || format!("conn conn--{}", ctx.status.get().code())
            role=live_region.then_some("status") aria-live=live_region.then_some("polite") data-connection>
            {move || ctx.status.get().label()}
        </p>
    }
}

/// How many records of each kind the board holds; `children` add more (the quorum).
#[component]
pub fn Counts(
    view: RwSignal<BoardView>,
    #[prop(optional)] big: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let count = move |of: fn(&BoardView) -> usize| move || view.with(of);
    view! {
        <dl class=if big { "counts counts--big" } else { "counts" } aria-label=(!big).then_some("Resumen")>
            <div><dt>"Barreras"</dt><dd data-count="barriers">{count(BoardView::count::<Barrier>)}</dd></div>
            <div><dt>"Acuerdos"</dt><dd data-count="agreements">{count(BoardView::count::<Agreement>)}</dd></div>
            <div><dt>"Compromisos"</dt><dd data-count="commitments">{count(BoardView::count::<Commitment>)}</dd></div>
            <div><dt>"Asistentes"</dt><dd data-count="attendance">{count(BoardView::count::<Attendee>)}</dd></div>
            {children.map(|c| c())}
        </dl>
    }
}
