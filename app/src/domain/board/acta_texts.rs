//! The texts of an acta's draft that the coordination may correct: the fields each record kind
//! defines as typed by people (its shared texts), found and replaced through the kind's own
//! definition, so a new kind or field is correctable without touching this.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::approval::CycleError;
use super::records::{agenda, agreement, attendance, barrier, commitment, followup};
use super::{BoardRecord, BoardView};

/// A text of a draft's record that the coordination may correct: one of the texts people
/// typed, as each record kind defines them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectableText {
    /// The record kind's root (`barriers`), the record's id and the field's name.
    pub kind: &'static str,
    pub record: String,
    pub field: &'static str,
    /// The kind and the field as the forms name them ("Barrera", "Descripción").
    pub kind_label: &'static str,
    pub field_label: &'static str,
    /// What names the record in lists (its summary).
    pub summary: String,
    pub text: String,
}

impl CorrectableText {
    /// `kind/record/field`: how a form names it (record ids never hold a `/`).
    pub fn target(&self) -> String {
        format!("{}/{}/{}", self.kind, self.record, self.field)
    }
}

/// Every text of the board the coordination may correct, kind by kind in the acta's order.
pub fn correctable_texts(board: &BoardView) -> Vec<CorrectableText> {
    fn of<R: BoardRecord + Serialize>(list: &[R], out: &mut Vec<CorrectableText>) {
        for record in list {
            let Ok(value) = serde_json::to_value(record) else {
                continue;
            };
            for key in R::FIELDS.iter().filter(|k| k.is_shared_text()) {
                if let Some(text) = value.get(key.name).and_then(serde_json::Value::as_str) {
                    out.push(CorrectableText {
                        kind: R::ROOT,
                        record: record.id().to_owned(),
                        field: key.name,
                        kind_label: R::LABEL,
                        field_label: key.label,
                        summary: record.summary().to_owned(),
                        text: text.to_owned(),
                    });
                }
            }
        }
    }
    let mut out = Vec::new();
    of(&board.agenda, &mut out);
    of(&board.barriers, &mut out);
    of(&board.agreements, &mut out);
    of(&board.commitments, &mut out);
    of(&board.attendance, &mut out);
    of(&board.followups, &mut out);
    out
}

/// Puts `text` in the field of one record of the acta's board; returns what it said and the
/// field's label. Only the texts each kind defines as typed by people can be corrected.
pub fn correct(
    board: &mut BoardView,
    kind: &str,
    record: &str,
    field: &str,
    text: &str,
) -> Result<(String, &'static str), CycleError> {
    fn in_list<R: BoardRecord + Serialize + DeserializeOwned>(
        list: &mut [R],
        record: &str,
        field: &str,
        text: &str,
    ) -> Result<(String, &'static str), CycleError> {
        let key = R::FIELDS
            .iter()
            .find(|k| k.name == field && k.is_shared_text())
            .ok_or(CycleError::NotCorrectable)?;
        let slot = list
            .iter_mut()
            .find(|r| r.id() == record)
            .ok_or(CycleError::UnknownRecord)?;
        let mut value = serde_json::to_value(&*slot).map_err(|_| CycleError::NotCorrectable)?;
        let before = value
            .get(key.name)
            .and_then(serde_json::Value::as_str)
            .ok_or(CycleError::NotCorrectable)?
            .to_owned();
        value[key.name] = serde_json::Value::String(text.to_owned());
        *slot = serde_json::from_value(value).map_err(|_| CycleError::NotCorrectable)?;
        Ok((before, key.label))
    }
    match kind {
        agenda::ROOT => in_list(&mut board.agenda, record, field, text),
        barrier::ROOT => in_list(&mut board.barriers, record, field, text),
        agreement::ROOT => in_list(&mut board.agreements, record, field, text),
        commitment::ROOT => in_list(&mut board.commitments, record, field, text),
        attendance::ROOT => in_list(&mut board.attendance, record, field, text),
        followup::ROOT => in_list(&mut board.followups, record, field, text),
        _ => Err(CycleError::UnknownRecord),
    }
}
