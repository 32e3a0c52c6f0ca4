//! The board's shared reactive state: what every section of the board page and the sync client
//! read and write. Edits go through the shared document (the sync client applies them), so what
//! is shown is always what the document says.

use chrono::{DateTime, NaiveDate};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(not(feature = "hydrate"))]
use yrs::TransactionMut;

use crate::domain::board::edit::{new_record_id, record};
use crate::domain::board::records::Adding;
use crate::domain::board::{
    BoardAccess, BoardRecord, BoardRole, BoardView, Field, Key, put_record, set_field,
};
use crate::domain::bogota;

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnStatus {
    Conectando,
    Conectado,
    Reconectando,
    SinConexion,
    /// The server ended this page's access (invitation revoked, signed out, deactivated).
    AccesoTerminado,
}

impl ConnStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Conectando => "conectando",
            Self::Conectado => "conectado",
            Self::Reconectando => "reconectando",
            Self::SinConexion => "sin-conexion",
            Self::AccesoTerminado => "acceso-terminado",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Conectando => "Conectando…",
            Self::Conectado => "Conectado",
            Self::Reconectando => "Reconectando…",
            Self::SinConexion => "Sin conexión: los cambios se guardan en este equipo",
            Self::AccesoTerminado => "Acceso terminado: solo lectura",
        }
    }
}

/// Who is at this browser, as given on the join page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub institution: String,
    #[serde(default)]
    pub sector: String,
    pub role: String,
    pub color: String,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl Identity {
    /// How records are stamped: "Ana Pérez (Subred Sur)".
    pub fn display(&self) -> String {
        if self.institution.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.institution)
        }
    }
}

/// Someone else on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    pub client: u64,
    pub name: String,
    pub institution: String,
    pub role: String,
    pub color: String,
    /// `"barriers:<id>"` etc.: the record they are editing.
    pub editing: Option<String>,
}

const COLORS: [&str; 8] = [
    "#b3261e", "#0b57d0", "#146c2e", "#8e24aa", "#c25e00", "#00796b", "#5c6bc0", "#ad1457",
];

/// A stable colour per name, so a person keeps theirs across reloads.
pub fn color_for(name: &str) -> &'static str {
    let hash = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    COLORS[hash as usize % COLORS.len()]
}

/// The board's reactive state, shared by its components.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct BoardCtx {
    pub session_id: i64,
    pub role: BoardRole,
    pub writable: bool,
    pub view: RwSignal<BoardView>,
    pub status: RwSignal<ConnStatus>,
    pub presence: RwSignal<Vec<Presence>>,
    pub me: RwSignal<Option<Identity>>,
    pub editing: RwSignal<Option<String>>,
    pub now_ms: RwSignal<f64>,
    pub read_only_reason: RwSignal<Option<String>>,
    /// The server refused this device's changes for now (the board is full or changing too
    /// fast): they stay on the device and are sent again on reconnecting.
    pub server_notice: RwSignal<Option<String>>,
    /// The Mesa's sitting members (without contacts): quorum counts against them, and who joins
    /// under a member's name is recognised.
    pub roster: StoredValue<Vec<crate::domain::Member>>,
    pub mesa_code: StoredValue<String>,
    /// Bumped after an escalation is sent or decided, so the panel loads its lists again.
    pub escalations: RwSignal<u32>,
}

impl BoardCtx {
    pub fn new(access: &BoardAccess, now_ms: f64) -> Self {
        Self {
            session_id: access.detail.session.id,
            role: access.role,
            writable: access.writable,
            view: RwSignal::new(access.board.clone()),
            status: RwSignal::new(ConnStatus::Conectando),
            presence: RwSignal::new(Vec::new()),
            me: RwSignal::new(None),
            editing: RwSignal::new(None),
            now_ms: RwSignal::new(now_ms),
            read_only_reason: RwSignal::new(None),
            server_notice: RwSignal::new(None),
            roster: StoredValue::new(access.roster.clone()),
            mesa_code: StoredValue::new(access.detail.mesa.code.clone()),
            escalations: RwSignal::new(0),
        }
    }

    /// Whether this browser may edit right now (reactive).
    pub fn can_edit(&self) -> bool {
        self.writable
            && self.me.with(Option::is_some)
            && self.read_only_reason.with(Option::is_none)
    }

    /// How many members quorum is counted against.
    pub fn members(&self) -> usize {
        self.roster.with_value(Vec::len)
    }

    /// What the policy lets this page's invitation do.
    pub fn allows(&self, act: crate::domain::policy::Act) -> bool {
        crate::domain::policy::allows(self.role, act)
    }

    /// Sets field `key` of record `id` in `root` (a plain value, last writer wins).
    pub fn set(&self, root: &'static str, id: &str, key: Key, value: Field) {
        let id = id.to_owned();
        self.edit(move |txn, author, now| {
            if let Some(r) = record(txn, root, &id) {
                set_field(txn, root, &r, key.name, value, author, now);
            }
        });
    }

    /// Adds a record of kind `R` with its kind's defaults, stamped with this participant's name.
    pub fn add<R: BoardRecord>(&self) {
        let view = self.view;
        self.edit(move |txn, author, now| {
            let fields = view.with_untracked(|board| R::defaults(Adding { board, now_ms: now }));
            put_record(txn, R::ROOT, &new_record_id(), &fields, author, now);
        });
    }

    /// Today in Bogotá, by this page's clock (reactive: ticks with `now_ms`).
    pub fn today(&self) -> NaiveDate {
        DateTime::from_timestamp_millis(self.now_ms.get() as i64)
            .map(|at| at.with_timezone(&bogota()).date_naive())
            .unwrap_or_default()
    }
}

/// Off the browser there is no document to edit: the server only renders the board.
#[cfg(not(feature = "hydrate"))]
impl BoardCtx {
    pub fn edit(&self, f: impl FnOnce(&mut TransactionMut, &str, f64)) {
        let _ = f;
    }
}
