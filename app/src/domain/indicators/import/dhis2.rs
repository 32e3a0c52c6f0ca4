//! A DHIS2 data value set (`dataelement, period, orgunit, categoryoptioncombo, …, value`) read
//! through a mapping that says which Sala indicator (and which part of it) each data element is,
//! and which Sala territory each organisation unit is. Rows of one element, period and unit with
//! different category option combos (sex, age) are added up, as DHIS2 totals them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::super::Indicator;
use super::IndicatorValue;
use super::values_sheet::{RawValue, Seen, check};
use crate::domain::sheet::{Located, RowError, Sheet, header_key, parse_number};
use crate::domain::territory::TerritoryIndex;

pub const DHIS2_REQUIRED: [&str; 4] = ["dataelement", "period", "orgunit", "value"];
const DHIS2_OPTIONAL: [&str; 10] = [
    "categoryoptioncombo",
    "catoptcombo",
    "attributeoptioncombo",
    "attroptcombo",
    "storedby",
    "lastupdated",
    "created",
    "comment",
    "followup",
    "deleted",
];
pub const MAPPING_REQUIRED: [&str; 3] = ["tipo", "dhis2", "sala"];
const MAPPING_OPTIONAL: [&str; 1] = ["parte"];

code_enum! {
    /// What a data element gives of a Sala indicator.
    Part {
        Numerator = "numerador" / "Numerador",
        Denominator = "denominador" / "Denominador",
        Value = "valor" / "Valor",
    }
}

/// DHIS2 identifiers to Sala codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dhis2Mapping {
    pub elements: BTreeMap<String, (String, Part)>,
    pub org_units: BTreeMap<String, String>,
}

/// The mapping sheet: `tipo` (`indicador` or `territorio`), `dhis2` (the UID or code), `sala`
/// (Sala's code) and, for an indicator, `parte` (numerador, denominador or valor; valor if empty).
pub fn read_mapping(sheet: &Sheet) -> Result<Dhis2Mapping, Vec<RowError>> {
    let located = Located::new(sheet, &MAPPING_REQUIRED, &MAPPING_OPTIONAL)?;
    let mut mapping = Dhis2Mapping::default();
    let mut errors = Vec::new();
    for located_row in located.rows() {
        let row = located_row.row;
        let cell = |i: usize| located_row.cell(i).text();
        let (kind, dhis2, sala, part) = (header_key(&cell(0)), cell(1), cell(2), cell(3));
        if [&kind, &dhis2, &sala].iter().all(|t| t.is_empty()) {
            continue;
        }
        let mut fail = |column: &str, reason: String| {
            errors.push(RowError {
                sheet: sheet.name.clone(),
                line: row.line,
                column: Some(column.into()),
                reason,
            })
        };
        if dhis2.is_empty() || sala.is_empty() {
            fail(
                if dhis2.is_empty() { "dhis2" } else { "sala" },
                "está vacía".into(),
            );
            continue;
        }
        match kind.as_str() {
            "indicador" | "dataelement" => {
                let parsed = if part.is_empty() {
                    Some(Part::Value)
                } else {
                    Part::parse(&header_key(&part))
                };
                match parsed {
                    Some(part) => {
                        mapping.elements.insert(dhis2, (sala, part));
                    }
                    None => fail(
                        "parte",
                        format!("«{part}»: escriba numerador, denominador o valor"),
                    ),
                }
            }
            "territorio" | "orgunit" => {
                mapping.org_units.insert(dhis2, sala);
            }
            other => fail(
                "tipo",
                format!("«{other}»: escriba «indicador» o «territorio»"),
            ),
        }
    }
    if errors.is_empty() {
        Ok(mapping)
    } else {
        Err(errors)
    }
}

/// Parts of one Sala value gathered from DHIS2 rows.
#[derive(Default)]
struct Gathered {
    line: usize,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
}

/// The values of a DHIS2 data value set, and every problem found in it.
pub fn read_dhis2(
    sheet: &Sheet,
    mapping: &Dhis2Mapping,
    catalogue: &BTreeMap<String, Indicator>,
    territories: &TerritoryIndex,
    seen: &mut Seen,
) -> (Vec<IndicatorValue>, Vec<RowError>) {
    let located = match Located::new(sheet, &DHIS2_REQUIRED, &DHIS2_OPTIONAL) {
        Ok(located) => located,
        Err(errors) => return (Vec::new(), errors),
    };
    let mut errors = Vec::new();
    let mut gathered: BTreeMap<(String, String, String), Gathered> = BTreeMap::new();
    for located_row in located.rows() {
        let row = located_row.row;
        let cell = |i: usize| located_row.cell(i);
        let mut fail = |column: &str, reason: String| {
            errors.push(RowError {
                sheet: sheet.name.clone(),
                line: row.line,
                column: Some(column.into()),
                reason,
            })
        };
        // DHIS2 marks a deleted value with `deleted = true`; it is not a value.
        if matches!(cell(13).text().to_lowercase().as_str(), "true" | "1") {
            continue;
        }
        let element = cell(0).text();
        let Some((indicator, part)) = mapping.elements.get(&element) else {
            fail(
                "dataelement",
                format!("el elemento de datos «{element}» no está en el mapeo"),
            );
            continue;
        };
        let unit = cell(2).text();
        let Some(territory) = mapping.org_units.get(&unit) else {
            fail(
                "orgunit",
                format!("la unidad organizativa «{unit}» no está en el mapeo"),
            );
            continue;
        };
        let number = match parse_number(&cell(3)) {
            Ok(Some(n)) => n,
            Ok(None) => {
                fail("value", "está vacía".into());
                continue;
            }
            Err(error) => {
                fail("value", error.to_string());
                continue;
            }
        };
        let key = (indicator.clone(), territory.clone(), cell(1).text());
        let entry = gathered.entry(key).or_insert_with(|| Gathered {
            line: row.line,
            ..Gathered::default()
        });
        let slot = match part {
            Part::Numerator => &mut entry.numerator,
            Part::Denominator => &mut entry.denominator,
            Part::Value => &mut entry.value,
        };
        match (part, slot.as_mut()) {
            // A rate is not added up over categories.
            (Part::Value, Some(_)) => fail(
                "value",
                format!(
                    "hay más de un valor de «{element}» para {} en {}: un valor que es una tasa no se suma por categorías",
                    unit,
                    cell(1).text()
                ),
            ),
            (_, Some(total)) => *total += number,
            (_, None) => *slot = Some(number),
        }
    }
    let mut values = Vec::new();
    for ((indicator, territory, period), parts) in gathered {
        let raw = RawValue {
            sheet: &sheet.name,
            line: parts.line,
            indicator,
            territory,
            period,
            numerator: parts.numerator,
            denominator: parts.denominator,
            value: parts.value,
        };
        match check(raw, catalogue, territories, seen) {
            Ok(value) => values.push(value),
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    errors.sort_by_key(|e| e.line);
    (values, errors)
}
