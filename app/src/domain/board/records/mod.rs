//! One home per board record kind. Each module below defines, once, everything the rest of Sala
//! knows about its kind: the root `Y.Map` it lives in, its field names ([`Key`] constants, so a
//! renamed field is a compile error wherever it is used), how a stored record reads into its
//! typed view, the values a new record starts with, and what a value must be to be written.
//! The board view, the UI, the server's follow-up seed, the acta and the review read these
//! definitions, and `docs/board-schema.md` is checked against them by a test.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use yrs::ReadTxn;

use super::{BoardView, Field, Record, records};

/// The parts of a [`BoardRecord`] impl that only name things (the kind's root, its words, its
/// fields, which text sums a record up, where the board keeps the list); each kind writes its
/// `read_record` and `initial_values` itself.
macro_rules! board_record {
    ($ty:ident in $root:ident as $noun:literal, $label:literal, $heading:literal;
     summary $summary:ident, on $list:ident $(, order $order:path)? $(, written $written:path)?;
     fields [$($field:ident),+ $(,)?]) => {
        impl $crate::domain::board::records::BoardRecord for $ty {
            const ROOT: &'static str = $root;
            const FIELDS: &'static [$crate::domain::board::records::Key] = &[$($field),+];
            const NOUN: &'static str = $noun;
            const LABEL: &'static str = $label;
            const HEADING: &'static str = $heading;
            fn read(r: &$crate::domain::board::Record) -> Self {
                Self::read_record(r)
            }
            fn initial(
                new: $crate::domain::board::records::Adding<'_>,
            ) -> Vec<(&'static str, $crate::domain::board::Field)> {
                Self::initial_values(new)
            }
            fn id(&self) -> &str {
                &self.id
            }
            fn stamp(&self) -> &$crate::domain::board::records::Stamp {
                &self.stamp
            }
            fn unstamped(&self) -> Self {
                Self {
                    stamp: Default::default(),
                    ..self.clone()
                }
            }
            fn summary(&self) -> &str {
                &self.$summary
            }
            fn on(board: &$crate::domain::board::BoardView) -> &[Self] {
                &board.$list
            }
            $(fn order(a: &Self, b: &Self) -> std::cmp::Ordering {
                $order(a, b)
            })?
            $(fn has_content(&self) -> bool {
                $written(self)
            })?
        }
    };
}

pub mod agenda;
pub mod agreement;
pub mod attendance;
pub mod barrier;
pub mod commitment;
pub mod followup;

pub use agenda::{AgendaItem, AgendaStatus};
pub use agreement::{Agreement, DecisionMethod};
pub use attendance::{AttendanceMode, AttendanceRole, Attendee};
pub use barrier::{Barrier, BarrierStatus, BarrierType};
pub use commitment::{Commitment, CommitmentStatus};
pub use followup::FollowUp;

/// A number with no bounds of its own.
pub const ANY_NUMBER: Kind = Kind::Number {
    min: f64::MIN,
    max: f64::MAX,
};

/// How a field is stored in the document (and what the schema doc calls it).
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A `Y.Text`: people type in it together and their edits merge character by character.
    SharedText,
    /// A plain string, last writer wins.
    Text,
    /// A number within `min..=max` (values outside are clamped when read).
    Number {
        min: f64,
        max: f64,
    },
    /// One of a fixed set of codes: `(code, Spanish label)`.
    Code(fn() -> Vec<(String, String)>),
    /// A calendar date, `"YYYY-MM-DD"` (Bogotá).
    Date,
    /// The id of a record of another root, or empty.
    Link(&'static str),
    /// Comma-separated ids of records of another root.
    Links(&'static str),
    /// The code of an entry of the register of social assets, or empty.
    Asset,
    /// Comma-separated codes of entries of the register of social assets.
    Assets,
    /// Comma-separated codes of the indicators' catalogue.
    Indicators,
    /// Milliseconds since the Unix epoch.
    Millis,
    Bool,
}

impl Kind {
    /// The type's name in `docs/board-schema.md`.
    pub fn doc_name(self) -> &'static str {
        match self {
            Kind::SharedText => "Y.Text",
            Kind::Text => "string",
            Kind::Number { .. } => "number",
            Kind::Code(_) => "code",
            Kind::Date => "date",
            Kind::Link(_) => "id",
            Kind::Links(_) => "ids",
            Kind::Asset => "asset",
            Kind::Assets => "assets",
            Kind::Indicators => "indicators",
            Kind::Millis => "ms",
            Kind::Bool => "boolean",
        }
    }
}

/// A field of a record kind: its name in the document, how it is stored, and its label in forms.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub kind: Kind,
    pub label: &'static str,
}

impl Key {
    pub const fn new(name: &'static str, kind: Kind, label: &'static str) -> Self {
        Self { name, kind, label }
    }

    /// A text people type in together.
    pub const fn shared(name: &'static str, label: &'static str) -> Self {
        Self::new(name, Kind::SharedText, label)
    }

    pub const fn text(name: &'static str, label: &'static str) -> Self {
        Self::new(name, Kind::Text, label)
    }

    pub const fn date(name: &'static str, label: &'static str) -> Self {
        Self::new(name, Kind::Date, label)
    }

    pub const fn number(name: &'static str, min: f64, max: f64, label: &'static str) -> Self {
        Self::new(name, Kind::Number { min, max }, label)
    }

    pub const fn code(
        name: &'static str,
        options: fn() -> Vec<(String, String)>,
        label: &'static str,
    ) -> Self {
        Self::new(name, Kind::Code(options), label)
    }

    /// The id of a record in `root`.
    pub const fn link(name: &'static str, root: &'static str, label: &'static str) -> Self {
        Self::new(name, Kind::Link(root), label)
    }

    /// Ids of records in `root`.
    pub const fn links(name: &'static str, root: &'static str, label: &'static str) -> Self {
        Self::new(name, Kind::Links(root), label)
    }

    pub fn is_shared_text(&self) -> bool {
        matches!(self.kind, Kind::SharedText)
    }

    /// What a person typed into this field, as the value to write: numbers are brought into
    /// range; `None` when it cannot be written (not a number, not a date, not one of the codes),
    /// and the field keeps its value.
    pub fn accept(&self, raw: &str) -> Option<Field> {
        let raw = raw.trim();
        match self.kind {
            Kind::Number { min, max } => raw
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| Field::Number(n.clamp(min, max))),
            Kind::Date if raw.is_empty() => Some(Field::Text(String::new())),
            Kind::Date => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .map(|_| Field::Text(raw.to_owned())),
            Kind::Code(options) if !raw.is_empty() => options()
                .iter()
                .any(|(code, _)| code == raw)
                .then(|| Field::Text(raw.to_owned())),
            Kind::Bool => raw.parse::<bool>().ok().map(Field::Bool),
            _ => Some(Field::Text(raw.to_owned())),
        }
    }
}

/// Fields every record carries, whatever its kind.
pub mod common {
    use super::{Key, Kind};

    pub const ID: Key = Key::text("id", "Identificador");
    pub const CREATED_BY: Key = Key::text("createdBy", "Creado por");
    pub const CREATED_AT: Key = Key::new("createdAt", Kind::Millis, "Creado");
    pub const UPDATED_BY: Key = Key::text("updatedBy", "Modificado por");
    pub const UPDATED_AT: Key = Key::new("updatedAt", Kind::Millis, "Modificado");
    /// Written just before the record is removed, in a change of its own, so the review can say
    /// who removed it.
    pub const DELETED_BY: Key = Key::text("deletedBy", "Eliminado por");
    pub const FIELDS: &[Key] = &[
        ID, CREATED_BY, CREATED_AT, UPDATED_BY, UPDATED_AT, DELETED_BY,
    ];
}

/// Who created a record and who changed it last (names as given on joining), and when (ms).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    pub created_by: String,
    pub created_at: f64,
    pub updated_by: String,
    pub updated_at: f64,
    /// Who is removing it (see [`common::DELETED_BY`]); empty while it lives.
    #[serde(default)]
    pub deleted_by: String,
}

/// What is known about the board when someone adds a record (defaults depend on it).
#[derive(Debug, Clone, Copy)]
pub struct Adding<'a> {
    pub board: &'a BoardView,
    pub now_ms: f64,
}

/// A kind of board record.
pub trait BoardRecord: Clone + PartialEq + Send + Sync + 'static {
    /// The root `Y.Map` of the document that holds this kind, keyed by record id.
    const ROOT: &'static str;
    /// Its own fields (besides [`common::FIELDS`]).
    const FIELDS: &'static [Key];
    /// The kind with its article, as a sentence names it: "la barrera".
    const NOUN: &'static str;
    /// One record's kind, as a label: "Barrera".
    const LABEL: &'static str;
    /// The section that lists them: "Barreras".
    const HEADING: &'static str;

    /// Reads a stored record. Lenient: a field another client wrote badly reads as empty or as
    /// the enumeration's first value, because a board must never fail to render.
    fn read(record: &Record) -> Self;
    /// The values that mean something in a new record (the rest start empty).
    fn initial(new: Adding<'_>) -> Vec<(&'static str, Field)>;

    /// Every value a new record starts with: its [`initial`](Self::initial) values, and an empty
    /// one for each other text, date or list of links, so shared texts exist before two people
    /// type (a single link is written only where the kind's initial values set it).
    fn defaults(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        with_blank_fields(Self::FIELDS, Self::initial(new))
    }
    fn id(&self) -> &str;
    fn stamp(&self) -> &Stamp;
    /// The record without who made or changed it: what its content is.
    fn unstamped(&self) -> Self
    where
        Self: Sized;
    /// The text that names this record in lists and the history ("the barrier «…»").
    fn summary(&self) -> &str;
    /// This kind's records on a board, in display order.
    fn on(board: &BoardView) -> &[Self];

    /// Whether someone has written it yet: a record just added by a button is empty, and is not
    /// counted, projected to the dashboards nor announced on the projector until it has text.
    fn has_content(&self) -> bool {
        !self.summary().trim().is_empty()
    }

    /// Display order: by creation time, ties by id (the agenda overrides it: by position).
    fn order(a: &Self, b: &Self) -> Ordering {
        (a.stamp().created_at, a.id())
            .partial_cmp(&(b.stamp().created_at, b.id()))
            .unwrap_or(Ordering::Equal)
    }

    /// Every record of this kind in the document, in display order.
    fn read_all<T: ReadTxn>(txn: &T) -> Vec<Self> {
        let mut all: Vec<Self> = records(txn, Self::ROOT).iter().map(Self::read).collect();
        all.sort_by(Self::order);
        all
    }

    /// The record `id` on `board`, if it is there.
    fn find<'b>(board: &'b BoardView, id: &str) -> Option<&'b Self> {
        Self::on(board).iter().find(|r| r.id() == id)
    }
}

/// Each kind's root and fields: what the schema doc must describe.
pub fn kinds() -> [(&'static str, &'static [Key]); 6] {
    [
        (AgendaItem::ROOT, AgendaItem::FIELDS),
        (Barrier::ROOT, Barrier::FIELDS),
        (Agreement::ROOT, Agreement::FIELDS),
        (Commitment::ROOT, Commitment::FIELDS),
        (Attendee::ROOT, Attendee::FIELDS),
        (FollowUp::ROOT, FollowUp::FIELDS),
    ]
}

/// The field `name` of records in `root`, if the schema has one.
pub fn key_of(root: &str, name: &str) -> Option<Key> {
    kinds()
        .into_iter()
        .find(|(r, _)| *r == root)
        .and_then(|(_, fields)| fields.iter().chain(common::FIELDS).find(|k| k.name == name))
        .copied()
}

// ---- reading helpers shared by the kinds ------------------------------------------------------

pub(crate) fn text(r: &Record, key: Key) -> String {
    match r.get(key.name) {
        Some(Field::Text(s)) => s.clone(),
        Some(Field::Number(n)) => n.to_string(),
        Some(Field::Bool(b)) => b.to_string(),
        None => String::new(),
    }
}

pub(crate) fn number(r: &Record, key: Key) -> Option<f64> {
    let n = match r.get(key.name) {
        Some(Field::Number(n)) if n.is_finite() => Some(*n),
        Some(Field::Text(s)) => s.trim().parse().ok(),
        _ => None,
    }?;
    Some(match key.kind {
        Kind::Number { min, max } => n.clamp(min, max),
        _ => n,
    })
}

pub(crate) fn link(r: &Record, key: Key) -> Option<String> {
    Some(text(r, key)).filter(|s| !s.is_empty())
}

pub(crate) fn links(r: &Record, key: Key) -> Vec<String> {
    text(r, key)
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A comma-separated list with `code` in it (`on`) or not, each code once, order kept.
pub fn toggled(list: &str, code: &str, on: bool) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for c in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    if !on {
        codes.retain(|c| *c != code);
    } else if !codes.contains(&code) {
        codes.push(code);
    }
    codes.join(",")
}

pub(crate) fn date(r: &Record, key: Key) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text(r, key).trim(), "%Y-%m-%d").ok()
}

pub(crate) fn code<T: Copy>(r: &Record, key: Key, parse: fn(&str) -> Option<T>, fallback: T) -> T {
    parse(&text(r, key)).unwrap_or(fallback)
}

pub(crate) fn stamp(r: &Record) -> Stamp {
    Stamp {
        created_by: text(r, common::CREATED_BY),
        created_at: number(r, common::CREATED_AT).unwrap_or(0.0),
        updated_by: text(r, common::UPDATED_BY),
        updated_at: number(r, common::UPDATED_AT).unwrap_or(0.0),
        deleted_by: text(r, common::DELETED_BY),
    }
}

/// Whether any of `texts` has something in it (what makes a record "written").
pub(crate) fn any_written(texts: &[&String]) -> bool {
    texts.iter().any(|t| !t.trim().is_empty())
}

/// `given`, plus an empty value for each text, date or list of links of `fields` it does not set.
pub fn with_blank_fields(
    fields: &[Key],
    mut given: Vec<(&'static str, Field)>,
) -> Vec<(&'static str, Field)> {
    for key in fields {
        let text_like = matches!(
            key.kind,
            Kind::SharedText
                | Kind::Text
                | Kind::Date
                | Kind::Links(_)
                | Kind::Assets
                | Kind::Indicators
        );
        if text_like && !given.iter().any(|(name, _)| *name == key.name) {
            given.push((key.name, Field::Text(String::new())));
        }
    }
    given
}

/// A new record's link to the agenda item being discussed (none when there is none).
pub(crate) fn in_current_item(key: Key, new: Adding<'_>) -> (&'static str, Field) {
    value(key, new.board.current_item.clone().unwrap_or_default())
}

pub(crate) fn value(key: Key, value: impl Into<String>) -> (&'static str, Field) {
    (key.name, Field::Text(value.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_toggles_one_code_and_keeps_the_rest() {
        assert_eq!(toggled("", "a", true), "a");
        assert_eq!(toggled("a,b", "c", true), "a,b,c");
        assert_eq!(toggled("a, b ,c", "b", false), "a,c");
        assert_eq!(toggled("a,b", "a", true), "a,b", "once, in place");
        assert_eq!(toggled("a,a,b", "b", false), "a");
        assert_eq!(toggled("a", "z", false), "a");
    }

    #[test]
    fn typed_input_is_checked_by_the_fields_kind() {
        assert_eq!(
            agenda::MINUTES.accept(" 15 "),
            Some(Field::Number(15.0)),
            "numbers are trimmed"
        );
        assert_eq!(agenda::MINUTES.accept("quince"), None);
        assert_eq!(
            agenda::MINUTES.accept("601"),
            Some(Field::Number(600.0)),
            "into range"
        );
        assert_eq!(
            commitment::DUE.accept("2026-12-01"),
            Some(Field::Text("2026-12-01".into()))
        );
        assert_eq!(commitment::DUE.accept("1/12/2026"), None);
        assert_eq!(commitment::DUE.accept(""), Some(Field::Text(String::new())));
        assert!(barrier::STATUS.accept("resuelta").is_some());
        assert_eq!(barrier::STATUS.accept("perdida"), None);
    }

    /// `docs/board-schema.md`'s tables, per root: `(field, type)` rows under each `### … — \`root\``.
    fn documented_fields() -> std::collections::BTreeMap<String, Vec<(String, String)>> {
        let doc = include_str!("../../../../../docs/board-schema.md");
        let mut out = std::collections::BTreeMap::new();
        let mut root: Option<String> = None;
        for line in doc.lines() {
            if let Some(heading) = line.strip_prefix("### ") {
                root = heading
                    .rsplit_once('`')
                    .and_then(|(head, _)| head.rsplit_once('`'))
                    .map(|(_, r)| r.to_owned());
                continue;
            }
            let (Some(root), Some(row)) = (&root, line.strip_prefix("| `")) else {
                continue;
            };
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let name = cells[0].trim_end_matches('`').to_owned();
            out.entry(root.clone())
                .or_insert_with(Vec::new)
                .push((name, cells[1].to_owned()));
        }
        out
    }

    #[test]
    fn the_schema_doc_matches_the_record_kinds() {
        let documented = documented_fields();
        for (root, fields) in kinds() {
            let code: Vec<(String, String)> = fields
                .iter()
                .map(|k| (k.name.to_owned(), k.kind.doc_name().to_owned()))
                .collect();
            assert_eq!(
                documented.get(root),
                Some(&code),
                "docs/board-schema.md's table for `{root}` must list exactly its fields, in order"
            );
        }
        assert_eq!(
            documented.len(),
            kinds().len(),
            "a documented root that is no kind"
        );
    }

    #[test]
    fn every_kind_names_its_fields_once_and_lives_in_its_own_root() {
        let mut roots = std::collections::HashSet::new();
        for (root, fields) in kinds() {
            assert!(roots.insert(root), "root {root} twice");
            let mut names = std::collections::HashSet::new();
            for key in fields.iter().chain(common::FIELDS) {
                assert!(names.insert(key.name), "{root}.{} twice", key.name);
            }
            assert!(
                super::super::ROOTS.contains(&root),
                "{root} is a board root"
            );
        }
        assert!(key_of(Barrier::ROOT, "description").is_some_and(|k| k.is_shared_text()));
        assert!(key_of(Barrier::ROOT, "severity").is_some_and(|k| !k.is_shared_text()));
        assert!(key_of(Barrier::ROOT, "title").is_none());
    }
}
