//! The state the registry and every room task share: the loaded rooms, storage, the committer,
//! the limits, who listens for board changes, and what once broke a room.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::mpsc;
use yrs::IdSet;

use super::cluster_link::{ClusterLink, RemoteSignal};
use super::command::Command;
use super::committer::CommitRequest;
use super::limits::SyncLimits;
use crate::store::Store;

pub(super) struct RoomEntry {
    pub generation: u64,
    pub commands: mpsc::Sender<Command>,
    /// What other servers stored on this board since the room last looked.
    pub remote: Arc<RemoteSignal>,
}

/// Hears the id of each session whose board changed.
pub type BoardListener = Box<dyn Fn(i64) + Send + Sync>;

/// What the hub and its room tasks share.
pub(super) struct Shared {
    pub rooms: Mutex<HashMap<i64, RoomEntry>>,
    pub store: Store,
    /// `None` only in the in-memory mode kept for benchmark comparisons.
    pub committer: Option<mpsc::Sender<CommitRequest>>,
    pub limits: SyncLimits,
    pub next_id: AtomicU64,
    /// Who hears that a board's own roots changed (after the change is durable).
    pub listeners: Mutex<Vec<BoardListener>>,
    /// Per session, structs that once failed to integrate: a reloaded room refuses them at once,
    /// so a client that keeps sending them is closed alone instead of resetting the room again.
    pub refused: Mutex<HashMap<i64, IdSet>>,
    pub metrics: super::metrics::SyncMetrics,
    /// Boards that refused an update for their size since this server started: their Mesa's
    /// coordination is told, whatever the share of the cap they hold.
    pub full_boards: Mutex<std::collections::HashSet<i64>>,
    /// This server process, as the rows it stores name it (random per start).
    pub origin: i64,
    /// The other servers on this database, once the cluster attached itself (never on SQLite).
    pub link: OnceLock<Arc<dyn ClusterLink>>,
}

impl Shared {
    /// Whether this server does the board's shared work: always, unless a cluster says another
    /// server holds it.
    pub async fn steward(&self, session_id: i64) -> bool {
        match self.link.get() {
            Some(link) => link.steward(session_id).await,
            None => true,
        }
    }

    /// A durable batch changed the board of `session_id`: tell every listener (each must return
    /// at once: this runs on the room's task).
    pub fn board_changed(&self, session_id: i64) {
        let listeners = self
            .listeners
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for listener in listeners.iter() {
            listener(session_id);
        }
    }
}
