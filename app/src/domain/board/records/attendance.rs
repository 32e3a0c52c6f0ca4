//! Attendance (asistencia): who is at the session, how they take part, and since when.

use serde::{Deserialize, Serialize};

use super::{
    Adding, BoardRecord, Key, Kind, Stamp, any_written, code, common, number, stamp, text, value,
    with_blank_fields,
};
use crate::domain::board::{Field, Record};

code_enum!(
    /// How an attendee takes part in the Mesa.
    AttendanceRole { Titular = "titular" / "Titular", Delegado = "delegado" / "Delegado", Invitado = "invitado" / "Invitado" }
);
code_enum!(
    AttendanceMode { Presencial = "presencial" / "Presencial", Virtual = "virtual" / "Virtual" }
);

pub const ROOT: &str = "attendance";
pub const NAME: Key = Key::shared("name", "Nombre");
pub const INSTITUTION: Key = Key::shared("institution", "Institución");
pub const SECTOR: Key = Key::shared("sector", "Sector");
pub const ROLE: Key = Key::code("role", AttendanceRole::options, "Rol");
pub const MODE: Key = Key::code("mode", AttendanceMode::options, "Modalidad");
pub const ARRIVED_AT: Key = Key::new("arrivedAt", Kind::Millis, "Llegada");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub id: String,
    pub name: String,
    pub institution: String,
    pub sector: String,
    pub role: AttendanceRole,
    pub mode: AttendanceMode,
    pub arrived_at: f64,
    pub stamp: Stamp,
}

impl Attendee {
    /// A member of the Mesa present in person or by delegation (counts for quorum).
    pub fn is_member(&self) -> bool {
        matches!(
            self.role,
            AttendanceRole::Titular | AttendanceRole::Delegado
        )
    }

    /// The record a remote participant's own check-in writes.
    pub fn check_in(name: &str, institution: &str, now_ms: f64) -> Vec<(&'static str, Field)> {
        let given = vec![
            value(NAME, name),
            value(INSTITUTION, institution),
            value(ROLE, AttendanceRole::Invitado.code()),
            value(MODE, AttendanceMode::Virtual.code()),
            (ARRIVED_AT.name, Field::Number(now_ms)),
        ];
        with_blank_fields(<Self as BoardRecord>::FIELDS, given)
    }
}

board_record!(Attendee in ROOT as "la asistencia de", "Asistente", "Asistencia"; summary name, on attendance, order Attendee::by_arrival, written Attendee::written;
    fields [NAME, INSTITUTION, SECTOR, ROLE, MODE, ARRIVED_AT]);

impl Attendee {
    /// Anything typed in it counts, not only the name.
    fn written(&self) -> bool {
        any_written(&[&self.name, &self.institution, &self.sector])
    }

    fn read_record(r: &Record) -> Self {
        Self {
            id: text(r, common::ID),
            name: text(r, NAME),
            institution: text(r, INSTITUTION),
            sector: text(r, SECTOR),
            role: code(r, ROLE, AttendanceRole::parse, AttendanceRole::Invitado),
            mode: code(r, MODE, AttendanceMode::parse, AttendanceMode::Presencial),
            arrived_at: number(r, ARRIVED_AT).unwrap_or(0.0),
            stamp: stamp(r),
        }
    }

    /// Someone registered in the room: a member present in person, arriving now.
    fn initial_values(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        vec![
            value(ROLE, AttendanceRole::Titular.code()),
            value(MODE, AttendanceMode::Presencial.code()),
            (ARRIVED_AT.name, Field::Number(new.now_ms)),
        ]
    }

    /// In order of arrival.
    fn by_arrival(a: &Self, b: &Self) -> std::cmp::Ordering {
        (a.arrived_at, &a.id)
            .partial_cmp(&(b.arrived_at, &b.id))
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}
