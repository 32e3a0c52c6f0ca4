//! The live board's document: how a session's records live in one yrs (Yjs) document, so the
//! browser, the server's projections and any Yjs client read and write them the same way. The
//! layout is specified in `docs/board-schema.md`; this module is its reference implementation.
//!
//! Every collection is a root `Y.Map` keyed by the record's UUID (stable ids, never positions);
//! each record is a nested `Y.Map`. Free text that people type together (titles, notes,
//! descriptions, statements) is a `Y.Text`, so two people typing merge character by character;
//! everything else is a plain value, last writer wins. The agenda's order is a fractional
//! `position`, so reordering is one concurrent-safe field write instead of a move.

use chrono::NaiveDate;
use records::common;
use serde::{Deserialize, Serialize};
use yrs::{
    Any, GetString, Map, MapPrelim, MapRef, Out, ReadTxn, TextPrelim, TransactionMut, WriteTxn,
};

// Before the modules that use it (macro_rules are scoped textually).
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code stored in the document.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
            /// What people read (Spanish).
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            /// Every code with its label, as a form's options.
            pub fn options() -> Vec<(String, String)> {
                Self::ALL.iter().map(|v| (v.code().to_owned(), v.label().to_owned())).collect()
            }
        }
    };
}

pub mod acta;
mod acta_texts;
pub mod approval;
#[cfg(test)]
mod binding_tests;
pub mod closing;
pub mod edit;
pub mod evidence;
mod markdown;
pub mod records;
pub mod review;
pub mod view;
pub mod vote;

pub use records::{
    AgendaItem, AgendaStatus, Agreement, AttendanceMode, AttendanceRole, Attendee, Barrier,
    BarrierStatus, BarrierType, BoardRecord, Commitment, CommitmentStatus, DecisionMethod,
    FollowUp, Key, Stamp,
};
pub use view::{BoardDecodeError, BoardView, apply_update};

pub const AGENDA: &str = records::agenda::ROOT;
pub const BARRIERS: &str = records::barrier::ROOT;
pub const AGREEMENTS: &str = records::agreement::ROOT;
pub const COMMITMENTS: &str = records::commitment::ROOT;
pub const ATTENDANCE: &str = records::attendance::ROOT;
/// Commitments of earlier sessions under review in this one, keyed by the commitment's id.
pub const FOLLOWUPS: &str = records::followup::ROOT;
/// The board's own state: which agenda item is current and since when.
pub const META: &str = "meta";
/// Every root of a board (all `Y.Map`s); anything else in the document is not part of the board.
pub const ROOTS: [&str; 7] = [
    META,
    AGENDA,
    BARRIERS,
    AGREEMENTS,
    COMMITMENTS,
    ATTENDANCE,
    FOLLOWUPS,
];

/// Keys of the `meta` root.
pub mod meta {
    /// The id of the agenda item being discussed, or absent.
    pub const CURRENT_AGENDA_ITEM: &str = "currentAgendaItem";
    /// When the facilitator started the current item (ms since the Unix epoch).
    pub const TIMER_STARTED_AT: &str = "timerStartedAt";
}

code_enum!(
    /// What an invitation lets its holder do on the board.
    BoardRole {
        Coordinador = "coordinador" / "Coordinación",
        Participante = "participante" / "Participante",
        Observador = "observador" / "Observador",
    }
);

/// Everything a page needs to show a session's board and join it live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardAccess {
    pub detail: crate::domain::SessionDetail,
    pub role: BoardRole,
    /// The role may write and the session is not closed.
    pub writable: bool,
    /// The name written into the invitation, if any (prefills the join form).
    pub invited_name: Option<String>,
    /// `/sync/{id}`: the page opens its WebSocket here (authenticated by its cookie).
    pub sync_path: String,
    /// The signed-in person opening the board (name, institution, sector): they join as
    /// themselves, without the join form.
    #[serde(default)]
    pub signed_in: Option<(String, String, String)>,
    /// The reader may create and revoke guest links for this session.
    #[serde(default)]
    pub invite_guests: bool,
    /// The Mesa's sitting members, without their contact details (quorum is counted against
    /// them; someone joining under a member's name is recorded as that member).
    pub roster: Vec<crate::domain::Member>,
    /// The board as stored when the page was rendered.
    pub board: BoardView,
    /// Set once the session is closed and its acta written.
    pub acta_number: Option<i64>,
    /// For the Mesa's coordination: the board is near or at its storage cap (the server closes
    /// the sockets of writers it refuses, and their changes wait on their devices).
    #[serde(default)]
    pub storage_notice: Option<String>,
}

impl Semaforo {
    pub fn code(self) -> &'static str {
        match self {
            Semaforo::AlDia => "al_dia",
            Semaforo::PorVencer => "por_vencer",
            Semaforo::Vencido => "vencido",
            Semaforo::Cerrado => "cerrado",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Semaforo::AlDia => "Al día",
            Semaforo::PorVencer => "Por vencer",
            Semaforo::Vencido => "Vencido",
            Semaforo::Cerrado => "Cerrado",
        }
    }
}

/// The traffic light of a commitment: derived from its due date and status, never typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Semaforo {
    /// Due in more than 7 days.
    AlDia,
    /// Due within the next 7 days (today included).
    PorVencer,
    /// Past its due date and not done.
    Vencido,
    /// Done or cancelled: no light.
    Cerrado,
}

pub fn semaforo(due: NaiveDate, status: CommitmentStatus, today: NaiveDate) -> Semaforo {
    match status {
        CommitmentStatus::Cumplido | CommitmentStatus::Cancelado => Semaforo::Cerrado,
        _ if today > due => Semaforo::Vencido,
        _ if (due - today).num_days() <= 7 => Semaforo::PorVencer,
        _ => Semaforo::AlDia,
    }
}

/// Quorum: more than half of the Mesa's members present (titular or delegate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quorum {
    pub present: usize,
    pub members: usize,
    pub reached: bool,
}

impl Quorum {
    /// "6 de 10 integrantes · hay quórum"; a Mesa without registered members cannot have one.
    pub fn describe(&self) -> String {
        if self.members == 0 {
            return format!(
                "{} presentes · la Mesa no tiene integrantes registrados para calcular el quórum",
                self.present
            );
        }
        format!(
            "{} de {} integrantes · {}",
            self.present,
            self.members,
            if self.reached {
                "hay quórum"
            } else {
                "sin quórum"
            }
        )
    }
}

pub fn quorum(present_members: usize, members: usize) -> Quorum {
    Quorum {
        present: present_members,
        members,
        reached: members > 0 && present_members * 2 > members,
    }
}

/// A position strictly between two neighbours (or before the first / after the last), so an item
/// moves with one write and concurrent moves never collide into the same slot twice in a row.
pub fn position_between(before: Option<f64>, after: Option<f64>) -> f64 {
    match (before, after) {
        (None, None) => 1.0,
        (Some(b), None) => b + 1.0,
        (None, Some(a)) => a - 1.0,
        (Some(b), Some(a)) => b + (a - b) / 2.0,
    }
}

/// `text` on one line (runs of white space folded), cut to `max` characters with "…" when longer;
/// empty when there is no text. How a record is named in lists, options and the history.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max).collect();
    format!("{cut}…")
}

/// One field value as written to a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// Creates (or replaces) record `id` in collection `root` with `fields`, stamping who made it.
pub fn put_record(
    txn: &mut TransactionMut,
    root: &str,
    id: &str,
    fields: &[(&str, Field)],
    author: &str,
    now_ms: f64,
) -> MapRef {
    let collection = txn.get_or_insert_map(root);
    let record = collection.insert(txn, id, MapPrelim::default());
    record.insert(txn, common::ID.name, id);
    record.insert(txn, common::CREATED_BY.name, author);
    record.insert(txn, common::CREATED_AT.name, now_ms);
    for (key, value) in fields {
        set_field(txn, root, &record, key, value.clone(), author, now_ms);
    }
    record
}

/// Sets one field of a record of `root`, stamping `updatedBy`/`updatedAt`. The schema's shared
/// texts become (or replace) a `Y.Text`; to co-edit an existing text, edit the `Y.Text` itself.
pub fn set_field(
    txn: &mut TransactionMut,
    root: &str,
    record: &MapRef,
    key: &str,
    value: Field,
    author: &str,
    now_ms: f64,
) {
    match value {
        Field::Text(text) if records::key_of(root, key).is_some_and(|k| k.is_shared_text()) => {
            record.insert(txn, key, TextPrelim::new(text));
        }
        Field::Text(text) => {
            record.insert(txn, key, text);
        }
        Field::Number(n) => {
            record.insert(txn, key, n);
        }
        Field::Bool(b) => {
            record.insert(txn, key, b);
        }
    }
    stamp_update(txn, record, author, now_ms);
}

/// Marks `record` as last changed by `author` at `now_ms`.
pub fn stamp_update(txn: &mut TransactionMut, record: &MapRef, author: &str, now_ms: f64) {
    record.insert(txn, common::UPDATED_BY.name, author);
    record.insert(txn, common::UPDATED_AT.name, now_ms);
}

/// A record as plain values (texts flattened to strings), for projections and rendering.
pub type Record = std::collections::BTreeMap<String, Field>;

pub fn records<T: ReadTxn>(txn: &T, root: &str) -> Vec<Record> {
    let Some(collection) = txn.get_map(root) else {
        return Vec::new();
    };
    let mut out: Vec<Record> = collection
        .iter(txn)
        .filter_map(|(_, value)| match value {
            Out::YMap(record) => Some(read_record(txn, &record)),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |r: &Record| match (r.get("position"), r.get("id")) {
            (Some(Field::Number(p)), Some(Field::Text(id))) => (*p, id.clone()),
            (_, Some(Field::Text(id))) => (f64::MAX, id.clone()),
            _ => (f64::MAX, String::new()),
        };
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

fn read_record<T: ReadTxn>(txn: &T, record: &MapRef) -> Record {
    record
        .iter(txn)
        .map(|(key, value)| {
            let field = match value {
                Out::YText(text) => Field::Text(text.get_string(txn)),
                Out::Any(Any::String(s)) => Field::Text(s.to_string()),
                Out::Any(Any::Number(yrs::Number::Float(n))) => Field::Number(n),
                Out::Any(Any::Number(yrs::Number::Int(n))) => Field::Number(n as f64),
                Out::Any(Any::Bool(b)) => Field::Bool(b),
                // The schema's fields are texts and plain values; any other shared type is what
                // a crafted client wrote, and reading it (yrs' `to_json`) can loop forever on an
                // array or recurse once per nested map: it reads as no text at all.
                Out::YArray(_)
                | Out::YMap(_)
                | Out::YXmlElement(_)
                | Out::YXmlFragment(_)
                | Out::YXmlText(_)
                | Out::YDoc(_)
                | Out::UndefinedRef(_) => Field::Text(String::new()),
                // Plain values nest only as deep as the pre-decode walk allows (128).
                Out::Any(other) => Field::Text(other.to_string()),
            };
            (key.to_string(), field)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use yrs::{Doc, Text, Transact};

    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_traffic_light_is_derived_from_the_due_date() {
        let today = date("2026-11-23");
        use CommitmentStatus::*;
        assert_eq!(
            semaforo(date("2026-12-10"), Pendiente, today),
            Semaforo::AlDia
        );
        assert_eq!(
            semaforo(date("2026-11-30"), EnProgreso, today),
            Semaforo::PorVencer
        );
        assert_eq!(
            semaforo(date("2026-11-23"), Pendiente, today),
            Semaforo::PorVencer,
            "due today"
        );
        assert_eq!(
            semaforo(date("2026-11-22"), Pendiente, today),
            Semaforo::Vencido
        );
        assert_eq!(
            semaforo(date("2026-11-01"), Cumplido, today),
            Semaforo::Cerrado
        );
        assert_eq!(
            semaforo(date("2026-11-01"), Cancelado, today),
            Semaforo::Cerrado
        );
    }

    #[test]
    fn quorum_is_more_than_half() {
        assert!(!quorum(5, 10).reached);
        assert!(quorum(6, 10).reached);
        assert!(!quorum(0, 0).reached);
        assert_eq!(quorum(6, 10).describe(), "6 de 10 integrantes · hay quórum");
        assert!(
            quorum(2, 0)
                .describe()
                .contains("no tiene integrantes registrados")
        );
    }

    #[test]
    fn codes_round_trip_and_have_spanish_labels() {
        for t in BarrierType::ALL {
            assert_eq!(BarrierType::parse(t.code()), Some(*t));
        }
        assert_eq!(BarrierType::DeInformacion.label(), "De información");
        assert_eq!(
            CommitmentStatus::parse("vencido"),
            Some(CommitmentStatus::Vencido)
        );
        assert_eq!(AgendaStatus::parse("otro"), None);
    }

    #[test]
    fn positions_always_fall_between_neighbours() {
        let mut order = vec![position_between(None, None)];
        order.push(position_between(order.last().copied(), None));
        let middle = position_between(Some(order[0]), Some(order[1]));
        assert!(order[0] < middle && middle < order[1]);
        assert!(position_between(None, Some(order[0])) < order[0]);
    }

    #[test]
    fn records_round_trip_and_concurrent_edits_merge() {
        let ana = Doc::with_client_id(1);
        let id = "6f1c0d1e-0000-4000-8000-000000000001";
        {
            let mut txn = ana.transact_mut();
            put_record(
                &mut txn,
                BARRIERS,
                id,
                &[
                    (
                        "type",
                        Field::Text(BarrierType::DeAseguramiento.code().into()),
                    ),
                    (
                        "description",
                        Field::Text("Demora en autorizaciones".into()),
                    ),
                    ("status", Field::Text(BarrierStatus::Abierta.code().into())),
                    ("severity", Field::Number(3.0)),
                ],
                "Ana (Subred Sur)",
                1_000.0,
            );
        }
        // Luis gets Ana's record, then both edit the description at the same time.
        let luis = Doc::with_client_id(2);
        let sync = edit::sync_docs;
        sync(&ana, &luis);
        let description = |doc: &Doc| -> yrs::TextRef {
            let txn = doc.transact();
            let barriers = txn.get_map(BARRIERS).unwrap();
            let Some(Out::YMap(record)) = barriers.get(&txn, id) else {
                panic!("record")
            };
            let Some(Out::YText(text)) = record.get(&txn, "description") else {
                panic!("text")
            };
            text
        };
        let ana_text = description(&ana);
        let luis_text = description(&luis);
        ana_text.insert(&mut ana.transact_mut(), 0, "Grave: ");
        {
            let mut txn = luis.transact_mut();
            let len = luis_text.len(&txn);
            luis_text.insert(&mut txn, len, " de la EPS");
        }
        sync(&ana, &luis);
        sync(&luis, &ana);
        let read = |doc: &Doc| records(&doc.transact(), BARRIERS);
        assert_eq!(read(&ana), read(&luis));
        let record = &read(&ana)[0];
        assert_eq!(
            record["description"],
            Field::Text("Grave: Demora en autorizaciones de la EPS".into())
        );
        assert_eq!(record["severity"], Field::Number(3.0));
        assert_eq!(record["createdBy"], Field::Text("Ana (Subred Sur)".into()));
        assert_eq!(record["id"], Field::Text(id.into()));
    }
}
