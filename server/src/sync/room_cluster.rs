//! What a room takes from the other servers on its database, sans I/O: board updates they
//! stored (already durable: applied and forwarded at once, never stored again) and presence
//! their sockets announced (kept under a pseudo-connection per server, so it expires by the
//! usual sweep when that server stops renewing it, for instance because it died).

use std::time::Instant;

use yrs::sync::awareness::AwarenessUpdate;
use yrs::updates::decoder::Decode;
use yrs::{Transact, Update};

use super::{Effect, Room};
use crate::sync::protocol;

/// The pseudo-connection that owns the presence relayed from server `origin` (socket ids count
/// up from 1 in each process, so the top half of the range is free).
pub fn relayed_owner(origin: i64) -> super::ConnId {
    (1 << 63) | (origin as u64 & (u64::MAX >> 1))
}

/// Why a stored update from another server was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StoredUpdateError {
    #[error("una actualización guardada no se pudo decodificar")]
    Undecodable,
    #[error("una actualización guardada no se integró al documento")]
    NotIntegrated,
}

impl Room {
    /// Applies an update another server stored, and forwards it to every local socket. A closed
    /// board takes it too: it was stored before the close (the head refuses later ones).
    pub fn apply_stored(
        &mut self,
        update: &[u8],
        out: &mut Vec<Effect>,
    ) -> Result<(), StoredUpdateError> {
        let decoded = protocol::guarded(|| Update::decode_v1(update))
            .ok_or(StoredUpdateError::Undecodable)?;
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.doc.transact_mut().apply_update(decoded)
        }));
        if !matches!(applied, Ok(Ok(()))) {
            // As when loading: a stored update that does not integrate is skipped, not fatal.
            return Err(StoredUpdateError::NotIntegrated);
        }
        self.budget.add(update.len());
        out.push(Effect::Broadcast {
            except: None,
            frame: protocol::update(update),
        });
        Ok(())
    }

    /// Takes presence another server's sockets announced (stamped and checked there) and tells
    /// the local sockets what changed.
    pub fn receive_relayed_presence(
        &mut self,
        origin: i64,
        update: &AwarenessUpdate,
        now: Instant,
        out: &mut Vec<Effect>,
    ) {
        let owner = relayed_owner(origin);
        let mut accepted = AwarenessUpdate {
            clients: Default::default(),
        };
        for (&client, entry) in &update.clients {
            if self.awareness.may_set(owner, client) {
                accepted.clients.insert(client, entry.clone());
            }
        }
        let before = self.awareness.version();
        self.awareness.apply(owner, &accepted, now);
        if self.awareness.version() != before {
            out.push(Effect::Broadcast {
                except: None,
                frame: protocol::awareness(&accepted),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Credential;
    use std::time::Duration;
    use yrs::sync::awareness::AwarenessUpdateEntry;
    use yrs::{ClientID, Doc, GetString, Text};

    fn typed(client: u64, text: &str) -> Vec<u8> {
        let doc = Doc::with_client_id(client);
        let body = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        body.push(&mut txn, text);
        txn.encode_update_v1()
    }

    fn presence(client: u64, clock: u32, json: &str) -> AwarenessUpdate {
        AwarenessUpdate {
            clients: [(
                ClientID::new(client),
                AwarenessUpdateEntry {
                    clock,
                    json: json.into(),
                },
            )]
            .into(),
        }
    }

    fn has(room: &Room, name: &str) -> bool {
        room.awareness
            .snapshot()
            .is_some_and(|s| s.clients.values().any(|e| e.json.contains(name)))
    }

    #[test]
    fn a_stored_update_is_applied_and_forwarded_never_persisted_again() {
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        out.clear();
        room.apply_stored(&typed(50, "hola"), &mut out).unwrap();
        assert!(
            out.iter()
                .all(|e| matches!(e, Effect::Broadcast { except: None, .. }))
        );
        assert_eq!(out.len(), 1);
        let text = room.doc().get_or_insert_text("t");
        assert_eq!(text.get_string(&room.doc().transact()), "hola");
        // The same row again (a catch-up overlapping a notification) changes nothing.
        room.apply_stored(&typed(50, "hola"), &mut Vec::new())
            .unwrap();
        assert_eq!(text.get_string(&room.doc().transact()), "hola");
        assert_eq!(
            room.apply_stored(&[0xff, 0x01], &mut Vec::new()),
            Err(StoredUpdateError::Undecodable)
        );
    }

    #[test]
    fn relayed_presence_reaches_local_sockets_and_expires_when_not_renewed() {
        let mut room = Room::new();
        let mut out = Vec::new();
        room.join(1, Credential::writer(), &mut out);
        out.clear();
        let start = Instant::now();
        room.receive_relayed_presence(
            7,
            &presence(900, 1, r#"{"user":{"name":"Ana"}}"#),
            start,
            &mut out,
        );
        assert_eq!(out.len(), 1, "told to the local socket");
        // A local socket cannot take over a client id another server speaks for.
        let mut later = Vec::new();
        let frame = protocol::awareness(&presence(900, 5, r#"{"user":{"name":"Impostor"}}"#));
        room.receive(1, &frame, start, &mut later).unwrap();
        assert!(has(&room, "Ana"));
        // Its server stops renewing it (it died): the sweep removes it.
        let mut swept = Vec::new();
        room.sweep(
            start + Duration::from_secs(31),
            Duration::from_secs(30),
            &mut swept,
        );
        assert!(!has(&room, "Ana"));
        assert_eq!(swept.len(), 1, "the removal is told to the local socket");
    }
}
