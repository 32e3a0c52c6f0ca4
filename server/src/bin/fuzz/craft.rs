//! Valid frames, made by yrs the way a client makes them: updates from real edits of a board-like
//! document (texts typed into, records as nested maps, plain values of every kind, deletions),
//! state vectors, SyncStep2 diffs and presence with JSON.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use sala::sync::protocol;
use yrs::any::Number;
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
use yrs::{
    Any, Array, ArrayRef, ClientID, Doc, GetString, Map, MapPrelim, MapRef, Out, ReadTxn,
    StateVector, Text, TextPrelim, TextRef, Transact,
};

use crate::rng::Rng;

const WORDS: [&str; 12] = [
    "acta",
    "Barrera",
    " ",
    "ñandú",
    "🎉",
    "Subred Sur",
    "\n",
    "compromiso",
    "é",
    "ok",
    "\u{0}",
    "Bosa",
];
const KEYS: [&str; 8] = [
    "title",
    "status",
    "position",
    "createdBy",
    "due",
    "x",
    "",
    "ñ",
];

/// A client's document and the shared types it edits.
pub struct Writer {
    pub doc: Doc,
    notes: TextRef,
    board: MapRef,
    list: ArrayRef,
}

impl Writer {
    pub fn new(rng: &mut Rng) -> Self {
        // Small ids (as in tests), and large ones up to 2⁵³ − 1 (what browsers pick).
        let id = if rng.chance(50) {
            1 + rng.below(1000) as u64
        } else {
            rng.next_u64() & ((1 << 53) - 1)
        };
        Self::with_client_id(id.max(2))
    }

    pub fn with_client_id(id: u64) -> Self {
        let doc = Doc::with_client_id(id);
        // Roots before any transaction: getting one may need to write.
        let notes = doc.get_or_insert_text("notes");
        let board = doc.get_or_insert_map("agenda");
        let list = doc.get_or_insert_array("items");
        Self {
            doc,
            notes,
            board,
            list,
        }
    }

    /// One local transaction; returns its update (v1), as `doc.on('update')` hands it over.
    pub fn edit(&mut self, rng: &mut Rng) -> Vec<u8> {
        let mut txn = self.doc.transact_mut();
        for _ in 0..1 + rng.below(2) {
            match rng.below(8) {
                0 | 1 => {
                    let at = *rng.pick(&boundaries(&self.notes.get_string(&txn)));
                    self.notes.insert(&mut txn, at, &words(rng));
                }
                2 => {
                    let bounds = boundaries(&self.notes.get_string(&txn));
                    if bounds.len() > 1 {
                        let from = rng.below(bounds.len() - 1);
                        let to = (from + 1 + rng.below(3)).min(bounds.len() - 1);
                        let (at, end) = (bounds[from], bounds[to]);
                        self.notes.remove_range(&mut txn, at, end - at);
                    }
                }
                3 => {
                    self.board.insert(&mut txn, *rng.pick(&KEYS), any(rng, 0));
                }
                4 => {
                    let record = self.board.insert(
                        &mut txn,
                        format!("rec-{}", rng.below(4)),
                        MapPrelim::default(),
                    );
                    record.insert(&mut txn, "position", any(rng, 2));
                    record.insert(&mut txn, "title", TextPrelim::new(words(rng)));
                }
                5 => {
                    // Typing into a record's title, found as the app finds it (a text held
                    // from before may belong to a record replaced since).
                    let key = format!("rec-{}", rng.below(4));
                    if let Some(Out::YMap(record)) = self.board.get(&txn, &key)
                        && let Some(Out::YText(text)) = record.get(&txn, "title")
                    {
                        let at = *rng.pick(&boundaries(&text.get_string(&txn)));
                        text.insert(&mut txn, at, &words(rng));
                    }
                }
                6 => {
                    let key = *rng.pick(&KEYS);
                    self.board.remove(&mut txn, key);
                }
                _ => {
                    let len = self.list.len(&txn);
                    if len > 2 && rng.chance(30) {
                        self.list
                            .remove_range(&mut txn, rng.below(len as usize) as u32, 1);
                    } else {
                        self.list.push_back(&mut txn, any(rng, 1));
                    }
                }
            }
        }
        txn.encode_update_v1()
    }

    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    pub fn diff(&self, sv: &StateVector) -> Vec<u8> {
        self.doc.transact().encode_diff_v1(sv)
    }
}

/// Where text may be cut: yrs counts UTF-8 bytes by default and panics inside a character.
fn boundaries(text: &str) -> Vec<u32> {
    let mut at: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
    at.push(text.len() as u32);
    at
}

fn words(rng: &mut Rng) -> String {
    (0..1 + rng.below(3)).map(|_| *rng.pick(&WORDS)).collect()
}

/// A plain value of any kind lib0 encodes, nested a little.
pub fn any(rng: &mut Rng, depth: usize) -> Any {
    let kinds = if depth >= 3 { 8 } else { 10 };
    match rng.below(kinds) {
        0 => Any::Null,
        1 => Any::Undefined,
        2 => Any::Bool(rng.chance(50)),
        3 => Any::Number(Number::Int(rng.next_u64() as i64 >> rng.below(64))),
        4 => Any::Number(Number::Float(*rng.pick(&[
            0.5,
            -1.25,
            1e300,
            f64::MIN_POSITIVE,
        ]))),
        5 => Any::Number(Number::Int(rng.below(1 << 20) as i64)),
        6 => Any::String(words(rng).into()),
        7 => Any::Buffer(
            (0..rng.below(6))
                .map(|_| rng.byte())
                .collect::<Vec<_>>()
                .into(),
        ),
        8 => Any::Array((0..rng.below(4)).map(|_| any(rng, depth + 1)).collect()),
        _ => Any::Map(Arc::new(
            (0..rng.below(4))
                .map(|_| (rng.pick(&KEYS).to_string(), any(rng, depth + 1)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// Presence as browsers send it (a user, a cursor), a removal (`null`), and JSON that is not.
pub fn awareness(rng: &mut Rng, clients: &[u64]) -> Bytes {
    let mut update = AwarenessUpdate {
        clients: HashMap::new(),
    };
    for _ in 0..1 + rng.below(2) {
        let client = if rng.chance(80) {
            *rng.pick(clients)
        } else {
            rng.next_u64() & ((1 << 53) - 1)
        };
        let json = match rng.below(8) {
            0 => "null".to_owned(),
            1 => "{}".to_owned(),
            2 => "{no es json".to_owned(),
            3 => format!(
                r#"{{"user":{{"name":"{}","role":"coordinador"}}}}"#,
                words(rng)
            ),
            4 => r#"[1,2,{"a":null}]"#.to_owned(),
            _ => format!(
                r##"{{"user":{{"name":"Ana","color":"#c2185b"}},"cursor":{{"index":{}}}}}"##,
                rng.below(100)
            ),
        };
        update.clients.insert(
            ClientID::new(client),
            AwarenessUpdateEntry {
                clock: rng.below(5) as u32,
                json: json.into(),
            },
        );
    }
    protocol::awareness(&update)
}

/// A state vector: a real one, or made up.
pub fn state_vector(rng: &mut Rng, writer: &Writer) -> StateVector {
    if rng.chance(60) {
        writer.state_vector()
    } else {
        StateVector::from_iter(
            (0..rng.below(3))
                .map(|_| (ClientID::new(rng.below(1000) as u64), rng.below(50) as u32)),
        )
    }
}

/// Any frame a client might send, from `writer`'s document; without `may_edit`, only what a
/// read-only client sends (sync handshake, presence).
pub fn frame(rng: &mut Rng, writer: &mut Writer, may_edit: bool) -> Bytes {
    let kind = if may_edit {
        rng.below(12)
    } else {
        7 + rng.below(5)
    };
    match kind {
        0..=4 => protocol::update(&writer.edit(rng)),
        5 | 6 => {
            let sv = state_vector(rng, writer);
            protocol::sync_step2(&writer.diff(&sv))
        }
        7 | 8 => protocol::sync_step1(&state_vector(rng, writer)),
        9 | 10 => awareness(rng, &[writer.doc.client_id().get()]),
        _ => Bytes::from(
            [
                &[3u8][..],
                &[2, 0, 2, b'n', b'o'],
                &[9, 1],
                &[0, 1, 2, 0, 0],
                &[],
            ][rng.below(5)]
            .to_vec(),
        ),
    }
}
