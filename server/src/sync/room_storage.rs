//! What a room task asks of storage: loading the board (reading only: its first content was
//! written when its session was scheduled) and compacting its log into a snapshot (on one
//! server per board: its steward).

use std::sync::Arc;

use super::error::LoadError;
use super::room::Room;
use super::shared::Shared;

/// A room as loaded from storage.
pub(super) struct Loaded {
    pub room: Room,
    /// Its log's length above the snapshot.
    pub log_len: usize,
    /// The bytes the board ever stored.
    pub stored_bytes: u64,
    /// The highest sequence the room holds (PostgreSQL; 0 on SQLite).
    pub head: i64,
}

pub(super) async fn load(hub: &Shared, session_id: i64) -> Result<Loaded, LoadError> {
    let frozen = hub
        .store
        .get_session(session_id)
        .await
        .map(|s| !s.status.board_is_open())?;
    let (mut room, log_len, stored_bytes, head) = if hub.committer.is_some() {
        let stored = hub.store.load_room(session_id).await?;
        let stored_bytes = hub.store.board_stored_bytes(session_id).await?;
        let room = Room::load(stored.updates.iter().map(Vec::as_slice))?;
        if room.skipped_on_load() > 0 {
            tracing::warn!(
                session_id,
                skipped = room.skipped_on_load(),
                "stored board updates that do not integrate were skipped"
            );
        }
        (room, stored.log_len, stored_bytes, stored.head)
    } else {
        (Room::new(), 0, 0, 0)
    };
    if frozen {
        // Nobody is in a room being loaded: there is no one to tell.
        room.freeze(&mut Vec::new());
    }
    if let Some(refused) = hub
        .refused
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&session_id)
    {
        room.refuse(refused);
    }
    Ok(Loaded {
        room,
        log_len,
        stored_bytes,
        head,
    })
}

/// A room's stored log, and its compaction into a snapshot once it has grown enough.
pub(super) struct RoomLog {
    shared: Arc<Shared>,
    session_id: i64,
    /// Rooms kept in memory only (benchmarks) have no log to compact.
    durable: bool,
    compact_after: usize,
    len: usize,
    compaction: Option<tokio::task::JoinHandle<()>>,
}

impl RoomLog {
    pub fn new(shared: &Arc<Shared>, session_id: i64, len: usize) -> Self {
        Self {
            shared: shared.clone(),
            session_id,
            durable: shared.committer.is_some(),
            compact_after: shared.limits.compact_after_updates,
            len,
            compaction: None,
        }
    }

    /// `updates` more rows are stored; compacts in the background past the threshold.
    pub fn appended(&mut self, updates: usize) {
        self.len += updates;
        if self.len < self.compact_after
            || self.compaction.as_ref().is_some_and(|h| !h.is_finished())
        {
            return;
        }
        let shared = self.shared.clone();
        let session_id = self.session_id;
        self.len = 0;
        self.compaction = Some(tokio::spawn(async move {
            // Once per board across servers: the board's steward compacts.
            if !shared.steward(session_id).await {
                return;
            }
            match shared.store.compact_room(session_id).await {
                Ok(done) => tracing::debug!(
                    session_id,
                    folded = done.folded,
                    bytes = done.snapshot_bytes,
                    "board compacted"
                ),
                Err(error) => tracing::warn!(session_id, %error, "board compaction failed"),
            }
        }));
    }

    /// Compacts what is left now (the room is about to unload).
    pub async fn compact_now(&mut self) {
        self.settle().await;
        if self.durable && self.len > 0 && self.shared.steward(self.session_id).await {
            match self.shared.store.compact_room(self.session_id).await {
                Ok(_) => self.len = 0,
                Err(error) => {
                    tracing::warn!(session_id = self.session_id, %error, "board compaction failed")
                }
            }
        }
    }

    /// Waits for a compaction under way (two must never overlap).
    pub async fn settle(&mut self) {
        if let Some(running) = self.compaction.take() {
            let _ = running.await;
        }
    }
}
