//! Sala's values sheet (`indicador, territorio, periodo, numerador, denominador, valor`), and the
//! check every value goes through whichever layout it came in.

use std::collections::BTreeMap;

use super::super::{Indicator, Period};
use super::IndicatorValue;
use crate::domain::sheet::{Cell, Located, RowError, Sheet, parse_number};
use crate::domain::territory::TerritoryIndex;

pub const VALUES_REQUIRED: [&str; 3] = ["indicador", "territorio", "periodo"];
pub const VALUES_OPTIONAL: [&str; 3] = ["numerador", "denominador", "valor"];

/// A given value may differ from numerator ÷ denominator × factor by rounding: up to 1 % of it,
/// or 0.05 (a rate published with one decimal).
const ROUNDING: f64 = 0.01;
const ROUNDING_ABSOLUTE: f64 = 0.05;

/// Where each key was first seen (sheet, line), to report a repeated one at its second line.
pub type Seen = BTreeMap<(String, String, Period), (String, usize)>;

/// One value before it is checked, wherever it came from.
pub(super) struct RawValue<'a> {
    pub sheet: &'a str,
    pub line: usize,
    pub indicator: String,
    pub territory: String,
    pub period: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
}

/// Checks one value against the catalogue and the territories; errors name their column.
pub(super) fn check(
    raw: RawValue,
    catalogue: &BTreeMap<String, Indicator>,
    territories: &TerritoryIndex,
    seen: &mut Seen,
) -> Result<IndicatorValue, Vec<RowError>> {
    let mut errors = Vec::new();
    let error = |column: &str, reason: String| RowError {
        sheet: raw.sheet.to_owned(),
        line: raw.line,
        column: Some(column.to_owned()),
        reason,
    };
    let indicator = match catalogue.get(raw.indicator.trim()) {
        Some(indicator) => Some(indicator),
        None if raw.indicator.trim().is_empty() => {
            errors.push(error("indicador", "está vacía".into()));
            None
        }
        None => {
            errors.push(error(
                "indicador",
                format!(
                    "el indicador «{}» no está en el catálogo: defínalo en la hoja «indicadores»",
                    raw.indicator.trim()
                ),
            ));
            None
        }
    };
    let territory = match territories.resolve(&raw.territory) {
        Ok(territory) => Some(territory),
        Err(reason) => {
            errors.push(error("territorio", reason));
            None
        }
    };
    if let (Some(indicator), Some(territory)) = (indicator, territory)
        && territory.level.rank() < indicator.disaggregation.rank()
    {
        errors.push(error(
            "territorio",
            format!(
                "el indicador «{}» se publica por {}; «{}» es una {}",
                indicator.code,
                indicator.disaggregation.label().to_lowercase(),
                territory.code,
                territory.level.label(),
            ),
        ));
    }
    let period = match Period::parse(&raw.period) {
        Ok(period) => Some(period),
        Err(bad) => {
            errors.push(error("periodo", bad.to_string()));
            None
        }
    };
    let value = indicator.and_then(|indicator| {
        figures(indicator, &raw, &mut |column, reason| {
            errors.push(error(column, reason))
        })
    });
    let (Some(indicator), Some(territory), Some(period), Some((numerator, denominator, value))) =
        (indicator, territory, period, value)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let key = (indicator.code.clone(), territory.code.clone(), period);
    if let Some((sheet, line)) = seen.get(&key) {
        let place = if sheet == raw.sheet {
            format!("la línea {line}")
        } else {
            format!("la hoja «{sheet}», línea {line}")
        };
        errors.push(error(
            "periodo",
            format!(
                "repite el indicador «{}», territorio «{}» y periodo {} de {place}",
                key.0, key.1, period
            ),
        ));
        return Err(errors);
    }
    seen.insert(key, (raw.sheet.to_owned(), raw.line));
    Ok(IndicatorValue {
        indicator: indicator.code.clone(),
        territory: territory.code.clone(),
        period,
        numerator,
        denominator,
        value,
    })
}

/// (numerator, denominator, value) as stored, from what the row gave.
fn figures(
    indicator: &Indicator,
    raw: &RawValue,
    fail: &mut impl FnMut(&str, String),
) -> Option<(Option<f64>, Option<f64>, f64)> {
    let agrees = |given: f64, computed: f64| {
        (given - computed).abs() <= (computed.abs() * ROUNDING).max(ROUNDING_ABSOLUTE)
    };
    if indicator.is_count() {
        if raw.denominator.is_some() {
            fail(
                "denominador",
                format!(
                    "«{}» es un conteo ({}): no lleva denominador",
                    indicator.code, indicator.unit
                ),
            );
            return None;
        }
        return match (raw.numerator, raw.value) {
            (Some(n), Some(v)) if !agrees(v, n) => {
                fail(
                    "valor",
                    format!("el valor {v} no es igual al numerador {n}"),
                );
                None
            }
            (Some(n), _) | (None, Some(n)) => Some((Some(n), None, n)),
            (None, None) => {
                fail("numerador", "la fila no tiene numerador ni valor".into());
                None
            }
        };
    }
    match (raw.numerator, raw.denominator, raw.value) {
        (Some(_), Some(0.0), _) => {
            fail("denominador", "es 0: el valor no se puede calcular".into());
            None
        }
        (Some(n), Some(d), given) => {
            let computed = n / d * indicator.factor;
            match given {
                Some(v) if !agrees(v, computed) => {
                    fail(
                        "valor",
                        format!(
                            "el valor {v} no corresponde a numerador ÷ denominador × {} = {computed:.2}",
                            indicator.factor
                        ),
                    );
                    None
                }
                _ => Some((Some(n), Some(d), computed)),
            }
        }
        (Some(_), None, _) => {
            fail(
                "denominador",
                "falta el denominador del numerador dado".into(),
            );
            None
        }
        (None, Some(_), _) => {
            fail(
                "numerador",
                "falta el numerador del denominador dado".into(),
            );
            None
        }
        (None, None, Some(v)) => Some((None, None, v)),
        (None, None, None) => {
            fail(
                "valor",
                "la fila no tiene numerador y denominador ni valor".into(),
            );
            None
        }
    }
}

/// A spreadsheet turns «07» into the number 7: a localidad's number is read back as its code.
fn territory_text(cell: &Cell) -> String {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && (1.0..=20.0).contains(n) => format!("{n:02}"),
        other => other.text(),
    }
}

/// The values of a sheet in Sala's layout, and every problem found in it.
pub fn read_values(
    sheet: &Sheet,
    catalogue: &BTreeMap<String, Indicator>,
    territories: &TerritoryIndex,
    seen: &mut Seen,
) -> (Vec<IndicatorValue>, Vec<RowError>) {
    let located = match Located::new(sheet, &VALUES_REQUIRED, &VALUES_OPTIONAL) {
        Ok(located) => located,
        Err(errors) => return (Vec::new(), errors),
    };
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for located_row in located.rows() {
        let row = located_row.row;
        let cell = |i: usize| located_row.cell(i);
        let mut number_errors = Vec::new();
        let mut number = |i: usize, name: &str| match parse_number(&cell(i)) {
            Ok(n) => n,
            Err(error) => {
                number_errors.push(RowError {
                    sheet: sheet.name.clone(),
                    line: row.line,
                    column: Some(name.to_owned()),
                    reason: error.to_string(),
                });
                None
            }
        };
        let numerator = number(3, "numerador");
        let denominator = number(4, "denominador");
        let value = number(5, "valor");
        let raw = RawValue {
            sheet: &sheet.name,
            line: row.line,
            indicator: cell(0).text(),
            territory: territory_text(&cell(1)),
            period: cell(2).text(),
            numerator,
            denominator,
            value,
        };
        if !number_errors.is_empty() {
            errors.extend(number_errors);
            continue;
        }
        match check(raw, catalogue, territories, seen) {
            Ok(value) => values.push(value),
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    (values, errors)
}
