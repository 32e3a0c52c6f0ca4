//! Rooms at run time. Each loaded room is one task that owns its [`Room`] and processes commands
//! in batches: frames are applied, the batch's updates go to the committer (one transaction for
//! all rooms' pending updates: group commit), and only once that is durable are the resulting
//! frames handed to the sockets' bounded queues. A queue that is full marks a stuck socket: it is
//! closed with [`close::LAGGING`] so its client resyncs, and nobody else waits for it.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};
use yrs::{DeepObservable, IdSet};

use super::limits::SyncLimits;
use super::room::{ConnId, Effect, ProtocolError, Room};
use super::{CloseReason, close};
use crate::projection::DirtyBoards;
use crate::store::{RoomLogWriter, Store};

/// How the room task reaches one socket.
pub struct PeerLink {
    pub outbound: mpsc::Sender<Bytes>,
    pub control: mpsc::UnboundedSender<CloseReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    #[error("la sala alcanzó el máximo de conexiones")]
    RoomFull,
    #[error("no se pudo abrir el tablero: {0}")]
    Unavailable(String),
}

impl JoinError {
    pub fn close_reason(&self) -> CloseReason {
        match self {
            JoinError::RoomFull => close::ROOM_FULL,
            JoinError::Unavailable(_) => close::ROOM_UNAVAILABLE,
        }
    }
}

enum JoinReply {
    Joined,
    Refused(JoinError),
    /// The room was evicting itself: try a fresh one with the same link.
    Evicted(PeerLink),
}

enum Command {
    Join {
        conn: ConnId,
        writable: bool,
        link: PeerLink,
        reply: oneshot::Sender<JoinReply>,
    },
    Frame {
        conn: ConnId,
        frame: Bytes,
    },
    Leave {
        conn: ConnId,
    },
    Freeze,
    /// The board's full state as one update. `durable`: only once everything applied so far is
    /// stored (use on a frozen room, whose in-flight commits then drain).
    State {
        durable: bool,
        reply: oneshot::Sender<Vec<u8>>,
    },
}

struct CommitRequest {
    session_id: i64,
    updates: Vec<Bytes>,
    ack: oneshot::Sender<Result<(), String>>,
}

struct RoomEntry {
    generation: u64,
    commands: mpsc::Sender<Command>,
}

struct HubInner {
    rooms: Mutex<HashMap<i64, RoomEntry>>,
    store: Store,
    /// `None` only in the in-memory mode kept for benchmark comparisons.
    committer: Option<mpsc::Sender<CommitRequest>>,
    limits: SyncLimits,
    next_id: AtomicU64,
    /// Sessions whose boards changed since the projector last looked.
    dirty: DirtyBoards,
    /// Per session, structs that once failed to integrate: a reloaded room refuses them at once,
    /// so a client that keeps sending them is closed alone instead of resetting the room again.
    refused: Mutex<HashMap<i64, IdSet>>,
}

/// The registry of live rooms. Cheap to clone.
#[derive(Clone)]
pub struct SyncHub {
    inner: Arc<HubInner>,
}

/// A joined socket's way to talk to its room.
pub struct RoomConnection {
    conn: ConnId,
    commands: mpsc::Sender<Command>,
}

impl RoomConnection {
    /// Hands a frame to the room; waits if the room is busy (backpressure on that reader only).
    pub async fn frame(&self, frame: Bytes) -> Result<(), ()> {
        self.commands
            .send(Command::Frame {
                conn: self.conn,
                frame,
            })
            .await
            .map_err(|_| ())
    }

    pub async fn leave(self) {
        let _ = self.commands.send(Command::Leave { conn: self.conn }).await;
    }
}

impl SyncHub {
    /// `durable = false` keeps rooms in memory only: for measuring what durability costs, never
    /// for real sessions.
    pub fn new(store: Store, limits: SyncLimits, durable: bool) -> Self {
        let committer = durable.then(|| {
            let (tx, rx) = mpsc::channel(4096);
            tokio::spawn(run_committer(
                store.room_log_writer(),
                limits.commit_window,
                rx,
            ));
            tx
        });
        Self {
            inner: Arc::new(HubInner {
                rooms: Mutex::new(HashMap::new()),
                store,
                committer,
                limits,
                next_id: AtomicU64::new(1),
                dirty: DirtyBoards::default(),
                refused: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// What the projector reads: sessions whose boards changed (marked after each durable batch).
    pub fn dirty_boards(&self) -> DirtyBoards {
        self.inner.dirty.clone()
    }

    pub fn limits(&self) -> &SyncLimits {
        &self.inner.limits
    }

    pub fn loaded_rooms(&self) -> usize {
        self.inner.rooms.lock().map(|r| r.len()).unwrap_or(0)
    }

    /// Joins the room of `session_id`, loading it if needed.
    pub async fn join(
        &self,
        session_id: i64,
        writable: bool,
        link: PeerLink,
    ) -> Result<RoomConnection, JoinError> {
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
                    writable,
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
                Err(_) => {
                    return Err(JoinError::Unavailable(
                        "la sala se cerró durante la conexión".into(),
                    ));
                }
            }
        }
        Err(JoinError::Unavailable("la sala no respondió".into()))
    }

    /// Makes a live room read-only (its session was closed). Rooms loaded later read the status.
    pub async fn freeze(&self, session_id: i64) {
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

    /// The board's current state (loading the room if needed), for pages that render it.
    pub async fn board_state(&self, session_id: i64, durable: bool) -> Result<Vec<u8>, JoinError> {
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
        Err(JoinError::Unavailable("no se pudo abrir el tablero".into()))
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
        rooms.insert(
            session_id,
            RoomEntry {
                generation,
                commands: tx.clone(),
            },
        );
        tokio::spawn(RoomTask::run(
            self.inner.clone(),
            session_id,
            generation,
            rx,
        ));
        tx
    }
}

const MAX_COMMIT_BATCH: usize = 1024;

/// Group commit: every request queued while the previous commit was being made goes into the
/// next transaction, so batches grow with the load by themselves and a lone update is written at
/// once. An optional `window` also waits for more before committing (less CPU per update with
/// many quiet rooms, for up to that much more latency; off by default).
async fn run_committer(
    mut writer: RoomLogWriter,
    window: Duration,
    mut requests: mpsc::Receiver<CommitRequest>,
) {
    let mut batch = Vec::with_capacity(256);
    while requests.recv_many(&mut batch, MAX_COMMIT_BATCH).await > 0 {
        // Let the sockets and rooms that are already runnable (frames read in the same wake-up)
        // hand in their updates first: a bigger batch for the same fsync, at no timer's cost.
        for _ in 0..2 {
            tokio::task::yield_now().await;
        }
        while batch.len() < MAX_COMMIT_BATCH {
            match requests.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        if !window.is_zero() {
            let deadline = tokio::time::Instant::now() + window;
            while batch.len() < MAX_COMMIT_BATCH {
                match tokio::time::timeout_at(deadline, requests.recv()).await {
                    Ok(Some(request)) => batch.push(request),
                    _ => break,
                }
            }
        }
        let rows: Vec<(i64, &[u8])> = batch
            .iter()
            .flat_map(|r| r.updates.iter().map(|u| (r.session_id, u.as_ref())))
            .collect();
        let result = writer.append(&rows).await.map_err(|error| {
            tracing::error!(%error, "could not persist board updates");
            error.to_string()
        });
        for request in batch.drain(..) {
            let _ = request.ack.send(result.clone());
        }
    }
}

struct RoomTask {
    hub: Arc<HubInner>,
    session_id: i64,
    generation: u64,
    room: Room,
    peers: HashMap<ConnId, PeerLink>,
    log_len: usize,
    compaction: Option<tokio::task::JoinHandle<()>>,
    /// Batches whose effects wait for their commit (and every earlier one's), oldest first. The
    /// room keeps applying new frames meanwhile: storage latency delays delivery, not processing.
    in_flight: VecDeque<InFlight>,
    /// Asked for the durable state while commits were in flight.
    state_waiters: Vec<oneshot::Sender<Vec<u8>>>,
    /// Set by yrs when an applied update changed the board itself (its schema's roots), as
    /// opposed to content outside the board; only those make the dashboards' projection dirty.
    board_changed: Arc<AtomicBool>,
}

/// Batches a room may have waiting for storage before it stops taking new frames (backpressure
/// on its sockets' readers rather than unbounded memory).
const MAX_IN_FLIGHT: usize = 4;

struct InFlight {
    /// `None` for a batch with nothing to persist, waiting only for the batches before it.
    ack: Option<oneshot::Receiver<Result<(), String>>>,
    persisted: usize,
    board_changed: bool,
    effects: Vec<Effect>,
    kicks: Vec<(ConnId, CloseReason)>,
}

async fn front_ack(in_flight: &mut VecDeque<InFlight>) -> Result<(), ()> {
    match in_flight.front_mut().and_then(|f| f.ack.as_mut()) {
        Some(ack) => match ack.await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        },
        None => std::future::pending().await,
    }
}

impl RoomTask {
    async fn run(
        hub: Arc<HubInner>,
        session_id: i64,
        generation: u64,
        mut commands: mpsc::Receiver<Command>,
    ) {
        let loaded = Self::load(&hub, session_id).await;
        let (room, log_len) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::error!(session_id, %error, "could not load board");
                Self::unregister(&hub, session_id, generation);
                commands.close();
                while let Some(command) = commands.recv().await {
                    if let Command::Join { reply, .. } = command {
                        let _ =
                            reply.send(JoinReply::Refused(JoinError::Unavailable(error.clone())));
                    }
                }
                return;
            }
        };
        let board_changed = Arc::new(AtomicBool::new(false));
        for root in app::board::ROOTS {
            let changed = board_changed.clone();
            room.doc()
                .get_or_insert_map(root)
                .observe_deep("projection", move |_, _| {
                    changed.store(true, Ordering::Relaxed)
                });
        }
        let mut task = RoomTask {
            hub,
            session_id,
            generation,
            room,
            peers: HashMap::new(),
            log_len,
            compaction: None,
            in_flight: VecDeque::new(),
            state_waiters: Vec::new(),
            board_changed,
        };
        tracing::debug!(session_id, "board loaded");
        let stale_after = task.hub.limits.awareness_timeout;
        let mut sweep = tokio::time::interval(
            (stale_after / 4).clamp(Duration::from_millis(100), Duration::from_secs(5)),
        );
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut empty_since = Some(Instant::now());
        // One batch may send each socket one frame per command, and a commit may release up to
        // MAX_IN_FLIGHT batches at once; keeping that under half a socket's queue means a client
        // that keeps reading is never mistaken for a stuck one.
        let batch_limit = (task.hub.limits.outbound_queue / (2 * MAX_IN_FLIGHT)).clamp(1, 256);
        let mut batch = Vec::with_capacity(batch_limit);
        let mut exit = close::STORAGE_FAILED;
        loop {
            tokio::select! {
                received = commands.recv_many(&mut batch, batch_limit), if task.in_flight.len() < MAX_IN_FLIGHT => {
                    if received == 0 {
                        break;
                    }
                    if let Err(reason) = task.handle(&mut batch).await {
                        exit = reason;
                        break;
                    }
                }
                _ = sweep.tick() => {
                    let mut effects = Vec::new();
                    task.room.sweep(Instant::now(), stale_after, &mut effects);
                    if !effects.is_empty() && task.perform(effects, Vec::new()).await.is_err() {
                        break;
                    }
                }
                acked = front_ack(&mut task.in_flight), if task.in_flight.front().is_some_and(|f| f.ack.is_some()) => {
                    // The document now holds updates that are not durable: drop the room (every
                    // client reconnects, resyncs and re-sends what it has) rather than forward them.
                    if acked.is_err() {
                        break;
                    }
                    task.committed();
                }
            }
            if !task.peers.is_empty() || !task.in_flight.is_empty() {
                empty_since = None;
                continue;
            }
            let since = *empty_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= task.hub.limits.evict_after && commands.is_empty() {
                task.compact_now().await;
                if task.try_evict(&mut commands) {
                    tracing::debug!(session_id, "board evicted");
                    return;
                }
            }
        }
        task.fail_all(exit);
        // Let what is already on its way to storage land, and any compaction finish, before a
        // fresh room of this session can load (otherwise it could miss them, or two compactions
        // could overlap).
        while let Some(pending) = task.in_flight.pop_front() {
            if let Some(ack) = pending.ack {
                let _ = ack.await;
            }
        }
        if let Some(compaction) = task.compaction.take() {
            let _ = compaction.await;
        }
        Self::unregister(&task.hub, session_id, generation);
    }

    async fn load(hub: &HubInner, session_id: i64) -> Result<(Room, usize), String> {
        let frozen = hub
            .store
            .get_session(session_id)
            .await
            .map(|s| s.status == app::domain::SessionStatus::Cerrada)
            .map_err(|e| e.to_string())?;
        let (mut room, log_len) = if hub.committer.is_some() {
            let mut stored = hub
                .store
                .load_room(session_id)
                .await
                .map_err(|e| e.to_string())?;
            if stored.updates.is_empty() && !frozen {
                // A new board starts with the follow-up of the Mesa's open commitments. This
                // task owns the room, so the seed is written exactly once, before anyone joins.
                let carried = hub
                    .store
                    .open_commitments_before(session_id)
                    .await
                    .map_err(|e| e.to_string())?;
                let seed = super::followup::seed_update(&carried, chrono::Utc::now());
                hub.store
                    .append_room_updates(&[(session_id, &seed)])
                    .await
                    .map_err(|e| e.to_string())?;
                stored.updates.push(seed);
                stored.log_len = 1;
            }
            let room =
                Room::load(stored.updates.iter().map(Vec::as_slice)).map_err(|e| e.to_string())?;
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

    async fn handle(&mut self, batch: &mut Vec<Command>) -> Result<(), CloseReason> {
        let now = Instant::now();
        let mut effects = Vec::new();
        let mut kicks = Vec::new();
        for command in batch.drain(..) {
            match command {
                Command::Join {
                    conn,
                    writable,
                    link,
                    reply,
                } => {
                    if self.peers.len() >= self.hub.limits.max_connections_per_room {
                        let _ = reply.send(JoinReply::Refused(JoinError::RoomFull));
                        continue;
                    }
                    self.peers.insert(conn, link);
                    self.room.join(conn, writable, &mut effects);
                    let _ = reply.send(JoinReply::Joined);
                }
                Command::Frame { conn, frame } => {
                    let received = self.room.receive(conn, &frame, now, &mut effects);
                    if let Err(error @ ProtocolError::Poisoned) = &received {
                        tracing::warn!(session_id = self.session_id, conn, %error, "board reset: reloading from storage");
                        self.hub
                            .refused
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .entry(self.session_id)
                            .or_default()
                            .merge_with(self.room.refused().clone());
                        if let Some(link) = self.peers.remove(&conn) {
                            let _ = link.control.send(CloseReason {
                                code: close::MALFORMED,
                                reason: error.to_string().into(),
                            });
                        }
                        return Err(close::ROOM_RESET);
                    }
                    if let Err(error) = received {
                        // Out of the room now, so its later frames in this batch are ignored;
                        // the close itself is delivered in order with the batch's frames.
                        self.room.leave(conn, now, &mut effects);
                        tracing::info!(session_id = self.session_id, conn, %error, "closing socket: bad frame");
                        kicks.push((
                            conn,
                            CloseReason {
                                code: close::MALFORMED,
                                reason: error.to_string().into(),
                            },
                        ));
                    }
                }
                Command::Leave { conn } => {
                    self.peers.remove(&conn);
                    self.room.leave(conn, now, &mut effects);
                }
                Command::Freeze => self.room.freeze(&mut effects),
                Command::State { durable, reply } => {
                    if durable && !self.in_flight.is_empty() {
                        self.state_waiters.push(reply);
                    } else {
                        let _ = reply.send(self.room.full_state());
                    }
                }
            }
        }
        self.perform(effects, kicks)
            .await
            .map_err(|()| close::STORAGE_FAILED)
    }

    /// Queues a batch's effects behind its commit (if it has updates) and behind earlier
    /// batches; runs them at once when nothing is pending.
    async fn perform(
        &mut self,
        effects: Vec<Effect>,
        kicks: Vec<(ConnId, CloseReason)>,
    ) -> Result<(), ()> {
        let updates: Vec<Bytes> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Persist { update } => Some(update.clone()),
                _ => None,
            })
            .collect();
        if let (false, Some(committer)) = (updates.is_empty(), &self.hub.committer) {
            let persisted = updates.len();
            let (ack, acked) = oneshot::channel();
            committer
                .send(CommitRequest {
                    session_id: self.session_id,
                    updates,
                    ack,
                })
                .await
                .map_err(|_| ())?;
            self.in_flight.push_back(InFlight {
                ack: Some(acked),
                persisted,
                board_changed: self.board_changed.swap(false, Ordering::Relaxed),
                effects,
                kicks,
            });
        } else if !self.in_flight.is_empty() {
            self.in_flight.push_back(InFlight {
                ack: None,
                persisted: 0,
                board_changed: false,
                effects,
                kicks,
            });
        } else {
            self.run_effects(effects, kicks);
        }
        Ok(())
    }

    /// The oldest in-flight batch is durable: run it, and every batch queued behind it that was
    /// only waiting for it.
    fn committed(&mut self) {
        if let Some(done) = self.in_flight.pop_front() {
            self.log_len += done.persisted;
            if done.board_changed {
                self.hub.dirty.mark(self.session_id);
            }
            self.run_effects(done.effects, done.kicks);
        }
        while self.in_flight.front().is_some_and(|f| f.ack.is_none()) {
            if let Some(ready) = self.in_flight.pop_front() {
                self.run_effects(ready.effects, ready.kicks);
            }
        }
        if self.in_flight.is_empty() && !self.state_waiters.is_empty() {
            let state = self.room.full_state();
            for waiter in self.state_waiters.drain(..) {
                let _ = waiter.send(state.clone());
            }
        }
        self.maybe_compact();
    }

    /// Sends frames in order. Sockets that cannot keep up, or sent garbage, are closed and
    /// removed, which may produce more (presence) effects.
    fn run_effects(&mut self, mut effects: Vec<Effect>, mut kicks: Vec<(ConnId, CloseReason)>) {
        loop {
            for effect in effects.drain(..) {
                match effect {
                    Effect::Send { to, frame } => self.deliver(to, frame, &mut kicks),
                    Effect::Broadcast { except, frame } => {
                        let targets: Vec<ConnId> = self
                            .peers
                            .keys()
                            .copied()
                            .filter(|c| Some(*c) != except)
                            .collect();
                        for to in targets {
                            self.deliver(to, frame.clone(), &mut kicks);
                        }
                    }
                    Effect::Persist { .. } => {}
                }
            }
            if kicks.is_empty() {
                return;
            }
            let now = Instant::now();
            for (conn, reason) in kicks.drain(..) {
                if let Some(link) = self.peers.remove(&conn) {
                    let _ = link.control.send(reason);
                }
                self.room.leave(conn, now, &mut effects);
            }
        }
    }

    fn deliver(&self, to: ConnId, frame: Bytes, kicks: &mut Vec<(ConnId, CloseReason)>) {
        let Some(link) = self.peers.get(&to) else {
            return;
        };
        match link.outbound.try_send(frame) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                tracing::info!(
                    session_id = self.session_id,
                    conn = to,
                    "socket lagging: forcing a resync"
                );
                kicks.push((to, close::LAGGING));
            }
            // Its socket is gone; its Leave is on the way.
            Err(TrySendError::Closed(_)) => {}
        }
    }

    fn maybe_compact(&mut self) {
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

    async fn compact_now(&mut self) {
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

    /// Leaves the registry if nobody is waiting to join. A joiner that got our sender just before
    /// gets its link back (closed channel, or `Evicted`) and starts a fresh room.
    fn try_evict(&self, commands: &mut mpsc::Receiver<Command>) -> bool {
        let mut rooms = self.hub.rooms.lock().unwrap_or_else(|p| p.into_inner());
        if !commands.is_empty() {
            return false;
        }
        if rooms
            .get(&self.session_id)
            .is_some_and(|e| e.generation == self.generation)
        {
            rooms.remove(&self.session_id);
        }
        drop(rooms);
        commands.close();
        while let Ok(command) = commands.try_recv() {
            if let Command::Join { link, reply, .. } = command {
                let _ = reply.send(JoinReply::Evicted(link));
            }
        }
        true
    }

    fn fail_all(&mut self, reason: CloseReason) {
        for (_, link) in self.peers.drain() {
            let _ = link.control.send(reason.clone());
        }
    }

    fn unregister(hub: &HubInner, session_id: i64, generation: u64) {
        let mut rooms = hub.rooms.lock().unwrap_or_else(|p| p.into_inner());
        if rooms
            .get(&session_id)
            .is_some_and(|e| e.generation == generation)
        {
            rooms.remove(&session_id);
        }
    }
}
