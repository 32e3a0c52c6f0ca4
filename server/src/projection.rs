//! Keeps the dashboards' relational rows in step with the live boards, off the rooms' hot path.
//!
//! A room marks its session dirty after each durable batch that changed the board's own roots (a
//! set insert and a wake-up: it never waits). This task wakes, lets edits settle for a short
//! debounce, reads each dirty board from its room, rewrites that session's projection in one
//! transaction unless it reads as when last projected, and announces the change to every open
//! dashboard (server-sent events).

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, broadcast};

use app::board::BoardView;

use crate::store::{Store, board_from_updates};
use crate::sync::SyncHub;

/// How long edits may keep arriving before a board is projected (typing produces many updates).
pub const DEBOUNCE: Duration = Duration::from_millis(120);

/// A session's projection changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub session_id: i64,
    pub mesa_code: String,
}

/// The rooms' side: mark a session dirty. Cheap to clone.
#[derive(Clone, Default)]
pub struct DirtyBoards {
    inner: Arc<DirtyInner>,
}

#[derive(Default)]
struct DirtyInner {
    sessions: Mutex<HashSet<i64>>,
    wake: Notify,
}

impl DirtyBoards {
    pub fn mark(&self, session_id: i64) {
        if let Ok(mut sessions) = self.inner.sessions.lock() {
            sessions.insert(session_id);
        }
        self.inner.wake.notify_one();
    }

    fn take(&self) -> Vec<i64> {
        self.inner
            .sessions
            .lock()
            .map(|mut s| s.drain().collect())
            .unwrap_or_default()
    }
}

/// The dashboards' side: subscribe to changes.
#[derive(Clone)]
pub struct Projections {
    changes: broadcast::Sender<Changed>,
}

impl Projections {
    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.changes.subscribe()
    }

    pub fn announce(&self, change: Changed) {
        let _ = self.changes.send(change);
    }
}

/// Starts the projector task (inside the Tokio runtime).
pub fn start(store: Store, hub: SyncHub, dirty: DirtyBoards) -> Projections {
    let (changes, _) = broadcast::channel(1024);
    let projections = Projections { changes };
    tokio::spawn(run(store, hub, dirty, projections.clone()));
    projections
}

async fn run(store: Store, hub: SyncHub, dirty: DirtyBoards, projections: Projections) {
    let mut projected = ProjectedBoards::default();
    loop {
        dirty.inner.wake.notified().await;
        tokio::time::sleep(DEBOUNCE).await;
        for session_id in dirty.take() {
            match project_if_changed(&store, &hub, &mut projected, session_id).await {
                Ok(Some(change)) => projections.announce(change),
                Ok(None) => {}
                Err(error) => {
                    projected.forget(session_id);
                    tracing::warn!(session_id, %error, "could not project board; will retry");
                    // A transient failure must not leave dashboards stale until the next edit.
                    let gone = error
                        .downcast_ref::<crate::store::StoreError>()
                        .is_some_and(|e| matches!(e, crate::store::StoreError::UnknownSession(_)));
                    if !gone {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        dirty.mark(session_id);
                    }
                }
            }
        }
    }
}

/// Projects one session's board as its room holds it now, unless the board reads exactly as when
/// it was last projected (most updates are typing in fields, presence-driven edits or content
/// outside the board's schema: rewriting identical rows would only cost transactions).
async fn project_if_changed(
    store: &Store,
    hub: &SyncHub,
    projected: &mut ProjectedBoards,
    session_id: i64,
) -> anyhow::Result<Option<Changed>> {
    let state = hub
        .board_state(session_id, false)
        .await
        .map_err(|e| anyhow::anyhow!(e.close_reason().reason.to_string()))?;
    let board = board_from_updates([state.as_slice()])?;
    if !projected.changed(session_id, &board) {
        return Ok(None);
    }
    let session = store.get_session(session_id).await?;
    store.project_board(&session, &board).await?;
    Ok(Some(Changed {
        session_id,
        mesa_code: session.mesa_code,
    }))
}

/// A fingerprint of the board each session was last projected from.
#[derive(Default)]
struct ProjectedBoards {
    fingerprints: HashMap<i64, u64>,
}

impl ProjectedBoards {
    /// Whether `board` differs from what `session_id` was last projected from; records it as the
    /// newest (the caller forgets it again if writing the projection fails).
    fn changed(&mut self, session_id: i64, board: &BoardView) -> bool {
        let mut hasher = std::hash::DefaultHasher::new();
        match serde_json::to_vec(board) {
            Ok(bytes) => bytes.hash(&mut hasher),
            // Unreachable for a plain data type; projecting again is always safe.
            Err(_) => return true,
        }
        let fingerprint = hasher.finish();
        self.fingerprints.insert(session_id, fingerprint) != Some(fingerprint)
    }

    fn forget(&mut self, session_id: i64) {
        self.fingerprints.remove(&session_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_board_is_not_projected_again() {
        let mut projected = ProjectedBoards::default();
        let mut board = BoardView::default();
        assert!(projected.changed(1, &board), "first sight");
        assert!(!projected.changed(1, &board), "same board");
        assert!(projected.changed(2, &board), "per session");
        board.current_item = Some("punto-2".into());
        assert!(projected.changed(1, &board), "anything read from the board");
        assert!(!projected.changed(1, &board));
        projected.forget(1);
        assert!(
            projected.changed(1, &board),
            "forgotten after a failed write"
        );
    }
}
