//! The Yjs sync + awareness wire format (y-protocols), one message per binary frame.
//!
//! Decoding slices the incoming frame instead of copying: an update's payload is forwarded to
//! other peers and persisted as the very bytes that arrived. Every payload yrs will decode is
//! walked first by [`precheck`], which refuses counts the frame cannot hold (yrs reserves memory
//! from them) and values nested too deep (yrs recurses).

use bytes::{BufMut, Bytes, BytesMut};
use yrs::StateVector;
use yrs::sync::awareness::AwarenessUpdate;
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;

pub mod precheck;

pub const MSG_SYNC: u64 = 0;
pub const MSG_AWARENESS: u64 = 1;
pub const MSG_AUTH: u64 = 2;
pub const MSG_QUERY_AWARENESS: u64 = 3;
pub const SYNC_STEP_1: u64 = 0;
pub const SYNC_STEP_2: u64 = 1;
pub const SYNC_UPDATE: u64 = 2;

/// One decoded incoming message.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    SyncStep1(StateVector),
    /// The peer's answer to our SyncStep1: an update we may be missing.
    SyncStep2(Bytes),
    Update(Bytes),
    Awareness(AwarenessUpdate),
    QueryAwareness,
    /// Auth messages flow server → client only; one from a client carries no meaning.
    Auth,
    /// A message type this server does not know (y-protocols peers ignore these too).
    Unknown(u64),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("mensaje vacío")]
    Empty,
    #[error("entero variable truncado o demasiado grande")]
    BadVarUint,
    #[error("longitud declarada ({declared}) mayor que los datos ({available})")]
    Truncated { declared: u64, available: usize },
    #[error("tipo de mensaje de sincronización desconocido ({0})")]
    UnknownSyncType(u64),
    #[error("vector de estado inválido")]
    BadStateVector,
    #[error("actualización de presencia inválida")]
    BadAwareness,
    #[error("actualización inválida: {0}")]
    BadUpdate(precheck::Refusal),
}

struct Reader<'a> {
    frame: &'a Bytes,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn var_uint(&mut self) -> Result<u64, DecodeError> {
        let mut value: u64 = 0;
        // lib0 varUint: 7 bits per byte, least significant first; 53 bits suffice for JS numbers.
        for shift in (0..56).step_by(7) {
            let byte = *self.frame.get(self.pos).ok_or(DecodeError::BadVarUint)?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::BadVarUint)
    }

    fn var_bytes(&mut self) -> Result<Bytes, DecodeError> {
        let len = self.var_uint()?;
        let available = self.frame.len() - self.pos;
        if len > available as u64 {
            return Err(DecodeError::Truncated {
                declared: len,
                available,
            });
        }
        let start = self.pos;
        self.pos += len as usize;
        Ok(self.frame.slice(start..self.pos))
    }
}

/// Runs a yrs decoder on untrusted bytes. yrs asserts some invariants of its input (e.g. client
/// ids fit in 53 bits) by panicking; from the network that is just a malformed message.
pub fn guarded<T, E>(decode: impl FnOnce() -> Result<T, E>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode))
        .ok()?
        .ok()
}

/// Decodes the first message of `frame`. Like the JS peers, anything after it is ignored.
pub fn decode(frame: &Bytes) -> Result<Incoming, DecodeError> {
    if frame.is_empty() {
        return Err(DecodeError::Empty);
    }
    let mut reader = Reader { frame, pos: 0 };
    match reader.var_uint()? {
        MSG_SYNC => match reader.var_uint()? {
            SYNC_STEP_1 => {
                let sv = reader.var_bytes()?;
                precheck::state_vector(&sv).map_err(|_| DecodeError::BadStateVector)?;
                guarded(|| StateVector::decode_v1(&sv))
                    .map(Incoming::SyncStep1)
                    .ok_or(DecodeError::BadStateVector)
            }
            // Only walked here; the room decodes them with yrs when (and if) it applies them.
            SYNC_STEP_2 => Ok(Incoming::SyncStep2(checked_update(&mut reader)?)),
            SYNC_UPDATE => Ok(Incoming::Update(checked_update(&mut reader)?)),
            other => Err(DecodeError::UnknownSyncType(other)),
        },
        MSG_AWARENESS => {
            let payload = reader.var_bytes()?;
            precheck::awareness(&payload).map_err(|_| DecodeError::BadAwareness)?;
            guarded(|| AwarenessUpdate::decode_v1(&payload))
                .map(Incoming::Awareness)
                .ok_or(DecodeError::BadAwareness)
        }
        MSG_AUTH => Ok(Incoming::Auth),
        MSG_QUERY_AWARENESS => Ok(Incoming::QueryAwareness),
        other => Ok(Incoming::Unknown(other)),
    }
}

fn checked_update(reader: &mut Reader) -> Result<Bytes, DecodeError> {
    let update = reader.var_bytes()?;
    precheck::update(&update).map_err(DecodeError::BadUpdate)?;
    Ok(update)
}

fn put_var_uint(buf: &mut BytesMut, mut value: u64) {
    while value >= 0x80 {
        buf.put_u8((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    buf.put_u8(value as u8);
}

fn sync_frame(kind: u64, payload: &[u8]) -> Bytes {
    let mut buf = BytesMut::with_capacity(payload.len() + 8);
    put_var_uint(&mut buf, MSG_SYNC);
    put_var_uint(&mut buf, kind);
    put_var_uint(&mut buf, payload.len() as u64);
    buf.put_slice(payload);
    buf.freeze()
}

pub fn sync_step1(sv: &StateVector) -> Bytes {
    sync_frame(SYNC_STEP_1, &sv.encode_v1())
}

pub fn sync_step2(update: &[u8]) -> Bytes {
    sync_frame(SYNC_STEP_2, update)
}

pub fn update(update: &[u8]) -> Bytes {
    sync_frame(SYNC_UPDATE, update)
}

pub fn awareness(update: &AwarenessUpdate) -> Bytes {
    let payload = update.encode_v1();
    let mut buf = BytesMut::with_capacity(payload.len() + 6);
    put_var_uint(&mut buf, MSG_AWARENESS);
    put_var_uint(&mut buf, payload.len() as u64);
    buf.put_slice(&payload);
    buf.freeze()
}

/// `[2, 0, reason]`: y-websocket calls its permission-denied handler with `reason`.
pub fn auth_denied(reason: &str) -> Bytes {
    let mut buf = BytesMut::with_capacity(reason.len() + 8);
    put_var_uint(&mut buf, MSG_AUTH);
    put_var_uint(&mut buf, 0);
    put_var_uint(&mut buf, reason.len() as u64);
    buf.put_slice(reason.as_bytes());
    buf.freeze()
}

pub fn query_awareness() -> Bytes {
    Bytes::from_static(&[MSG_QUERY_AWARENESS as u8])
}

#[cfg(test)]
mod bombs;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use yrs::sync::awareness::AwarenessUpdateEntry;
    use yrs::sync::{Message, SyncMessage};
    use yrs::{ClientID, Doc, GetString, ReadTxn, Text, Transact};

    use super::*;

    #[test]
    fn frames_match_what_yrs_encodes() {
        let doc = Doc::new();
        let text = doc.get_or_insert_text("t");
        text.insert(&mut doc.transact_mut(), 0, "hola");
        let sv = doc.transact().state_vector();
        let diff = doc.transact().encode_diff_v1(&StateVector::default());
        assert_eq!(
            sync_step1(&sv).to_vec(),
            Message::Sync(SyncMessage::SyncStep1(sv.clone())).encode_v1()
        );
        assert_eq!(
            sync_step2(&diff).to_vec(),
            Message::Sync(SyncMessage::SyncStep2(diff.clone())).encode_v1()
        );
        assert_eq!(
            update(&diff).to_vec(),
            Message::Sync(SyncMessage::Update(diff.clone())).encode_v1()
        );
        assert_eq!(
            auth_denied("solo lectura").to_vec(),
            Message::Auth(Some("solo lectura".into())).encode_v1()
        );
        let mut clients = HashMap::new();
        clients.insert(
            ClientID::new(42),
            AwarenessUpdateEntry {
                clock: 3,
                json: "{\"a\":1}".into(),
            },
        );
        let aw = AwarenessUpdate { clients };
        assert_eq!(
            awareness(&aw).to_vec(),
            Message::Awareness(aw.clone()).encode_v1()
        );

        assert_eq!(
            decode(&update(&diff)).unwrap(),
            Incoming::Update(Bytes::from(diff.clone()))
        );
        assert_eq!(decode(&sync_step1(&sv)).unwrap(), Incoming::SyncStep1(sv));
        assert_eq!(decode(&awareness(&aw)).unwrap(), Incoming::Awareness(aw));
        assert_eq!(
            decode(&query_awareness()).unwrap(),
            Incoming::QueryAwareness
        );
        let other = Doc::new();
        other
            .transact_mut()
            .apply_update(yrs::Update::decode_v1(&diff).unwrap())
            .unwrap();
        assert_eq!(
            other.get_or_insert_text("t").get_string(&other.transact()),
            "hola"
        );
    }

    #[test]
    fn broken_frames_are_errors_not_panics() {
        assert_eq!(decode(&Bytes::new()), Err(DecodeError::Empty));
        assert_eq!(
            decode(&Bytes::from_static(&[0x80])),
            Err(DecodeError::BadVarUint)
        );
        assert_eq!(
            decode(&Bytes::from_static(&[0, 7, 0])),
            Err(DecodeError::UnknownSyncType(7))
        );
        assert!(matches!(
            decode(&Bytes::from_static(&[0, 2, 10, 1, 2])),
            Err(DecodeError::Truncated { .. })
        ));
        assert_eq!(
            decode(&Bytes::from_static(&[0, 0, 2, 0xff, 0xff])),
            Err(DecodeError::BadStateVector)
        );
        assert_eq!(
            decode(&Bytes::from_static(&[1, 3, 5, 1, 2])),
            Err(DecodeError::BadAwareness)
        );
        assert_eq!(
            decode(&Bytes::from_static(&[9, 0])),
            Ok(Incoming::Unknown(9))
        );
        let too_long = Bytes::from(vec![0xff; 12]);
        assert_eq!(decode(&too_long), Err(DecodeError::BadVarUint));
    }
}
