//! Writing to the board the way people type: a text box's new value becomes the smallest
//! insert/delete on the shared `Y.Text`, so two people typing in the same field merge character
//! by character instead of overwriting each other. Offsets are UTF-16 code units, like the
//! browser's text boxes and JavaScript Yjs (the document must use `OffsetKind::Utf16`).

use yrs::{
    ClientID, Doc, Map, MapRef, OffsetKind, Options, Out, ReadTxn, Text, TextPrelim,
    TransactionMut, WriteTxn,
};

use super::records::Key;
use super::{META, stamp_update};

/// Replace `delete` code units at `start` with `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub start: u32,
    pub delete: u32,
    pub insert: String,
}

/// The single edit turning `old` into `new` (common prefix and suffix kept), or `None` if equal.
pub fn diff(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let a: Vec<u16> = old.encode_utf16().collect();
    let b: Vec<u16> = new.encode_utf16().collect();
    let mut prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // Never split a surrogate pair.
    if prefix > 0 && (0xD800..0xDC00).contains(&a[prefix - 1]) {
        prefix -= 1;
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    if suffix > 0 && (0xDC00..0xE000).contains(&a[a.len() - suffix]) {
        suffix -= 1;
    }
    let insert = String::from_utf16_lossy(&b[prefix..b.len() - suffix]);
    Some(TextEdit {
        start: prefix as u32,
        delete: (a.len() - prefix - suffix) as u32,
        insert,
    })
}

/// Where a caret ends up after someone else's `edit`: it moves with the text it was in.
pub fn shift_caret(caret: u32, edit: &TextEdit) -> u32 {
    let inserted = edit.insert.encode_utf16().count() as u32;
    if caret <= edit.start {
        caret
    } else if caret >= edit.start + edit.delete {
        caret - edit.delete + inserted
    } else {
        edit.start + inserted
    }
}

/// What a text box shows once the document's text became `wanted`: the new text, and the caret
/// moved with the text it was in (so someone typing keeps typing where they were).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub value: String,
    pub caret: Option<u32>,
}

/// How a text box showing `current` (caret at `caret`) follows the document's `wanted`; `None`
/// when it already shows it (nothing to touch, so nothing typed can be disturbed).
pub fn rebind(current: &str, caret: Option<u32>, wanted: &str) -> Option<Shown> {
    let edit = diff(current, wanted)?;
    Some(Shown {
        value: wanted.to_owned(),
        caret: caret.map(|c| shift_caret(c, &edit)),
    })
}

/// Test support: brings `to` up to date with everything `from` has (a sync round, as the room
/// would relay it).
#[cfg(test)]
pub(crate) fn sync_docs(from: &Doc, to: &Doc) {
    use yrs::Transact;
    use yrs::updates::decoder::Decode;
    let update = from
        .transact()
        .encode_diff_v1(&to.transact().state_vector());
    to.transact_mut()
        .apply_update(yrs::Update::decode_v1(&update).expect("a valid update"))
        .expect("applies");
}

/// A document that counts text offsets like the browser does.
pub fn browser_doc(client_id: u64) -> Doc {
    Doc::with_options(Options {
        client_id: ClientID::new(client_id),
        offset_kind: OffsetKind::Utf16,
        ..Options::default()
    })
}

/// A new record's id: a UUID v4, as the schema asks (ids are never positions).
pub fn new_record_id() -> String {
    yrs::uuid_v4().to_string()
}

/// The record `id` in collection `root`, if it exists.
pub fn record<T: ReadTxn>(txn: &T, root: &str, id: &str) -> Option<MapRef> {
    match txn.get_map(root)?.get(txn, id) {
        Some(Out::YMap(record)) => Some(record),
        _ => None,
    }
}

/// Deletes a record; returns whether it existed.
pub fn remove_record(txn: &mut TransactionMut, root: &str, id: &str) -> bool {
    match txn.get_map(root) {
        Some(collection) => collection.remove(txn, id).is_some(),
        None => false,
    }
}

/// Brings shared text `key` of `record` to `value` with the smallest edit, stamping the author.
/// Returns whether anything changed.
pub fn write_text(
    txn: &mut TransactionMut,
    record: &MapRef,
    key: Key,
    value: &str,
    author: &str,
    now_ms: f64,
) -> bool {
    debug_assert!(key.is_shared_text(), "{} is not a shared text", key.name);
    let text = match record.get(txn, key.name) {
        Some(Out::YText(text)) => text,
        _ => record.insert(txn, key.name, TextPrelim::new("")),
    };
    let current = yrs::GetString::get_string(&text, txn);
    let Some(edit) = diff(&current, value) else {
        return false;
    };
    if edit.delete > 0 {
        text.remove_range(txn, edit.start, edit.delete);
    }
    if !edit.insert.is_empty() {
        text.insert(txn, edit.start, &edit.insert);
    }
    stamp_update(txn, record, author, now_ms);
    true
}

/// Adds (`on`) or removes `code` in the comma-separated list `key` of `record`, reading the list
/// as the document holds it at this moment (not as a screen last showed it), so ticking one
/// entry keeps the ones someone else ticked just before. Returns whether anything changed.
pub fn toggle_in_list(
    txn: &mut TransactionMut,
    record: &MapRef,
    key: Key,
    code: &str,
    on: bool,
    author: &str,
    now_ms: f64,
) -> bool {
    let current = match record.get(txn, key.name) {
        Some(Out::Any(yrs::Any::String(list))) => list.to_string(),
        _ => String::new(),
    };
    let next = super::records::toggled(&current, code, on);
    if next == current {
        return false;
    }
    record.insert(txn, key.name, next);
    stamp_update(txn, record, author, now_ms);
    true
}

/// Sets (or clears, with an empty string) a value of the board's `meta` map.
pub fn set_meta(txn: &mut TransactionMut, key: &str, value: yrs::Any) {
    let meta = txn.get_or_insert_map(META);
    meta.insert(txn, key, value);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use yrs::{GetString, Transact};

    use super::super::records::agenda;
    use super::super::{AGENDA, Field, put_record};
    use super::*;

    fn apply(old: &str, edit: &TextEdit) -> String {
        let units: Vec<u16> = old.encode_utf16().collect();
        let start = edit.start as usize;
        let end = start + edit.delete as usize;
        let mut out: Vec<u16> = units[..start].to_vec();
        out.extend(edit.insert.encode_utf16());
        out.extend(&units[end..]);
        String::from_utf16(&out).expect("valid utf-16")
    }

    #[test]
    fn finds_the_smallest_edit() {
        assert_eq!(diff("abc", "abc"), None);
        assert_eq!(
            diff("hola mundo", "hola, mundo"),
            Some(TextEdit {
                start: 4,
                delete: 0,
                insert: ",".into()
            })
        );
        assert_eq!(
            diff("aaa", "aa"),
            Some(TextEdit {
                start: 2,
                delete: 1,
                insert: String::new()
            })
        );
        // Accents and emoji count in UTF-16 units, as in the browser.
        let edit = diff("añ😀b", "añ😀xb").unwrap();
        assert_eq!(edit.start, 4);
    }

    #[test]
    fn carets_follow_their_text() {
        let edit = TextEdit {
            start: 2,
            delete: 1,
            insert: "xyz".into(),
        };
        assert_eq!(shift_caret(1, &edit), 1);
        assert_eq!(shift_caret(5, &edit), 7);
        assert_eq!(shift_caret(3, &edit), 5);
    }

    proptest! {
        #[test]
        fn applying_the_diff_yields_the_new_text(old in "[a-cñ😀 ]{0,12}", new in "[a-cñ😀 ]{0,12}") {
            match diff(&old, &new) {
                None => prop_assert_eq!(&old, &new),
                Some(edit) => prop_assert_eq!(apply(&old, &edit), new),
            }
        }
    }

    #[test]
    fn two_people_typing_in_one_field_merge() {
        let ana = browser_doc(1);
        let luis = browser_doc(2);
        {
            let mut txn = ana.transact_mut();
            put_record(
                &mut txn,
                AGENDA,
                "i",
                &[("notes", Field::Text("Acta anterior".into()))],
                "Ana",
                1.0,
            );
        }
        let sync = sync_docs;
        sync(&ana, &luis);
        for (doc, value, who) in [
            (&ana, "Acta anterior aprobada", "Ana"),
            (&luis, "Revisión: Acta anterior", "Luis"),
        ] {
            let mut txn = doc.transact_mut();
            let r = record(&txn, AGENDA, "i").unwrap();
            assert!(write_text(&mut txn, &r, agenda::NOTES, value, who, 2.0));
        }
        sync(&ana, &luis);
        sync(&luis, &ana);
        let notes = |doc: &Doc| {
            let txn = doc.transact();
            let r = record(&txn, AGENDA, "i").unwrap();
            match r.get(&txn, "notes") {
                Some(Out::YText(t)) => t.get_string(&txn),
                _ => panic!("notes is text"),
            }
        };
        assert_eq!(notes(&ana), notes(&luis));
        assert_eq!(notes(&ana), "Revisión: Acta anterior aprobada");
    }
}
