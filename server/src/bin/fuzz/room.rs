//! Target `room`: a case (frames from several sockets, writers and a reader, with leaves, joins,
//! a freeze) into one `Room`, as the room task drives it. Checks after every frame: no panic, and
//! allocation within [`bound`]; every frame the room sends decodes, its updates apply and its
//! presence is JSON. At the end: the room reloaded from what it persisted (in order, as the
//! server reloads from its log) equals the room, and every client that joins again and syncs
//! ends with the room's state (unless it was shown to hold something the room refused).

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sala::alloc_meter;
use sala::sync::Credential;
use sala::sync::protocol::{self, Incoming};
use sala::sync::room::{Effect, ProtocolError, Room};
use yrs::{ReadTxn, Transact};

use crate::case::{CONNS, Event, writable};
use crate::checks::{board_read, canon, shape};
use crate::craft::Writer;
use crate::peer::Peer;

/// Bytes one frame may make the room ask for: the decoder's share, integration (an item of a
/// few bytes on the wire becomes a block of a few hundred), and for a SyncStep1 the diff of the
/// whole document.
pub fn bound(frame_len: usize, state_len: usize) -> u64 {
    64 * 1024 + 512 * frame_len as u64 + 16 * state_len as u64
}

pub struct Runner {
    room: Room,
    pub peers: HashMap<u8, Peer>,
    persisted: Vec<Bytes>,
    now: Instant,
    pub signatures: Vec<String>,
    pub resets: u64,
    /// The room accepted an update whose predecessors it lacks.
    gapped: bool,
    /// The room accepted a made-up update restating clocks it had (or deleting): possibly a
    /// second history of a client, which the CRDT cannot reconcile.
    tainted: bool,

    /// Read the board as the server's pages and projections do (`--no-board-reads` skips it);
    /// `Some(true)`: even the shapes known to hang it.
    pub board_reads: Option<bool>,
}

impl Runner {
    pub fn new(board_reads: Option<bool>) -> Self {
        let peers = CONNS
            .iter()
            .map(|&conn| {
                let peer = Peer {
                    writer: Writer::with_client_id(100 + u64::from(conn)),
                    joined: false,
                    diverged: false,
                };
                (conn, peer)
            })
            .collect();
        Self {
            room: Room::new(),
            peers,
            persisted: Vec::new(),
            now: Instant::now(),
            signatures: Vec::new(),
            resets: 0,
            gapped: false,
            tainted: false,
            board_reads,
        }
    }

    pub fn joined(&self, conn: u8) -> bool {
        self.peers[&conn].joined
    }

    pub fn run(&mut self, event: &Event, stats: &mut crate::Stats) -> Result<(), String> {
        crate::watchdog::event(event);
        match event {
            Event::Frame {
                conn,
                honest,
                frame,
            } => {
                if !self.joined(*conn) {
                    return Ok(());
                }
                if *honest {
                    // What the client did locally before sending (a no-op when generated).
                    if let Ok(Incoming::Update(u) | Incoming::SyncStep2(u)) =
                        protocol::decode(frame)
                    {
                        self.peer(*conn)?.apply_own(&u);
                    }
                }
                self.receive(*conn, frame, *honest, stats)
            }
            Event::Leave(conn) => {
                self.leave(*conn)?;
                Ok(())
            }
            Event::Join(conn) => self.join(*conn, stats),
            Event::Freeze => {
                let mut out = Vec::new();
                self.room.freeze(&mut out);
                self.deliver(out, stats)
            }
            Event::Sweep => {
                self.now += Duration::from_secs(31);
                let mut out = Vec::new();
                let stale = sala::sync::awareness::DEFAULT_STALE_AFTER;
                self.room.sweep(self.now, stale, &mut out);
                self.deliver(out, stats)
            }
        }
    }

    fn peer(&mut self, conn: u8) -> Result<&mut Peer, String> {
        self.peers.get_mut(&conn).ok_or(format!("no socket {conn}"))
    }

    fn receive(
        &mut self,
        conn: u8,
        frame: &Bytes,
        honest: bool,
        stats: &mut crate::Stats,
    ) -> Result<(), String> {
        stats.frames += 1;
        let shape = shape(frame, &self.room.state_vector());
        let mut out = Vec::new();
        let (result, usage) = alloc_meter::measure(|| {
            catch_unwind(AssertUnwindSafe(|| {
                self.room
                    .receive(u64::from(conn), frame, self.now, &mut out)
            }))
        });
        let result =
            result.map_err(|_| format!("Room::receive panicked: {}", crate::last_panic()))?;
        stats.observe(usage, frame.len());
        if usage.requested > bound(frame.len(), 0) {
            let state = catch_unwind(AssertUnwindSafe(|| self.room.full_state().len()))
                .map_err(|_| format!("Room::full_state panicked: {}", crate::last_panic()))?;
            if usage.requested > bound(frame.len(), state) {
                return Err(format!(
                    "Room::receive asked for {} bytes (largest {}) for a {}-byte frame on a \
                     {state}-byte board",
                    usage.requested,
                    usage.largest,
                    frame.len()
                ));
            }
        }
        let kind = frame.first().map_or(9, |t| *t).min(9);
        let sub = if kind == 0 {
            frame.get(1).map_or(9, |t| *t).min(9)
        } else {
            0
        };
        let effects: String = out.iter().map(effect_letter).collect();
        let signature = match &result {
            Ok(()) => format!("{kind}.{sub} ok {effects}"),
            Err(error) => format!("{kind}.{sub} {}", variant(error)),
        };
        if tracing() {
            let txn = self.room.doc().transact();
            eprintln!(
                "{conn} honest={honest} {frame:x?} → {signature}; room {:?} missing={}",
                txn.state_vector(),
                txn.has_missing_updates()
            );
        }
        self.signatures.push(signature);
        let edit = matches!(
            protocol::decode(frame),
            Ok(Incoming::Update(ref u) | Incoming::SyncStep2(ref u)) if u.as_ref() != [0, 0]
        );
        let persisted = out.iter().any(|e| matches!(e, Effect::Persist { .. }));
        if persisted && (shape.gap || self.room.doc().transact().has_missing_updates()) {
            self.gapped = true;
        }
        // A made-up update that restates (or deletes) clocks the room had, or that writes as
        // one of the clients' own ids, is a second history of a client.
        let own = |c: &u64| (101..=104).contains(c);
        if persisted && !honest && (!shape.overlap.is_empty() || shape.clients.iter().any(own)) {
            self.tainted = true;
        }
        if honest && edit && !persisted {
            // Refused (read-only, frozen, or it builds on something the room refused).
            self.peer(conn)?.diverged = true;
        }
        self.deliver(out, stats)?;
        match result {
            Ok(()) => Ok(()),
            Err(ProtocolError::Poisoned) => self.reset(stats),
            Err(_) => {
                // The socket is closed; its client may come back later.
                self.leave(conn)?;
                Ok(())
            }
        }
    }

    /// What the room task does when an update broke the document: reload from the log, keep
    /// what was refused, and make every client reconnect.
    fn reset(&mut self, stats: &mut crate::Stats) -> Result<(), String> {
        self.resets += 1;
        let refused = self.room.refused().clone();
        let frozen = self.room.is_frozen();
        self.room = Room::load(self.persisted.iter().map(|b| b.as_ref()))
            .map_err(|e| format!("the log does not reload after a reset: {e}"))?;
        self.room.refuse(&refused);
        if frozen {
            self.room.freeze(&mut Vec::new());
        }
        let was_joined: Vec<u8> = CONNS.into_iter().filter(|c| self.joined(*c)).collect();
        for conn in &was_joined {
            self.peer(*conn)?.joined = false;
        }
        for conn in was_joined {
            self.join(conn, stats)?;
        }
        Ok(())
    }

    fn leave(&mut self, conn: u8) -> Result<(), String> {
        if !self.joined(conn) {
            return Ok(());
        }
        self.peer(conn)?.joined = false;
        let mut out = Vec::new();
        self.room.leave(u64::from(conn), self.now, &mut out);
        // Effects of a leave only go to the others; deliver without re-entering.
        for effect in out {
            self.deliver_one(effect)?;
        }
        Ok(())
    }

    /// y-websocket's handshake: join, then our state vector; the room's SyncStep1 is answered
    /// (in `deliver`) with what we have and it lacks.
    pub fn join(&mut self, conn: u8, stats: &mut crate::Stats) -> Result<(), String> {
        if self.joined(conn) {
            return Ok(());
        }
        self.peer(conn)?.joined = true;
        let credential = Credential {
            writable: writable(conn),
            ..Credential::writer()
        };
        let mut out = Vec::new();
        self.room.join(u64::from(conn), credential, &mut out);
        self.deliver(out, stats)?;
        let sv = self.peers[&conn].writer.state_vector();
        self.receive(conn, &protocol::sync_step1(&sv), true, stats)
    }

    fn deliver(&mut self, out: Vec<Effect>, stats: &mut crate::Stats) -> Result<(), String> {
        let mut replies = Vec::new();
        for effect in out {
            replies.extend(self.deliver_one(effect)?);
        }
        for (conn, reply) in replies {
            if self.joined(conn) {
                self.receive(conn, &reply, true, stats)?;
            }
        }
        Ok(())
    }

    fn deliver_one(&mut self, effect: Effect) -> Result<Vec<(u8, Bytes)>, String> {
        let mut replies = Vec::new();
        match effect {
            Effect::Persist { update, .. } => self.persisted.push(update),
            // One server: nobody to relay presence to.
            Effect::Relay { .. } => {}
            Effect::Send { to, frame } => {
                let to = u8::try_from(to).map_err(|_| format!("sent to socket {to}"))?;
                if let Some(reply) = self.peer(to)?.hear(&frame)? {
                    replies.push((to, reply));
                }
            }
            Effect::Broadcast { except, frame } => {
                for conn in CONNS {
                    if Some(u64::from(conn)) != except
                        && self.joined(conn)
                        && let Some(reply) = self.peer(conn)?.hear(&frame)?
                    {
                        replies.push((conn, reply));
                    }
                }
            }
        }
        Ok(replies)
    }

    /// Everyone reconnects and syncs; then the log, the room and every client must agree.
    pub fn check(&mut self, stats: &mut crate::Stats) -> Result<(), String> {
        for conn in CONNS {
            self.leave(conn)?;
            self.join(conn, stats)?;
        }
        let reloaded = Room::load(self.persisted.iter().map(|b| b.as_ref()))
            .map_err(|e| format!("the log does not reload: {e}"))?;
        let room = canon(self.room.doc());
        let log = canon(reloaded.doc());
        if room != log {
            return Err(format!(
                "the room differs from its log replayed in order:\n room {room:?}\n log  {log:?}"
            ));
        }
        if let Some(read_hazards) = self.board_reads {
            board_read(&self.room, read_hazards, stats)?;
        }
        // Structs whose predecessors never arrived (a made-up or cut history): yrs 0.28 then
        // integrates them behind a Skip instead of keeping them pending as Yjs does, and what
        // each side holds legitimately differs until the gap is filled, so clients are only
        // compared when the room never accepted such an update.
        if self.gapped || self.tainted {
            stats.incomplete_rooms += 1;
            return Ok(());
        }
        for conn in CONNS {
            let peer = &self.peers[&conn];
            if peer.diverged || peer.writer.doc.transact().has_missing_updates() {
                stats.diverged_peers += 1;
                continue;
            }
            let replica = canon(&peer.writer.doc);
            if replica != room {
                return Err(format!(
                    "socket {conn} did not converge after syncing:\n room    {room:?}\n client \
                     {replica:?}"
                ));
            }
            stats.converged_peers += 1;
        }
        Ok(())
    }
}

/// `FUZZ_TRACE=1`: every frame, what the room did, and its state vector (with `--replay`).
fn tracing() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some())
}

fn effect_letter(effect: &Effect) -> char {
    match effect {
        Effect::Persist { .. } => 'P',
        Effect::Broadcast { .. } => 'B',
        Effect::Send { .. } => 'S',
        Effect::Relay { .. } => 'R',
    }
}

fn variant(error: &ProtocolError) -> String {
    let name = format!("{error:?}");
    name[..name.find(['(', ' ']).unwrap_or(name.len())].to_owned()
}
