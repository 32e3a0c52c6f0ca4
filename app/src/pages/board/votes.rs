//! Votes and consensus checks on the board: opened from an agreement's card by the
//! coordination, cast from each member's device or recorded by the secretary for the room, the
//! tally live on every board and on the projector. Polls are not in the board's document: they
//! are read from the server (`api::votes`), again whenever the session's event stream says
//! they changed.

use leptos::prelude::*;

use crate::api::votes::{cast_ballot, close_poll, fetch_poll_desk, open_poll, record_ballot};
use crate::domain::board::vote::{Choice, Poll, PollDesk, PollKind};
use crate::error::AppError;

use super::events::SessionEvents;

/// The session's polls as this page last read them, shared by the agreement cards.
#[derive(Clone, Copy)]
pub struct PollsCtx {
    pub session: i64,
    pub desk: RwSignal<Option<PollDesk>>,
    /// The last refusal or failure, shown beside the poll that caused it.
    pub error: RwSignal<Option<(i64, String)>>,
}

impl PollsCtx {
    /// Made by the board and the projector (after [`SessionEvents`]); reads the polls once
    /// hydrated and again whenever the session's stream says they changed.
    pub fn provide(session: i64, live: bool) -> Self {
        let polls = Self {
            session,
            desk: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        provide_context(polls);
        if live && let Some(events) = use_context::<SessionEvents>() {
            // Effects run in the browser only, first once hydrated.
            Effect::new(move |_| {
                events.votes.track();
                polls.reload();
            });
        }
        polls
    }

    pub fn reload(self) {
        leptos::task::spawn_local(async move {
            if let Ok(desk) = fetch_poll_desk(self.session).await {
                self.desk.set(Some(desk));
            }
        });
    }

    /// Runs a server call; on success the polls are read again, on failure the reason stays
    /// beside poll `about` (0: the agreement's opening form).
    fn act(
        self,
        about: i64,
        call: impl std::future::Future<Output = Result<(), AppError>> + 'static,
    ) {
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(()) => self.error.set(None),
                Err(error) => self.error.set(Some((about, error.to_string()))),
            }
            self.reload();
        });
    }
}

fn kind_title(poll: &Poll) -> String {
    match (poll.kind, poll.secret) {
        (PollKind::Votacion, true) => "Votación secreta abierta".to_owned(),
        (kind, _) => format!("{} abierta", kind.label()),
    }
}

/// The live tally: one bar per option, then how many voted and the quorum.
#[component]
pub fn TallyView(poll: Poll, #[prop(optional)] big: bool) -> impl IntoView {
    let cast = poll.ballots.len();
    let class = if big { "tally tally--big" } else { "tally" };
    if poll.secret && poll.is_open() {
        return view! {
            <div class=class data-tally=poll.id.to_string()>
                <p class="tally__summary" data-cast=cast.to_string()>
                    {format!("Han votado {cast} · {} · los conteos se conocen al cerrar la votación secreta", poll.quorum.describe())}
                </p>
            </div>
        }
        .into_any();
    }
    let rows = poll
        .tally
        .counts
        .iter()
        .map(|(choice, n)| {
            let share = (n * 100).checked_div(cast).unwrap_or(0);
            view! {
                <li data-choice=choice.code()>
                    <span class="tally__label">{choice.label()}</span>
                    <span class="tally__bar" style=format!("--share:{share}%")></span>
                    <strong class="tally__count" data-count=n.to_string()>{n.to_string()}</strong>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class=class data-tally=poll.id.to_string()>
            <ul>{rows}</ul>
            <p class="tally__summary" data-cast=cast.to_string()>
                {format!("Han votado {cast} · {}", poll.quorum.describe())}
            </p>
        </div>
    }
    .into_any()
}

/// An agreement card's part: its open poll (tally, one's ballot, the secretary's recording,
/// closing), or the coordination's buttons to open one.
#[component]
pub fn AgreementPoll(agreement: String, can_edit: Signal<bool>) -> impl IntoView {
    let Some(polls) = use_context::<PollsCtx>() else {
        return ().into_any();
    };
    let open_here = {
        let agreement = agreement.clone();
        move || {
            polls
                .desk
                .with(|d| d.as_ref().and_then(|d| d.open_on(&agreement).cloned()))
        }
    };
    let conducts = move || {
        polls
            .desk
            .with(|d| d.as_ref().is_some_and(|d| d.conducts && d.running))
    };
    let error_for = move |about: i64| {
        polls.error.with(|e| {
            e.as_ref()
                .filter(|(id, _)| *id == about)
                .map(|(_, m)| m.clone())
        })
    };
    let agreement_for_open = agreement.clone();
    // What is being typed or chosen outlives the poll's re-renders (each ballot re-reads it).
    let typing = Typing {
        reason: RwSignal::new(String::new()),
        room_attendee: RwSignal::new(String::new()),
        room_reason: RwSignal::new(String::new()),
    };
    view! {
        <div class="poll" data-poll-for=agreement.clone()>
            {move || match open_here() {
                Some(poll) => view! { <OpenPoll polls poll typing /> }.into_any(),
                None if conducts() && can_edit.get() => {
                    view! { <OpenForm polls agreement=agreement_for_open.clone() /> }.into_any()
                }
                None => ().into_any(),
            }}
            {move || error_for(0).map(|m| view! { <p class="form-alert" role="alert" data-poll-error>{m}</p> })}
        </div>
    }
    .into_any()
}

#[component]
fn OpenForm(polls: PollsCtx, agreement: String) -> impl IntoView {
    let secret = RwSignal::new(false);
    let open = move |kind: PollKind| {
        let agreement = agreement.clone();
        polls.act(0, async move {
            open_poll(
                polls.session,
                agreement,
                kind.code().to_owned(),
                secret.get_untracked(),
            )
            .await
            .map(|_| ())
        });
    };
    let open_vote = open.clone();
    view! {
        <div class="poll__open">
            <button type="button" class="button button--quiet" data-action="abrir-votacion"
                on:click=move |_| open_vote(PollKind::Votacion)>"Abrir votación"</button>
            <label class="check"><input type="checkbox" data-field="poll-secret"
                prop:checked=move || secret.get()
                on:change=move |ev| secret.set(event_target_checked(&ev)) />" secreta"</label>
            <button type="button" class="button button--quiet" data-action="verificar-consenso"
                on:click=move |_| open(PollKind::Consenso)>"Verificar consenso"</button>
        </div>
    }
}

/// A ballot's reason and the secretary's choices, kept by the agreement's card.
#[derive(Clone, Copy)]
struct Typing {
    reason: RwSignal<String>,
    room_attendee: RwSignal<String>,
    room_reason: RwSignal<String>,
}

#[component]
fn OpenPoll(polls: PollsCtx, poll: Poll, typing: Typing) -> impl IntoView {
    let id = poll.id;
    let desk = move || polls.desk.get();
    let voted_as = {
        let poll = poll.clone();
        move || {
            desk().and_then(|d| d.voter.ok()).map(|attendee| {
                let voted = poll.has_voted(&attendee);
                (attendee, voted)
            })
        }
    };
    let cannot = move || desk().and_then(|d| d.voter.err());
    let conducts = move || desk().is_some_and(|d| d.conducts);
    let reason = typing.reason;
    let cast = move |choice: Choice| {
        polls.act(id, async move {
            cast_ballot(id, choice.code().to_owned(), reason.get_untracked()).await
        });
    };
    let choices = poll.kind.choices();
    let needs_reason = choices.iter().any(|c| c.needs_reason());
    let ballots = poll
        .ballots
        .iter()
        .map(|b| {
            let choice = b.choice.map(|c| format!(": {}", c.label())).unwrap_or_default();
            let by = b
                .recorded_by
                .as_ref()
                .map(|r| format!(" (registrado por {r})"))
                .unwrap_or_default();
            let reason = (!b.reason.is_empty()).then(|| format!(" — «{}»", b.reason));
            view! { <li data-ballot=b.attendee_id.clone()>{format!("{}{choice}{by}{}", b.name, reason.unwrap_or_default())}</li> }
        })
        .collect_view();
    let ballot_form = move || {
        match voted_as() {
        Some((_, true)) => view! { <p class="form-status" data-voted>"Su voto quedó registrado."</p> }.into_any(),
        Some((_, false)) => view! {
            <div class="poll__ballot" role="group" aria-label="Su voto">
                {choices.iter().map(|choice| {
                    let choice = *choice;
                    view! {
                        <button type="button" class="button" data-vote=choice.code()
                            on:click=move |_| cast(choice)>{choice.label()}</button>
                    }
                }).collect_view()}
                {needs_reason.then(|| view! {
                    <label class="field field--wide"><span>"Motivo (obligatorio para un bloqueo)"</span>
                        <input type="text" data-field="poll-reason" prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev)) /></label>
                })}
            </div>
        }
        .into_any(),
        None => cannot()
            .map(|why| view! { <p class="hint" data-cannot-vote>{why}</p> })
            .into_any(),
    }
    };
    let title = kind_title(&poll);
    let label = title.clone();
    let recorded = poll
        .ballots
        .iter()
        .map(|b| b.attendee_id.clone())
        .collect::<Vec<_>>();
    view! {
        <section class="poll__live" aria-label=label data-open-poll=id.to_string()>
            <p class="eyebrow">{title}</p>
            <TallyView poll=poll.clone() />
            {ballot_form}
            <span class="slot"><Show when=conducts>
                <RoomBallots polls id kind=poll.kind recorded=recorded.clone() typing />
                <button type="button" class="button button--quiet" data-action="cerrar-votacion"
                    on:click=move |_| polls.act(id, async move { close_poll(id).await.map(|_| ()) })>
                    "Cerrar y escribir el resultado"
                </button>
            </Show></span>
            {(!poll.secret && !poll.ballots.is_empty()).then(|| view! {
                <details class="poll__ballots"><summary>"Quiénes votaron"</summary><ul>{ballots}</ul></details>
            })}
            {move || polls.error.with(|e| e.as_ref().filter(|(p, _)| *p == id).map(|(_, m)| m.clone()))
                .map(|m| view! { <p class="form-alert" role="alert" data-poll-error>{m}</p> })}
        </section>
    }
}

/// The secretary records the ballot of a member in the room (one who has not voted yet).
#[component]
fn RoomBallots(
    polls: PollsCtx,
    id: i64,
    kind: PollKind,
    recorded: Vec<String>,
    typing: Typing,
) -> impl IntoView {
    let attendee = typing.room_attendee;
    let reason = typing.room_reason;
    let waiting = move || {
        polls.desk.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.in_room
                        .iter()
                        .filter(|(a, _)| !recorded.contains(a))
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let record = move |choice: Choice| {
        let who = attendee.get_untracked();
        let why = reason.get_untracked();
        // the next person is chosen afresh (this one leaves the list once recorded)
        attendee.set(String::new());
        reason.set(String::new());
        polls.act(id, async move {
            record_ballot(id, who, choice.code().to_owned(), why).await
        });
    };
    view! {
        <fieldset class="poll__room">
            <legend>"Registrar el voto de alguien en la sala"</legend>
            <select data-field="poll-attendee" aria-label="Integrante en la sala"
                prop:value=move || attendee.get()
                on:change=move |ev| attendee.set(event_target_value(&ev))>
                <option value="">"Elija a la persona…"</option>
                {move || waiting().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            {kind.choices().iter().map(|choice| {
                let choice = *choice;
                view! {
                    <button type="button" class="button button--quiet" data-record=choice.code()
                        on:click=move |_| record(choice)>{choice.label()}</button>
                }
            }).collect_view()}
            {(kind == PollKind::Consenso).then(|| view! {
                <input type="text" data-field="poll-room-reason" aria-label="Motivo del bloqueo"
                    placeholder="Motivo (si bloquea)" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev)) />
            })}
        </fieldset>
    }
}

/// The projector's panel: every open poll's tally, large.
#[component]
pub fn ProjectedPolls(statements: Signal<Vec<(String, String)>>) -> impl IntoView {
    let Some(polls) = use_context::<PollsCtx>() else {
        return ().into_any();
    };
    let open = move || {
        polls
            .desk
            .with(|d| {
                d.as_ref().map(|d| {
                    d.polls
                        .iter()
                        .filter(|p| p.is_open())
                        .cloned()
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    };
    view! {
        <span class="slot">
            {move || open().into_iter().map(|poll| {
                let statement = statements.with(|s| {
                    s.iter().find(|(id, _)| *id == poll.agreement_id).map(|(_, t)| t.clone())
                });
                view! {
                    <article class="projector-poll" data-projected-poll=poll.id.to_string()>
                        <p class="eyebrow">{kind_title(&poll)}</p>
                        <h2>{statement.unwrap_or_default()}</h2>
                        <TallyView poll=poll.clone() big=true />
                    </article>
                }
            }).collect_view()}
        </span>
    }
    .into_any()
}
