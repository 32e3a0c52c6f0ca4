//! What servers tell each other through PostgreSQL's notifications, sans I/O: each payload is
//! `ORIGIN BODY`, where ORIGIN is the sending process (a listener skips its own) and BODY
//! depends on the channel. Payloads stay under PostgreSQL's 8,000-byte limit; what would not
//! fit is split (presence) or capped at the source (boards, see `store::BOARDS_PER_NOTIFICATION`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use yrs::sync::awareness::AwarenessUpdate;
use yrs::updates::encoder::Encode;

pub use crate::store::BOARD_CHANNEL;
/// Presence relayed between the rooms of one board: `ORIGIN SESSION BASE64(awareness update)`.
pub const PRESENCE_CHANNEL: &str = "sala_presence";
/// Everything else a server's pages must hear (JSON [`Event`]).
pub const EVENT_CHANNEL: &str = "sala_event";

/// The largest payload sent (PostgreSQL refuses 8,000 bytes and more).
pub const MAX_PAYLOAD: usize = 7_900;

/// A change another server's pages or rooms must hear of.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Event {
    /// A board's projection changed: dashboards over its Mesa read again.
    Projected { session_id: i64, mesa_code: String },
    /// Something dashboards show changed without a board (an escalation, imported indicators:
    /// `mesa_code` `*` concerns every scope).
    Invalidated { mesa_code: Option<String> },
    /// A session's polls or evidence changed (`topic`: the event streams' name for it).
    Session { session_id: i64, topic: String },
    /// A board was closed: its rooms turn read-only.
    Frozen { session_id: i64 },
}

/// Why a payload was not understood (a server of another version, or not Sala's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("notificación sin origen")]
    NoOrigin,
    #[error("notificación ilegible: {0}")]
    Unreadable(&'static str),
}

/// Splits `ORIGIN BODY`.
pub fn origin_of(payload: &str) -> Result<(i64, &str), WireError> {
    let (origin, body) = payload.split_once(' ').ok_or(WireError::NoOrigin)?;
    let origin = origin.parse().map_err(|_| WireError::NoOrigin)?;
    Ok((origin, body))
}

/// The boards a `sala_board` body names, with the highest sequence stored for each.
pub fn boards(body: &str) -> Result<Vec<(i64, i64)>, WireError> {
    body.split(',')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (board, seq) = pair
                .split_once(':')
                .ok_or(WireError::Unreadable("tablero"))?;
            Ok((
                board
                    .parse()
                    .map_err(|_| WireError::Unreadable("tablero"))?,
                seq.parse()
                    .map_err(|_| WireError::Unreadable("secuencia"))?,
            ))
        })
        .collect()
}

pub fn event(origin: i64, event: &Event) -> String {
    // A plain enum of strings and numbers always serializes.
    format!(
        "{origin} {}",
        serde_json::to_string(event).unwrap_or_default()
    )
}

pub fn parse_event(body: &str) -> Result<Event, WireError> {
    serde_json::from_str(body).map_err(|_| WireError::Unreadable("evento"))
}

/// Payloads relaying `update` (of `session_id`'s board): one per group of clients that fits.
/// A single state is at most 4 KiB of JSON (the room refuses more), so each fits alone.
pub fn presence(origin: i64, session_id: i64, update: &AwarenessUpdate) -> Vec<String> {
    let head = format!("{origin} {session_id} ");
    let encode = |update: &AwarenessUpdate| STANDARD.encode(update.encode_v1());
    let whole = encode(update);
    if head.len() + whole.len() <= MAX_PAYLOAD {
        return vec![head + &whole];
    }
    let mut payloads = Vec::new();
    let mut group = AwarenessUpdate {
        clients: Default::default(),
    };
    for (client, entry) in &update.clients {
        let mut bigger = group.clone();
        bigger.clients.insert(*client, entry.clone());
        if !group.clients.is_empty() && head.len() + encode(&bigger).len() > MAX_PAYLOAD {
            payloads.push(head.clone() + &encode(&group));
            group.clients.clear();
            group.clients.insert(*client, entry.clone());
        } else {
            group = bigger;
        }
    }
    if !group.clients.is_empty() {
        payloads.push(head + &encode(&group));
    }
    payloads
}

/// A `sala_presence` body: the board and the encoded awareness update.
pub fn parse_presence(body: &str) -> Result<(i64, Vec<u8>), WireError> {
    let (session, data) = body
        .split_once(' ')
        .ok_or(WireError::Unreadable("presencia"))?;
    let session = session
        .parse()
        .map_err(|_| WireError::Unreadable("presencia"))?;
    let data = STANDARD
        .decode(data)
        .map_err(|_| WireError::Unreadable("presencia"))?;
    Ok((session, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::ClientID;
    use yrs::sync::awareness::AwarenessUpdateEntry;
    use yrs::updates::decoder::Decode;

    #[test]
    fn board_payloads_name_boards_and_heads() {
        let (origin, body) = origin_of("77 12:5,13:900").unwrap();
        assert_eq!(origin, 77);
        assert_eq!(boards(body).unwrap(), vec![(12, 5), (13, 900)]);
        assert_eq!(origin_of("sin-origen"), Err(WireError::NoOrigin));
        assert!(boards("12:x").is_err());
    }

    #[test]
    fn events_round_trip() {
        let sent = Event::Projected {
            session_id: 4,
            mesa_code: "ML-01".into(),
        };
        let payload = event(9, &sent);
        let (origin, body) = origin_of(&payload).unwrap();
        assert_eq!((origin, parse_event(body).unwrap()), (9, sent));
        assert!(parse_event("{\"k\":\"otro\"}").is_err());
    }

    #[test]
    fn presence_that_does_not_fit_one_payload_is_split_by_client_and_loses_nobody() {
        let state = format!("{{\"user\":{{\"name\":\"{}\"}}}}", "a".repeat(3_000));
        let update = AwarenessUpdate {
            clients: (1..=8u64)
                .map(|c| {
                    (
                        ClientID::new(c),
                        AwarenessUpdateEntry {
                            clock: 1,
                            json: state.clone().into(),
                        },
                    )
                })
                .collect(),
        };
        let payloads = presence(5, 40, &update);
        assert!(payloads.len() > 1);
        let mut seen = 0;
        for payload in &payloads {
            assert!(payload.len() <= MAX_PAYLOAD, "{}", payload.len());
            let (origin, body) = origin_of(payload).unwrap();
            assert_eq!(origin, 5);
            let (session, data) = parse_presence(body).unwrap();
            assert_eq!(session, 40);
            seen += AwarenessUpdate::decode_v1(&data).unwrap().clients.len();
        }
        assert_eq!(seen, 8);
    }
}
