//! The walk must agree with yrs: everything yrs decodes from a real history passes, and on
//! mutated bytes it refuses only what yrs refuses too (or nests too deep).

use yrs::types::ToJson;
use yrs::updates::decoder::Decode;
use yrs::{
    Any, Array, ArrayPrelim, Doc, Map, MapPrelim, ReadTxn, StateVector, Text, Transact, Update,
    XmlFragment, XmlTextPrelim,
};

use super::{Refusal, awareness, state_vector, update};
use crate::alloc_meter;
use crate::sync::protocol::guarded;

/// Updates from a history that touches every kind of content the walk knows.
fn real_updates() -> Vec<Vec<u8>> {
    let doc = Doc::with_client_id(3_000_000_007);
    let text = doc.get_or_insert_text("notes");
    let map = doc.get_or_insert_map("board");
    let list = doc.get_or_insert_array("items");
    let xml = doc.get_or_insert_xml_fragment("xml");
    let mut updates = Vec::new();
    let mut step = |f: &dyn Fn(&mut yrs::TransactionMut)| {
        let mut txn = doc.transact_mut();
        f(&mut txn);
        updates.push(txn.encode_update_v1());
    };
    step(&|txn| text.insert(txn, 0, "Acta de la sesión ñandú 🎉"));
    step(&|txn| text.remove_range(txn, 3, 4));
    step(&|txn| {
        let attrs = [("bold".into(), Any::Bool(true))].into_iter().collect();
        text.format(txn, 0, 4, attrs);
    });
    step(&|txn| {
        map.insert(txn, "title", "Mesa local 19");
        map.insert(txn, "count", 42);
        map.insert(txn, "ratio", 0.25);
        map.insert(txn, "big", i64::MAX);
        map.insert(txn, "bytes", Any::Buffer(vec![1u8, 2, 3].into()));
        map.insert(txn, "none", Any::Null);
        let nested = Any::from_json(r#"{"a":[1,{"b":[true,false,null,"x"]}],"c":-7}"#).unwrap();
        map.insert(txn, "nested", nested);
    });
    step(&|txn| {
        let inner = map.insert(txn, "inner", MapPrelim::default());
        inner.insert(txn, "k", "v");
        let arr = map.insert(txn, "arr", ArrayPrelim::default());
        arr.push_back(txn, 1);
    });
    step(&|txn| {
        list.push_back(txn, "uno");
        list.insert_range(txn, 0, [1, 2, 3]);
        list.remove_range(txn, 1, 2);
    });
    step(&|txn| {
        let sub = Doc::new();
        map.insert(txn, "subdoc", sub);
        map.remove(txn, "count");
    });
    step(&|txn| {
        let t = xml.push_back(txn, XmlTextPrelim::new("hola"));
        t.insert(txn, 0, "¡");
    });
    // Everything at once, as a SyncStep2 carries it, and what a second client adds.
    updates.push(
        doc.transact()
            .encode_state_as_update_v1(&StateVector::default()),
    );
    let other = Doc::with_client_id(9);
    other
        .transact_mut()
        .apply_update(Update::decode_v1(updates.last().unwrap()).unwrap())
        .unwrap();
    let before = other.transact().state_vector();
    {
        let text = other.get_or_insert_text("notes");
        let mut txn = other.transact_mut();
        text.insert(&mut txn, 2, "medio");
        text.remove_range(&mut txn, 0, 1);
    }
    updates.push(other.transact().encode_diff_v1(&before));
    updates
}

/// What yrs itself says, with any single allocation above 16 MiB refused (a bomb then fails
/// instead of allocating; inputs here are small, so real content never comes near it).
fn yrs_accepts_update(bytes: &[u8]) -> bool {
    alloc_meter::measure_capped(16 << 20, || guarded(|| Update::decode_v1(bytes)).is_some()).0
}

fn yrs_accepts_sv(bytes: &[u8]) -> bool {
    alloc_meter::measure_capped(16 << 20, || {
        guarded(|| StateVector::decode_v1(bytes)).is_some()
    })
    .0
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn real_updates_pass_and_every_truncation_agrees_with_yrs() {
    for bytes in real_updates() {
        assert_eq!(update(&bytes), Ok(()), "{bytes:x?}");
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            assert_eq!(
                update(prefix).is_ok(),
                yrs_accepts_update(prefix),
                "prefix of {cut} bytes of {bytes:x?}"
            );
        }
    }
}

#[test]
fn mutated_updates_are_refused_only_when_yrs_refuses_them() {
    let mut rng = Rng(14);
    let seeds = real_updates();
    let mut refused = 0;
    for _ in 0..20_000 {
        let mut bytes = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] ^= 1 << rng.below(8),
                1 => bytes[at] = [0, 1, 0x7f, 0x80, 0xff][rng.below(5)],
                _ => {
                    bytes.remove(at);
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        match update(&bytes) {
            Ok(()) => {}
            Err(why) if why.stricter_than_yrs() => {}
            Err(why) => {
                refused += 1;
                assert!(
                    !yrs_accepts_update(&bytes),
                    "refused ({why}) but yrs decodes it: {bytes:x?}"
                );
            }
        }
    }
    assert!(refused > 1000, "the mutations reach the walk ({refused})");
}

#[test]
fn state_vectors_and_presence_agree_with_yrs() {
    let doc = Doc::with_client_id(1);
    doc.get_or_insert_text("t")
        .insert(&mut doc.transact_mut(), 0, "x");
    let sv = yrs::updates::encoder::Encode::encode_v1(&doc.transact().state_vector());
    assert_eq!(state_vector(&sv), Ok(()));
    for cut in 0..sv.len() {
        assert_eq!(state_vector(&sv[..cut]).is_ok(), yrs_accepts_sv(&sv[..cut]));
    }
    // One presence entry: client 7, clock 2, `{}`.
    let presence = [1, 7, 2, 2, b'{', b'}'];
    assert_eq!(awareness(&presence), Ok(()));
    assert!(awareness(&presence[..5]).is_err());
}

#[test]
fn the_real_history_round_trips_through_a_room_replica() {
    // The walk is only a gate: what passes is applied by yrs exactly as before.
    let replica = Doc::with_client_id(1);
    for bytes in real_updates() {
        assert_eq!(update(&bytes), Ok(()));
        replica
            .transact_mut()
            .apply_update(Update::decode_v1(&bytes).unwrap())
            .unwrap();
    }
    let txn = replica.transact();
    let roots: Vec<_> = txn.root_refs().map(|(name, _)| name.to_owned()).collect();
    assert!(roots.contains(&"board".to_owned()), "{roots:?}");
    let board = txn.get_map("board").unwrap().to_json(&txn);
    assert!(format!("{board:?}").contains("Mesa local 19"));
}

/// Found by `fuzz room` on a release build: a group starting at clock 2³² − 1 wraps yrs's clocks
/// (the update is stored; the room's next diff panics), and client ids past 2⁵³ alias others.
#[test]
fn clocks_past_two_to_the_32_and_ids_past_two_to_the_53_are_refused() {
    let var = |mut n: u64| {
        let mut out = Vec::new();
        while n >= 0x80 {
            out.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
        out
    };
    // Client 5 from clock 2³² − 2: "Bosa" (4 clocks) in the root text "notes".
    let group = |client: u64, clock: u64| {
        [
            &var(1)[..],
            &var(1),
            &var(client),
            &var(clock),
            &[4],
            &var(1),
            &var(5),
            b"notes",
            &var(4),
            b"Bosa",
            &var(0),
        ]
        .concat()
    };
    assert_eq!(update(&group(5, 10)), Ok(()));
    assert!(matches!(
        update(&group(5, u64::from(u32::MAX) - 1)),
        Err(Refusal::Clock { .. })
    ));
    assert_eq!(update(&group((1 << 53) - 1, 0)), Ok(()));
    assert_eq!(update(&group(1 << 53, 0)), Err(Refusal::Client(1 << 53)));
    let deleted = [
        &var(0)[..],
        &var(1),
        &var(5),
        &var(1),
        &var(u64::from(u32::MAX)),
        &var(2),
    ]
    .concat();
    assert!(matches!(update(&deleted), Err(Refusal::Clock { .. })));
    assert_eq!(
        state_vector(&[&var(1)[..], &var(1 << 60), &var(1)].concat()),
        Err(Refusal::Client(1 << 60))
    );
    assert!(awareness(&[&var(1)[..], &var(1 << 60), &var(1), &var(2), b"{}"].concat()).is_err());
    let empty = [&var(0)[..], &var(1), &var(5), &var(1), &var(3), &var(0)].concat();
    assert_eq!(update(&empty), Err(Refusal::EmptyRange));

    // And the room stays whole: the frame is refused, a newcomer's SyncStep1 is answered.
    let mut room = crate::sync::room::Room::new();
    let mut out = Vec::new();
    room.join(1, crate::sync::Credential::writer(), &mut out);
    let frame = crate::sync::protocol::update(&group(5, u64::from(u32::MAX)));
    let now = std::time::Instant::now();
    assert!(room.receive(1, &frame, now, &mut out).is_err());
    room.join(2, crate::sync::Credential::writer(), &mut out);
    let hello = crate::sync::protocol::sync_step1(&StateVector::default());
    assert!(room.receive(2, &hello, now, &mut out).is_ok());
}

/// Also found by `fuzz room`: yrs decodes legacy JSON content (info 2) reading one string more
/// than its count, and encodes the count as is, so its own re-encoding does not decode and the
/// room's `full_state` panicked. Refused.
#[test]
fn legacy_json_content_is_refused_because_yrs_cannot_round_trip_it() {
    // Client 5, clock 0, a JSON item in root "t" whose count says 1 and that holds 2 strings.
    let payload = [1, 1, 5, 0, 2, 1, 1, b't', 1, 1, b'1', 1, b'2', 0];
    let decoded = Update::decode_v1(&payload).expect("yrs takes it");
    let again = yrs::updates::encoder::Encode::encode_v1(&decoded);
    assert_ne!(
        again, payload,
        "yrs round-trips legacy JSON now: the refusal can go"
    );
    assert_eq!(update(&payload), Err(Refusal::LegacyJson));
}

/// Every frame the npm y-websocket client sent in the captured session (the fuzz corpus) passes:
/// the walk refuses lies, not what real Yjs clients write.
#[test]
fn frames_of_the_npm_client_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus folder") {
        let path = entry.unwrap().path();
        let frame = bytes::Bytes::from(std::fs::read(&path).unwrap());
        let decoded = crate::sync::protocol::decode(&frame);
        assert!(decoded.is_ok(), "{}: {decoded:?}", path.display());
        if let Ok(
            crate::sync::protocol::Incoming::Update(u)
            | crate::sync::protocol::Incoming::SyncStep2(u),
        ) = decoded
        {
            assert!(Update::decode_v1(&u).is_ok(), "{}", path.display());
        }
        seen += 1;
    }
    assert!(seen >= 50, "{seen} frames");
}
