//! What a room task asks of storage: loading the board (and, for a new board, writing the
//! follow-up seed before anyone joins) and compacting its log into a snapshot.

use super::error::LoadError;
use super::room::Room;
use super::room_task::RoomTask;
use super::shared::Shared;

impl RoomTask {
    pub(super) async fn load(hub: &Shared, session_id: i64) -> Result<(Room, usize), LoadError> {
        let frozen = hub
            .store
            .get_session(session_id)
            .await
            .map(|s| s.status == app::domain::SessionStatus::Cerrada)?;
        let (mut room, log_len) = if hub.committer.is_some() {
            let mut stored = hub.store.load_room(session_id).await?;
            if stored.updates.is_empty() && !frozen {
                // A new board starts with the follow-up of the Mesa's open commitments. This
                // task owns the room, so the seed is written exactly once, before anyone joins.
                let carried = hub.store.open_commitments_before(session_id).await?;
                let seed = super::followup::seed_update(&carried, chrono::Utc::now());
                hub.store
                    .append_room_updates(&[(session_id, &seed)])
                    .await?;
                stored.updates.push(seed);
                stored.log_len = 1;
            }
            let room = Room::load(stored.updates.iter().map(Vec::as_slice))?;
            (room, stored.log_len)
        } else {
            (Room::new(), 0)
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
        Ok((room, log_len))
    }

    pub(super) fn maybe_compact(&mut self) {
        if self.log_len < self.hub.limits.compact_after_updates
            || self.compaction.as_ref().is_some_and(|h| !h.is_finished())
        {
            return;
        }
        let store = self.hub.store.clone();
        let session_id = self.session_id;
        self.log_len = 0;
        self.compaction = Some(tokio::spawn(async move {
            match store.compact_room(session_id).await {
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

    pub(super) async fn compact_now(&mut self) {
        if let Some(running) = self.compaction.take() {
            let _ = running.await;
        }
        if self.hub.committer.is_some() && self.log_len > 0 {
            match self.hub.store.compact_room(self.session_id).await {
                Ok(_) => self.log_len = 0,
                Err(error) => {
                    tracing::warn!(session_id = self.session_id, %error, "board compaction failed")
                }
            }
        }
    }
}
