//! Agenda items (orden del día), shown by ascending `position`.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{ANY_NUMBER, Adding, Key, Kind, Stamp, code, common, number, stamp, text, value};
use crate::domain::board::{Field, Record, position_between};

code_enum!(
    /// Status of an agenda item.
    AgendaStatus { Pendiente = "pendiente" / "Pendiente", EnCurso = "en_curso" / "En curso", Tratado = "tratado" / "Tratado" }
);

pub const ROOT: &str = "agenda";
pub const TITLE: Key = Key::shared("title", "Tema");
pub const NOTES: Key = Key::shared("notes", "Notas");
pub const PRESENTER: Key = Key::shared("presenter", "Presenta");
pub const MINUTES: Key = Key::number("minutes", 0.0, 600.0, "Minutos");
pub const STATUS: Key = Key::code("status", AgendaStatus::options, "Estado");
pub const POSITION: Key = Key::new("position", ANY_NUMBER, "Posición");
/// Set on the item the server writes first on every new board.
pub const FOLLOW_UP: Key = Key::new("followUp", Kind::Bool, "Seguimiento automático");

/// The id the server gives the item «Aprobación del acta anterior»: the prefix and the session
/// whose acta it approves (fixed, so however many servers write it, it is one item).
const ACTA_APPROVAL_PREFIX: &str = "aprobacion-acta-";

pub fn acta_approval_id(session_id: i64) -> String {
    format!("{ACTA_APPROVAL_PREFIX}{session_id}")
}

/// The session whose acta the item `id` approves, if it is such an item.
pub fn approves_acta(id: &str) -> Option<i64> {
    id.strip_prefix(ACTA_APPROVAL_PREFIX)?.parse().ok()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: String,
    pub title: String,
    pub notes: String,
    pub presenter: String,
    pub minutes: u32,
    pub status: AgendaStatus,
    pub position: f64,
    pub stamp: Stamp,
}

board_record!(AgendaItem in ROOT as "el punto", "Punto", "Orden del día"; summary title, on agenda, order AgendaItem::by_position;
    fields [TITLE, NOTES, PRESENTER, MINUTES, STATUS, POSITION, FOLLOW_UP]);

impl AgendaItem {
    fn read_record(r: &Record) -> Self {
        Self {
            id: text(r, common::ID),
            title: text(r, TITLE),
            notes: text(r, NOTES),
            presenter: text(r, PRESENTER),
            minutes: number(r, MINUTES).map_or(0, |m| m as u32),
            status: code(r, STATUS, AgendaStatus::parse, AgendaStatus::Pendiente),
            position: number(r, POSITION).unwrap_or(f64::MAX),
            stamp: stamp(r),
        }
    }

    /// A new item goes last, with ten minutes.
    fn initial_values(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        let last = new.board.agenda.last().map(|i| i.position);
        vec![
            (MINUTES.name, Field::Number(10.0)),
            value(STATUS, AgendaStatus::Pendiente.code()),
            (POSITION.name, Field::Number(position_between(last, None))),
        ]
    }

    fn by_position(a: &Self, b: &Self) -> Ordering {
        (a.position, &a.id)
            .partial_cmp(&(b.position, &b.id))
            .unwrap_or(Ordering::Equal)
    }
}
