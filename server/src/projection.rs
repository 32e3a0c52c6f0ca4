//! Keeps the dashboards' relational rows in step with the live boards, off the rooms' hot path.
//!
//! The hub tells its listeners which boards changed, once each change is durable; this module's
//! listener only inserts the session into its own dirty set and wakes the task (rooms never
//! wait, and the set stays as small as the number of boards). The task lets edits settle for a short
//! debounce, reads each dirty board from its room, rewrites that session's projection in one
//! transaction unless it reads as when last projected, and announces the change to every open
//! dashboard (server-sent events) after moving the dashboards' data version on. Beside other
//! servers, only the board's steward projects it, and its announcements reach their dashboards.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::{Notify, broadcast};

use app::domain::board::BoardView;

use crate::store::{Store, StoreError};
use crate::sync::{HubError, SyncHub};

/// How long edits may keep arriving before a board is projected (typing produces many updates).
pub const DEBOUNCE: Duration = Duration::from_millis(120);

/// How often a server asks again whether it should project a board another server projects.
const STEWARD_RETRY: Duration = Duration::from_secs(1);

/// How long a board whose projection failed waits before it is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// A session's projection changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub session_id: i64,
    pub mesa_code: String,
}

/// The Mesa code of a change that concerns every scope (the territory's indicators).
pub const EVERY_MESA: &str = "*";

impl Changed {
    /// Something every dashboard and situation room shows changed (indicators were imported).
    pub fn everywhere() -> Self {
        Self {
            session_id: 0,
            mesa_code: EVERY_MESA.into(),
        }
    }

    /// Whether a stream over `mesas` hears of it.
    pub fn concerns(&self, mesas: &std::collections::HashSet<String>) -> bool {
        self.mesa_code == EVERY_MESA || mesas.contains(&self.mesa_code)
    }
}

/// Who else must hear of a change made here (the other servers, through the cluster): `None`
/// for [`Projections::invalidate`].
pub type Relay = Box<dyn Fn(Option<&Changed>) + Send + Sync>;

/// The dashboards' side: subscribe to changes, and the version of the data they read.
#[derive(Clone)]
pub struct Projections {
    changes: broadcast::Sender<Changed>,
    version: Arc<AtomicU64>,
    relay: Arc<OnceLock<Relay>>,
}

impl Projections {
    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.changes.subscribe()
    }

    /// Passes every change made here on to `relay` too (once; the cluster sets it).
    pub fn relay_to(&self, relay: Relay) {
        let _ = self.relay.set(relay);
    }

    /// Moves the data version on, then tells the open dashboards (so what they fetch on hearing
    /// it is computed anew), here and on the other servers.
    pub fn announce(&self, change: Changed) {
        if let Some(relay) = self.relay.get() {
            relay(Some(&change));
        }
        self.announce_here(change);
    }

    /// [`Self::announce`] for the dashboards open on this server only (a change another server
    /// made).
    pub fn announce_here(&self, change: Changed) {
        self.invalidate_here();
        let _ = self.changes.send(change);
    }

    /// Something dashboards read changed without a board changing (an escalation was decided).
    pub fn invalidate(&self) {
        if let Some(relay) = self.relay.get() {
            relay(None);
        }
        self.invalidate_here();
    }

    pub fn invalidate_here(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// Changes every time anything dashboards show may have changed.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }
}

/// Why a board could not be projected.
#[derive(Debug, thiserror::Error)]
enum ProjectionError {
    #[error(transparent)]
    Board(#[from] HubError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ProjectionError {
    /// The session no longer exists: nothing to retry.
    fn gone(&self) -> bool {
        matches!(self, ProjectionError::Store(StoreError::UnknownSession(_)))
    }
}

/// Starts the projector task (inside the Tokio runtime).
pub fn start(store: Store, hub: SyncHub) -> Projections {
    let (changes, _) = broadcast::channel(1024);
    let projections = Projections {
        changes,
        version: Arc::default(),
        relay: Arc::default(),
    };
    let dirty = Arc::new(DirtyBoards::default());
    let marks = dirty.clone();
    hub.on_board_change(move |session_id| marks.mark(session_id));
    tokio::spawn(run(store, hub, dirty, projections.clone()));
    projections
}

/// Sessions whose boards changed since the projector last looked.
#[derive(Default)]
struct DirtyBoards {
    sessions: Mutex<HashSet<i64>>,
    wake: Notify,
}

impl DirtyBoards {
    fn mark(&self, session_id: i64) {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(session_id);
        self.wake.notify_one();
    }

    fn take(&self) -> HashSet<i64> {
        std::mem::take(&mut *self.sessions.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

async fn run(store: Store, hub: SyncHub, dirty: Arc<DirtyBoards>, projections: Projections) {
    let mut projected = ProjectedBoards::default();
    // Boards loaded here that another server projects: asked again now and then, so that one
    // of the servers holding a board takes over when its steward stops (dies, or unloads it).
    let mut deferred = HashSet::new();
    let mut ask_again = tokio::time::interval(STEWARD_RETRY);
    ask_again.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = dirty.wake.notified() => tokio::time::sleep(DEBOUNCE).await,
            _ = ask_again.tick(), if !deferred.is_empty() => {
                for session_id in std::mem::take(&mut deferred) {
                    if hub.is_loaded(session_id) {
                        dirty.mark(session_id);
                    }
                }
            }
        }
        let mut retry = Vec::new();
        for session_id in dirty.take() {
            if !hub.steward(session_id).await {
                // Its steward projects it; what this server read of it is forgotten, so a
                // takeover projects at once.
                projected.forget(session_id);
                deferred.insert(session_id);
                continue;
            }
            match project_if_changed(&store, &hub, &mut projected, session_id).await {
                Ok(Some(change)) => projections.announce(change),
                Ok(None) => {}
                Err(error) => {
                    projected.forget(session_id);
                    tracing::warn!(session_id, %error, "could not project board; will retry");
                    // A transient failure must not leave dashboards stale until the next edit.
                    if !error.gone() {
                        retry.push(session_id);
                    }
                }
            }
        }
        if !retry.is_empty() {
            tokio::time::sleep(RETRY_AFTER).await;
            for session_id in retry {
                dirty.mark(session_id);
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
) -> Result<Option<Changed>, ProjectionError> {
    let board = hub.board_view(session_id, false).await?.with_content();
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
