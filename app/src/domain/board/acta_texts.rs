//! The texts of an acta's draft that the coordination may correct: the fields each record kind
//! defines as typed by people (its shared texts), found and replaced through the kind's own
//! definition, so a new kind or field is correctable without touching this.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::approval::CycleError;
use super::records::{agenda, agreement, attendance, barrier, commitment, followup};
use super::{BoardRecord, BoardView};

/// A text a draft's record holds: `(kind, record id, field, label, text)`, every one the
/// coordination may correct (the texts people typed, as each record kind defines them).
pub fn correctable_texts(board: &BoardView) -> Vec<(String, String, String, &'static str, String)> {
    fn of<R: BoardRecord + Serialize>(
        list: &[R],
        out: &mut Vec<(String, String, String, &'static str, String)>,
    ) {
        for record in list {
            let Ok(value) = serde_json::to_value(record) else {
                continue;
            };
            for key in R::FIELDS.iter().filter(|k| k.is_shared_text()) {
                if let Some(text) = value.get(key.name).and_then(serde_json::Value::as_str) {
                    out.push((
                        R::ROOT.to_owned(),
                        record.id().to_owned(),
                        key.name.to_owned(),
                        key.label,
                        text.to_owned(),
                    ));
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
