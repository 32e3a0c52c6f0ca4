//! The live boards' transport, `GET /sync/{session_id}` (cookie, or `?token=` for foreign Yjs
//! clients): the policy decides at the upgrade (no socket for a bad, expired, revoked or foreign
//! credential), then one reader loop and one writer task per socket.

use std::time::{Duration, Instant};

use axum::extract::ws::{
    CloseFrame, Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection,
};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::mpsc;

use app::domain::board::BoardRole;
use app::domain::policy::{self, Act};
use app::error::AppError;

use super::sockets::Sockets;
use super::{ApiError, AppState};
use crate::identity::Established;
use crate::sync::limits::RateLimiter;
use crate::sync::peer::{Credential, PeerLink};
use crate::sync::{CloseReason, RoomGone, SyncHub, close};

const READ_BUFFER: usize = 4 * 1024;

/// A write the peer does not take within this long: it stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a socket we closed may take to answer our close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Frames written to a socket before one flush.
const WRITE_BATCH: usize = 64;

pub async fn sync_socket(
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    Path(session): Path<String>,
    axum::Extension(established): axum::Extension<Established>,
    axum::Extension(cx): axum::Extension<app::ssr::RequestContext>,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let unknown = || ApiError::not_found("sesión desconocida");
    let session_id = session.parse::<i64>().map_err(|_| unknown())?;
    let session = state.store.get_session(session_id).await?;
    if let Some(refused) = established.refused_token.clone()
        && established.actor.is_anonymous()
    {
        return Err(refused.into());
    }
    let place = crate::http::backend::place_of(&state.store, &session.mesa_code).await?;
    let target = place.session(session_id);
    let actor = &established.actor;
    policy::decide(actor, Act::ReadBoard, &target).map_err(AppError::from)?;
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    // Held by the socket until it ends: so many per client address, so many in all.
    let slot = state.socket_budget.take(&cx.client)?;
    let writable = policy::writes_board(actor, &target, session.status);
    // A signed-in person who writes is checked in by the room as they join (remote).
    let check_in = match (&actor.person, writable) {
        (Some(person), true) => {
            let roster = state
                .store
                .members_of(&session.mesa_code)
                .await?
                .into_iter()
                .map(|m| app::domain::Member { contact: None, ..m })
                .collect();
            Some(std::sync::Arc::new(crate::sync::peer::CheckIn {
                name: person.name.clone(),
                institution: person.institution.clone(),
                sector: person.sector.clone(),
                roster,
                at_ms: chrono::Utc::now().timestamp_millis(),
            }))
        }
        _ => None,
    };
    let role = policy::board_role(actor, &target).unwrap_or(BoardRole::Observador);
    // Presence on this socket says what the credential says (role, and the name it carries).
    let credential = Credential {
        writable,
        role: role.code(),
        name: actor.display_name().map(std::sync::Arc::from),
        author: actor
            .sender()
            .map(|sender| std::sync::Arc::from(sender.to_json())),
        check_in,
    };
    let keys = established.socket_keys();
    let sockets = state.sockets.clone();
    let hub = state.sync.clone();
    let max_frame = hub.limits().max_frame_bytes;
    tracing::debug!(session_id, role = role.code(), writable, "sync socket");
    let upgraded = upgrade
        // A little above our own limit, so an oversized frame reaches our check and gets a clear
        // 1009 close instead of a protocol error.
        .max_message_size(max_frame + 1024)
        .max_frame_size(max_frame + 1024)
        // tungstenite reserves its read buffer up front (128 KiB by default): with 10 000 sockets
        // that alone is over a gigabyte. Board frames are small; larger ones still assemble.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(16 * 1024)
        .on_upgrade(move |socket| async move {
            serve_socket(socket, hub, session_id, credential, sockets, keys).await;
            drop(slot);
        });
    Ok(upgraded)
}

async fn serve_socket(
    socket: WebSocket,
    hub: SyncHub,
    session_id: i64,
    credential: Credential,
    sockets: Sockets,
    keys: Vec<std::sync::Arc<str>>,
) {
    let limits = hub.limits().clone();
    let (outbound, mut outbound_rx) = mpsc::channel::<Bytes>(limits.outbound_queue);
    let (control, mut control_rx) = mpsc::unbounded_channel::<CloseReason>();
    // Ending the credential (revocation, sign-out, deactivation) closes this socket; dropped
    // when the socket ends.
    let _registration = sockets.register(keys, control.clone());
    let (mut sink, mut stream) = socket.split();
    let room = match hub
        .join(
            session_id,
            credential,
            PeerLink {
                outbound,
                control: control.clone(),
            },
        )
        .await
    {
        Ok(room) => room,
        Err(error) => {
            let _ = sink.send(close_message(error.close_reason())).await;
            return;
        }
    };
    // A zero period would make the interval panic.
    let ping_every = (limits.idle_timeout * 2 / 5).max(Duration::from_millis(10));
    let writer = tokio::spawn(async move {
        let mut ping =
            tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
        loop {
            tokio::select! {
                biased;
                Some(reason) = control_rx.recv() => {
                    let _ = tokio::time::timeout(WRITE_TIMEOUT, sink.send(close_message(reason))).await;
                    break;
                }
                // Browsers answer pings by themselves: a half-open connection shows up as silence.
                _ = ping.tick() => {
                    if !matches!(tokio::time::timeout(WRITE_TIMEOUT, sink.send(Message::Ping(Bytes::new()))).await, Ok(Ok(()))) {
                        break;
                    }
                }
                frame = outbound_rx.recv() => {
                    let Some(frame) = frame else { break };
                    // Frames come in bursts (a room's batch): write what is queued, then flush
                    // once, so a burst costs one syscall instead of one per frame.
                    if sink.feed(Message::Binary(frame)).await.is_err() {
                        break;
                    }
                    let mut queued = 1;
                    while queued < WRITE_BATCH {
                        let Ok(frame) = outbound_rx.try_recv() else { break };
                        if sink.feed(Message::Binary(frame)).await.is_err() {
                            break;
                        }
                        queued += 1;
                    }
                    // A peer that stopped reading cannot hold this task (and its socket) forever.
                    if !matches!(within(WRITE_TIMEOUT, sink.flush()).await, Some(Ok(()))) {
                        break;
                    }
                }
            }
        }
        let _ = sink.close().await;
    });
    let mut limiter = RateLimiter::new(limits.max_messages_per_second, Instant::now());
    // One idle deadline per socket, moved only when it fires (re-arming a timer on every message
    // costs more than the message with thousands of sockets).
    let mut heard_at = Instant::now();
    let idle_timeout = limits.idle_timeout;
    let idle = tokio::time::sleep(idle_timeout);
    tokio::pin!(idle);
    loop {
        let message = tokio::select! {
            message = stream.next() => match message {
                Some(message) => message,
                None => break,
            },
            () = &mut idle => {
                let quiet_until = heard_at + idle_timeout;
                if Instant::now() < quiet_until {
                    idle.as_mut().reset(quiet_until.into());
                    continue;
                }
                let _ = control.send(close::IDLE);
                break;
            }
        };
        heard_at = Instant::now();
        let reason = match message {
            Ok(Message::Binary(frame)) if frame.len() > limits.max_frame_bytes => {
                hub.metrics().refused("too_big");
                close::TOO_BIG
            }
            Ok(Message::Binary(_)) if !limiter.allow(heard_at) => {
                hub.metrics().refused("rate_limited");
                close::RATE_LIMITED
            }
            Ok(Message::Binary(frame)) => match room.frame(frame).await {
                Ok(()) => continue,
                Err(RoomGone) => close::STORAGE_FAILED,
            },
            Ok(Message::Text(_)) => {
                hub.metrics().refused("text");
                close::UNSUPPORTED_TEXT
            }
            Ok(Message::Close(_)) => break,
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Err(error) => {
                tracing::debug!(%error, "socket read failed");
                if is_too_big(error) {
                    hub.metrics().refused("too_big");
                    close::TOO_BIG
                } else {
                    break;
                }
            }
        };
        let _ = control.send(reason);
        // Read (and drop) what the client still sends until it answers our close: closing a
        // TCP socket with unread data makes the kernel reset it, and the client would see
        // 1006 instead of our code and reason.
        let _ = tokio::time::timeout(CLOSE_WAIT, async {
            while let Some(Ok(message)) = stream.next().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
        break;
    }
    room.leave().await;
    drop(control);
    let _ = writer.await;
}

/// Whether a read failed because the peer's message or frame was over our size limits.
fn is_too_big(error: axum::Error) -> bool {
    use tokio_tungstenite::tungstenite::Error as WsError;
    use tokio_tungstenite::tungstenite::error::CapacityError;
    matches!(
        error.into_inner().downcast::<WsError>().map(|e| *e),
        Ok(WsError::Capacity(CapacityError::MessageTooLong { .. }))
    )
}

/// `future` with a time limit, arming the timer only if it does not complete at once (a socket
/// write almost always does: the kernel takes it).
async fn within<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    if let Some(output) = future.as_mut().now_or_never() {
        return Some(output);
    }
    tokio::time::timeout(limit, future).await.ok()
}

fn close_message(reason: CloseReason) -> Message {
    Message::Close(Some(CloseFrame {
        code: reason.code,
        reason: reason.reason.as_ref().into(),
    }))
}
