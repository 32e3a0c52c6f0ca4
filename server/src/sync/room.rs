//! One board's room, sans I/O: frames in, effects out. The caller (the room task) performs the
//! effects in order, making every `Persist` durable before any effect that follows it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use yrs::updates::decoder::Decode;
use yrs::{Doc, IdSet, ReadTxn, StateVector, Transact, Update};

use super::awareness::{self, AwarenessRegistry};
use super::protocol::{self, DecodeError, Incoming};
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};

pub use super::peer::ConnId;
use super::peer::Credential;

/// A browser tab has one awareness client; a few more leave room for subdocuments and tests.
pub const MAX_PRESENCE_PER_CONNECTION: usize = 8;

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
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("mensaje malformado: {0}")]
    Malformed(#[from] DecodeError),
    #[error("actualización inválida: {0}")]
    BadUpdate(String),
    #[error("estado de presencia que no es JSON")]
    BadAwarenessJson,
    #[error("actualización que el motor CRDT no pudo integrar")]
    Poisoned,
    #[error("demasiados clientes de presencia en una conexión")]
    TooManyPresences,
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
}

impl Default for Room {
    fn default() -> Self {
        Self::new()
    }
}

impl Room {
    pub fn new() -> Self {
        // The server never edits; its client id only has to be stable and not collide in spirit.
        Self {
            doc: Doc::with_client_id(1),
            awareness: AwarenessRegistry::default(),
            peers: HashMap::new(),
            frozen: false,
            refused: IdSet::new(),
        }
    }

    /// Rebuilds a room from its stored snapshot and log, oldest first.
    pub fn load<'a>(updates: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, ProtocolError> {
        let room = Self::new();
        {
            let mut txn = room.doc.transact_mut();
            for bytes in updates {
                let update = Update::decode_v1(bytes)
                    .map_err(|e| ProtocolError::BadUpdate(e.to_string()))?;
                txn.apply_update(update)
                    .map_err(|e| ProtocolError::BadUpdate(e.to_string()))?;
            }
        }
        Ok(room)
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
        if let Some(states) = self.awareness.snapshot() {
            out.push(Effect::Send {
                to: conn,
                frame: protocol::awareness(&states),
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
                let diff = self.doc.transact().encode_diff_v1(&sv);
                out.push(Effect::Send {
                    to: conn,
                    frame: protocol::sync_step2(&diff),
                });
            }
            // An Update frame is forwarded as the very bytes that arrived; a SyncStep2 is re-framed.
            Incoming::SyncStep2(update) => self.apply(conn, peer, update, None, out)?,
            Incoming::Update(update) => self.apply(conn, peer, update, Some(frame.clone()), out)?,
            Incoming::Awareness(update) => {
                if !self
                    .awareness
                    .within_limit(conn, &update, MAX_PRESENCE_PER_CONNECTION)
                {
                    return Err(ProtocolError::TooManyPresences);
                }
                // Other browsers JSON.parse these states; one bad state would break all of them.
                // What a state says about who is behind it is the credential's word, not the
                // client's, and a socket only speaks for its own client ids.
                let mut stamped = AwarenessUpdate {
                    clients: Default::default(),
                };
                for (&client, entry) in &update.clients {
                    if !self.awareness.may_set(conn, client) {
                        continue;
                    }
                    let json = awareness::stamp(&entry.json, &peer.credential)
                        .ok_or(ProtocolError::BadAwarenessJson)?;
                    stamped.clients.insert(
                        client,
                        AwarenessUpdateEntry {
                            clock: entry.clock,
                            json: json.into(),
                        },
                    );
                }
                self.awareness.apply(conn, &stamped, now);
                // Echoed to the sender too: a lone client must keep receiving traffic, or
                // y-websocket's 30 s idle timer reconnects it.
                let frame = protocol::awareness(&stamped);
                out.push(if stamped.clients.is_empty() {
                    Effect::Send { to: conn, frame }
                } else {
                    Effect::Broadcast {
                        except: None,
                        frame,
                    }
                });
            }
            Incoming::QueryAwareness => {
                if let Some(states) = self.awareness.snapshot() {
                    out.push(Effect::Send {
                        to: conn,
                        frame: protocol::awareness(&states),
                    });
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
mod tests {
    use std::collections::HashMap;

    use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
    use yrs::{ClientID, GetString, Text};

    use super::*;

    fn edit(client: u64, text: &str) -> Vec<u8> {
        let doc = Doc::with_client_id(client);
        let t = doc.get_or_insert_text("notes");
        let mut txn = doc.transact_mut();
        t.insert(&mut txn, 0, text);
        txn.encode_update_v1()
    }

    fn text_of(room: &Room) -> String {
        room.doc()
            .get_or_insert_text("notes")
            .get_string(&room.doc().transact())
    }

    /// Two histories of client 77 that cannot both be true: in the first, struct (77,0) is a
    /// plain value; the second's struct (77,1) is an entry of a map that, in its own history, is
    /// (77,0). Applying both makes yrs refuse (77,1) half way ("parent must be a type").
    fn conflicting_histories() -> (Vec<u8>, Vec<u8>) {
        use yrs::{Map, MapPrelim};
        let plain = Doc::with_client_id(77);
        let first = {
            let root = plain.get_or_insert_map("m");
            let mut txn = plain.transact_mut();
            root.insert(&mut txn, "k", "texto");
            txn.encode_update_v1()
        };
        let nested = Doc::with_client_id(77);
        let root = nested.get_or_insert_map("m");
        let inner = root.insert(&mut nested.transact_mut(), "k", MapPrelim::default());
        let before = nested.transact().state_vector();
        inner.insert(&mut nested.transact_mut(), "x", 1);
        let second = nested.transact().encode_diff_v1(&before);
        (first, second)
    }

    #[test]
    fn an_update_that_once_broke_the_room_is_refused_alone_after_the_reload() {
        let (first, poison) = conflicting_histories();
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        room.join(2, Credential::writer(), &mut out);
        room.receive(2, &protocol::update(&first), Instant::now(), &mut out)
            .unwrap();
        out.clear();
        assert_eq!(
            room.receive(2, &protocol::update(&poison), Instant::now(), &mut out),
            Err(ProtocolError::Poisoned)
        );
        assert!(out.is_empty(), "nothing is stored or forwarded");

        // The caller reloads the room from what was stored, carrying what it refused.
        let mut reloaded = Room::load([first.as_slice()]).unwrap();
        reloaded.refuse(room.refused());
        reloaded.join(1, Credential::writer(), &mut out);
        reloaded.join(2, Credential::writer(), &mut out);
        let before = reloaded.full_state();
        out.clear();
        // The client reconnects and sends the same again, as y-websocket does: refused without
        // touching the room.
        assert!(matches!(
            reloaded.receive(2, &protocol::sync_step2(&poison), Instant::now(), &mut out),
            Err(ProtocolError::BadUpdate(_))
        ));
        assert!(out.is_empty());
        assert_eq!(reloaded.full_state(), before);
        // Everyone else's edits still go through.
        reloaded
            .receive(
                1,
                &protocol::update(&edit(5, "sigue")),
                Instant::now(),
                &mut out,
            )
            .unwrap();
        assert_eq!(text_of(&reloaded), "sigue");
    }

    #[test]
    fn a_newcomer_gets_our_state_vector_then_presence() {
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        assert_eq!(
            out,
            vec![Effect::Send {
                to: 1,
                frame: protocol::sync_step1(&StateVector::default())
            }]
        );

        let mut clients = HashMap::new();
        clients.insert(
            ClientID::new(9),
            AwarenessUpdateEntry {
                clock: 1,
                // Already what the server stamps (this credential's role), so echoed as is.
                json: r#"{"user":{"name":"Ana","role":"participante"}}"#.into(),
            },
        );
        let presence = protocol::awareness(&AwarenessUpdate { clients });
        out.clear();
        room.receive(1, &presence, Instant::now(), &mut out)
            .unwrap();
        assert_eq!(
            out,
            vec![Effect::Broadcast {
                except: None,
                frame: presence.clone()
            }],
            "echoed to all"
        );

        out.clear();
        room.join(2, Credential::writer(), &mut out);
        assert_eq!(out.len(), 2);
        assert!(
            matches!(&out[1], Effect::Send { to: 2, frame } if protocol::decode(frame).is_ok())
        );
    }

    #[test]
    fn an_update_is_persisted_before_it_is_forwarded_to_the_others() {
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        room.join(2, Credential::writer(), &mut out);
        out.clear();
        let update = edit(100, "acta");
        let frame = protocol::update(&update);
        room.receive(1, &frame, Instant::now(), &mut out).unwrap();
        assert_eq!(
            out,
            vec![
                Effect::Persist {
                    update: Bytes::from(update.clone()),
                    author: None,
                },
                Effect::Broadcast {
                    except: Some(1),
                    frame: frame.clone()
                },
            ]
        );
        assert_eq!(text_of(&room), "acta");

        // SyncStep2 from a client is applied the same way and forwarded as an Update.
        out.clear();
        let second = edit(200, "x");
        room.receive(2, &protocol::sync_step2(&second), Instant::now(), &mut out)
            .unwrap();
        assert_eq!(
            out[1],
            Effect::Broadcast {
                except: Some(2),
                frame: protocol::update(&second)
            }
        );
    }

    #[test]
    fn sync_step1_is_answered_with_exactly_what_the_peer_lacks() {
        let mut room = Room::load([edit(100, "hola").as_slice()]).unwrap();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        out.clear();
        room.receive(
            1,
            &protocol::sync_step1(&StateVector::default()),
            Instant::now(),
            &mut out,
        )
        .unwrap();
        let Effect::Send { to: 1, frame } = &out[0] else {
            panic!("{out:?}")
        };
        let Incoming::SyncStep2(diff) = protocol::decode(frame).unwrap() else {
            panic!()
        };
        let replica = Room::load([diff.as_ref()]).unwrap();
        assert_eq!(text_of(&replica), "hola");
    }

    #[test]
    fn read_only_peers_and_frozen_rooms_are_refused_with_auth_denied() {
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(
            1,
            Credential {
                writable: false,
                ..Credential::writer()
            },
            &mut out,
        );
        room.join(2, Credential::writer(), &mut out);
        out.clear();
        room.receive(
            1,
            &protocol::update(&edit(100, "no")),
            Instant::now(),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            out,
            vec![Effect::Send {
                to: 1,
                frame: protocol::auth_denied(READ_ONLY_REASON)
            }]
        );
        assert_eq!(text_of(&room), "");

        out.clear();
        room.receive(1, &protocol::sync_step2(&[0, 0]), Instant::now(), &mut out)
            .unwrap();
        assert!(
            out.is_empty(),
            "an empty SyncStep2 from a reader is not an edit"
        );

        room.freeze(&mut out);
        assert_eq!(
            out,
            vec![Effect::Broadcast {
                except: None,
                frame: protocol::auth_denied(CLOSED_REASON)
            }],
            "everyone hears the board is closed"
        );
        out.clear();
        room.receive(
            2,
            &protocol::update(&edit(200, "tarde")),
            Instant::now(),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            out,
            vec![Effect::Send {
                to: 2,
                frame: protocol::auth_denied(READ_ONLY_REASON)
            }]
        );
        // Reading still works for everyone.
        out.clear();
        room.receive(
            1,
            &protocol::sync_step1(&StateVector::default()),
            Instant::now(),
            &mut out,
        )
        .unwrap();
        assert!(matches!(out[0], Effect::Send { to: 1, .. }));
    }

    #[test]
    fn malformed_frames_are_errors_and_leave_the_room_untouched() {
        let mut room = Room::load([edit(100, "intacto").as_slice()]).unwrap();
        let before = room.state_vector();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        out.clear();
        for frame in [
            Bytes::from_static(&[0, 2, 3, 1, 2, 3]),
            Bytes::from_static(&[0, 9]),
            Bytes::from_static(&[0xff]),
            protocol::awareness(&AwarenessUpdate {
                clients: [(
                    ClientID::new(1),
                    AwarenessUpdateEntry {
                        clock: 1,
                        json: "{no es json".into(),
                    },
                )]
                .into(),
            }),
        ] {
            assert!(
                room.receive(1, &frame, Instant::now(), &mut out).is_err(),
                "{frame:?}"
            );
        }
        assert!(out.is_empty());
        assert_eq!(room.state_vector(), before);
        assert_eq!(text_of(&room), "intacto");
    }

    #[test]
    fn one_socket_cannot_announce_unbounded_presence() {
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(
            1,
            Credential {
                writable: false,
                ..Credential::writer()
            },
            &mut out,
        );
        let many = |n: u64| {
            protocol::awareness(&AwarenessUpdate {
                clients: (0..n)
                    .map(|c| {
                        (
                            ClientID::new(c + 1),
                            AwarenessUpdateEntry {
                                clock: 1,
                                json: "{}".into(),
                            },
                        )
                    })
                    .collect(),
            })
        };
        assert!(
            room.receive(
                1,
                &many(MAX_PRESENCE_PER_CONNECTION as u64),
                Instant::now(),
                &mut out
            )
            .is_ok()
        );
        assert_eq!(
            room.receive(
                1,
                &many(MAX_PRESENCE_PER_CONNECTION as u64 + 1),
                Instant::now(),
                &mut out
            ),
            Err(ProtocolError::TooManyPresences)
        );
    }

    #[test]
    fn leaving_and_going_silent_remove_presence() {
        let t0 = Instant::now();
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        room.join(2, Credential::writer(), &mut out);
        let presence = |client: u64| {
            protocol::awareness(&AwarenessUpdate {
                clients: [(
                    ClientID::new(client),
                    AwarenessUpdateEntry {
                        clock: 1,
                        json: "{}".into(),
                    },
                )]
                .into(),
            })
        };
        room.receive(1, &presence(11), t0, &mut out).unwrap();
        room.receive(2, &presence(22), t0, &mut out).unwrap();
        out.clear();
        room.leave(1, t0, &mut out);
        let [
            Effect::Broadcast {
                except: Some(1),
                frame,
            },
        ] = out.as_slice()
        else {
            panic!("{out:?}")
        };
        let Incoming::Awareness(removal) = protocol::decode(frame).unwrap() else {
            panic!()
        };
        assert_eq!(&*removal.clients[&ClientID::new(11)].json, "null");

        out.clear();
        room.sweep(
            t0 + Duration::from_secs(31),
            super::super::awareness::DEFAULT_STALE_AFTER,
            &mut out,
        );
        let [
            Effect::Broadcast {
                except: None,
                frame,
            },
        ] = out.as_slice()
        else {
            panic!("{out:?}")
        };
        let Incoming::Awareness(removal) = protocol::decode(frame).unwrap() else {
            panic!()
        };
        assert!(removal.clients.contains_key(&ClientID::new(22)));
    }
}
