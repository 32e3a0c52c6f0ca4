//! Target `decoder`: one frame through `protocol::decode` and, for updates, yrs's decoder as the
//! room runs it. Checks: no panic escapes, allocation stays within [`bound`], what decodes
//! re-encodes to the same message, and our pre-check refuses only what yrs refuses too.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use sala::alloc_meter::{self, Usage};
use sala::sync::protocol::{self, Incoming, precheck};
use yrs::updates::decoder::Decode;
use yrs::{StateVector, Update};

use crate::Stats;

/// Bytes a frame of `len` bytes may make the decoder ask for: yrs's reservations are a few
/// dozen bytes per entry, and a payload that passed the pre-check holds every entry it claims.
pub fn bound(len: usize) -> u64 {
    64 * 1024 + 64 * len as u64
}

/// yrs on its own, with any single request above 16 MiB refused (inputs are far smaller, so
/// only a reservation from a lying count comes near it): accepted or not.
fn yrs_accepts(kind: Kind, payload: &[u8]) -> bool {
    let decode = || match kind {
        Kind::StateVector => protocol::guarded(|| StateVector::decode_v1(payload)).is_some(),
        Kind::Update => protocol::guarded(|| Update::decode_v1(payload)).is_some(),
        Kind::Awareness => {
            protocol::guarded(|| yrs::sync::awareness::AwarenessUpdate::decode_v1(payload))
                .is_some()
        }
    };
    alloc_meter::measure_capped(16 << 20, decode).0
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    StateVector,
    Update,
    Awareness,
}

/// The payload `decode` hands to yrs, found the way `decode` finds it.
fn payload(frame: &[u8]) -> Option<(Kind, &[u8])> {
    let mut at = 0;
    let mut var = || {
        let mut value = 0u64;
        for shift in (0..56).step_by(7) {
            let byte = *frame.get(at)?;
            at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    };
    let kind = match var()? {
        0 => match var()? {
            0 => Kind::StateVector,
            1 | 2 => Kind::Update,
            _ => return None,
        },
        1 => Kind::Awareness,
        _ => return None,
    };
    let len = var()? as usize;
    frame.get(at..at.checked_add(len)?).map(|p| (kind, p))
}

fn check_usage(what: &str, usage: Usage, len: usize, stats: &mut Stats) -> Result<(), String> {
    stats.observe(usage, len);
    if usage.requested > bound(len) {
        return Err(format!(
            "{what}: {} bytes requested (largest {}) for a {len}-byte frame, over {}",
            usage.requested,
            usage.largest,
            bound(len)
        ));
    }
    Ok(())
}

/// Runs one frame; `Ok` carries a short description of what happened (new ones grow the corpus).
pub fn run(frame: &Bytes, stats: &mut Stats) -> Result<String, String> {
    let (result, usage) =
        alloc_meter::measure(|| catch_unwind(AssertUnwindSafe(|| protocol::decode(frame))));
    let result = result.map_err(|_| format!("decode panicked: {}", crate::last_panic()))?;
    check_usage("decode", usage, frame.len(), stats)?;
    let outcome = match &result {
        Ok(Incoming::Update(update) | Incoming::SyncStep2(update)) => {
            let (decoded, usage) =
                alloc_meter::measure(|| protocol::guarded(|| Update::decode_v1(update)));
            check_usage("yrs decode", usage, frame.len(), stats)?;
            format!("update yrs={}", decoded.is_some())
        }
        Ok(Incoming::SyncStep1(sv)) => {
            let again = protocol::decode(&protocol::sync_step1(sv));
            if again.as_ref() != Ok(&Incoming::SyncStep1(sv.clone())) {
                return Err(format!(
                    "state vector does not round-trip: {sv:?} → {again:?}"
                ));
            }
            "sv".into()
        }
        Ok(Incoming::Awareness(update)) => {
            let again = protocol::decode(&protocol::awareness(update));
            if again.as_ref() != Ok(&Incoming::Awareness(update.clone())) {
                return Err(format!("presence does not round-trip: {update:?}"));
            }
            format!("awareness {}", update.clients.len().min(3))
        }
        Ok(other) => format!("{:?}", std::mem::discriminant(other)),
        Err(error) => {
            let name = format!("{error:?}");
            name[..name.find(['(', ' ', '{']).unwrap_or(name.len())].to_owned() + &refusal(frame)?
        }
    };
    Ok(outcome)
}

/// A frame `decode` refused: if our pre-check is why, yrs must refuse the payload too.
fn refusal(frame: &[u8]) -> Result<String, String> {
    let Some((kind, payload)) = payload(frame) else {
        return Ok(String::new());
    };
    let checked = match kind {
        Kind::StateVector => precheck::state_vector(payload),
        Kind::Update => precheck::update(payload),
        Kind::Awareness => precheck::awareness(payload),
    };
    match checked {
        Ok(()) => Ok(" yrs".into()),
        Err(why) if why.stricter_than_yrs() => Ok(format!(" stricter {}", name(&why))),
        Err(why) => {
            if yrs_accepts(kind, payload) {
                return Err(format!(
                    "the pre-check refuses a {kind:?} payload ({why}) that yrs decodes: {payload:x?}"
                ));
            }
            Ok(format!(" {}", name(&why)))
        }
    }
}

fn name(why: &precheck::Refusal) -> String {
    let name = format!("{why:?}");
    name[..name.find([' ', '(']).unwrap_or(name.len())].to_owned()
}
