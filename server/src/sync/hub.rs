//! The registry of live rooms. Each loaded room is one task ([`super::room_task`]) that owns its
//! [`Room`](super::room::Room); the hub starts it on first use, hands sockets to it, and answers
//! for the board's state. Updates are made durable by the group committer
//! ([`super::committer`]) before any socket sees them. Whoever needs to know that a board changed
//! (the dashboards' projection) subscribes; the hub never knows who listens.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use app::domain::board::BoardView;
use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::command::{Command, JoinReply, ServerEdit};
use super::committer;
use super::error::{HubError, RoomGone};
use super::limits::SyncLimits;
use super::peer::{ConnId, Credential, PeerLink};
use super::room_task::RoomTask;
use super::shared::{RoomEntry, Shared};
use crate::store::Store;

/// The registry of live rooms. Cheap to clone.
#[derive(Clone)]
pub struct SyncHub {
    inner: Arc<Shared>,
}

/// A joined socket's way to talk to its room.
pub struct RoomConnection {
    conn: ConnId,
    commands: mpsc::Sender<Command>,
}

impl RoomConnection {
    /// Hands a frame to the room; waits if the room is busy (backpressure on that reader only).
    pub async fn frame(&self, frame: Bytes) -> Result<(), RoomGone> {
        self.commands
            .send(Command::Frame {
                conn: self.conn,
                frame,
            })
            .await
            .map_err(|_| RoomGone)
    }

    pub async fn leave(self) {
        let _ = self.commands.send(Command::Leave { conn: self.conn }).await;
    }
}

impl SyncHub {
    /// `durable = false` keeps rooms in memory only: for measuring what durability costs, never
    /// for real sessions.
    pub fn new(store: Store, limits: SyncLimits, durable: bool) -> Self {
        let origin = new_origin();
        let sink = durable.then(|| store.room_log_writer(origin));
        Self::start(store, limits, sink, origin)
    }

    /// A hub whose rooms append through `sink` (a wrapper of the store's writer, in tests).
    pub fn with_sink(store: Store, limits: SyncLimits, sink: impl committer::LogSink) -> Self {
        Self::start(store, limits, Some(sink), new_origin())
    }

    fn start(
        store: Store,
        limits: SyncLimits,
        sink: Option<impl committer::LogSink>,
        origin: i64,
    ) -> Self {
        let metrics = super::metrics::SyncMetrics::default();
        let committer =
            sink.map(|sink| committer::start(sink, limits.commit_window, metrics.clone()));
        Self {
            inner: Arc::new(Shared {
                rooms: Mutex::new(HashMap::new()),
                store,
                committer,
                limits,
                next_id: AtomicU64::new(1),
                listeners: Mutex::new(Vec::new()),
                refused: Mutex::new(HashMap::new()),
                metrics,
                full_boards: Mutex::new(Default::default()),
                origin,
                link: Default::default(),
            }),
        }
    }

    /// This server process as its stored rows name it (`origin`).
    pub fn origin(&self) -> i64 {
        self.inner.origin
    }

    /// Joins the hub to the other servers on its database (once; a second link is ignored).
    pub fn attach(&self, link: Arc<dyn super::ClusterLink>) {
        let _ = self.inner.link.set(link);
    }

    /// Another server stored the board of `session_id` up to `seq`: its room here, if loaded,
    /// fetches what it lacks. Returns at once.
    pub fn heard(&self, session_id: i64, seq: i64) {
        if let Some(signal) = self.signal(session_id) {
            signal.heard(seq);
        }
    }

    /// Every loaded room looks for rows it lacks (notifications may have been lost).
    pub fn catch_up_all(&self) {
        let rooms = self.inner.rooms.lock().unwrap_or_else(|p| p.into_inner());
        for entry in rooms.values() {
            entry.remote.catch_up();
        }
    }

    /// Presence that server `origin`'s sockets announced on the board (an encoded awareness
    /// update), for the room here if loaded. Dropped if that room is busy: clients renew it.
    pub fn relayed_presence(&self, session_id: i64, origin: i64, presence: Bytes) {
        let commands = self
            .inner
            .rooms
            .lock()
            .ok()
            .and_then(|r| r.get(&session_id).map(|e| e.commands.clone()));
        if let Some(commands) = commands {
            let _ = commands.try_send(Command::RelayedPresence { origin, presence });
        }
    }

    /// Whether this server does the board's shared work now (see [`super::ClusterLink::steward`]).
    pub async fn steward(&self, session_id: i64) -> bool {
        self.inner.steward(session_id).await
    }

    /// Whether the board of `session_id` is loaded on this server.
    pub fn is_loaded(&self, session_id: i64) -> bool {
        self.signal(session_id).is_some()
    }

    fn signal(&self, session_id: i64) -> Option<Arc<super::cluster_link::RemoteSignal>> {
        let rooms = self.inner.rooms.lock().unwrap_or_else(|p| p.into_inner());
        rooms.get(&session_id).map(|e| e.remote.clone())
    }

    /// Calls `listener` with the session id of every board whose own roots changed (not
    /// presence or foreign content), once the change is durable, from the room's task: it must
    /// return at once (record the id, wake a task). A session may be heard many times in a row.
    pub fn on_board_change(&self, listener: impl Fn(i64) + Send + Sync + 'static) {
        self.inner
            .listeners
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Box::new(listener));
    }

    pub fn limits(&self) -> &SyncLimits {
        &self.inner.limits
    }

    pub fn metrics(&self) -> &super::metrics::SyncMetrics {
        &self.inner.metrics
    }

    /// Whether the board of `session_id` refused an update for its size (since this start).
    pub fn refused_for_size(&self, session_id: i64) -> bool {
        self.inner
            .full_boards
            .lock()
            .is_ok_and(|full| full.contains(&session_id))
    }

    pub fn loaded_rooms(&self) -> usize {
        self.inner.rooms.lock().map(|r| r.len()).unwrap_or(0)
    }

    /// Joins the room of `session_id`, loading it if needed.
    pub async fn join(
        &self,
        session_id: i64,
        credential: Credential,
        link: PeerLink,
    ) -> Result<RoomConnection, HubError> {
        let conn = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let mut link = Some(link);
        // A room may be evicting itself at the moment we reach it; then we start a fresh one.
        for _ in 0..3 {
            let commands = self.room(session_id);
            let (reply, answer) = oneshot::channel();
            let Some(this_link) = link.take() else { break };
            if let Err(mpsc::error::SendError(command)) = commands
                .send(Command::Join {
                    conn,
                    credential: credential.clone(),
                    link: this_link,
                    reply,
                })
                .await
            {
                if let Command::Join { link: returned, .. } = command {
                    link = Some(returned);
                }
                continue;
            }
            match answer.await {
                Ok(JoinReply::Joined) => return Ok(RoomConnection { conn, commands }),
                Ok(JoinReply::Refused(error)) => return Err(error),
                Ok(JoinReply::Evicted(returned)) => link = Some(returned),
                Err(_) => return Err(HubError::NotResponding),
            }
        }
        Err(HubError::NotResponding)
    }

    /// Makes the board read-only everywhere (its session was closed): no update is stored for it
    /// from now on, on any server, and its rooms turn read-only. Rooms loaded later read the
    /// status.
    pub async fn freeze(&self, session_id: i64) -> Result<(), HubError> {
        self.inner
            .store
            .close_board(session_id)
            .await
            .map_err(|error| HubError::NotClosed(Arc::new(error)))?;
        self.freeze_here(session_id).await;
        if let Some(link) = self.inner.link.get() {
            link.board_frozen(session_id);
        }
        Ok(())
    }

    /// Makes the room loaded here read-only (the board was closed, here or elsewhere).
    pub async fn freeze_here(&self, session_id: i64) {
        let commands = self
            .inner
            .rooms
            .lock()
            .ok()
            .and_then(|r| r.get(&session_id).map(|e| e.commands.clone()));
        if let Some(commands) = commands {
            let _ = commands.send(Command::Freeze).await;
        }
    }

    /// Brings the board's follow-up item up to date with `carried` (what its Mesa left open),
    /// loading the room if needed; returns once the room has taken it.
    pub async fn refresh_follow_up(
        &self,
        session_id: i64,
        carried: crate::store::CarriedOver,
    ) -> Result<(), HubError> {
        let now = chrono::Utc::now();
        self.edit(
            session_id,
            std::sync::Arc::new(move |doc| super::followup::refresh(doc, &carried, now)),
        )
        .await
    }

    /// Applies the server's own edit to the board (loading the room if needed); returns once the
    /// room has taken it. A frozen (closed) board is left as it is.
    pub async fn edit(&self, session_id: i64, edit: ServerEdit) -> Result<(), HubError> {
        for _ in 0..3 {
            let (done, answer) = oneshot::channel();
            let command = Command::Edit {
                edit: edit.clone(),
                done,
            };
            if self.room(session_id).send(command).await.is_err() {
                continue;
            }
            if answer.await.is_ok() {
                return Ok(());
            }
        }
        Err(HubError::NotResponding)
    }

    /// The board's current state as one update (loading the room if needed). `durable`: only
    /// once everything the room applied so far is stored.
    pub async fn board_state(&self, session_id: i64, durable: bool) -> Result<Vec<u8>, HubError> {
        for _ in 0..3 {
            let (reply, answer) = oneshot::channel();
            if self
                .room(session_id)
                .send(Command::State { durable, reply })
                .await
                .is_err()
            {
                continue;
            }
            // A dropped reply means the room was evicting itself or failed to load: try again.
            if let Ok(state) = answer.await {
                return Ok(state);
            }
        }
        Err(HubError::NotResponding)
    }

    /// The board read into typed records, as its room holds it now: what pages, the acta and the
    /// dashboards' projection read.
    pub async fn board_view(&self, session_id: i64, durable: bool) -> Result<BoardView, HubError> {
        let state = self.board_state(session_id, durable).await?;
        BoardView::from_updates([state.as_slice()])
            .map_err(|error| HubError::Unreadable(Arc::new(error)))
    }

    fn room(&self, session_id: i64) -> mpsc::Sender<Command> {
        let mut rooms = self
            .inner
            .rooms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = rooms.get(&session_id)
            && !entry.commands.is_closed()
        {
            return entry.commands.clone();
        }
        // Frames wait here while the room is busy; readers block beyond it (a bound on memory).
        let (tx, rx) = mpsc::channel(256);
        let generation = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let remote = Arc::new(super::cluster_link::RemoteSignal::default());
        rooms.insert(
            session_id,
            RoomEntry {
                generation,
                commands: tx.clone(),
                remote: remote.clone(),
            },
        );
        tokio::spawn(RoomTask::run(
            self.inner.clone(),
            session_id,
            generation,
            rx,
            remote,
        ));
        tx
    }
}

/// A random positive id for this process's rows (0 is [`crate::store::NO_ROOM`]).
fn new_origin() -> i64 {
    1 + (rand::random::<u64>() >> 2) as i64
}
