//! Follow-ups (seguimiento): commitments of earlier sessions reviewed in this one, keyed by the
//! commitment's own id. The server writes them when the board is created; the session edits
//! their status and notes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::commitment::{self, Commitment, CommitmentStatus, Terms};
use super::{ANY_NUMBER, Adding, Key, Stamp, common, number, stamp, text, value};
use crate::domain::board::{Field, Record};

pub const ROOT: &str = "followups";
pub const ORIGIN_SESSION: Key = Key::new("originSession", ANY_NUMBER, "Sesión de origen");
pub const ORIGIN_SEQ: Key = Key::new("originSeq", ANY_NUMBER, "Número de la sesión de origen");
/// The commitment's terms, under the commitment's own field names.
pub const DESCRIPTION: Key = commitment::DESCRIPTION;
pub const INSTITUTIONS: Key = commitment::INSTITUTIONS;
pub const RESPONSIBLE: Key = commitment::RESPONSIBLE;
pub const DUE: Key = commitment::DUE;
pub const STATUS: Key = Key::code("status", CommitmentStatus::options, "Estado en esta sesión");
pub const NOTES: Key = Key::shared("notes", "Avance o evidencia");

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

board_record!(FollowUp in ROOT as "el seguimiento de", "Seguimiento", "Seguimiento de compromisos anteriores";
    summary description, on followups, order FollowUp::by_origin;
    fields [ORIGIN_SESSION, ORIGIN_SEQ, DESCRIPTION, INSTITUTIONS, RESPONSIBLE, DUE, STATUS, NOTES]);

impl FollowUp {
    fn read_record(r: &Record) -> Self {
        let terms = Terms::read(r, STATUS);
        Self {
            id: text(r, common::ID),
            origin_session: number(r, ORIGIN_SESSION).unwrap_or(0.0) as i64,
            origin_seq: number(r, ORIGIN_SEQ).unwrap_or(0.0) as i64,
            description: terms.description,
            institutions: terms.institutions,
            responsible: terms.responsible,
            due: terms.due,
            status: terms.status,
            note: text(r, NOTES),
            stamp: stamp(r),
        }
    }

    /// Only the server creates follow-ups (from the official records): see [`FollowUp::seed`].
    fn initial_values(_: Adding<'_>) -> Vec<(&'static str, Field)> {
        vec![value(
            STATUS,
            commitment::CommitmentStatus::Pendiente.code(),
        )]
    }

    /// In the order of the sessions that agreed them.
    fn by_origin(a: &Self, b: &Self) -> std::cmp::Ordering {
        (a.origin_seq, &a.id).cmp(&(b.origin_seq, &b.id))
    }
}
