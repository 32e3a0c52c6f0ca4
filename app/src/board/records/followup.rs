//! Follow-ups (seguimiento): commitments of earlier sessions reviewed in this one, keyed by the
//! commitment's own id. The server writes them when the board is created; the session edits
//! their status and notes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::commitment::{self, Commitment, CommitmentStatus};
use super::{
    ANY_NUMBER, Adding, BoardRecord, Key, Kind, Stamp, code, common, date, number, stamp, text,
    value,
};
use crate::board::{BoardView, Field, Record};

pub const ROOT: &str = "followups";
pub const ORIGIN_SESSION: Key = Key::new("originSession", ANY_NUMBER, "Sesión de origen");
pub const ORIGIN_SEQ: Key = Key::new("originSeq", ANY_NUMBER, "Número de la sesión de origen");
pub const DESCRIPTION: Key = Key::new("description", Kind::SharedText, "Compromiso");
pub const INSTITUTIONS: Key = Key::new("institutions", Kind::Text, "Institución(es)");
pub const RESPONSIBLE: Key = Key::new("responsible", Kind::Text, "Responsable (persona)");
pub const DUE: Key = Key::new("due", Kind::Date, "Fecha límite");
pub const STATUS: Key = Key::new(
    "status",
    Kind::Code(CommitmentStatus::options),
    "Estado en esta sesión",
);
pub const NOTES: Key = Key::new("notes", Kind::SharedText, "Avance o evidencia");

/// A commitment carried over from an earlier session, with the status it is given in this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    /// The commitment's own id (as on the board where it was agreed).
    pub id: String,
    /// The session where it was agreed.
    pub origin_session: i64,
    pub origin_seq: i64,
    pub description: String,
    pub institutions: String,
    pub responsible: String,
    pub due: Option<NaiveDate>,
    pub status: CommitmentStatus,
    /// What the review found (progress, evidence, why late).
    pub note: String,
    pub stamp: Stamp,
}

impl FollowUp {
    /// The record the server writes for `commitment`, agreed in session `origin_session`
    /// (number `origin_seq` of its Mesa).
    pub fn seed(
        commitment: &Commitment,
        origin_session: i64,
        origin_seq: i64,
    ) -> Vec<(&'static str, Field)> {
        vec![
            (ORIGIN_SESSION.name, Field::Number(origin_session as f64)),
            (ORIGIN_SEQ.name, Field::Number(origin_seq as f64)),
            value(DESCRIPTION, commitment.description.clone()),
            value(INSTITUTIONS, commitment.institutions.clone()),
            value(RESPONSIBLE, commitment.responsible.clone()),
            value(
                DUE,
                commitment.due.map(|d| d.to_string()).unwrap_or_default(),
            ),
            value(STATUS, commitment.status.code()),
            value(NOTES, String::new()),
        ]
    }
}

impl BoardRecord for FollowUp {
    const ROOT: &'static str = ROOT;
    const FIELDS: &'static [Key] = &[
        ORIGIN_SESSION,
        ORIGIN_SEQ,
        DESCRIPTION,
        INSTITUTIONS,
        RESPONSIBLE,
        DUE,
        STATUS,
        NOTES,
    ];
    const NOUN: &'static str = "el seguimiento de";
    const LABEL: &'static str = "Seguimiento";
    const HEADING: &'static str = "Seguimiento de compromisos anteriores";

    fn read(r: &Record) -> Self {
        Self {
            id: text(r, common::ID),
            origin_session: number(r, ORIGIN_SESSION).unwrap_or(0.0) as i64,
            origin_seq: number(r, ORIGIN_SEQ).unwrap_or(0.0) as i64,
            description: text(r, DESCRIPTION),
            institutions: text(r, INSTITUTIONS),
            responsible: text(r, RESPONSIBLE),
            due: date(r, DUE),
            status: code(
                r,
                STATUS,
                CommitmentStatus::parse,
                CommitmentStatus::Pendiente,
            ),
            note: text(r, NOTES),
            stamp: stamp(r),
        }
    }

    /// Only the server creates follow-ups (from the official records): see [`FollowUp::seed`].
    fn defaults(_: Adding<'_>) -> Vec<(&'static str, Field)> {
        vec![value(
            STATUS,
            commitment::CommitmentStatus::Pendiente.code(),
        )]
    }

    fn id(&self) -> &str {
        &self.id
    }
    fn stamp(&self) -> &Stamp {
        &self.stamp
    }
    fn summary(&self) -> &str {
        &self.description
    }
    fn on(board: &BoardView) -> &[Self] {
        &board.followups
    }

    /// In the order of the sessions that agreed them.
    fn order(a: &Self, b: &Self) -> std::cmp::Ordering {
        (a.origin_seq, &a.id).cmp(&(b.origin_seq, &b.id))
    }
}
