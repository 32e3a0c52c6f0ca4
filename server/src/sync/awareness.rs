//! Presence (y-protocols awareness) as the server keeps it: who is connected through which socket,
//! with what state, last renewed when. Pure: time is passed in.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use yrs::ClientID;
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};

use super::peer::ConnId;

/// y-protocols' `outdatedTimeout`: clients renew every 15 s, so 30 s of silence means gone.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(30);
/// How long a removed client's clock is remembered, so a late duplicate cannot resurrect it.
const FORGET_AFTER: Duration = Duration::from_secs(300);

/// A browser tab has one awareness client; a few more leave room for subdocuments and tests.
pub const MAX_CLIENTS_PER_CONNECTION: usize = 8;
/// The largest presence state (its JSON, as stamped): a name, a colour, a cursor and what is
/// being edited take a few hundred bytes. Every newcomer receives every state, so this bounds
/// what one socket can make the room send to all.
pub const MAX_STATE_BYTES: usize = 4 * 1024;
/// All the live states one socket speaks for, together.
pub const MAX_BYTES_PER_CONNECTION: usize = 16 * 1024;

/// Why a presence update was refused (the socket that sent it is closed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresenceError {
    #[error("estado de presencia que no es JSON")]
    NotJson,
    #[error(
        "demasiados clientes de presencia en una conexión (máximo {MAX_CLIENTS_PER_CONNECTION})"
    )]
    TooManyClients,
    #[error("estado de presencia demasiado grande ({bytes} bytes; máximo {MAX_STATE_BYTES})")]
    StateTooLarge { bytes: usize },
    #[error(
        "la presencia de una conexión ocupa demasiado ({bytes} bytes; máximo {MAX_BYTES_PER_CONNECTION})"
    )]
    ConnectionTooLarge { bytes: usize },
}

#[derive(Debug, Clone)]
struct Entry {
    clock: u32,
    /// `None` once the client left (JSON `null`).
    state: Option<Arc<str>>,
    last_updated: Instant,
    owner: ConnId,
}

#[derive(Debug, Default)]
pub struct AwarenessRegistry {
    entries: HashMap<ClientID, Entry>,
    /// Bumped whenever a live state changes, so the room can reuse its encoded snapshot for
    /// every newcomer until then.
    version: u64,
}

/// A presence state as the room passes it on: the `user` it describes carries the credential's role
/// and, when the invitation names someone, its name; a colour that is not `#rrggbb` is dropped (the
/// pages put it in a style attribute). A removal (`null`) stays one. `None`: not JSON.
pub fn stamp(json: &str, credential: &super::peer::Credential) -> Option<String> {
    use serde_json::{Map, Value};
    let mut state: Value = serde_json::from_str(json).ok()?;
    if state.is_null() {
        return Some("null".into());
    }
    if !state.is_object() {
        state = Value::Object(Map::new());
    }
    let fields = state.as_object_mut()?;
    let user = fields
        .entry("user")
        .or_insert_with(|| Value::Object(Map::new()));
    if !user.is_object() {
        *user = Value::Object(Map::new());
    }
    let user = user.as_object_mut()?;
    user.insert("role".into(), Value::from(credential.role));
    if let Some(name) = &credential.name {
        user.insert("name".into(), Value::from(&**name));
    }
    let colour_ok = |c: &str| {
        c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit())
    };
    if user
        .get("color")
        .is_some_and(|c| !c.as_str().is_some_and(colour_ok))
    {
        user.remove("color");
    }
    Some(state.to_string())
}

impl AwarenessRegistry {
    /// Takes a presence update from `conn`: checks its limits, keeps only the clients the socket
    /// speaks for, stamps each state with what `credential` says, applies it and returns what
    /// to pass on. Nothing is applied when any limit is broken.
    pub fn receive(
        &mut self,
        conn: ConnId,
        update: &AwarenessUpdate,
        credential: &super::peer::Credential,
        now: Instant,
    ) -> Result<AwarenessUpdate, PresenceError> {
        if !self.within_limit(conn, update, MAX_CLIENTS_PER_CONNECTION) {
            return Err(PresenceError::TooManyClients);
        }
        let mut stamped = AwarenessUpdate {
            clients: HashMap::with_capacity(update.clients.len()),
        };
        for (&client, entry) in &update.clients {
            if !self.may_set(conn, client) {
                continue;
            }
            // Refused before parsing: a megabyte of JSON costs more to read than to reject.
            if entry.json.len() > MAX_STATE_BYTES {
                return Err(PresenceError::StateTooLarge {
                    bytes: entry.json.len(),
                });
            }
            let json = stamp(&entry.json, credential).ok_or(PresenceError::NotJson)?;
            if json.len() > MAX_STATE_BYTES {
                return Err(PresenceError::StateTooLarge { bytes: json.len() });
            }
            stamped.clients.insert(
                client,
                AwarenessUpdateEntry {
                    clock: entry.clock,
                    json: json.into(),
                },
            );
        }
        let kept: usize = self
            .entries
            .iter()
            .filter(|(id, e)| e.owner == conn && !stamped.clients.contains_key(id))
            .filter_map(|(_, e)| e.state.as_ref().map(|s| s.len()))
            .sum();
        let bytes = kept
            + stamped
                .clients
                .values()
                .filter(|e| &*e.json != "null")
                .map(|e| e.json.len())
                .sum::<usize>();
        if bytes > MAX_BYTES_PER_CONNECTION {
            return Err(PresenceError::ConnectionTooLarge { bytes });
        }
        self.apply(conn, &stamped, now);
        Ok(stamped)
    }

    /// Changes whenever the set of live states does.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether `conn` may set or remove `client`'s state: a client id another live socket
    /// speaks for is that socket's (one tab cannot rewrite or remove another's presence).
    pub fn may_set(&self, conn: ConnId, client: ClientID) -> bool {
        self.entries
            .get(&client)
            .is_none_or(|e| e.owner == conn || e.state.is_none())
    }

    /// Applies the entries that are newer than what we know (y-protocols' clock rule).
    pub fn apply(&mut self, conn: ConnId, update: &AwarenessUpdate, now: Instant) {
        for (&client, entry) in &update.clients {
            let removal = &*entry.json == "null";
            let accept = match self.entries.get(&client) {
                None => true,
                Some(current) => {
                    current.clock < entry.clock
                        || (current.clock == entry.clock && removal && current.state.is_some())
                }
            };
            if accept {
                self.version += 1;
                self.entries.insert(
                    client,
                    Entry {
                        clock: entry.clock,
                        state: (!removal).then(|| entry.json.clone()),
                        last_updated: now,
                        owner: conn,
                    },
                );
            }
        }
    }

    /// Whether `update` keeps `conn` within `max` live presence clients (each socket announces
    /// its own; an unbounded number would let one socket fill the server's memory).
    fn within_limit(&self, conn: ConnId, update: &AwarenessUpdate, max: usize) -> bool {
        let mut owned: Vec<ClientID> = self
            .entries
            .iter()
            .filter(|(_, e)| e.owner == conn && e.state.is_some())
            .map(|(id, _)| *id)
            .collect();
        for (id, entry) in &update.clients {
            if &*entry.json != "null" && !owned.contains(id) {
                owned.push(*id);
            }
        }
        owned.len() <= max
    }

    /// Every live state, for a newcomer or a QueryAwareness.
    pub fn snapshot(&self) -> Option<AwarenessUpdate> {
        let clients: HashMap<_, _> = self
            .entries
            .iter()
            .filter_map(|(&id, e)| {
                e.state.as_ref().map(|s| {
                    (
                        id,
                        AwarenessUpdateEntry {
                            clock: e.clock,
                            json: s.clone(),
                        },
                    )
                })
            })
            .collect();
        (!clients.is_empty()).then_some(AwarenessUpdate { clients })
    }

    /// Marks the clients of a closing connection as gone; returns the removal to broadcast.
    pub fn remove_connection(&mut self, conn: ConnId, now: Instant) -> Option<AwarenessUpdate> {
        self.remove_where(now, |e| e.owner == conn)
    }

    /// Removes states not renewed within `stale_after`; returns the removal to broadcast.
    pub fn sweep(&mut self, now: Instant, stale_after: Duration) -> Option<AwarenessUpdate> {
        self.entries
            .retain(|_, e| e.state.is_some() || now.duration_since(e.last_updated) < FORGET_AFTER);
        self.remove_where(now, |e| now.duration_since(e.last_updated) >= stale_after)
    }

    fn remove_where(
        &mut self,
        now: Instant,
        pick: impl Fn(&Entry) -> bool,
    ) -> Option<AwarenessUpdate> {
        let mut clients = HashMap::new();
        for (&id, entry) in self.entries.iter_mut() {
            if entry.state.is_some() && pick(entry) {
                self.version += 1;
                entry.clock += 1;
                entry.state = None;
                entry.last_updated = now;
                clients.insert(
                    id,
                    AwarenessUpdateEntry {
                        clock: entry.clock,
                        json: "null".into(),
                    },
                );
            }
        }
        (!clients.is_empty()).then_some(AwarenessUpdate { clients })
    }

    pub fn live_count(&self) -> usize {
        self.entries.values().filter(|e| e.state.is_some()).count()
    }
}

#[cfg(test)]
#[path = "awareness_tests.rs"]
mod tests;
