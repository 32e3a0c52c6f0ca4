//! Keeps the dashboards' relational rows in step with the live boards, off the rooms' hot path.
//!
//! A room marks its session dirty after each durable batch (a set insert and a wake-up: it never
//! waits). This task wakes, lets edits settle for a short debounce, reads each dirty board from its
//! room, rewrites that session's projection in one transaction, and announces the change to every
//! open dashboard (server-sent events).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, broadcast};

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
    loop {
        dirty.inner.wake.notified().await;
        tokio::time::sleep(DEBOUNCE).await;
        for session_id in dirty.take() {
            match project(&store, &hub, session_id).await {
                Ok(change) => projections.announce(change),
                Err(error) => {
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

/// Projects one session's board as its room holds it now.
pub async fn project(store: &Store, hub: &SyncHub, session_id: i64) -> anyhow::Result<Changed> {
    let session = store.get_session(session_id).await?;
    let state = hub
        .board_state(session_id, false)
        .await
        .map_err(|e| anyhow::anyhow!(e.close_reason().reason.to_string()))?;
    let board = board_from_updates([state.as_slice()])?;
    store.project_board(&session, &board).await?;
    Ok(Changed {
        session_id,
        mesa_code: session.mesa_code,
    })
}
