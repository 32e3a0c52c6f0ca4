//! Barriers (barreras) that block access to care.

use serde::{Deserialize, Serialize};

use super::{
    Adding, Key, Stamp, any_written, code, common, in_current_item, link, links, number, stamp,
    text, value,
};
use crate::domain::board::{Field, Record};

code_enum!(
    /// A new barrier starts *sin tipo*: its classification is a decision of the Mesa, not a
    /// default that would skew the dashboards (closing lists the barriers still without one).
    BarrierType {
        SinTipo = "sin_tipo" / "Sin tipo",
        Administrativa = "administrativa" / "Administrativa",
        Financiera = "financiera" / "Financiera",
        Geografica = "geografica" / "Geográfica",
        Cultural = "cultural" / "Cultural",
        DeOferta = "oferta" / "De oferta",
        DeInformacion = "informacion" / "De información",
        DeAseguramiento = "aseguramiento" / "De aseguramiento",
        Otra = "otra" / "Otra",
    }
);
code_enum!(
    BarrierStatus { Abierta = "abierta" / "Abierta", EnGestion = "en_gestion" / "En gestión", Escalada = "escalada" / "Escalada", Resuelta = "resuelta" / "Resuelta" }
);

pub const ROOT: &str = "barriers";
pub const TYPE: Key = Key::code("type", BarrierType::options, "Tipo");
pub const DESCRIPTION: Key = Key::shared("description", "Descripción de la barrera");
pub const ROUTE: Key = Key::shared("route", "Ruta o programa afectado");
pub const POPULATION: Key = Key::shared("population", "Población afectada");
pub const LOCALIDAD: Key = Key::shared("localidad", "Localidad");
pub const UPZ: Key = Key::shared("upz", "UPZ (opcional)");
pub const INSTITUTION: Key = Key::shared("institution", "Institución responsable");
pub const SEVERITY: Key = Key::number("severity", 1.0, 5.0, "Severidad (1–5)");
pub const STATUS: Key = Key::code("status", BarrierStatus::options, "Estado");
/// The register's assets the Mesa mobilises to answer it.
pub const ASSETS: Key = Key::new("assets", super::Kind::Assets, "Activos movilizados");
/// Indicators of its care route and territory, shown on its card with their latest figure.
pub const INDICATORS: Key = Key::new(
    "indicators",
    super::Kind::Indicators,
    "Indicadores relacionados",
);
pub const AGENDA_ITEM: Key =
    Key::link("agendaItem", super::agenda::ROOT, "Punto del orden del día");

/// Severity is a small scale people pick from (1 to 5), not a free number.
pub fn severity_options() -> Vec<(String, String)> {
    (1..=5).map(|n| (n.to_string(), n.to_string())).collect()
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
    /// Codes of the register's assets mobilised to answer it.
    pub assets: Vec<String>,
    /// Codes of the indicators the barrier is discussed with.
    pub indicators: Vec<String>,
    pub agenda_item: Option<String>,
    pub stamp: Stamp,
}

board_record!(Barrier in ROOT as "la barrera", "Barrera", "Barreras"; summary description, on barriers, written Barrier::written;
    fields [TYPE, DESCRIPTION, ROUTE, POPULATION, LOCALIDAD, UPZ, INSTITUTION, SEVERITY, STATUS, ASSETS, INDICATORS, AGENDA_ITEM]);

impl Barrier {
    /// Anything typed in it counts, not only its description.
    fn written(&self) -> bool {
        any_written(&[
            &self.description,
            &self.route,
            &self.population,
            &self.localidad,
            &self.upz,
            &self.institution,
        ])
    }

    fn read_record(r: &Record) -> Self {
        Self {
            id: text(r, common::ID),
            kind: code(r, TYPE, BarrierType::parse, BarrierType::Otra),
            description: text(r, DESCRIPTION),
            route: text(r, ROUTE),
            population: text(r, POPULATION),
            localidad: text(r, LOCALIDAD),
            upz: text(r, UPZ),
            institution: text(r, INSTITUTION),
            severity: number(r, SEVERITY).map_or(3, |s| s as u8),
            status: code(r, STATUS, BarrierStatus::parse, BarrierStatus::Abierta),
            assets: links(r, ASSETS),
            indicators: links(r, INDICATORS),
            agenda_item: link(r, AGENDA_ITEM),
            stamp: stamp(r),
        }
    }

    /// A barrier raised during an item belongs to it.
    fn initial_values(new: Adding<'_>) -> Vec<(&'static str, Field)> {
        vec![
            value(TYPE, BarrierType::SinTipo.code()),
            (SEVERITY.name, Field::Number(3.0)),
            value(STATUS, BarrierStatus::Abierta.code()),
            in_current_item(AGENDA_ITEM, new),
        ]
    }
}
