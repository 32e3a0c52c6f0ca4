//! `/sesiones/{id}/votaciones/eventos`: `event: cambio` whenever a poll of the session opens,
//! gets a ballot or closes, so the board and the projector show tallies as they move (they
//! read the polls again through their server function; the stream carries no ballots).

use std::convert::Infallible;

use app::domain::policy::Act;
use app::ssr::RequestContext;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use super::backend::{place_of, require};
use super::error::ApiError;

pub async fn events(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(session_id): Path<i64>,
) -> Result<Response, ApiError> {
    let session = state.store.get_session(session_id).await?;
    let place = place_of(&state.store, &session.mesa_code).await?;
    require(&cx, Act::ReadBoard, &place.session(session_id))?;
    let slot = state.stream_budget.take(&cx.client)?;
    let changes = state.poll_changes.subscribe();
    // The slot lives as long as the stream: a closed tab gives its place back.
    let stream =
        futures_util::stream::unfold((changes, slot), move |(mut changes, slot)| async move {
            loop {
                let changed = match changes.recv().await {
                    Ok(id) => id == session_id,
                    // Fell behind: say "something changed" rather than miss it.
                    Err(RecvError::Lagged(_)) => true,
                    Err(RecvError::Closed) => return None,
                };
                if changed {
                    let event = Event::default()
                        .event("cambio")
                        .data(session_id.to_string());
                    return Some((Ok::<_, Infallible>(event), (changes, slot)));
                }
            }
        });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
