//! Property test of the board's field binding: one person types into a card's short field while
//! another changes other fields of the same card, and the same field, in any interleaving of
//! keystrokes and deliveries. The text box is modelled as the browser holds it (value and caret)
//! and follows the document exactly as `SharedText` does (`rebind` on every change it hears of);
//! every keystroke goes to the document as `write_text` does. Nothing typed may be lost.

use proptest::prelude::*;
use yrs::{Doc, GetString, Map, Out, Transact};

use super::edit::{browser_doc, rebind, record, sync_docs as sync, write_text};
use super::records::commitment::{INSTITUTIONS, RESPONSIBLE, STATUS};
use super::{COMMITMENTS, CommitmentStatus, Field, put_record, set_field};

const ANA: &str = "abcdefgh";
const LUIS: &str = "XYZ";

#[derive(Debug, Clone)]
enum Step {
    /// Ana types a letter at her caret in *Responsable*.
    AnaTypes(char),
    /// Ana moves her caret (clicks elsewhere in the box).
    AnaMovesCaret(usize),
    /// Luis changes *Estado* of the same card.
    LuisSetsStatus(usize),
    /// Luis types in *Institución(es)* of the same card.
    LuisTypesOther(char),
    /// Luis types into *Responsable* too, at some position.
    LuisTypesSame(char, usize),
    /// What Luis did so far reaches Ana (and her box follows the document).
    ToAna,
    /// What Ana did so far reaches Luis.
    ToLuis,
}

fn step() -> impl Strategy<Value = Step> {
    let ana = prop::sample::select(ANA.chars().collect::<Vec<_>>());
    let luis = prop::sample::select(LUIS.chars().collect::<Vec<_>>());
    prop_oneof![
        4 => ana.prop_map(Step::AnaTypes),
        1 => (0usize..40).prop_map(Step::AnaMovesCaret),
        2 => (0usize..5).prop_map(Step::LuisSetsStatus),
        2 => luis.clone().prop_map(Step::LuisTypesOther),
        2 => (luis, 0usize..40).prop_map(|(c, at)| Step::LuisTypesSame(c, at)),
        2 => Just(Step::ToAna),
        2 => Just(Step::ToLuis),
    ]
}

fn text_of(doc: &Doc, key: super::Key) -> String {
    let txn = doc.transact();
    let Some(r) = record(&txn, COMMITMENTS, "c") else {
        return String::new();
    };
    match r.get(&txn, key.name) {
        Some(Out::YText(t)) => t.get_string(&txn),
        _ => String::new(),
    }
}

/// `text` with `letter` inserted at `at` (clamped; ASCII only, so bytes are code units).
fn insert(text: &str, at: usize, letter: char) -> String {
    let at = at.min(text.len());
    format!("{}{letter}{}", &text[..at], &text[at..])
}

fn type_into(doc: &Doc, key: super::Key, value: &str, who: &str) {
    let mut txn = doc.transact_mut();
    let r = record(&txn, COMMITMENTS, "c").expect("record");
    write_text(&mut txn, &r, key, value, who, 1.0);
}

/// Ana's text box: what it shows and where her caret is.
struct TextBox {
    value: String,
    caret: u32,
}

impl TextBox {
    /// The document changed: the box follows it, as the page's effect does.
    fn follow(&mut self, doc: &Doc) {
        if let Some(shown) = rebind(&self.value, Some(self.caret), &text_of(doc, RESPONSIBLE)) {
            self.value = shown.value;
            self.caret = shown.caret.unwrap_or(self.caret);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    #[test]
    fn nothing_typed_is_lost(steps in prop::collection::vec(step(), 1..80)) {
        let ana = browser_doc(1);
        let luis = browser_doc(2);
        {
            let mut txn = ana.transact_mut();
            put_record(&mut txn, COMMITMENTS, "c", &[
                (RESPONSIBLE.name, Field::Text(String::new())),
                (INSTITUTIONS.name, Field::Text(String::new())),
                (STATUS.name, Field::Text(CommitmentStatus::Pendiente.code().into())),
            ], "Ana", 0.0);
        }
        sync(&ana, &luis);
        let mut shown = TextBox { value: String::new(), caret: 0 };
        let (mut ana_typed, mut luis_same, mut luis_other) = (String::new(), 0usize, String::new());
        for step in steps {
            match step {
                Step::AnaTypes(letter) => {
                    // Where it goes among her own letters: what she sees before her caret.
                    let before = shown.value[..shown.caret as usize]
                        .chars()
                        .filter(|c| ANA.contains(*c))
                        .count();
                    ana_typed.insert(before, letter);
                    shown.value = insert(&shown.value, shown.caret as usize, letter);
                    shown.caret += 1;
                    type_into(&ana, RESPONSIBLE, &shown.value, "Ana");
                }
                Step::AnaMovesCaret(at) => shown.caret = at.min(shown.value.len()) as u32,
                Step::LuisSetsStatus(n) => {
                    let status = CommitmentStatus::ALL[n % CommitmentStatus::ALL.len()];
                    let mut txn = luis.transact_mut();
                    let r = record(&txn, COMMITMENTS, "c").expect("record");
                    set_field(&mut txn, COMMITMENTS, &r, STATUS.name,
                        Field::Text(status.code().into()), "Luis", 2.0);
                }
                Step::LuisTypesOther(letter) => {
                    luis_other.push(letter);
                    let value = format!("{}{letter}", text_of(&luis, INSTITUTIONS));
                    type_into(&luis, INSTITUTIONS, &value, "Luis");
                }
                Step::LuisTypesSame(letter, at) => {
                    luis_same += 1;
                    let value = insert(&text_of(&luis, RESPONSIBLE), at, letter);
                    type_into(&luis, RESPONSIBLE, &value, "Luis");
                }
                Step::ToAna => {
                    sync(&luis, &ana);
                    shown.follow(&ana);
                }
                Step::ToLuis => sync(&ana, &luis),
            }
            // The box always shows what the document says once it has heard of it.
            prop_assert_eq!(&shown.value, &text_of(&ana, RESPONSIBLE));
        }
        sync(&ana, &luis);
        sync(&luis, &ana);
        shown.follow(&ana);
        let responsible = text_of(&ana, RESPONSIBLE);
        prop_assert_eq!(&responsible, &text_of(&luis, RESPONSIBLE), "converged");
        prop_assert_eq!(&shown.value, &responsible);
        // Every letter Ana typed is there, where she put it among her own.
        let hers: String = responsible.chars().filter(|c| ANA.contains(*c)).collect();
        prop_assert_eq!(hers, ana_typed);
        prop_assert_eq!(responsible.chars().filter(|c| LUIS.contains(*c)).count(), luis_same);
        prop_assert_eq!(text_of(&ana, INSTITUTIONS), luis_other);
    }
}
