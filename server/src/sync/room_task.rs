//! One loaded room at run time: a task that owns its [`Room`], takes commands in batches, feeds
//! them to the sans-IO room, sends the batch's updates to the committer and hands the resulting
//! frames to the sockets' bounded queues only once that commit is durable. A queue that is full
//! marks a stuck socket: it is closed with [`close::LAGGING`] so its client resyncs, and nobody
//! else waits for it. An empty room compacts its log and unloads.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};
use yrs::DeepObservable;

use super::cluster_link::RemoteSignal;
use super::command::{Command, JoinReply};
use super::committer::CommitRequest;
use super::error::HubError;
use super::in_flight::{CommitterGone, InFlight, MAX_IN_FLIGHT, front_ack};
use super::limits::OverBudget;
use super::peer::{ConnId, PeerLink};
use super::room::{Effect, ProtocolError, Room};
use super::room_storage::{Loaded, RoomLog, load};
use super::shared::Shared;
use super::{CloseReason, close};

#[path = "room_remote.rs"]
mod remote;

pub(super) struct RoomTask {
    hub: Arc<Shared>,
    session_id: i64,
    generation: u64,
    room: Room,
    peers: HashMap<ConnId, PeerLink>,
    log: RoomLog,
    /// Batches whose effects wait for their commit (and every earlier one's), oldest first. The
    /// room keeps applying new frames meanwhile: storage latency delays delivery, not processing.
    in_flight: VecDeque<InFlight>,
    /// Asked for the durable state while commits were in flight.
    pub(super) state_waiters: Vec<oneshot::Sender<Vec<u8>>>,
    /// Set by yrs when an applied update changed the board itself (its schema's roots), as
    /// opposed to content outside the board; only those make the dashboards' projection dirty.
    pub(super) board_changed: Arc<AtomicBool>,
    /// What other servers on the database stored on this board, and how far this room has
    /// applied it (see [`remote`]).
    remote: remote::Remote,
}

impl RoomTask {
    pub(super) async fn run(
        hub: Arc<Shared>,
        session_id: i64,
        generation: u64,
        mut commands: mpsc::Receiver<Command>,
        signal: Arc<RemoteSignal>,
    ) {
        let loaded = load(&hub, session_id).await.map_err(Arc::new);
        let Loaded {
            mut room,
            log_len,
            stored_bytes,
            head,
        } = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::error!(session_id, %error, "could not load board");
                Self::unregister(&hub, session_id, generation);
                Self::release(&hub, session_id);
                commands.close();
                while let Some(command) = commands.recv().await {
                    if let Command::Join { reply, .. } = command {
                        let _ = reply.send(JoinReply::Refused(HubError::LoadFailed(error.clone())));
                    }
                }
                return;
            }
        };
        room.limit(&hub.limits, stored_bytes, Instant::now());
        let board_changed = Arc::new(AtomicBool::new(false));
        for root in app::domain::board::ROOTS {
            let changed = board_changed.clone();
            room.doc()
                .get_or_insert_map(root)
                .observe_deep("projection", move |_, _| {
                    changed.store(true, Ordering::Relaxed)
                });
        }
        let log = RoomLog::new(&hub, session_id, log_len);
        let mut task = RoomTask {
            hub,
            session_id,
            generation,
            room,
            peers: HashMap::new(),
            log,
            in_flight: VecDeque::new(),
            state_waiters: Vec::new(),
            board_changed,
            remote: remote::Remote::new(signal, head),
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
                () = task.remote.signal.wake.notified(), if !task.remote.fetching() => {
                    task.fetch_if_behind();
                }
                fetched = remote::fetched(&mut task.remote.fetch), if task.remote.fetching() => {
                    if task.apply_fetched(fetched).await.is_err() {
                        break;
                    }
                }
                acked = front_ack(&mut task.in_flight), if task.in_flight.front().is_some_and(|f| f.ack.is_some()) => {
                    // The document now holds updates that are not durable: drop the room (every
                    // client reconnects, resyncs and re-sends what it has) rather than forward them.
                    if let Err(error) = acked {
                        tracing::debug!(session_id, %error, "board updates not durable: dropping the room");
                        exit = error.close_reason();
                        // Its answer is spent: it must not be awaited again below.
                        if task.in_flight.pop_front().is_some() {
                            task.hub.metrics.batches_in_flight.dec();
                        }
                        break;
                    }
                    task.committed(acked.ok().flatten());
                }
            }
            if !task.peers.is_empty() || !task.in_flight.is_empty() || task.remote.fetching() {
                empty_since = None;
                continue;
            }
            let since = *empty_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= task.hub.limits.evict_after && commands.is_empty() {
                task.log.compact_now().await;
                if task.try_evict(&mut commands) {
                    Self::release(&task.hub, session_id);
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
                task.hub.metrics.batches_in_flight.dec();
                let _ = ack.await;
            }
        }
        task.log.settle().await;
        Self::unregister(&task.hub, session_id, generation);
        Self::release(&task.hub, session_id);
    }

    async fn handle(&mut self, batch: &mut Vec<Command>) -> Result<(), CloseReason> {
        let now = Instant::now();
        let mut effects = Vec::new();
        let mut kicks = Vec::new();
        let mut edits_done = Vec::new();
        for command in batch.drain(..) {
            match command {
                Command::Join {
                    conn,
                    credential,
                    link,
                    reply,
                } => {
                    let limits = &self.hub.limits;
                    let cap = if credential.writable {
                        limits.max_writers_per_room
                    } else {
                        limits.max_readers_per_room
                    };
                    if self.room.peers_that_write(credential.writable) >= cap {
                        self.hub.metrics.refused("room_full");
                        let _ = reply.send(JoinReply::Refused(HubError::RoomFull));
                        continue;
                    }
                    self.peers.insert(conn, link);
                    self.room.join(conn, credential, &mut effects);
                    let _ = reply.send(JoinReply::Joined);
                }
                Command::Frame { conn, frame } => {
                    let received = self.room.receive(conn, &frame, now, &mut effects);
                    if let Err(error) = &received {
                        self.hub.metrics.refused(error.kind());
                    }
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
                        if let ProtocolError::OverBudget(over @ OverBudget::Full { .. }) = &error {
                            self.hub
                                .full_boards
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .insert(self.session_id);
                            tracing::warn!(session_id = self.session_id, conn, %over, "board full");
                        } else if let ProtocolError::OverBudget(over) = &error {
                            tracing::warn!(session_id = self.session_id, conn, stored = self.room.stored_bytes(), %over, "board over its storage budget");
                        } else {
                            tracing::info!(session_id = self.session_id, conn, %error, "closing socket: bad frame");
                        }
                        kicks.push((
                            conn,
                            CloseReason {
                                code: error.close_code(),
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
                Command::RelayedPresence { origin, presence } => {
                    self.relayed_presence(origin, &presence, now, &mut effects)
                }
                Command::Edit { edit, done } => {
                    self.room.server_edit(edit.as_ref(), &mut effects);
                    // Answered once the batch is handed on (its commit is what makes it last).
                    edits_done.push(done);
                }
                Command::State { durable, reply } => {
                    // Beside other servers, "durable" also means "with all they stored": the
                    // room fetches before answering.
                    let linked = self.hub.link.get().is_some() && self.hub.committer.is_some();
                    if durable && linked {
                        self.remote.waiters_need_fetch = true;
                        self.fetch_if_behind();
                    }
                    if durable && (linked || !self.in_flight.is_empty()) {
                        self.state_waiters.push(reply);
                    } else {
                        let _ = reply.send(self.room.full_state());
                    }
                }
            }
        }
        let performed = self
            .perform(effects, kicks)
            .await
            .map_err(|CommitterGone| close::STORAGE_FAILED);
        for done in edits_done {
            let _ = done.send(());
        }
        performed
    }

    /// Queues a batch's effects behind its commit (if it has updates) and behind earlier
    /// batches; runs them at once when nothing is pending.
    async fn perform(
        &mut self,
        effects: Vec<Effect>,
        kicks: Vec<(ConnId, CloseReason)>,
    ) -> Result<(), CommitterGone> {
        let updates: Vec<(Bytes, Option<std::sync::Arc<str>>)> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Persist { update, author } => Some((update.clone(), author.clone())),
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
                .map_err(|_| CommitterGone)?;
            self.hub.metrics.batches_in_flight.inc();
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

    /// The oldest in-flight batch is durable (with the sequences it got, beside other servers):
    /// run it, and every batch queued behind it that was only waiting for it.
    fn committed(&mut self, stored: Option<crate::store::StoredRange>) {
        if let Some(range) = stored {
            self.remote.stored_own(range);
        }
        if let Some(done) = self.in_flight.pop_front() {
            self.hub.metrics.batches_in_flight.dec();
            self.log.appended(done.persisted);
            if done.board_changed {
                self.hub.board_changed(self.session_id);
            }
            self.run_effects(done.effects, done.kicks);
        }
        while self.in_flight.front().is_some_and(|f| f.ack.is_none()) {
            if let Some(ready) = self.in_flight.pop_front() {
                self.run_effects(ready.effects, ready.kicks);
            }
        }
        self.answer_state_waiters();
    }

    /// Answers those waiting for the durable state once nothing is on its way to storage and
    /// (beside other servers) the room has fetched what they stored.
    pub(super) fn answer_state_waiters(&mut self) {
        if self.state_waiters.is_empty()
            || !self.in_flight.is_empty()
            || self.remote.fetching()
            || self.remote.waiters_need_fetch
        {
            return;
        }
        let state = self.room.full_state();
        for waiter in self.state_waiters.drain(..) {
            let _ = waiter.send(state.clone());
        }
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
                    Effect::Relay { presence } => {
                        if let Some(link) = self.hub.link.get() {
                            link.relay_presence(self.session_id, presence);
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
                self.hub.metrics.refused("lagging");
                kicks.push((to, close::LAGGING));
            }
            // Its socket is gone; its Leave is on the way.
            Err(TrySendError::Closed(_)) => {}
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

    /// The room is gone from this server: another may do the board's shared work.
    fn release(hub: &Shared, session_id: i64) {
        if let Some(link) = hub.link.get() {
            link.release(session_id);
        }
    }

    fn unregister(hub: &Shared, session_id: i64, generation: u64) {
        let mut rooms = hub.rooms.lock().unwrap_or_else(|p| p.into_inner());
        if rooms
            .get(&session_id)
            .is_some_and(|e| e.generation == generation)
        {
            rooms.remove(&session_id);
        }
    }
}
