//! Commitments (compromisos): who, which institution, by when. The semáforo is derived, never
//! stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Adding, Key, Stamp, any_written, code, common, date, link, stamp, text, value};
use crate::domain::board::{Field, Record, Semaforo, semaforo};

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
pub const DESCRIPTION: Key = Key::shared("description", "Compromiso");
pub const RESPONSIBLE: Key = Key::shared("responsible", "Responsable (persona)");
pub const INSTITUTIONS: Key = Key::shared("institutions", "Institución(es)");
pub const DUE: Key = Key::date("due", "Fecha límite");
pub const STATUS: Key = Key::code("status", CommitmentStatus::options, "Estado");
pub const AGREEMENT: Key = Key::link("agreement", super::agreement::ROOT, "Acuerdo de origen");
pub const BARRIER: Key = Key::link("barrier", super::barrier::ROOT, "Barrera de origen");
pub const EVIDENCE: Key = Key::shared("evidence", "Evidencia o avance");
/// The register's asset through which it is delivered (a JAC's hall, a school, a programme).
pub const ASSET: Key = Key::new("asset", super::Kind::Asset, "Activo que lo cumple");

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
    /// The code of the register's asset that delivers it.
    pub asset: Option<String>,
    pub stamp: Stamp,
}

/// What was committed, as a commitment and its follow-ups in later sessions both hold it (the
/// follow-up under the same field names, with its own status).
pub(super) struct Terms {
    pub description: String,
    pub institutions: String,
    pub responsible: String,
    pub due: Option<NaiveDate>,
    pub status: CommitmentStatus,
}

impl Terms {
    pub fn read(r: &Record, status: Key) -> Self {
        Self {
            description: text(r, DESCRIPTION),
            institutions: text(r, INSTITUTIONS),
            responsible: text(r, RESPONSIBLE),
            due: date(r, DUE),
            status: code(
                r,
                status,
                CommitmentStatus::parse,
                CommitmentStatus::Pendiente,
            ),
        }
    }
}

impl Commitment {
    /// No due date, no light: the semáforo needs a date to mean anything.
    pub fn semaforo(&self, today: NaiveDate) -> Option<Semaforo> {
        self.due.map(|due| semaforo(due, self.status, today))
    }
}

board_record!(Commitment in ROOT as "el compromiso", "Compromiso", "Compromisos"; summary description, on commitments, written Commitment::written;
    fields [DESCRIPTION, RESPONSIBLE, INSTITUTIONS, DUE, STATUS, AGREEMENT, BARRIER, EVIDENCE, ASSET]);

impl Commitment {
    /// Anything typed in it counts, not only its description.
    fn written(&self) -> bool {
        any_written(&[
            &self.description,
            &self.responsible,
            &self.institutions,
            &self.evidence,
        ])
    }

    fn read_record(r: &Record) -> Self {
        let terms = Terms::read(r, STATUS);
        Self {
            id: text(r, common::ID),
            description: terms.description,
            institutions: terms.institutions,
            responsible: terms.responsible,
            due: terms.due,
            status: terms.status,
            agreement: link(r, AGREEMENT),
            barrier: link(r, BARRIER),
            evidence: text(r, EVIDENCE),
            asset: link(r, ASSET),
            stamp: stamp(r),
        }
    }

    /// A commitment usually follows from the agreement just recorded.
    fn initial_values(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        let agreement = new.board.agreements.last().map(|a| a.id.clone());
        vec![
            value(STATUS, CommitmentStatus::Pendiente.code()),
            value(AGREEMENT, agreement.unwrap_or_default()),
        ]
    }
}
