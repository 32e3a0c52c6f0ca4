//! A room case: what several sockets do to one room, in order, and its file format (failures are
//! saved in it and `--replay` reads it back).

use bytes::Bytes;

/// Sockets of a case: 1, 2 and 4 write; 3 only reads (a projector, a revoked link).
pub const CONNS: [u8; 4] = [1, 2, 3, 4];

pub fn writable(conn: u8) -> bool {
    conn != 3
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A frame from a socket. `honest`: what that client really did (its own edit or
    /// handshake), which its replica holds; other frames are made up or mutated.
    Frame {
        conn: u8,
        honest: bool,
        frame: Bytes,
    },
    Leave(u8),
    Join(u8),
    /// The session closes: the board turns read-only.
    Freeze,
    /// 31 s pass and stale presence is swept.
    Sweep,
}

const MAGIC: &[u8] = b"SALA-ROOM-CASE 1\n";

pub fn encode(events: &[Event]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for event in events {
        match event {
            Event::Frame {
                conn,
                honest,
                frame,
            } => {
                out.extend_from_slice(&[0, *conn, u8::from(*honest)]);
                out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                out.extend_from_slice(frame);
            }
            Event::Leave(conn) => out.extend_from_slice(&[1, *conn]),
            Event::Join(conn) => out.extend_from_slice(&[2, *conn]),
            Event::Freeze => out.push(3),
            Event::Sweep => out.push(4),
        }
    }
    out
}

#[derive(Debug, thiserror::Error)]
#[error("caso de sala ilegible (byte {0})")]
pub struct BadCase(usize);

pub fn decode(bytes: &[u8]) -> Result<Vec<Event>, BadCase> {
    let mut at = MAGIC.len();
    if !bytes.starts_with(MAGIC) {
        return Err(BadCase(0));
    }
    let take = |at: &mut usize, n: usize| -> Result<&[u8], BadCase> {
        let slice = bytes.get(*at..*at + n).ok_or(BadCase(*at))?;
        *at += n;
        Ok(slice)
    };
    let conn = |at: &mut usize| -> Result<u8, BadCase> {
        let c = take(at, 1)?[0];
        CONNS.contains(&c).then_some(c).ok_or(BadCase(*at))
    };
    let mut events = Vec::new();
    while at < bytes.len() {
        let event = match take(&mut at, 1)?[0] {
            0 => {
                let conn = conn(&mut at)?;
                let honest = take(&mut at, 1)?[0] == 1;
                let len = take(&mut at, 4)?;
                let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
                let frame = Bytes::copy_from_slice(take(&mut at, len)?);
                Event::Frame {
                    conn,
                    honest,
                    frame,
                }
            }
            1 => Event::Leave(conn(&mut at)?),
            2 => Event::Join(conn(&mut at)?),
            3 => Event::Freeze,
            4 => Event::Sweep,
            _ => return Err(BadCase(at - 1)),
        };
        events.push(event);
    }
    Ok(events)
}

/// The captured y-websocket session as one case: files `NNN-<client>-<kind>.bin` in order,
/// clients a, b → sockets 1, 2 (writers) and c → 3 (the projector, read-only).
pub fn from_capture(files: &[(String, Bytes)]) -> Option<Vec<Event>> {
    let mut events = vec![Event::Join(1), Event::Join(2), Event::Join(3)];
    for (name, frame) in files {
        let conn = match name.split('-').nth(1)? {
            "a" => 1,
            "b" => 2,
            "c" => 3,
            _ => return None,
        };
        events.push(Event::Frame {
            conn,
            honest: true,
            frame: frame.clone(),
        });
    }
    (events.len() > 3).then_some(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_round_trip_through_their_file_format() {
        let events = vec![
            Event::Frame {
                conn: 1,
                honest: true,
                frame: Bytes::from_static(&[0, 2, 2, 0, 0]),
            },
            Event::Leave(3),
            Event::Join(3),
            Event::Freeze,
            Event::Sweep,
            Event::Frame {
                conn: 4,
                honest: false,
                frame: Bytes::new(),
            },
        ];
        assert_eq!(decode(&encode(&events)).unwrap(), events);
        assert!(decode(b"otra cosa").is_err());
        let mut cut = encode(&events);
        cut.truncate(cut.len() - 3);
        assert!(decode(&cut[..MAGIC.len() + 5]).is_err());
    }
}
