//! One board's room, sans I/O: frames in, effects out. The caller (the room task) performs the
//! effects in order, making every `Persist` durable before any effect that follows it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Doc, IdSet, ReadTxn, StateVector, Transact, Update};

use super::awareness::{AwarenessRegistry, PresenceError};
use super::limits::{BoardBudget, OverBudget, SyncLimits};
use super::protocol::{self, DecodeError, Incoming};

pub use super::peer::ConnId;
use super::peer::Credential;

/// The highest clock (a client's count of structs) the room takes; see [`Room::receive`].
const MAX_CLOCK: u32 = 1 << 31;

/// An update with no structs and no deletions, as every Yjs client encodes it.
const EMPTY_UPDATE: &[u8] = &[0, 0];

pub const READ_ONLY_REASON: &str =
    "Solo lectura: su invitación o el estado de esta sesión no permiten editar.";
/// Told to everyone in a room when its session is closed.
pub const CLOSED_REASON: &str =
    "La sesión ya no está abierta (se cerró o se canceló): el tablero queda de solo lectura.";

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A frame for one connection.
    Send { to: ConnId, frame: Bytes },
    /// A frame for every connection except `except`.
    Broadcast {
        except: Option<ConnId>,
        frame: Bytes,
    },
    /// An update to append to the room's log, with who sent it; durable before any later
    /// effect runs.
    Persist {
        update: Bytes,
        author: Option<std::sync::Arc<str>>,
    },
    /// A presence change of this server's sockets (an encoded awareness update), for the rooms
    /// of this board on other servers.
    Relay { presence: Bytes },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("mensaje malformado: {0}")]
    Malformed(#[from] DecodeError),
    #[error("actualización inválida: {0}")]
    BadUpdate(String),
    #[error(transparent)]
    Presence(#[from] PresenceError),
    #[error("actualización que el motor CRDT no pudo integrar")]
    Poisoned,
    #[error(transparent)]
    OverBudget(#[from] OverBudget),
}

impl ProtocolError {
    /// A short name for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            ProtocolError::Malformed(_) | ProtocolError::BadUpdate(_) => "malformed",
            ProtocolError::Presence(PresenceError::NotJson) => "presence_not_json",
            ProtocolError::Presence(PresenceError::TooManyClients) => "presence_clients",
            ProtocolError::Presence(_) => "presence_too_large",
            ProtocolError::Poisoned => "poisoned",
            ProtocolError::OverBudget(OverBudget::Full { .. }) => "board_full",
            ProtocolError::OverBudget(OverBudget::Busy) => "board_busy",
        }
    }

    /// The WebSocket close code for the socket that caused it (see `docs/protocol.md`).
    pub fn close_code(&self) -> u16 {
        match self {
            ProtocolError::Presence(
                PresenceError::StateTooLarge { .. } | PresenceError::ConnectionTooLarge { .. },
            ) => super::close::TOO_BIG.code,
            ProtocolError::OverBudget(OverBudget::Full { .. }) => super::close::BOARD_FULL,
            ProtocolError::OverBudget(OverBudget::Busy) => super::close::BOARD_BUSY,
            _ => super::close::MALFORMED,
        }
    }
}

#[derive(Debug, Clone)]
struct Peer {
    credential: Credential,
}

/// The document and presence of one session's board.
pub struct Room {
    doc: Doc,
    awareness: AwarenessRegistry,
    peers: HashMap<ConnId, Peer>,
    frozen: bool,
    /// Structs that once failed to integrate (see [`ProtocolError::Poisoned`]). A client that
    /// holds them sends them again on every reconnect; refusing them up front closes only that
    /// socket instead of resetting the room each time.
    refused: IdSet,
    /// The registry's version and its encoded snapshot (`None`: nobody present).
    presence_cache: Option<(u64, Option<Bytes>)>,
    /// What the board may store and how fast it may grow.
    budget: BoardBudget,
    skipped_on_load: usize,
}

impl Default for Room {
    fn default() -> Self {
        Self::new()
    }
}

/// A client id for the server's own edits (check-ins, the follow-up) in one loaded copy of a
/// board. Each copy needs its own: several servers may hold the board at once, and two writers
/// under one id would give different structs the same identity. Browsers draw 32-bit ids, so
/// ids at or above 2³² never meet theirs; below 2⁵³ they stay exact in JavaScript.
fn server_client_id() -> u64 {
    (1 << 32) + rand::random::<u64>() % ((1 << 53) - (1 << 32))
}

impl Room {
    pub fn new() -> Self {
        Self {
            // Text offsets counted as browsers count them: the server's own edits (the
            // follow-up's notes) use the same positions as every editor's.
            doc: app::domain::board::edit::browser_doc(server_client_id()),
            awareness: AwarenessRegistry::default(),
            peers: HashMap::new(),
            frozen: false,
            refused: IdSet::new(),
            presence_cache: None,
            budget: BoardBudget::unlimited(),
            skipped_on_load: 0,
        }
    }

    /// Rebuilds a room from its stored snapshot and log, oldest first.
    /// Bytes that are not an update at all are corruption (an error); an update yrs refuses
    /// to integrate is skipped and counted ([`Self::skipped_on_load`]): a crafted history the
    /// live room once took must not keep the whole board from loading after a restart.
    pub fn load<'a>(updates: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, ProtocolError> {
        let mut room = Self::new();
        let mut skipped = 0;
        {
            let mut txn = room.doc.transact_mut();
            for bytes in updates {
                let update = Update::decode_v1(bytes)
                    .map_err(|e| ProtocolError::BadUpdate(e.to_string()))?;
                if txn.apply_update(update).is_err() {
                    skipped += 1;
                }
            }
        }
        room.skipped_on_load = skipped;
        Ok(room)
    }

    /// Stored updates that did not integrate when the room was loaded.
    pub fn skipped_on_load(&self) -> usize {
        self.skipped_on_load
    }

    /// Caps what the board stores and how fast it grows; `stored`: the bytes of every update
    /// it has stored so far (the log is kept whole for the review page's history).
    pub fn limit(&mut self, limits: &SyncLimits, stored: u64, now: Instant) {
        self.budget = BoardBudget::new(limits, stored, now);
    }

    /// Bytes the board holds in storage, as far as this room knows.
    pub fn stored_bytes(&self) -> u64 {
        self.budget.stored()
    }

    /// A closed session: nobody may write any more. Everyone connected is told at once (with the
    /// protocol's auth-denied message), so their editors turn read-only without trying to write.
    pub fn freeze(&mut self, out: &mut Vec<Effect>) {
        if !self.frozen {
            self.frozen = true;
            out.push(Effect::Broadcast {
                except: None,
                frame: protocol::auth_denied(CLOSED_REASON),
            });
        }
    }

    /// Structs this room (or an earlier load of it) could not integrate: updates that contain any
    /// of them are refused without being applied.
    pub fn refuse(&mut self, ids: &IdSet) {
        self.refused.merge_with(ids.clone());
    }

    pub fn refused(&self) -> &IdSet {
        &self.refused
    }

    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// Connected sockets that may write (`true`) or only read (`false`).
    pub fn peers_that_write(&self, writable: bool) -> usize {
        self.peers
            .values()
            .filter(|p| p.credential.writable == writable)
            .count()
    }

    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    /// Everything the room holds, as one update.
    pub fn full_state(&self) -> Vec<u8> {
        self.doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }

    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    /// What y-websocket's server sends a newcomer: its SyncStep1, then the current presence.
    pub fn join(&mut self, conn: ConnId, credential: Credential, out: &mut Vec<Effect>) {
        let check_in = credential
            .check_in
            .clone()
            .filter(|_| credential.writable && !self.frozen);
        let author = credential.author.clone();
        self.peers.insert(conn, Peer { credential });
        if let Some(update) = check_in.and_then(|who| super::check_in::record(&self.doc, &who)) {
            let update = Bytes::from(update);
            self.budget.add(update.len());
            out.push(Effect::Persist {
                update: update.clone(),
                author,
            });
            out.push(Effect::Broadcast {
                except: None,
                frame: protocol::update(&update),
            });
        }
        out.push(Effect::Send {
            to: conn,
            frame: protocol::sync_step1(&self.state_vector()),
        });
        if let Some(frame) = self.presence_frame() {
            out.push(Effect::Send { to: conn, frame });
        }
    }

    /// Every live presence state as one frame, encoded once per change of the registry rather
    /// than once per newcomer (a room of 200 joining after a restart would re-encode it 200×).
    fn presence_frame(&mut self) -> Option<Bytes> {
        let version = self.awareness.version();
        if let Some((cached, frame)) = &self.presence_cache
            && *cached == version
        {
            return frame.clone();
        }
        let frame = self.awareness.snapshot().map(|s| protocol::awareness(&s));
        self.presence_cache = Some((version, frame.clone()));
        frame
    }

    /// Applies the server's own edit (see [`super::command::ServerEdit`]): stored, then sent to
    /// everyone. A closed board is history and stays as it is.
    pub fn server_edit(
        &mut self,
        edit: &(dyn Fn(&Doc) -> Option<Vec<u8>> + Send + Sync),
        out: &mut Vec<Effect>,
    ) {
        if self.frozen {
            return;
        }
        if let Some(update) = edit(&self.doc) {
            let update = Bytes::from(update);
            self.budget.add(update.len());
            out.push(Effect::Persist {
                update: update.clone(),
                author: None,
            });
            out.push(Effect::Broadcast {
                except: None,
                frame: protocol::update(&update),
            });
        }
    }

    /// Forgets a connection and tells the others its presence is gone.
    pub fn leave(&mut self, conn: ConnId, now: Instant, out: &mut Vec<Effect>) {
        if self.peers.remove(&conn).is_none() {
            return;
        }
        if let Some(removal) = self.awareness.remove_connection(conn, now) {
            out.push(Effect::Broadcast {
                except: Some(conn),
                frame: protocol::awareness(&removal),
            });
            out.push(Effect::Relay {
                presence: Bytes::from(removal.encode_v1()),
            });
        }
    }

    pub fn sweep(&mut self, now: Instant, stale_after: Duration, out: &mut Vec<Effect>) {
        if let Some(removal) = self.awareness.sweep(now, stale_after) {
            out.push(Effect::Broadcast {
                except: None,
                frame: protocol::awareness(&removal),
            });
        }
    }

    /// Handles one frame from `conn`. An error means the frame was malformed: the caller closes
    /// that connection; the room itself is unchanged by the bad frame.
    pub fn receive(
        &mut self,
        conn: ConnId,
        frame: &Bytes,
        now: Instant,
        out: &mut Vec<Effect>,
    ) -> Result<(), ProtocolError> {
        let Some(peer) = self.peers.get(&conn).cloned() else {
            return Ok(());
        };
        match protocol::decode(frame)? {
            Incoming::SyncStep1(sv) => {
                // yrs asserts its invariants by panicking; a document that broke them (through
                // an update the pre-decode walk did not foresee) resets the room, which reloads
                // from storage, instead of killing its task.
                let diff = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.doc.transact().encode_diff_v1(&sv)
                }))
                .map_err(|_| ProtocolError::Poisoned)?;
                out.push(Effect::Send {
                    to: conn,
                    frame: protocol::sync_step2(&diff),
                });
            }
            // An Update frame is forwarded as the very bytes that arrived; a SyncStep2 is re-framed.
            Incoming::SyncStep2(update) => self.apply(conn, peer, update, None, now, out)?,
            Incoming::Update(update) => {
                self.apply(conn, peer, update, Some(frame.clone()), now, out)?
            }
            Incoming::Awareness(update) => {
                // Other browsers JSON.parse these states; one bad state would break all of them.
                // What a state says about who is behind it is the credential's word, not the
                // client's, and a socket only speaks for its own client ids.
                let stamped = self
                    .awareness
                    .receive(conn, &update, &peer.credential, now)?;
                // Echoed to the sender too: a lone client must keep receiving traffic, or
                // y-websocket's 30 s idle timer reconnects it.
                let frame = protocol::awareness(&stamped);
                if stamped.clients.is_empty() {
                    out.push(Effect::Send { to: conn, frame });
                } else {
                    out.push(Effect::Broadcast {
                        except: None,
                        frame,
                    });
                    out.push(Effect::Relay {
                        presence: Bytes::from(stamped.encode_v1()),
                    });
                }
            }
            Incoming::QueryAwareness => {
                if let Some(frame) = self.presence_frame() {
                    out.push(Effect::Send { to: conn, frame });
                }
            }
            Incoming::Auth | Incoming::Unknown(_) => {}
        }
        Ok(())
    }

    fn apply(
        &mut self,
        conn: ConnId,
        peer: Peer,
        update: Bytes,
        frame: Option<Bytes>,
        now: Instant,
        out: &mut Vec<Effect>,
    ) -> Result<(), ProtocolError> {
        if !peer.credential.writable || self.frozen {
            // A read-only peer answers our SyncStep1 too; when it has nothing to offer there is
            // nothing to refuse, and a projector's console stays quiet.
            if update.as_ref() != EMPTY_UPDATE {
                out.push(Effect::Send {
                    to: conn,
                    frame: protocol::auth_denied(READ_ONLY_REASON),
                });
            }
            return Ok(());
        }
        // Every y-websocket client answers our SyncStep1 with an empty update: nothing to store.
        if update.as_ref() == EMPTY_UPDATE {
            return Ok(());
        }
        // Decoded once: a bad update is refused before anything is applied.
        let decoded = protocol::guarded(|| Update::decode_v1(&update))
            .ok_or_else(|| ProtocolError::BadUpdate("no se pudo decodificar".into()))?;
        if !self.refused.is_empty() && !decoded.insertions(true).intersect(&self.refused).is_empty()
        {
            return Err(ProtocolError::BadUpdate(
                "contiene cambios que el tablero ya rechazó".into(),
            ));
        }
        // No real client writes two billion structs. A crafted update that jumps there behind a
        // Skip is integrated by yrs as a gap, and two of them make the room's clocks run past
        // yrs' 32 bits in every diff it sends (found by the fuzzer).
        if decoded
            .insertions(true)
            .iter()
            .any(|(_, ranges)| ranges.iter().any(|r| r.end > MAX_CLOCK))
        {
            return Err(ProtocolError::BadUpdate(
                "relojes fuera del rango de un cliente real".into(),
            ));
        }
        // Counted before it is applied: a refused update leaves the document as it was, and the
        // client keeps it (Yjs clients re-send what the server lacks when they reconnect).
        self.budget.admit(update.len(), now)?;
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.doc.transact_mut().apply_update(decoded)
        }));
        // yrs integrates block by block: an update refused half way (or a panic) may have left
        // part of itself in the document, which nobody persisted. The caller drops the room,
        // which reloads from what is durable (the bad update never was).
        if !matches!(applied, Ok(Ok(()))) {
            // Decoded once more only on this rare path (the first copy went into the document).
            if let Some(again) = protocol::guarded(|| Update::decode_v1(&update)) {
                self.refused.merge_with(again.insertions(true));
            }
            return Err(ProtocolError::Poisoned);
        }
        let frame = frame.unwrap_or_else(|| protocol::update(&update));
        out.push(Effect::Persist {
            update,
            author: peer.credential.author.clone(),
        });
        out.push(Effect::Broadcast {
            except: Some(conn),
            frame,
        });
        Ok(())
    }
}

#[cfg(test)]
#[path = "room_tests.rs"]
mod tests;

#[path = "room_cluster.rs"]
pub mod cluster;
