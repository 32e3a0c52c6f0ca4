//! The board read into typed records: what pages render, the acta prints and the store keeps as
//! the session's official record. Each kind reads itself (`super::records`); reading is lenient
//! because a board must never fail to render.

use serde::{Deserialize, Serialize};
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, Map, Out, ReadTxn, Transact, Update};

use super::records::{AgendaItem, Agreement, Attendee, Barrier, BoardRecord, Commitment, FollowUp};
use super::{META, meta};

/// The whole board, in display order (agenda by position; the rest by creation time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub current_item: Option<String>,
    pub timer_started_at: Option<f64>,
    pub agenda: Vec<AgendaItem>,
    pub barriers: Vec<Barrier>,
    pub agreements: Vec<Agreement>,
    pub commitments: Vec<Commitment>,
    pub attendance: Vec<Attendee>,
    /// Open commitments of earlier sessions, reviewed in this one.
    #[serde(default)]
    pub followups: Vec<FollowUp>,
}

/// A board's stored or sent bytes that are not a Yjs update this document can take.
#[derive(Debug, thiserror::Error)]
pub enum BoardDecodeError {
    #[error("actualización del tablero ilegible: {0}")]
    Decode(#[from] yrs::encoding::read::Error),
    #[error("actualización del tablero que no se puede aplicar: {0}")]
    Apply(#[from] yrs::error::UpdateError),
}

/// Applies one Yjs update (v1 encoding) to `doc`.
pub fn apply_update(doc: &Doc, bytes: &[u8]) -> Result<(), BoardDecodeError> {
    let update = Update::decode_v1(bytes)?;
    doc.transact_mut().apply_update(update)?;
    Ok(())
}

impl BoardView {
    /// The board that `updates` (v1 encoding, in any order) make, read into typed records.
    pub fn from_updates<'a>(
        updates: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, BoardDecodeError> {
        let doc = Doc::new();
        for bytes in updates {
            apply_update(&doc, bytes)?;
        }
        Ok(Self::read(&doc.transact()))
    }

    pub fn read<T: ReadTxn>(txn: &T) -> Self {
        let meta = txn.get_map(META);
        let meta_value = |key: &str| meta.as_ref().and_then(|m| m.get(txn, key));
        let current_item = match meta_value(meta::CURRENT_AGENDA_ITEM) {
            Some(Out::Any(Any::String(s))) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        };
        let timer_started_at = match meta_value(meta::TIMER_STARTED_AT) {
            Some(Out::Any(Any::Number(yrs::Number::Float(n)))) => Some(n),
            Some(Out::Any(Any::Number(yrs::Number::Int(n)))) => Some(n as f64),
            _ => None,
        };
        BoardView {
            current_item,
            timer_started_at,
            agenda: AgendaItem::read_all(txn),
            barriers: Barrier::read_all(txn),
            agreements: Agreement::read_all(txn),
            commitments: Commitment::read_all(txn),
            attendance: Attendee::read_all(txn),
            followups: FollowUp::read_all(txn),
        }
    }

    pub fn agenda_item(&self, id: &str) -> Option<&AgendaItem> {
        self.agenda.iter().find(|i| i.id == id)
    }

    /// How many records of kind `R` have content (empty ones just added are not counted).
    pub fn count<R: BoardRecord>(&self) -> usize {
        R::on(self).iter().filter(|r| r.has_content()).count()
    }

    /// The board without the records nobody has written yet: what the dashboards are projected
    /// from.
    pub fn with_content(&self) -> BoardView {
        fn kept<R: BoardRecord>(records: &[R]) -> Vec<R> {
            records
                .iter()
                .filter(|r| r.has_content())
                .cloned()
                .collect()
        }
        BoardView {
            current_item: self.current_item.clone(),
            timer_started_at: self.timer_started_at,
            agenda: self.agenda.clone(),
            barriers: kept(&self.barriers),
            agreements: kept(&self.agreements),
            commitments: kept(&self.commitments),
            attendance: kept(&self.attendance),
            followups: self.followups.clone(),
        }
    }

    /// Attendees who count for quorum: members present in person or by delegation (an acta
    /// counts what it recorded).
    pub fn members_present(&self) -> usize {
        self.attendance.iter().filter(|a| a.is_member()).count()
    }

    /// The same on a live board, where an attendee nobody has written in yet is nobody: equal to
    /// `with_content().members_present()`, without copying the board.
    pub fn written_members_present(&self) -> usize {
        self.attendance
            .iter()
            .filter(|a| a.is_member() && a.has_content())
            .count()
    }

    /// The newest records of any kind, newest first: what the projector shows as they arrive.
    pub fn newest(&self, limit: usize) -> Vec<NewRecord> {
        fn of<R: BoardRecord>(records: &[R]) -> impl Iterator<Item = NewRecord> + '_ {
            records
                .iter()
                .filter(|r| r.has_content())
                .map(|r| NewRecord {
                    kind: R::LABEL,
                    id: r.id().to_owned(),
                    text: r.summary().to_owned(),
                    at: r.stamp().created_at,
                })
        }
        let mut all: Vec<NewRecord> = of(&self.barriers)
            .chain(of(&self.agreements))
            .chain(of(&self.commitments))
            .collect();
        all.sort_by(|a, b| b.at.partial_cmp(&a.at).unwrap_or(std::cmp::Ordering::Equal));
        all.truncate(limit);
        all
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    pub kind: &'static str,
    pub id: String,
    pub text: String,
    pub at: f64,
}

#[cfg(test)]
mod tests {
    use yrs::{Doc, Transact, WriteTxn};

    use chrono::NaiveDate;

    use super::super::{
        AGENDA, ATTENDANCE, AgendaStatus, COMMITMENTS, CommitmentStatus, Field, put_record,
    };
    use super::*;

    #[test]
    fn reads_every_collection_leniently_and_in_order() {
        let doc = Doc::new();
        {
            let mut txn = doc.transact_mut();
            put_record(
                &mut txn,
                AGENDA,
                "b",
                &[
                    ("title", Field::Text("Segundo".into())),
                    ("position", Field::Number(2.0)),
                ],
                "Ana",
                1.0,
            );
            put_record(
                &mut txn,
                AGENDA,
                "a",
                &[
                    ("title", Field::Text("Primero".into())),
                    ("position", Field::Number(1.0)),
                    ("minutes", Field::Number(15.0)),
                    ("status", Field::Text("en_curso".into())),
                ],
                "Ana",
                2.0,
            );
            put_record(
                &mut txn,
                COMMITMENTS,
                "c",
                &[
                    ("description", Field::Text("Jornada de afiliación".into())),
                    ("due", Field::Text("2026-12-01".into())),
                    ("status", Field::Text("no-es-un-estado".into())),
                    ("agreement", Field::Text("x".into())),
                ],
                "Luis",
                3.0,
            );
            put_record(
                &mut txn,
                ATTENDANCE,
                "p",
                &[
                    ("name", Field::Text("Ana".into())),
                    ("role", Field::Text("delegado".into())),
                    ("arrivedAt", Field::Number(5.0)),
                ],
                "Ana",
                5.0,
            );
            let meta = txn.get_or_insert_map(META);
            meta.insert(&mut txn, "currentAgendaItem", "a");
            meta.insert(&mut txn, "timerStartedAt", 10.0);
        }
        let view = BoardView::read(&doc.transact());
        let titles: Vec<_> = view.agenda.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["Primero", "Segundo"]);
        assert_eq!(view.agenda[0].minutes, 15);
        assert_eq!(view.agenda[0].status, AgendaStatus::EnCurso);
        assert_eq!(view.current_item.as_deref(), Some("a"));
        assert_eq!(view.timer_started_at, Some(10.0));
        let c = &view.commitments[0];
        assert_eq!(
            c.status,
            CommitmentStatus::Pendiente,
            "unknown code falls back"
        );
        assert_eq!(c.due, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(c.agreement.as_deref(), Some("x"));
        assert_eq!(c.stamp.created_by, "Luis");
        assert_eq!(view.members_present(), 1);
        assert_eq!(view.newest(5)[0].text, "Jornada de afiliación");
    }

    #[test]
    fn records_nobody_has_written_yet_are_not_counted_nor_projected() {
        let doc = Doc::new();
        {
            let mut txn = doc.transact_mut();
            for (id, text) in [("a", "Brigada en Bosa"), ("b", "  ")] {
                put_record(
                    &mut txn,
                    COMMITMENTS,
                    id,
                    &[("description", Field::Text(text.into()))],
                    "Ana",
                    1.0,
                );
            }
            put_record(
                &mut txn,
                ATTENDANCE,
                "p",
                &[("role", Field::Text("titular".into()))],
                "Ana",
                2.0,
            );
        }
        let view = BoardView::read(&doc.transact());
        assert_eq!(
            view.commitments.len(),
            2,
            "both are on the board, to be written in"
        );
        assert_eq!(view.count::<Commitment>(), 1);
        assert_eq!(view.members_present(), 1, "an acta counts what it recorded");
        assert_eq!(
            view.with_content().members_present(),
            0,
            "an unnamed attendee is nobody yet"
        );
        assert_eq!(view.written_members_present(), 0);
        assert_eq!(view.newest(5).len(), 1);
        let projected = view.with_content();
        assert_eq!(projected.commitments.len(), 1);
        assert_eq!(projected.commitments[0].id, "a");
        assert!(projected.attendance.is_empty());
    }
}
