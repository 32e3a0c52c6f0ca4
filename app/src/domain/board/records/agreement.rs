//! Agreements (acuerdos) the Mesa reaches.

use serde::{Deserialize, Serialize};

use super::{
    Adding, Key, Kind, Stamp, code, common, in_current_item, link, links, stamp, text, value,
};
use crate::domain::board::{Field, Record};

code_enum!(
    DecisionMethod { Consenso = "consenso" / "Consenso", Votacion = "votacion" / "Votación" }
);

pub const ROOT: &str = "agreements";
pub const STATEMENT: Key = Key::shared("statement", "Acuerdo");
pub const METHOD: Key = Key::code("method", DecisionMethod::options, "Decisión por");
pub const BARRIERS: Key = Key::links("barriers", super::barrier::ROOT, "Barrera relacionada");
/// A closed vote's or consensus check's result, written by the server (see `vote.rs`).
pub const OUTCOME: Key = Key::new("outcome", Kind::Text, "Resultado");
pub const AGENDA_ITEM: Key =
    Key::link("agendaItem", super::agenda::ROOT, "Punto del orden del día");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: String,
    pub statement: String,
    pub method: DecisionMethod,
    pub barriers: Vec<String>,
    pub agenda_item: Option<String>,
    /// Empty until a poll on it closes (left out of the JSON then, so actas approved before
    /// votes existed keep their digest).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outcome: String,
    pub stamp: Stamp,
}

board_record!(Agreement in ROOT as "el acuerdo", "Acuerdo", "Acuerdos"; summary statement, on agreements;
    fields [STATEMENT, METHOD, BARRIERS, AGENDA_ITEM, OUTCOME]);

impl Agreement {
    fn read_record(r: &Record) -> Self {
        Self {
            id: text(r, common::ID),
            statement: text(r, STATEMENT),
            method: code(r, METHOD, DecisionMethod::parse, DecisionMethod::Consenso),
            barriers: links(r, BARRIERS),
            agenda_item: link(r, AGENDA_ITEM),
            outcome: text(r, OUTCOME),
            stamp: stamp(r),
        }
    }

    fn initial_values(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        vec![
            value(METHOD, DecisionMethod::Consenso.code()),
            in_current_item(AGENDA_ITEM, new),
        ]
    }
}
