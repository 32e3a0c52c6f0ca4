//! Mutations of a frame: bit flips, interesting bytes, varints inflated to huge counts,
//! truncation, splicing with another frame, and the same inside the payload of a framed message
//! with its outer length fixed up (so the damage reaches yrs instead of stopping at our length
//! check).

use crate::rng::Rng;

/// Counts a lying client would claim.
const HUGE: [u64; 8] = [
    u32::MAX as u64,
    1 << 31,
    (1 << 53) - 1,
    100_000_000,
    1_000_000,
    65_536,
    u64::MAX,
    1 << 32,
];

pub fn var(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Where a varint starting at `at` ends (exclusive), if it ends within 10 bytes.
fn var_end(bytes: &[u8], at: usize) -> Option<usize> {
    (at..bytes.len().min(at + 10))
        .find(|&i| bytes[i] < 0x80)
        .map(|i| i + 1)
}

fn read_var(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let end = var_end(bytes, *at)?;
    let value = bytes[*at..end]
        .iter()
        .rev()
        .fold(0u64, |acc, b| (acc << 7) | u64::from(b & 0x7f));
    *at = end;
    Some(value)
}

/// The header (message type, sync type) and payload of a sync or presence frame whose length
/// prefix matches: those are mutated inside and re-framed.
fn split(frame: &[u8]) -> Option<(usize, &[u8])> {
    let mut at = 0;
    match read_var(frame, &mut at)? {
        0 => {
            read_var(frame, &mut at)?;
        }
        1 => {}
        _ => return None,
    }
    let header = at;
    let len = read_var(frame, &mut at)? as usize;
    (frame.len() - at == len).then(|| (header, &frame[at..]))
}

/// One to four mutations of `input`; `other` is material to splice in.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    if rng.chance(60)
        && let Some((header, payload)) = split(input)
    {
        let mut payload = payload.to_vec();
        let donor = split(other).map_or(other, |(_, p)| p);
        for _ in 0..1 + rng.below(4) {
            once(rng, &mut payload, donor);
        }
        let mut out = input[..header].to_vec();
        var(payload.len() as u64, &mut out);
        out.extend_from_slice(&payload);
        return out;
    }
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        once(rng, &mut out, other);
    }
    out
}

fn once(rng: &mut Rng, bytes: &mut Vec<u8>, other: &[u8]) {
    if bytes.is_empty() {
        bytes.push(rng.byte());
        return;
    }
    let at = rng.below(bytes.len());
    match rng.below(10) {
        0 => bytes[at] ^= 1 << rng.below(8),
        1 => bytes[at] = *rng.pick(&[0, 1, 2, 0x7f, 0x80, 0xff, 116, 117, 118, 119, 125]),
        2 | 3 => {
            // Replace the varint at `at` with a huge one (or a count one too large).
            let end = var_end(bytes, at).unwrap_or(at + 1).min(bytes.len());
            let value = if rng.chance(25) {
                (bytes.len() - at) as u64 + rng.below(3) as u64
            } else {
                *rng.pick(&HUGE)
            };
            let mut huge = Vec::new();
            var(value, &mut huge);
            bytes.splice(at..end, huge);
        }
        4 => bytes.truncate(at),
        5 if !other.is_empty() => {
            // Our prefix, then the other's suffix.
            let from = rng.below(other.len());
            bytes.truncate(at);
            bytes.extend_from_slice(&other[from..]);
        }
        6 => {
            let n = 1 + rng.below(4);
            let insert: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
            bytes.splice(at..at, insert);
        }
        7 => {
            let end = (at + 1 + rng.below(8)).min(bytes.len());
            let chunk = bytes[at..end].to_vec();
            bytes.splice(at..at, chunk);
        }
        8 => {
            let end = (at + 1 + rng.below(8)).min(bytes.len());
            bytes.drain(at..end);
        }
        _ => {
            // Nest: wrap what follows in arrays (yrs decodes nested values by recursion).
            let depth = 1 + rng.below(200);
            let mut nest = Vec::with_capacity(depth * 2);
            for _ in 0..depth {
                nest.extend_from_slice(&[117, 1]);
            }
            bytes.splice(at..at, nest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_mutations_keep_the_frame_length_right() {
        let frame = sala::sync::protocol::update(&[0, 0]);
        let mut rng = Rng::new(1);
        let mut reframed = 0;
        for _ in 0..200 {
            let out = mutate(&mut rng, &frame, &frame);
            if split(&out).is_some() {
                reframed += 1;
            }
        }
        assert!(reframed > 50, "{reframed}");
        let mut at = 0;
        assert_eq!(
            read_var(&[0xff, 0xff, 0xff, 0xff, 0x0f], &mut at),
            Some(u32::MAX as u64)
        );
    }
}
