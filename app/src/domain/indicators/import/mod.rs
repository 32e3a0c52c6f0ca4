//! An import file checked as a whole before anything is kept: its catalogue sheet (indicator
//! definitions), its values sheet (Sala's template) or a DHIS2 data value set with its mapping.
//! Every problem is reported with sheet, line, column and a reason in Spanish; a plan with
//! errors is never applied, and applying the same plan twice changes nothing (the store
//! compares each value before writing it).

mod catalogue_sheet;
mod dhis2;
#[cfg(test)]
mod tests;
mod values_sheet;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Indicator, Period};
use crate::domain::sheet::{RowError, Sheet, header_key, personal_column};
use crate::domain::territory::TerritoryIndex;
pub use catalogue_sheet::{CATALOGUE_OPTIONAL, CATALOGUE_REQUIRED, read_catalogue};
pub use dhis2::{DHIS2_REQUIRED, Dhis2Mapping, MAPPING_REQUIRED, Part, read_dhis2, read_mapping};
pub use values_sheet::{VALUES_OPTIONAL, VALUES_REQUIRED, read_values};

/// A value of an indicator for a territory and period, as it will be stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub indicator: String,
    pub territory: String,
    pub period: Period,
    /// Present for values that add up (counts, and rates given with their parts); a rate given
    /// alone has neither, and cannot be rolled up.
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: f64,
}

impl IndicatorValue {
    /// (indicator, territory, period): one value per key.
    pub fn key(&self) -> (String, String, Period) {
        (self.indicator.clone(), self.territory.clone(), self.period)
    }
}

/// Which layout a sheet has, told by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Catalogue,
    Values,
    Dhis2,
    Dhis2Mapping,
}

/// Tells a sheet's layout from its header (a catalogue has `codigo` and `nombre`; Sala's values
/// `indicador`, `territorio` and `periodo`; DHIS2's `dataelement`, `period` and `orgunit`).
pub fn sheet_kind(sheet: &Sheet) -> Option<SheetKind> {
    let keys: Vec<String> = sheet.header.iter().map(|h| header_key(h)).collect();
    let has = |k: &str| keys.iter().any(|key| key == k);
    if has("dataelement") && has("period") && has("orgunit") {
        Some(SheetKind::Dhis2)
    } else if has("tipo") && has("dhis2") && has("sala") {
        Some(SheetKind::Dhis2Mapping)
    } else if has("indicador") && has("territorio") {
        Some(SheetKind::Values)
    } else if has("codigo") && has("nombre") {
        Some(SheetKind::Catalogue)
    } else {
        None
    }
}

/// What a file would change, once checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPlan {
    /// Definitions the file brings (new, or replacing the stored one with the same code).
    pub indicators: Vec<Indicator>,
    pub values: Vec<IndicatorValue>,
    pub errors: Vec<RowError>,
}

impl ImportPlan {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && !(self.indicators.is_empty() && self.values.is_empty())
    }
}

/// The sheets of one upload (an XLSX's worksheets, or one CSV file), plus an optional DHIS2
/// mapping given apart.
pub fn plan_import(
    sheets: &[Sheet],
    mapping: Option<&Sheet>,
    stored: &BTreeMap<String, Indicator>,
    territories: &TerritoryIndex,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let file_error = |reason: String| RowError {
        sheet: sheets
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "archivo".into()),
        line: 0,
        column: None,
        reason,
    };
    let mut kinds = Vec::new();
    for sheet in sheets {
        match sheet_kind(sheet) {
            Some(kind) => kinds.push((kind, sheet)),
            // An XLSX may carry a sheet of notes; a CSV file has only this one.
            None if sheets.len() > 1 && personal_column(&sheet.header).is_none() => {}
            None => plan.errors.push(RowError {
                sheet: sheet.name.clone(),
                line: 1,
                column: None,
                reason: match personal_column(&sheet.header) {
                    Some(column) => format!(
                        "la columna «{column}» parece un dato personal: Sala recibe solo datos agregados por territorio."
                    ),
                    None => "no se reconoce el encabezado: use la plantilla (hojas «indicadores» y «valores») o un conjunto de valores de DHIS2 (dataelement, period, orgunit, value)".into(),
                },
            }),
        }
    }
    // Definitions first: values in the same file may use them.
    let mut catalogue = stored.clone();
    for (_, sheet) in kinds.iter().filter(|(k, _)| *k == SheetKind::Catalogue) {
        let (indicators, errors) = read_catalogue(sheet);
        plan.errors.extend(errors);
        for indicator in indicators {
            catalogue.insert(indicator.code.clone(), indicator.clone());
            plan.indicators.push(indicator);
        }
    }
    let mapping = mapping.or_else(|| {
        kinds
            .iter()
            .find(|(k, _)| *k == SheetKind::Dhis2Mapping)
            .map(|(_, s)| *s)
    });
    let mut seen = BTreeMap::new();
    for (kind, sheet) in &kinds {
        let (values, errors) = match kind {
            SheetKind::Values => read_values(sheet, &catalogue, territories, &mut seen),
            SheetKind::Dhis2 => match mapping.map(read_mapping) {
                Some(Ok(mapping)) => {
                    read_dhis2(sheet, &mapping, &catalogue, territories, &mut seen)
                }
                Some(Err(errors)) => (Vec::new(), errors),
                None => (
                    Vec::new(),
                    vec![RowError {
                        sheet: sheet.name.clone(),
                        line: 0,
                        column: None,
                        reason: "es un conjunto de valores de DHIS2: cargue también el archivo de mapeo (tipo, dhis2, sala, parte) que dice a qué indicador y territorio de Sala corresponde cada código".into(),
                    }],
                ),
            },
            _ => continue,
        };
        plan.values.extend(values);
        plan.errors.extend(errors);
    }
    if plan.errors.is_empty() && plan.indicators.is_empty() && plan.values.is_empty() {
        plan.errors
            .push(file_error("el archivo no tiene filas que importar".into()));
    }
    plan
}

/// How many of something a file adds, changes or leaves as it was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl Counts {
    pub fn writes(&self) -> usize {
        self.new + self.changed
    }
}

/// What applying a plan does (or did) to what is stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub indicators: Counts,
    pub values: Counts,
}

code_enum! {
    /// Where an uploaded file stands.
    ImportStatus {
        Preview = "vista_previa" / "Vista previa",
        Applied = "importada" / "Importada",
        Discarded = "descartada" / "Descartada",
    }
}

/// Errors shown at most (the count says how many there are).
pub const ERRORS_SHOWN: usize = 300;

/// An uploaded file as its preview page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: i64,
    pub file_name: String,
    pub mapping_name: Option<String>,
    pub uploaded_by: String,
    /// Bogotá time, as every page writes it.
    pub uploaded_at: String,
    pub status: ImportStatus,
    pub summary: ImportSummary,
    /// The first [`ERRORS_SHOWN`] problems, in file order.
    pub errors: Vec<RowError>,
    pub error_count: usize,
    /// The first rows that would be written, to check the reading is right.
    pub sample: Vec<IndicatorValue>,
    pub indicators: Vec<Indicator>,
    pub territories: usize,
    pub periods: Vec<String>,
}

/// An upload's bytes as the store keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub name: String,
    pub data: Vec<u8>,
}

/// A staged upload: the file, its optional DHIS2 mapping, who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedImport {
    pub id: i64,
    pub file: StoredFile,
    pub mapping: Option<StoredFile>,
    pub uploaded_by: String,
    pub uploaded_at: String,
    pub status: ImportStatus,
    /// What applying it did, once applied.
    pub summary: Option<ImportSummary>,
}

/// An upload as the list of recent imports shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    pub status: ImportStatus,
    pub summary: Option<ImportSummary>,
}

/// What a plan changes against what is stored: the definitions and values to write (new or
/// different), and the counts. Writing only these makes a re-import a no-op.
pub struct Changes<'a> {
    pub indicators: Vec<&'a Indicator>,
    pub values: Vec<&'a IndicatorValue>,
    pub summary: ImportSummary,
}

pub fn compare<'a>(
    plan: &'a ImportPlan,
    catalogue: &BTreeMap<String, Indicator>,
    stored: &BTreeMap<(String, String, Period), IndicatorValue>,
) -> Changes<'a> {
    let mut changes = Changes {
        indicators: Vec::new(),
        values: Vec::new(),
        summary: ImportSummary::default(),
    };
    for indicator in &plan.indicators {
        let counts = &mut changes.summary.indicators;
        match catalogue.get(&indicator.code) {
            Some(existing) if existing == indicator => counts.unchanged += 1,
            Some(_) => {
                counts.changed += 1;
                changes.indicators.push(indicator);
            }
            None => {
                counts.new += 1;
                changes.indicators.push(indicator);
            }
        }
    }
    for value in &plan.values {
        let counts = &mut changes.summary.values;
        match stored.get(&value.key()) {
            Some(existing) if existing == value => counts.unchanged += 1,
            Some(_) => {
                counts.changed += 1;
                changes.values.push(value);
            }
            None => {
                counts.new += 1;
                changes.values.push(value);
            }
        }
    }
    changes
}
