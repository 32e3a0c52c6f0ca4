//! Boards a writer can craft that the server cannot read (found by `fuzz room`, see
//! docs/benchmarks.md, 2026-12-01): the room accepts and stores them, and then every page,
//! acta and dashboard that reads the board (`SyncHub::board_view` → `BoardView::from_updates`)
//! hangs or aborts the process. Both come from `read_record` (app/src/domain/board/mod.rs)
//! calling `to_json` on whatever shared type a record field holds; a field the schema does not
//! define as a shared type now reads as no text.

use std::time::Duration;

use app::domain::board::BoardView;
use yrs::{Doc, Map, MapPrelim, TextPrelim, Transact};

/// Reads the board on a thread with a tokio worker's stack (2 MiB); `None` if it does not
/// return within `limit`.
fn read_within(update: Vec<u8>, limit: Duration) -> Option<usize> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let agenda = BoardView::from_updates([update.as_slice()]).map_or(0, |v| v.agenda.len());
            let _ = tx.send(agenda);
        })
        .unwrap();
    rx.recv_timeout(limit).ok()
}

fn record(field: impl FnOnce(&mut yrs::TransactionMut, &yrs::MapRef)) -> Vec<u8> {
    let doc = Doc::with_client_id(7);
    let agenda = doc.get_or_insert_map("agenda");
    let mut txn = doc.transact_mut();
    let record = agenda.insert(&mut txn, "r1", MapPrelim::default());
    record.insert(&mut txn, "id", "r1");
    field(&mut txn, &record);
    txn.encode_update_v1()
}

/// yrs 0.28.1's `ArrayRef::to_json` loops forever on an array holding a string item with a
/// character outside the BMP: here a title's Y.Text retyped as a Y.Array (one byte, 2 → 0).
#[test]
fn a_retyped_text_field_does_not_hang_the_board_read() {
    let mut update = record(|txn, record| {
        record.insert(txn, "title", TextPrelim::new("barrera 🎉"));
    });
    let at = update
        .windows(6)
        .position(|w| w == b"\x05title")
        .expect("the field's key")
        + 6;
    assert_eq!(update[at], 2, "a Y.Text's type");
    update[at] = 0;
    assert_eq!(
        read_within(update, Duration::from_secs(10)),
        Some(1),
        "the board read did not return"
    );
}

/// yrs recurses once per nested Y.Map in `to_json`: 100 000 of them (an 880 KB update, under
/// the 1 MiB frame limit) overflowed the stack, which aborted the server.
#[test]
fn deeply_nested_maps_do_not_overflow_the_board_read() {
    let update = record(|txn, record| {
        let mut inner = record.insert(txn, "x", MapPrelim::default());
        for _ in 0..100_000 {
            inner = inner.insert(txn, "x", MapPrelim::default());
        }
    });
    assert!(update.len() < 1024 * 1024);
    assert_eq!(read_within(update, Duration::from_secs(60)), Some(1));
}
