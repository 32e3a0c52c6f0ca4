//! A room beside other servers: it fetches the rows they stored on its board after the last one
//! it applied (woken by the listener, or asked to catch up), applies them and forwards them to
//! its sockets behind its own in-flight batches; and it takes the presence they relay.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::task::JoinHandle;
use yrs::sync::awareness::AwarenessUpdate;
use yrs::updates::decoder::Decode;

use super::RoomTask;
use crate::store::{FETCH_LIMIT, SequencedRow, StoreError, StoredRange};
use crate::sync::cluster_link::RemoteSignal;
use crate::sync::in_flight::CommitterGone;
use crate::sync::protocol;
use crate::sync::room::Effect;

/// How long a room waits before fetching again after the database refused a fetch.
const RETRY_AFTER: Duration = Duration::from_millis(500);

type Fetch = JoinHandle<Result<Vec<SequencedRow>, StoreError>>;

pub(super) struct Remote {
    pub signal: Arc<RemoteSignal>,
    /// Every row of the board up to this sequence is in the room (stored by it or fetched).
    applied: i64,
    pub fetch: Option<Fetch>,
    /// Someone waits for the durable state: fetch (again) before answering.
    pub waiters_need_fetch: bool,
}

impl Remote {
    pub fn new(signal: Arc<RemoteSignal>, head: i64) -> Self {
        Self {
            signal,
            applied: head,
            fetch: None,
            waiters_need_fetch: false,
        }
    }

    pub fn fetching(&self) -> bool {
        self.fetch.is_some()
    }

    /// The room's own rows were stored as `range`: if nothing of others' lies before them,
    /// the room holds everything up to their end.
    pub fn stored_own(&mut self, range: StoredRange) {
        if range.first <= self.applied + 1 {
            self.applied = self.applied.max(range.last);
        }
    }
}

/// The running fetch's rows (only polled while one runs).
pub(super) async fn fetched(fetch: &mut Option<Fetch>) -> Result<Vec<SequencedRow>, StoreError> {
    match fetch.as_mut() {
        Some(running) => match running.await {
            Ok(rows) => rows,
            // The fetch task panicked or was cancelled: try again like a refused query.
            Err(_) => Ok(Vec::new()),
        },
        None => std::future::pending().await,
    }
}

impl RoomTask {
    /// Starts a fetch if one is asked for (a newer head heard, a catch-up, a waiter) and none
    /// runs. Rooms kept in memory only have nothing to fetch.
    pub(super) fn fetch_if_behind(&mut self) {
        let remote = &mut self.remote;
        if remote.fetch.is_some() || self.hub.committer.is_none() {
            return;
        }
        let asked = remote.signal.must_fetch(remote.applied) | remote.waiters_need_fetch;
        if !asked {
            return;
        }
        remote.waiters_need_fetch = false;
        let store = self.hub.store.clone();
        let (session_id, after, origin) = (self.session_id, remote.applied, self.hub.origin);
        remote.fetch = Some(tokio::spawn(async move {
            store.board_rows_after(session_id, after, origin).await
        }));
    }

    /// Applies what a fetch brought and forwards it; looks again if more may be there.
    pub(super) async fn apply_fetched(
        &mut self,
        fetched: Result<Vec<SequencedRow>, StoreError>,
    ) -> Result<(), CommitterGone> {
        self.remote.fetch = None;
        let rows = match fetched {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!(session_id = self.session_id, %error, "could not fetch what other servers stored; retrying");
                let signal = self.remote.signal.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(RETRY_AFTER).await;
                    signal.catch_up();
                });
                return Ok(());
            }
        };
        let full_page = rows.len() as i64 >= FETCH_LIMIT;
        let mut effects = Vec::new();
        let mut foreign = 0;
        for (seq, data) in rows {
            if seq != self.remote.applied + 1 {
                // Sequences are gap-free per board: a hole means rows were removed by hand.
                tracing::warn!(
                    session_id = self.session_id,
                    expected = self.remote.applied + 1,
                    seq,
                    "board sequence skips"
                );
            }
            self.remote.applied = self.remote.applied.max(seq);
            let Some(update) = data else { continue };
            foreign += 1;
            if let Err(error) = self.room.apply_stored(&update, &mut effects) {
                tracing::warn!(session_id = self.session_id, seq, %error, "stored update skipped");
            }
        }
        if foreign > 0 {
            self.hub.metrics.updates_relayed.inc_by(foreign);
            self.log.appended(foreign as usize);
        }
        if self.board_changed.swap(false, Ordering::Relaxed) {
            // Stored already: the dashboards may hear of it now.
            self.hub.board_changed(self.session_id);
        }
        self.perform(effects, Vec::new()).await?;
        if full_page {
            self.remote.signal.catch_up();
        }
        self.fetch_if_behind();
        self.answer_state_waiters();
        Ok(())
    }

    /// Presence another server relayed for this board.
    pub(super) fn relayed_presence(
        &mut self,
        origin: i64,
        presence: &Bytes,
        now: Instant,
        effects: &mut Vec<Effect>,
    ) {
        match protocol::guarded(|| AwarenessUpdate::decode_v1(presence)) {
            Some(update) => self
                .room
                .receive_relayed_presence(origin, &update, now, effects),
            None => tracing::warn!(
                session_id = self.session_id,
                origin,
                "relayed presence unreadable"
            ),
        }
    }
}
