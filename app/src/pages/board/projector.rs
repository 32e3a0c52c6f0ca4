//! The projector: what the room sees on the wall.

use leptos::prelude::*;

use super::agenda::minutes_seconds;
use super::header::{ConnectionState, Counts};
use super::votes::ProjectedPolls;
use crate::api::codec::page_data;
use crate::domain::SessionStatus;
use crate::domain::board::BoardAccess;
use crate::live::BoardCtx;

/// The projector: read-only, large type, follows the facilitator's current item, live counts and
/// the newest records.
#[component]
pub fn ProjectorBoard(access: BoardAccess) -> impl IntoView {
    let ctx = BoardCtx::new(&access, access.board.timer_started_at.unwrap_or(0.0));
    // The room joins from their phones by this code: a participant link for this session only.
    let join = (access.invite_guests && access.detail.session.status.board_is_open()).then(|| {
        let session = access.detail.session.id;
        page_data(
            || (),
            move |_| crate::api::accounts::fetch_projector_join(session),
        )
    });
    #[cfg(feature = "hydrate")]
    {
        let sync_path = access.sync_path.clone();
        let session_id = ctx.session_id;
        request_animation_frame(move || {
            ctx.now_ms.set(js_sys::Date::now());
            crate::live::start(ctx, &sync_path, session_id, Box::new(|| {}));
        });
    }
    // "Sesión cerrada — acta N" once the meeting ends: the board's freeze tells this page, which
    // then asks for the acta's number (written right after the freeze).
    let ended = RwSignal::new(ended_banner(&access));
    #[cfg(feature = "hydrate")]
    {
        let session_id = ctx.session_id;
        Effect::new(move |_| {
            if ctx.read_only_reason.with(Option::is_some) && ended.get_untracked().is_none() {
                watch_for_end(session_id, ended, 30);
            }
        });
    }
    let open = access.detail.session.status.board_is_open();
    super::events::SessionEvents::provide(ctx.session_id, open);
    super::votes::PollsCtx::provide(ctx.session_id, open);
    let view = ctx.view;
    let statements = Signal::derive(move || {
        view.with(|v| {
            v.agreements
                .iter()
                .map(|a| (a.id.clone(), a.statement.clone()))
                .collect::<Vec<_>>()
        })
    });
    let current = move || {
        view.with(|v| {
            v.current_item
                .as_deref()
                .and_then(|id| v.agenda_item(id))
                .cloned()
        })
    };
    let timer = move || {
        if ended.with(Option::is_some) {
            return None;
        }
        let started = view.with(|v| v.timer_started_at)?;
        let item = current()?;
        let elapsed = ctx.now_ms.get() - started;
        let over = item.minutes > 0 && elapsed > item.minutes as f64 * 60_000.0;
        Some((
            format!("{} / {:02}:00", minutes_seconds(elapsed), item.minutes),
            over,
        ))
    };
    let title = format!(
        "{} · Sesión {}",
        access.detail.mesa.name, access.detail.session.seq
    );
    view! {
        <section class="projector" data-projector data-status=move || ctx.status.get().code()>
            <header class="projector-head">
                <h1>{title}</h1>
                <ConnectionState ctx />
            </header>
            <div class="projector-main">
                <article class="projector-current" aria-live="polite" data-current-item>
                    <ProjectedPolls statements />
                    {move || ended.get().map(|banner| view! {
                        <p class="eyebrow">"Fin de la reunión"</p>
                        <h2 class="projector-ended" data-ended>{banner}</h2>
                    })}
                    {move || ended.with(Option::is_none).then(|| match current() {
                        Some(item) => view! {
                            <p class="eyebrow">"Punto actual"</p>
                            <h2 data-current-title>{item.title.clone()}</h2>
                            {move || timer().map(|(t, over)| view! {
                                <p class=if over { "timer timer--over" } else { "timer" } data-timer>{t}</p>
                            })}
                            <p class="projector-notes">{item.notes.clone()}</p>
                        }.into_any(),
                        None => view! {
                            <p class="eyebrow">"Orden del día"</p>
                            <ol class="projector-agenda">
                                {view.with(|v| v.agenda.iter().map(|i| view! { <li>{i.title.clone()}</li> }).collect_view())}
                            </ol>
                        }.into_any(),
                    })}
                </article>
                <aside class="projector-side">
                    <Counts view big=true />
                    {join.map(|join| view! {
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                join.await.ok().map(|(svg, link)| view! {
                                    <figure class="join-qr" data-join-qr=link hidden=move || ended.with(Option::is_some)>
                                        // The SVG is drawn by the server from its own link (the
                                        // `qrcode` crate): no user text reaches it.
                                        <div class="join-qr__code" inner_html=svg></div>
                                        <figcaption>"Únase desde su celular"</figcaption>
                                    </figure>
                                })
                            })}
                        </Suspense>
                    })}
                    <h2 class="eyebrow">"Lo más reciente"</h2>
                    <ul class="newest" data-newest>
                        {move || view.with(|v| v.newest(5)).into_iter().map(|r| view! {
                            <li><strong>{r.kind}</strong> " " {if r.text.is_empty() { "(sin descripción)".to_owned() } else { r.text }}</li>
                        }).collect_view()}
                    </ul>
                </aside>
            </div>
        </section>
    }
    .into_any()
}

/// What the projector says once the session is over, if it is.
fn ended_banner(access: &BoardAccess) -> Option<String> {
    match (access.detail.session.status, access.acta_number) {
        (SessionStatus::Cerrada, Some(number)) => Some(format!("Sesión cerrada — acta {number}")),
        (SessionStatus::Cerrada, None) => Some("Sesión cerrada".to_owned()),
        (SessionStatus::Cancelada, _) => Some("Sesión cancelada".to_owned()),
        _ => None,
    }
}

/// Asks the server, once a second for a while, until the ended session's acta is recorded.
#[cfg(feature = "hydrate")]
fn watch_for_end(session_id: i64, ended: RwSignal<Option<String>>, tries: u32) {
    leptos::task::spawn_local(async move {
        if let Ok(access) = crate::api::fetch_board_access(session_id).await
            && let Some(banner) = ended_banner(&access).filter(|_| {
                access.acta_number.is_some()
                    || access.detail.session.status == SessionStatus::Cancelada
            })
        {
            ended.set(Some(banner));
            return;
        }
        if tries > 0 {
            set_timeout(
                move || watch_for_end(session_id, ended, tries - 1),
                std::time::Duration::from_secs(1),
            );
        }
    });
}
