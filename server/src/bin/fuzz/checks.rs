//! What the room target checks besides the room's own answers: a canonical reading of a
//! document (to compare the room, its log and its clients), whether an update leaves a gap, and
//! the board read the server's pages do.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use sala::sync::protocol::{self, Incoming};
use sala::sync::room::Room;
use yrs::updates::decoder::Decode;
use yrs::{Any, Array, Doc, GetString, Map, Out, ReadTxn, StateVector, Transact, Update};

/// A document's state read the same way on every side: its snapshot (what it holds and what is
/// deleted) and the board's roots read from a fresh copy (so both sides interpret root types
/// alike), with maps sorted. Arrays are summarised by length: yrs 0.28's array reader loops
/// forever on some crafted contents (see `board_read`).
pub fn canon(doc: &Doc) -> (yrs::Snapshot, String) {
    let snapshot = doc.transact().snapshot();
    let state = doc.transact().encode_diff_v1(&StateVector::default());
    let copy = Doc::with_client_id(1);
    let notes = copy.get_or_insert_text("notes");
    let agenda = copy.get_or_insert_map("agenda");
    let items = copy.get_or_insert_array("items");
    if let Ok(update) = Update::decode_v1(&state) {
        let _ = copy.transact_mut().apply_update(update);
    }
    let txn = copy.transact();
    let mut names: Vec<String> = txn.root_refs().map(|(n, _)| n.to_owned()).collect();
    names.sort();
    let text = format!(
        "{names:?} notes={:?} agenda={} items=<{}>",
        notes.get_string(&txn),
        out(&Out::YMap(agenda), &txn, 0),
        items.len(&txn)
    );
    (snapshot, text)
}

fn out<T: ReadTxn>(value: &Out, txn: &T, depth: usize) -> String {
    match value {
        Out::Any(any) => sorted(any),
        Out::YText(text) => format!("{:?}", text.get_string(txn)),
        Out::YMap(map) if depth < 8 => {
            let mut entries: Vec<(String, String)> = map
                .iter(txn)
                .map(|(k, v)| (k.to_owned(), out(&v, txn, depth + 1)))
                .collect();
            entries.sort();
            format!("{entries:?}")
        }
        Out::YArray(array) => format!("<array {}>", array.len(txn)),
        other => format!("<{other}>"),
    }
}

fn sorted(any: &Any) -> String {
    match any {
        Any::Map(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{k:?}:{}", sorted(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Any::Array(items) => {
            let inner: Vec<String> = items.iter().map(sorted).collect();
            format!("[{}]", inner.join(","))
        }
        other => format!("{other:?}"),
    }
}

/// What applying `frame` may do beyond appending: `gap`, integrate structs whose predecessors
/// the room lacks (one starts past the room's clock for its client, or the update leaves a gap
/// inside itself); `overlap`, the clients it continues, restates or deletes (harmless from
/// their own client, a second history when made up).
pub struct Shape {
    pub gap: bool,
    pub clients: Vec<u64>,
    pub overlap: Vec<u64>,
}

pub fn shape(frame: &Bytes, room: &StateVector) -> Shape {
    let mut shape = Shape {
        gap: false,
        clients: Vec::new(),
        overlap: Vec::new(),
    };
    let Ok(Incoming::Update(payload) | Incoming::SyncStep2(payload)) = protocol::decode(frame)
    else {
        return shape;
    };
    let Some(update) = protocol::guarded(|| Update::decode_v1(&payload)) else {
        return shape;
    };
    for (client, &clock) in update.state_vector_lower().iter() {
        shape.clients.push(client.get());
        shape.gap |= clock > room.get(client);
        // Restating clocks, or continuing a client the room already has: from anyone but that
        // client, a second history of it (whose items need not follow its first ones).
        if room.get(client) > 0 {
            shape.overlap.push(client.get());
        }
    }
    for (client, _) in update.delete_set().iter() {
        shape.overlap.push(client.get());
    }
    shape.gap |= update
        .insertions(true)
        .iter()
        .any(|(_, ranges)| ranges.len() > 1);
    shape
}

/// What pages, the acta and the dashboards do with a room (`SyncHub::board_view`): read its full
/// state into typed records. It must not panic; a hang is caught by the watchdog.
///
/// Two shapes make that read never return, and are only counted unless `--read-hazards`: the
/// fuzzer found that `read_record` (app/src/domain/board/mod.rs) calls `to_json` on whatever a
/// record field holds, and yrs 0.28 (1) loops forever in `ArrayRef::to_json` when a Y.Array holds
/// a string with a character outside the BMP (one byte of a normal update changed: the field's
/// type 2 → 0), and (2) recurses once per nested Y.Map, so 100 000 nested maps (an 880 KB
/// update, under the frame limit) overflow the stack and abort the server. Fixing them needs
/// `read_record` to stop calling `to_json` on shared types.
pub fn board_read(room: &Room, read_hazards: bool, stats: &mut crate::Stats) -> Result<(), String> {
    if !read_hazards && hazard(room.doc()) {
        stats.board_hazards += 1;
        return Ok(());
    }
    let state = catch_unwind(AssertUnwindSafe(|| room.full_state()))
        .map_err(|_| format!("Room::full_state panicked: {}", crate::last_panic()))?;
    let read = catch_unwind(AssertUnwindSafe(|| {
        app::domain::board::BoardView::from_updates([state.as_slice()]).is_ok()
    }));
    match read {
        Ok(_) => {
            stats.board_reads += 1;
            Ok(())
        }
        Err(_) => Err(format!(
            "reading the board panicked: {}",
            crate::last_panic()
        )),
    }
}

/// A record field holding a Y.Array, or Y.Maps nested deeper than 32 (see [`board_read`]).
fn hazard(doc: &Doc) -> bool {
    fn inside<T: ReadTxn>(value: &Out, txn: &T, depth: usize) -> bool {
        match value {
            Out::YArray(_) => true,
            Out::YMap(map) => depth > 32 || map.iter(txn).any(|(_, v)| inside(&v, txn, depth + 1)),
            _ => false,
        }
    }
    let txn = doc.transact();
    app::domain::board::ROOTS.iter().any(|root| {
        txn.get_map(*root).is_some_and(|records| {
            records.iter(&txn).any(|(_, record)| match record {
                Out::YMap(record) => record.iter(&txn).any(|(_, v)| inside(&v, &txn, 0)),
                _ => false,
            })
        })
    })
}
