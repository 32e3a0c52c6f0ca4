//! Attendance (asistencia): who is at the session, how they take part, and since when.

use serde::{Deserialize, Serialize};

use super::{
    Adding, BoardRecord, Key, Kind, Stamp, any_written, code, common, number, stamp, text, value,
    with_blank_fields,
};
use crate::domain::board::{Field, Record};
use crate::domain::{Member, Seat, member_named};

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

    /// The record a remote participant's own check-in writes. Someone joining under the name of
    /// one of the Mesa's members is recorded as that member (titular or delegado, so quorum
    /// counts them), with the member's institution and sector where they gave none; anyone else
    /// is a guest.
    pub fn check_in(
        arrival: &Arrival<'_>,
        roster: &[Member],
        now_ms: f64,
    ) -> Vec<(&'static str, Field)> {
        let member = member_named(roster, arrival.name);
        let role = match member.map(|m| m.seat) {
            Some(Seat::Titular) => AttendanceRole::Titular,
            Some(Seat::Delegado) => AttendanceRole::Delegado,
            None => AttendanceRole::Invitado,
        };
        let or_member = |given: &str, of: fn(&Member) -> &str| match (given.trim(), member) {
            ("", Some(m)) => of(m).to_owned(),
            (given, _) => given.to_owned(),
        };
        let given = vec![
            value(NAME, member.map_or(arrival.name, |m| m.name.as_str())),
            value(
                INSTITUTION,
                or_member(arrival.institution, |m| &m.institution),
            ),
            value(SECTOR, or_member(arrival.sector, |m| &m.sector)),
            value(ROLE, role.code()),
            value(MODE, AttendanceMode::Virtual.code()),
            (ARRIVED_AT.name, Field::Number(now_ms)),
        ];
        with_blank_fields(<Self as BoardRecord>::FIELDS, given)
    }
}

/// Who checks in, as they gave it on the join form.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    pub name: &'a str,
    pub institution: &'a str,
    pub sector: &'a str,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: i64, name: &str, seat: Seat) -> Member {
        Member {
            id,
            mesa_code: "local-07".into(),
            name: name.into(),
            institution: "Subred Sur Occidente".into(),
            sector: "Salud".into(),
            role: "Líder APS".into(),
            seat,
            contact: None,
            removed_on: None,
        }
    }

    fn text_of(fields: &[(&'static str, Field)], key: Key) -> String {
        match &fields.iter().find(|(k, _)| *k == key.name).unwrap().1 {
            Field::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_member_who_joins_counts_as_that_member() {
        let roster = [
            member(1, "Ana Pérez", Seat::Titular),
            member(2, "Luis Gómez", Seat::Delegado),
        ];
        let arrival = |name| Arrival {
            name,
            institution: "",
            sector: "",
        };
        let ana = Attendee::check_in(&arrival("ana perez"), &roster, 1.0);
        assert_eq!(text_of(&ana, ROLE), "titular");
        assert_eq!(text_of(&ana, NAME), "Ana Pérez");
        assert_eq!(text_of(&ana, INSTITUTION), "Subred Sur Occidente");
        assert_eq!(text_of(&ana, SECTOR), "Salud");
        let luis = Attendee::check_in(&arrival("Luis Gómez"), &roster, 1.0);
        assert_eq!(text_of(&luis, ROLE), "delegado");
        let guest = Attendee::check_in(
            &Arrival {
                name: "Marta Ruiz",
                institution: "JAC Bosa",
                sector: "Comunidad y organizaciones sociales",
            },
            &roster,
            1.0,
        );
        assert_eq!(text_of(&guest, ROLE), "invitado");
        assert_eq!(
            text_of(&guest, SECTOR),
            "Comunidad y organizaciones sociales"
        );
    }
}
