//! The board read into typed records: what pages render, the acta prints and the store keeps as
//! the session's official record. Reading is lenient (a field another client wrote badly shows as
//! empty or as the enum's first value) because a board must never fail to render.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use yrs::{Any, Map, Out, ReadTxn};

use super::{
    AGENDA, AGREEMENTS, ATTENDANCE, AgendaStatus, AttendanceMode, AttendanceRole, BARRIERS,
    BarrierStatus, BarrierType, COMMITMENTS, CommitmentStatus, DecisionMethod, FOLLOWUPS, Field,
    META, Record, Semaforo, records, semaforo,
};

/// Who created a record and who changed it last (names as given on joining), and when (ms).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    pub created_by: String,
    pub created_at: f64,
    pub updated_by: String,
    pub updated_at: f64,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Barrier {
    pub id: String,
    pub kind: BarrierType,
    pub description: String,
    pub route: String,
    pub population: String,
    pub localidad: String,
    pub upz: String,
    pub institution: String,
    pub severity: u8,
    pub status: BarrierStatus,
    pub agenda_item: Option<String>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: String,
    pub statement: String,
    pub method: DecisionMethod,
    pub barriers: Vec<String>,
    pub agenda_item: Option<String>,
    pub stamp: Stamp,
}

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

fn text(r: &Record, key: &str) -> String {
    match r.get(key) {
        Some(Field::Text(s)) => s.clone(),
        Some(Field::Number(n)) => n.to_string(),
        Some(Field::Bool(b)) => b.to_string(),
        None => String::new(),
    }
}

fn number(r: &Record, key: &str) -> Option<f64> {
    match r.get(key) {
        Some(Field::Number(n)) if n.is_finite() => Some(*n),
        Some(Field::Text(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

fn optional(r: &Record, key: &str) -> Option<String> {
    Some(text(r, key)).filter(|s| !s.is_empty())
}

fn stamp(r: &Record) -> Stamp {
    Stamp {
        created_by: text(r, "createdBy"),
        created_at: number(r, "createdAt").unwrap_or(0.0),
        updated_by: text(r, "updatedBy"),
        updated_at: number(r, "updatedAt").unwrap_or(0.0),
    }
}

fn by_creation<T>(mut items: Vec<T>, key: impl Fn(&T) -> (f64, String)) -> Vec<T> {
    items.sort_by(|a, b| {
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    items
}

impl BoardView {
    pub fn read<T: ReadTxn>(txn: &T) -> Self {
        let meta = txn.get_map(META);
        let meta_value = |key: &str| meta.as_ref().and_then(|m| m.get(txn, key));
        let current_item = match meta_value("currentAgendaItem") {
            Some(Out::Any(Any::String(s))) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        };
        let timer_started_at = match meta_value("timerStartedAt") {
            Some(Out::Any(Any::Number(yrs::Number::Float(n)))) => Some(n),
            Some(Out::Any(Any::Number(yrs::Number::Int(n)))) => Some(n as f64),
            _ => None,
        };
        let agenda = records(txn, AGENDA)
            .iter()
            .map(|r| AgendaItem {
                id: text(r, "id"),
                title: text(r, "title"),
                notes: text(r, "notes"),
                presenter: text(r, "presenter"),
                minutes: number(r, "minutes").map_or(0, |m| m.clamp(0.0, 600.0) as u32),
                status: AgendaStatus::parse(&text(r, "status")).unwrap_or(AgendaStatus::Pendiente),
                position: number(r, "position").unwrap_or(f64::MAX),
                stamp: stamp(r),
            })
            .collect();
        let barriers = records(txn, BARRIERS)
            .iter()
            .map(|r| Barrier {
                id: text(r, "id"),
                kind: BarrierType::parse(&text(r, "type")).unwrap_or(BarrierType::Otra),
                description: text(r, "description"),
                route: text(r, "route"),
                population: text(r, "population"),
                localidad: text(r, "localidad"),
                upz: text(r, "upz"),
                institution: text(r, "institution"),
                severity: number(r, "severity").map_or(3, |s| s.clamp(1.0, 5.0) as u8),
                status: BarrierStatus::parse(&text(r, "status")).unwrap_or(BarrierStatus::Abierta),
                agenda_item: optional(r, "agendaItem"),
                stamp: stamp(r),
            })
            .collect();
        let agreements = records(txn, AGREEMENTS)
            .iter()
            .map(|r| Agreement {
                id: text(r, "id"),
                statement: text(r, "statement"),
                method: DecisionMethod::parse(&text(r, "method"))
                    .unwrap_or(DecisionMethod::Consenso),
                barriers: text(r, "barriers")
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                agenda_item: optional(r, "agendaItem"),
                stamp: stamp(r),
            })
            .collect();
        let commitments = records(txn, COMMITMENTS)
            .iter()
            .map(|r| Commitment {
                id: text(r, "id"),
                description: text(r, "description"),
                institutions: text(r, "institutions"),
                responsible: text(r, "responsible"),
                due: NaiveDate::parse_from_str(text(r, "due").trim(), "%Y-%m-%d").ok(),
                status: CommitmentStatus::parse(&text(r, "status"))
                    .unwrap_or(CommitmentStatus::Pendiente),
                agreement: optional(r, "agreement"),
                barrier: optional(r, "barrier"),
                evidence: text(r, "evidence"),
                stamp: stamp(r),
            })
            .collect();
        let followups = records(txn, FOLLOWUPS)
            .iter()
            .map(|r| FollowUp {
                id: text(r, "id"),
                origin_session: number(r, "originSession").unwrap_or(0.0) as i64,
                origin_seq: number(r, "originSeq").unwrap_or(0.0) as i64,
                description: text(r, "description"),
                institutions: text(r, "institutions"),
                responsible: text(r, "responsible"),
                due: NaiveDate::parse_from_str(text(r, "due").trim(), "%Y-%m-%d").ok(),
                status: CommitmentStatus::parse(&text(r, "status"))
                    .unwrap_or(CommitmentStatus::Pendiente),
                note: text(r, "notes"),
                stamp: stamp(r),
            })
            .collect::<Vec<_>>();
        let attendance = records(txn, ATTENDANCE)
            .iter()
            .map(|r| Attendee {
                id: text(r, "id"),
                name: text(r, "name"),
                institution: text(r, "institution"),
                sector: text(r, "sector"),
                role: AttendanceRole::parse(&text(r, "role")).unwrap_or(AttendanceRole::Invitado),
                mode: AttendanceMode::parse(&text(r, "mode")).unwrap_or(AttendanceMode::Presencial),
                arrived_at: number(r, "arrivedAt").unwrap_or(0.0),
                stamp: stamp(r),
            })
            .collect();
        BoardView {
            current_item,
            timer_started_at,
            agenda,
            barriers: by_creation(barriers, |b: &Barrier| (b.stamp.created_at, b.id.clone())),
            agreements: by_creation(agreements, |a: &Agreement| {
                (a.stamp.created_at, a.id.clone())
            }),
            commitments: by_creation(commitments, |c: &Commitment| {
                (c.stamp.created_at, c.id.clone())
            }),
            attendance: by_creation(attendance, |a: &Attendee| (a.arrived_at, a.id.clone())),
            followups: by_creation(followups, |f: &FollowUp| {
                (f.origin_seq as f64, f.id.clone())
            }),
        }
    }

    pub fn agenda_item(&self, id: &str) -> Option<&AgendaItem> {
        self.agenda.iter().find(|i| i.id == id)
    }

    /// Attendees who count for quorum: members present in person or by delegation.
    pub fn members_present(&self) -> usize {
        self.attendance
            .iter()
            .filter(|a| matches!(a.role, AttendanceRole::Titular | AttendanceRole::Delegado))
            .count()
    }

    /// The newest records of any kind, newest first: what the projector shows as they arrive.
    pub fn newest(&self, limit: usize) -> Vec<NewRecord> {
        let mut all: Vec<NewRecord> = Vec::new();
        all.extend(self.barriers.iter().map(|b| NewRecord {
            kind: "Barrera",
            id: b.id.clone(),
            text: b.description.clone(),
            at: b.stamp.created_at,
        }));
        all.extend(self.agreements.iter().map(|a| NewRecord {
            kind: "Acuerdo",
            id: a.id.clone(),
            text: a.statement.clone(),
            at: a.stamp.created_at,
        }));
        all.extend(self.commitments.iter().map(|c| NewRecord {
            kind: "Compromiso",
            id: c.id.clone(),
            text: c.description.clone(),
            at: c.stamp.created_at,
        }));
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

    use super::super::put_record;
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
}
