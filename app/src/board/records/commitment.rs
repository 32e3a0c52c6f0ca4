//! Commitments (compromisos): who, which institution, by when. The semáforo is derived, never
//! stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    Adding, BoardRecord, Key, Kind, Stamp, code, common, date, empty, link, stamp, text, value,
};
use crate::board::{BoardView, Field, Record, Semaforo, semaforo};

code_enum!(
    CommitmentStatus {
        Pendiente = "pendiente" / "Pendiente",
        EnProgreso = "en_progreso" / "En progreso",
        Cumplido = "cumplido" / "Cumplido",
        Vencido = "vencido" / "Vencido",
        Cancelado = "cancelado" / "Cancelado",
    }
);

pub const ROOT: &str = "commitments";
pub const DESCRIPTION: Key = Key::new("description", Kind::SharedText, "Compromiso");
pub const RESPONSIBLE: Key = Key::new("responsible", Kind::Text, "Responsable (persona)");
pub const INSTITUTIONS: Key = Key::new("institutions", Kind::Text, "Institución(es)");
pub const DUE: Key = Key::new("due", Kind::Date, "Fecha límite");
pub const STATUS: Key = Key::new("status", Kind::Code(CommitmentStatus::options), "Estado");
pub const AGREEMENT: Key = Key::new(
    "agreement",
    Kind::Link(super::agreement::ROOT),
    "Acuerdo de origen",
);
pub const BARRIER: Key = Key::new(
    "barrier",
    Kind::Link(super::barrier::ROOT),
    "Barrera de origen",
);
pub const EVIDENCE: Key = Key::new("evidence", Kind::SharedText, "Evidencia o avance");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: String,
    pub description: String,
    pub institutions: String,
    pub responsible: String,
    pub due: Option<NaiveDate>,
    pub status: CommitmentStatus,
    pub agreement: Option<String>,
    pub barrier: Option<String>,
    pub evidence: String,
    pub stamp: Stamp,
}

impl Commitment {
    /// No due date, no light: the semáforo needs a date to mean anything.
    pub fn semaforo(&self, today: NaiveDate) -> Option<Semaforo> {
        self.due.map(|due| semaforo(due, self.status, today))
    }
}

impl BoardRecord for Commitment {
    const ROOT: &'static str = ROOT;
    const FIELDS: &'static [Key] = &[
        DESCRIPTION,
        RESPONSIBLE,
        INSTITUTIONS,
        DUE,
        STATUS,
        AGREEMENT,
        BARRIER,
        EVIDENCE,
    ];
    const NOUN: &'static str = "el compromiso";
    const LABEL: &'static str = "Compromiso";
    const HEADING: &'static str = "Compromisos";

    fn read(r: &Record) -> Self {
        Self {
            id: text(r, common::ID),
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
            agreement: link(r, AGREEMENT),
            barrier: link(r, BARRIER),
            evidence: text(r, EVIDENCE),
            stamp: stamp(r),
        }
    }

    /// A commitment usually follows from the agreement just recorded.
    fn defaults(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        let agreement = new.board.agreements.last().map(|a| a.id.clone());
        vec![
            empty(DESCRIPTION),
            empty(INSTITUTIONS),
            empty(RESPONSIBLE),
            empty(DUE),
            value(STATUS, CommitmentStatus::Pendiente.code()),
            value(AGREEMENT, agreement.unwrap_or_default()),
            empty(EVIDENCE),
        ]
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
        &board.commitments
    }
}
