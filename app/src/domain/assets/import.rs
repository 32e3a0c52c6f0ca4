//! A file of assets or teams (CSV, or an XLSX with an «activos» and/or an «equipos» sheet)
//! checked as a whole: every row through the same rules as the form, every problem with its
//! sheet, line and column, and codes repeated within the file refused. Nothing is written unless
//! the whole file is right.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::validate::{AssetDraft, EntryProblem, TeamDraft, asset_column, team_column};
use super::{Asset, Team};
use crate::domain::TerritoryIndex;
use crate::domain::sheet::{Located, LocatedRow, RowError, Sheet, header_key, personal_column};

pub const ASSET_REQUIRED: &[&str] = &[
    asset_column::NAME,
    asset_column::KIND,
    asset_column::LOCALIDAD,
];
pub const ASSET_OPTIONAL: &[&str] = &[
    asset_column::CODE,
    asset_column::OFFER,
    asset_column::UPZ,
    asset_column::LON,
    asset_column::LAT,
    asset_column::CONTACT,
];
pub const TEAM_REQUIRED: &[&str] = &[
    team_column::NAME,
    team_column::KIND,
    team_column::INSTITUTION,
    team_column::COVERAGE,
];
pub const TEAM_OPTIONAL: &[&str] = &[team_column::CODE, team_column::CONTACT];

/// What a file holds, once checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisterPlan {
    pub assets: Vec<Asset>,
    pub teams: Vec<Team>,
    pub errors: Vec<RowError>,
}

impl RegisterPlan {
    pub fn is_empty(&self) -> bool {
        self.assets.is_empty() && self.teams.is_empty()
    }

    /// The localidades the file writes in (whoever imports it must manage each).
    pub fn localidades(&self, index: &TerritoryIndex) -> Vec<String> {
        let mut all: Vec<String> = self
            .assets
            .iter()
            .map(|a| a.localidad.clone())
            .chain(self.teams.iter().flat_map(|t| t.localidades(index)))
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Which register a sheet is: teams have a coverage, assets a type.
fn holds_teams(sheet: &Sheet) -> bool {
    sheet
        .header
        .iter()
        .any(|h| header_key(h) == team_column::COVERAGE)
}

fn holds_assets(sheet: &Sheet) -> bool {
    sheet
        .header
        .iter()
        .any(|h| header_key(h) == asset_column::KIND)
}

pub fn plan_register(sheets: &[Sheet], index: &TerritoryIndex) -> RegisterPlan {
    let mut plan = RegisterPlan::default();
    let mut seen = Seen::new();
    for sheet in sheets {
        if holds_teams(sheet) {
            read_sheet(
                sheet,
                TEAM_REQUIRED,
                TEAM_OPTIONAL,
                &mut plan,
                &mut seen,
                |row| team_draft(row).check(index).map(Entry::Team),
            );
        } else if holds_assets(sheet) {
            read_sheet(
                sheet,
                ASSET_REQUIRED,
                ASSET_OPTIONAL,
                &mut plan,
                &mut seen,
                |row| asset_draft(row).check(index).map(Entry::Asset),
            );
        } else if sheets.len() > 1 && personal_column(&sheet.header).is_none() {
            // An XLSX may carry a sheet of notes.
        } else {
            plan.errors.push(RowError {
                sheet: sheet.name.clone(),
                line: 1,
                column: None,
                reason: format!(
                    "no se reconoce la hoja: un registro de activos tiene la columna «{}» y uno de equipos la columna «{}» (descargue la plantilla)",
                    asset_column::KIND,
                    team_column::COVERAGE
                ),
            });
        }
    }
    if plan.is_empty() && plan.errors.is_empty() {
        plan.errors.push(RowError {
            sheet: sheets.first().map(|s| s.name.clone()).unwrap_or_default(),
            line: 0,
            column: None,
            reason: "el archivo no tiene filas con datos".into(),
        });
    }
    plan
}

enum Entry {
    Asset(Asset),
    Team(Team),
}

impl Entry {
    /// What it is, and its code: two rows with one would overwrite each other.
    fn key(&self) -> (&'static str, &str) {
        match self {
            Entry::Asset(a) => ("activo", &a.code),
            Entry::Team(t) => ("equipo", &t.code),
        }
    }
}

/// Where each code was first seen: `(kind, code)` → `(sheet, line)`.
type Seen = BTreeMap<(&'static str, String), (String, usize)>;

fn read_sheet(
    sheet: &Sheet,
    required: &[&str],
    optional: &[&str],
    plan: &mut RegisterPlan,
    seen: &mut Seen,
    check: impl Fn(&LocatedRow<'_>) -> Result<Entry, Vec<EntryProblem>>,
) {
    let located = match Located::new(sheet, required, optional) {
        Ok(located) => located,
        Err(errors) => return plan.errors.extend(errors),
    };
    for row in located.rows() {
        let line = row.row.line;
        let checked = check(&row).and_then(|entry| {
            let (what, code) = entry.key();
            match seen.get(&(what, code.to_owned())) {
                Some((first_sheet, first_line)) => Err(vec![EntryProblem {
                    column: "codigo".into(),
                    reason: format!(
                        "el código «{code}» ya está en {first_sheet}, línea {first_line}: cada {what} necesita su propio código (o, sin código, un nombre distinto en su territorio)"
                    ),
                }]),
                None => {
                    seen.insert((what, code.to_owned()), (sheet.name.clone(), line));
                    Ok(entry)
                }
            }
        });
        match checked {
            Ok(Entry::Asset(asset)) => plan.assets.push(asset),
            Ok(Entry::Team(team)) => plan.teams.push(team),
            Err(problems) => plan.errors.extend(problems.into_iter().map(|p| RowError {
                sheet: sheet.name.clone(),
                line,
                column: Some(p.column),
                reason: p.reason,
            })),
        }
    }
}

/// The cells of a row in the order of `REQUIRED` then `OPTIONAL`.
fn asset_draft(row: &LocatedRow<'_>) -> AssetDraft {
    let cell = |i: usize| row.cell(i).text();
    AssetDraft {
        name: cell(0),
        kind: cell(1),
        localidad: cell(2),
        code: cell(3),
        offer: cell(4),
        upz: cell(5),
        lon: cell(6),
        lat: cell(7),
        contact: cell(8),
    }
}

fn team_draft(row: &LocatedRow<'_>) -> TeamDraft {
    let cell = |i: usize| row.cell(i).text();
    TeamDraft {
        name: cell(0),
        kind: cell(1),
        institution: cell(2),
        coverage: cell(3),
        code: cell(4),
        contact: cell(5),
    }
}

/// What saving a file (or a form) did: re-saving the same entries changes nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterSummary {
    pub assets_added: usize,
    pub assets_updated: usize,
    pub teams_added: usize,
    pub teams_updated: usize,
    pub unchanged: usize,
}

impl RegisterSummary {
    /// «2 activos nuevos, 1 actualizado; 1 equipo nuevo; 3 sin cambios».
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if self.assets_added + self.assets_updated > 0 {
            parts.push(format!(
                "activos: {}, {}",
                count(self.assets_added, "nuevo", "nuevos"),
                count(self.assets_updated, "actualizado", "actualizados")
            ));
        }
        if self.teams_added + self.teams_updated > 0 {
            parts.push(format!(
                "equipos: {}, {}",
                count(self.teams_added, "nuevo", "nuevos"),
                count(self.teams_updated, "actualizado", "actualizados")
            ));
        }
        parts.push(count(self.unchanged, "sin cambios", "sin cambios"));
        parts.join("; ")
    }
}

/// One file loaded into the register, as its result page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterImport {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: String,
    /// Bogotá time, as every page writes it.
    pub uploaded_at: String,
    pub outcome: RegisterOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RegisterOutcome {
    Saved(RegisterSummary),
    /// Nothing was written: every problem found.
    Refused(Vec<RowError>),
}
