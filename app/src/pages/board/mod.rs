//! The live board: what people in the room, remote participants and the projector see during a
//! session. Rendering reads one reactive [`BoardView`](crate::domain::board::BoardView) held by the
//! board's context (`crate::live`); every edit goes through the shared document, so what is
//! shown is always what the document says. One file per section; the four record lists share
//! [`section::RecordSection`].

mod agenda;
mod agreements;
mod attendance;
mod barriers;
mod close;
mod commitments;
mod escalations;
mod events;
mod evidence;
mod followups;
mod header;
mod inputs;
mod join;
mod presence;
mod projector;
mod references;
mod section;
mod votes;

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::domain::board::BoardRole;
use crate::domain::board::{Agreement, Attendee, Barrier, BoardAccess, Commitment, quorum};
use crate::domain::policy::Act;
use crate::live::BoardCtx;
#[cfg(feature = "hydrate")]
use crate::live::{Identity, color_for};
use agenda::AgendaSection;
use agreements::agreement_card;
use attendance::attendee_card;
use barriers::barrier_card;
use commitments::commitment_card;
use escalations::EscalationsPanel;
use followups::FollowUpsSection;
use header::{BoardBar, Counts};
pub use projector::ProjectorBoard;
use section::RecordSection;

/// The board's state, made by the session page so that the join form can be the first thing on
/// it (for someone who has not joined yet) while the board renders further down.
#[derive(Clone, Copy)]
pub struct BoardSetup {
    pub ctx: BoardCtx,
    needs_join: RwSignal<bool>,
}

impl BoardSetup {
    pub fn new(access: &BoardAccess) -> Self {
        Self {
            ctx: BoardCtx::new(access, access.board.timer_started_at.unwrap_or(0.0)),
            needs_join: RwSignal::new(false),
        }
    }
}

/// *Unirse al tablero*, shown until this person has joined.
#[component]
pub fn JoinSlot(setup: BoardSetup, invited_name: Option<String>) -> impl IntoView {
    let BoardSetup { ctx, needs_join } = setup;
    let invited_name = invited_name.unwrap_or_default();
    view! {
        <span class="slot"><Show when=move || needs_join.get()>
            <join::JoinForm ctx needs_join invited_name=invited_name.clone() />
        </Show></span>
    }
}

#[component]
pub fn LiveBoard(setup: BoardSetup, access: BoardAccess) -> impl IntoView {
    let BoardSetup { ctx, needs_join } = setup;
    #[cfg(not(feature = "hydrate"))]
    let _ = needs_join;
    #[cfg(feature = "hydrate")]
    {
        let sync_path = access.sync_path.clone();
        let role = access.role;
        let session_id = ctx.session_id;
        let signed_in = access.signed_in.clone();
        // The room checks a signed-in person in as they join; a guest's browser does it.
        let guest = signed_in.is_none();
        // After hydration has finished (changing signals while the server's HTML is being
        // adopted would make the DOM and the view disagree).
        request_animation_frame(move || {
            ctx.now_ms.set(js_sys::Date::now());
            if role != BoardRole::Observador && ctx.writable {
                // Someone signed in is who their account says; a guest says who they are once.
                match signed_in.or_else(crate::live::remembered_identity) {
                    Some((name, institution, sector)) => ctx.me.set(Some(Identity {
                        color: color_for(&name).to_owned(),
                        name,
                        institution,
                        sector,
                        role: role.code().to_owned(),
                    })),
                    None => needs_join.set(true),
                }
            }
            let check_in: Box<dyn FnOnce()> = if guest {
                Box::new(move || join::check_in(ctx))
            } else {
                Box::new(|| {})
            };
            crate::live::start(ctx, &sync_path, session_id, check_in);
        });
    }
    references::provide(ctx);
    let status = access.detail.session.status;
    events::SessionEvents::provide(ctx.session_id, status.board_is_open());
    votes::PollsCtx::provide(ctx.session_id, status.board_is_open());
    evidence::EvidenceCtx::provide(ctx.session_id);
    let view = ctx.view;
    let q = move || quorum(view.with(|v| v.written_members_present()), ctx.members());
    let role_label = access.role.label();
    view! {
        <section class="board" aria-labelledby="tablero" data-board data-role=access.role.code()
            data-status=move || ctx.status.get().code() data-can-edit=move || ctx.can_edit().to_string()>
            <BoardBar ctx role_label />
            <Counts view>
                <div>
                    <dt>"Quórum"</dt>
                    <dd data-quorum=move || q().reached.to_string()>
                        {move || q().describe()}
                    </dd>
                </div>
            </Counts>
            // On a phone the sections are far apart: this menu stays at the top while scrolling.
            <nav class="section-menu" aria-label="Secciones del tablero" data-section-menu>
                <a href="#orden-del-dia">"Agenda"</a>
                <a href="#barreras">"Barreras"</a>
                <a href="#acuerdos">"Acuerdos"</a>
                <a href="#compromisos">"Compromisos"</a>
                <a href="#asistencia">"Asistencia"</a>
            </nav>
            <div class="board-grid">
                <AgendaSection ctx />
                <FollowUpsSection ctx />
                <RecordSection<Barrier> ctx anchor="barreras" add="Registrar barrera" card=barrier_card />
                <RecordSection<Agreement> ctx anchor="acuerdos" add="Registrar acuerdo" card=agreement_card />
                <RecordSection<Commitment> ctx anchor="compromisos" add="Registrar compromiso" card=commitment_card />
                <RecordSection<Attendee> ctx anchor="asistencia" add="Registrar asistente en sala" card=attendee_card
                    compact=true />
            </div>
            <EscalationsPanel ctx />
            <span class="slot"><Show when=move || ctx.allows(Act::CloseMeeting) && ctx.writable && ctx.me.with(Option::is_some)>
                <close::CloseSession ctx />
            </Show></span>
        </section>
    }
    .into_any()
}
