//! Agreements (acuerdos) the Mesa reaches.

use serde::{Deserialize, Serialize};

use super::{
    Adding, BoardRecord, Key, Kind, Stamp, code, common, empty, link, links, stamp, text, value,
};
use crate::board::{BoardView, Field, Record};

code_enum!(
    DecisionMethod { Consenso = "consenso" / "Consenso", Votacion = "votacion" / "Votación" }
);

pub const ROOT: &str = "agreements";
pub const STATEMENT: Key = Key::new("statement", Kind::SharedText, "Acuerdo");
pub const METHOD: Key = Key::new(
    "method",
    Kind::Code(DecisionMethod::options),
    "Decisión por",
);
pub const BARRIERS: Key = Key::new(
    "barriers",
    Kind::Links(super::barrier::ROOT),
    "Barrera relacionada",
);
pub const AGENDA_ITEM: Key = Key::new(
    "agendaItem",
    Kind::Link(super::agenda::ROOT),
    "Punto del orden del día",
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: String,
    pub statement: String,
    pub method: DecisionMethod,
    pub barriers: Vec<String>,
    pub agenda_item: Option<String>,
    pub stamp: Stamp,
}

impl BoardRecord for Agreement {
    const ROOT: &'static str = ROOT;
    const FIELDS: &'static [Key] = &[STATEMENT, METHOD, BARRIERS, AGENDA_ITEM];
    const NOUN: &'static str = "el acuerdo";
    const LABEL: &'static str = "Acuerdo";
    const HEADING: &'static str = "Acuerdos";

    fn read(r: &Record) -> Self {
        Self {
            id: text(r, common::ID),
            statement: text(r, STATEMENT),
            method: code(r, METHOD, DecisionMethod::parse, DecisionMethod::Consenso),
            barriers: links(r, BARRIERS),
            agenda_item: link(r, AGENDA_ITEM),
            stamp: stamp(r),
        }
    }

    fn defaults(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        vec![
            empty(STATEMENT),
            value(METHOD, DecisionMethod::Consenso.code()),
            empty(BARRIERS),
            value(
                AGENDA_ITEM,
                new.board.current_item.clone().unwrap_or_default(),
            ),
        ]
    }

    fn id(&self) -> &str {
        &self.id
    }
    fn stamp(&self) -> &Stamp {
        &self.stamp
    }
    fn summary(&self) -> &str {
        &self.statement
    }
    fn on(board: &BoardView) -> &[Self] {
        &board.agreements
    }
}
