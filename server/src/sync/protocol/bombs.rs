//! Allocation bombs: frames of a few bytes whose counts claim millions or billions of entries.
//! Each one goes through the same path as a real frame (`decode`, then yrs's update decoder as
//! `Room::receive` runs it, then a `Room` as a writer and as a reader) while the counting
//! allocator watches: it must be refused having asked for less than [`BOUND`] bytes. A failed
//! allocation aborts the process, so "yrs returns an error" is not enough: the request itself
//! must never be made.

use std::time::Instant;

use bytes::Bytes;
use yrs::Update;
use yrs::updates::decoder::Decode;

use super::{Incoming, MSG_AWARENESS, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE, decode, guarded};
use crate::alloc_meter::{self, Usage};
use crate::sync::Credential;
use crate::sync::room::{Effect, Room};

const BOUND: u64 = 64 * 1024;

/// Claimed counts: billions (what a u32 varint holds), and amounts a machine would grant.
const CLAIMS: [u64; 3] = [u32::MAX as u64, 100_000_000, 1_000_000];

fn var(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn sync(kind: u64, payload: &[u8]) -> Bytes {
    super::sync_frame(kind, payload)
}

fn awareness(payload: &[u8]) -> Bytes {
    Bytes::from(cat(&[
        &var(MSG_AWARENESS),
        &var(payload.len() as u64),
        payload,
    ]))
}

/// One struct group of client 5 at clock 0 holding one item whose info byte is `info`, with a
/// named parent (`"t"`), followed by `content` and an empty delete set.
fn one_item(info: u8, content: &[u8]) -> Vec<u8> {
    let head = cat(&[
        &var(1),
        &var(1),
        &var(5),
        &var(0),
        &[info],
        &var(1),
        &var(1),
        b"t",
    ]);
    cat(&[&head, content, &var(0)])
}

/// What `Room::receive` does with a frame before touching the document: the protocol decoder,
/// then, for updates, yrs's decoder (guarded against its panics). True if it was accepted.
fn decoder_path(frame: &Bytes) -> bool {
    match decode(frame) {
        Ok(Incoming::Update(payload) | Incoming::SyncStep2(payload)) => {
            guarded(|| Update::decode_v1(&payload)).is_some()
        }
        Ok(_) => true,
        Err(_) => false,
    }
}

fn refused_by_room(writable: bool, frame: &Bytes) -> (bool, Usage) {
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(
        1,
        Credential {
            writable,
            ..Credential::writer()
        },
        &mut out,
    );
    out.clear();
    let (result, usage) = alloc_meter::measure(|| room.receive(1, frame, Instant::now(), &mut out));
    // Refused: an error (the socket is closed), or at most a reply to the sender (auth denied).
    let refused = result.is_err()
        || out
            .iter()
            .all(|effect| matches!(effect, Effect::Send { to: 1, .. }));
    (refused, usage)
}

fn assert_refused_cheaply(what: &str, frame: &Bytes) {
    assert!(
        alloc_meter::installed(),
        "the counting allocator is installed"
    );
    let (accepted, usage) = alloc_meter::measure(|| decoder_path(frame));
    // `cargo test -p sala --lib bombs -- --nocapture` lists what each refusal cost.
    eprintln!(
        "{what}: {} bytes in {} requests ({}-byte frame)",
        usage.requested,
        usage.count,
        frame.len()
    );
    assert!(!accepted, "{what}: accepted by the decoder ({frame:x?})");
    assert!(
        usage.requested < BOUND,
        "{what}: the decoder asked for {} bytes (largest request {}) for a {}-byte frame",
        usage.requested,
        usage.largest,
        frame.len()
    );
    for writable in [true, false] {
        let (refused, usage) = refused_by_room(writable, frame);
        let who = if writable { "writer" } else { "reader" };
        eprintln!("{what}: a {who}'s room, {} bytes", usage.requested);
        assert!(refused, "{what}: a room accepted it from a {who}");
        assert!(
            usage.requested < BOUND,
            "{what}: a room asked for {} bytes (largest request {}) for a {who}'s {}-byte frame",
            usage.requested,
            usage.largest,
            frame.len()
        );
    }
}

/// Every update bomb, both as an Update and as a SyncStep2.
fn assert_update_refused(what: &str, payload: &[u8]) {
    for kind in [SYNC_UPDATE, SYNC_STEP_2] {
        assert_refused_cheaply(&format!("{what} (sync type {kind})"), &sync(kind, payload));
    }
}

#[test]
fn awareness_client_count() {
    assert_refused_cheaply(
        "awareness client count",
        &Bytes::from_static(&[1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    );
    // The count is a 64-bit varint in yrs (`usize`).
    for claim in CLAIMS.into_iter().chain([1 << 40, u64::MAX >> 8]) {
        assert_refused_cheaply(
            &format!("awareness client count {claim}"),
            &awareness(&var(claim)),
        );
    }
}

#[test]
fn awareness_json_length() {
    for claim in CLAIMS {
        let payload = cat(&[&var(1), &var(7), &var(1), &var(claim), b"{}"]);
        assert_refused_cheaply(
            &format!("awareness JSON length {claim}"),
            &awareness(&payload),
        );
    }
}

#[test]
fn state_vector_length() {
    for claim in CLAIMS {
        let frame = sync(SYNC_STEP_1, &cat(&[&var(claim), &var(5), &var(3)]));
        assert_refused_cheaply(&format!("state vector length {claim}"), &frame);
    }
}

#[test]
fn struct_group_count() {
    for claim in CLAIMS {
        assert_update_refused(
            &format!("struct groups {claim}"),
            &cat(&[&var(claim), &var(0)]),
        );
    }
}

#[test]
fn struct_count_in_a_group() {
    for claim in CLAIMS {
        let payload = cat(&[&var(1), &var(claim), &var(5), &var(0), &[4], &var(1)]);
        assert_update_refused(&format!("structs in a group {claim}"), &payload);
    }
}

#[test]
fn string_lengths_inside_an_item() {
    for claim in CLAIMS {
        // The string content (info 4) of an item.
        let content = one_item(4, &cat(&[&var(claim), b"hola"]));
        assert_update_refused(&format!("item string length {claim}"), &content);
        // Its parent's name.
        let parent = cat(&[
            &var(1),
            &var(1),
            &var(5),
            &var(0),
            &[4],
            &var(1),
            &var(claim),
        ]);
        assert_update_refused(&format!("parent name length {claim}"), &parent);
    }
}

#[test]
fn counts_inside_item_contents() {
    for claim in CLAIMS {
        // Any content (info 8): the number of values.
        let any = one_item(8, &var(claim));
        assert_update_refused(&format!("any values {claim}"), &any);
        // A value that is an array (tag 117) or a map (tag 118) claiming `claim` entries.
        for tag in [117, 118] {
            let nested = one_item(8, &cat(&[&var(1), &[tag], &var(claim)]));
            assert_update_refused(&format!("any tag {tag} entries {claim}"), &nested);
        }
        // JSON content (info 2): the number of JSON strings.
        let json = one_item(2, &var(claim));
        assert_update_refused(&format!("json strings {claim}"), &json);
        // A subdocument's options (info 9) are an Any map after its guid.
        let doc = one_item(9, &cat(&[&var(1), b"g", &[118], &var(claim)]));
        assert_update_refused(&format!("subdocument options {claim}"), &doc);
    }
}

#[test]
fn delete_set_counts() {
    for claim in CLAIMS {
        let clients = cat(&[&var(0), &var(claim), &var(5)]);
        assert_update_refused(&format!("delete set clients {claim}"), &clients);
        let ranges = cat(&[&var(0), &var(1), &var(5), &var(claim), &var(0)]);
        assert_update_refused(&format!("delete set ranges {claim}"), &ranges);
    }
}

/// Not an allocation but the same kind of bomb: yrs decodes nested values by recursion, so a
/// frame of `[117, 1]` repeated (an array holding an array …) overflows the stack, which aborts
/// the process like a failed allocation.
#[test]
fn deeply_nested_values() {
    let depth = 200_000;
    let mut content = var(1);
    for _ in 0..depth {
        content.extend_from_slice(&[117, 1]);
    }
    content.push(126);
    assert_update_refused("values nested 200 000 deep", &one_item(8, &content));
}

/// The same shapes with honest counts are accepted: the checks refuse lies, not content.
#[test]
fn honest_counts_still_decode() {
    let honest = [
        cat(&[&var(0), &var(0)]),
        one_item(4, &cat(&[&var(4), b"hola"])),
        one_item(
            8,
            &cat(&[
                &var(2),
                &[117],
                &var(2),
                &[125, 3, 119],
                &var(1),
                b"x",
                &[120],
            ]),
        ),
        one_item(8, &cat(&[&var(1), &[118], &var(1), &var(1), b"k", &[126]])),
        cat(&[&var(0), &var(1), &var(5), &var(1), &var(0), &var(2)]),
    ];
    for payload in honest {
        let frame = sync(SYNC_UPDATE, &payload);
        assert!(decoder_path(&frame), "{payload:x?}");
    }
    let sv = sync(SYNC_STEP_1, &cat(&[&var(1), &var(5), &var(3)]));
    assert!(decoder_path(&sv));
    let presence = cat(&[&var(1), &var(7), &var(1), &var(2), b"{}"]);
    assert!(decoder_path(&awareness(&presence)));
}
