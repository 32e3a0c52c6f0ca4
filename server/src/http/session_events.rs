//! `/sesiones/{id}/eventos`: `event: votaciones` whenever a poll of the session opens, gets a
//! ballot or closes, `event: evidencias` whenever a file is attached or removed, so boards and
//! projectors show them as they happen (they read them again through their server functions;
//! the stream carries no ballots and no files).

use std::convert::Infallible;

use app::domain::policy::Act;
use app::ssr::RequestContext;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use super::backend::{Topic, place_of, require};
use super::error::ApiError;

pub async fn events(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(session_id): Path<i64>,
) -> Result<Response, ApiError> {
    let session = state.store.get_session(session_id).await?;
    let place = place_of(&state.store, &session.mesa_code).await?;
    require(&cx, Act::ReadBoard, &place.session(session_id))?;
    // Counted with the board sockets (one stream per open board): a Mesa behind one address
    // opens as many as it has devices, far past the dashboards' budget.
    let slot = state.socket_budget.take(&cx.client)?;
    let changes = state.session_changes.subscribe();
    // Events still to send after falling behind (every topic, as something was missed).
    let pending: Vec<Topic> = Vec::new();
    // The slot lives as long as the stream: a closed tab gives its place back.
    let stream = futures_util::stream::unfold(
        (changes, pending, slot),
        move |(mut changes, mut pending, slot)| async move {
            loop {
                if let Some(topic) = pending.pop() {
                    let event = Event::default()
                        .event(topic.event())
                        .data(session_id.to_string());
                    return Some((Ok::<_, Infallible>(event), (changes, pending, slot)));
                }
                match changes.recv().await {
                    Ok((id, topic)) if id == session_id => pending.push(topic),
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => pending.extend(Topic::ALL),
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
