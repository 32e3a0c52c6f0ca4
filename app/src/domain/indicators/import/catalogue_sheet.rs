//! The catalogue sheet: one indicator definition per row.

use std::collections::BTreeMap;

use super::super::{Direction, Indicator, Period};
use crate::domain::sheet::{Cell, RowError, Sheet, SheetRow, locate_columns, parse_number};
use crate::domain::territory::TerritoryLevel;

pub const CATALOGUE_REQUIRED: [&str; 5] =
    ["codigo", "nombre", "unidad", "sentido", "desagregacion"];
pub const CATALOGUE_OPTIONAL: [&str; 7] = [
    "definicion",
    "numerador",
    "denominador",
    "factor",
    "meta",
    "periodo_meta",
    "fuente",
];

/// Longest code and name kept (a code is a key in URLs and files).
const MAX_CODE: usize = 40;
const MAX_TEXT: usize = 2_000;

/// The definitions of a catalogue sheet, and every problem found in it.
pub fn read_catalogue(sheet: &Sheet) -> (Vec<Indicator>, Vec<RowError>) {
    let columns = match locate_columns(sheet, &CATALOGUE_REQUIRED, &CATALOGUE_OPTIONAL) {
        Ok(columns) => columns,
        Err(errors) => return (Vec::new(), errors),
    };
    let names: Vec<&str> = CATALOGUE_REQUIRED
        .iter()
        .chain(&CATALOGUE_OPTIONAL)
        .copied()
        .collect();
    let mut indicators = Vec::new();
    let mut errors = Vec::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for row in &sheet.rows {
        if row.cells.iter().all(Cell::is_empty) {
            continue;
        }
        let mut reader = RowReader {
            sheet,
            row,
            columns: &columns,
            names: &names,
            errors: Vec::new(),
        };
        let indicator = reader.indicator();
        let mut row_errors = reader.errors;
        if let Some(indicator) = indicator {
            if let Some(line) = first_line.get(&indicator.code) {
                row_errors.push(RowError {
                    sheet: sheet.name.clone(),
                    line: row.line,
                    column: Some("codigo".into()),
                    reason: format!(
                        "el indicador «{}» ya está definido en la línea {line}",
                        indicator.code
                    ),
                });
            } else if row_errors.is_empty() {
                first_line.insert(indicator.code.clone(), row.line);
                indicators.push(indicator);
            }
        }
        errors.extend(row_errors);
    }
    (indicators, errors)
}

struct RowReader<'a> {
    sheet: &'a Sheet,
    row: &'a SheetRow,
    columns: &'a [Option<usize>],
    names: &'a [&'a str],
    errors: Vec<RowError>,
}

impl RowReader<'_> {
    fn cell(&self, name: &str) -> Cell {
        self.names
            .iter()
            .position(|n| *n == name)
            .and_then(|i| self.columns[i])
            .and_then(|at| self.row.cells.get(at).cloned())
            .unwrap_or(Cell::Empty)
    }

    fn fail(&mut self, column: &str, reason: String) {
        self.errors.push(RowError {
            sheet: self.sheet.name.clone(),
            line: self.row.line,
            column: Some(column.to_owned()),
            reason,
        });
    }

    fn text(&mut self, column: &str, required: bool, max: usize) -> String {
        let text = self.cell(column).text();
        if required && text.is_empty() {
            self.fail(column, "está vacía".into());
        } else if text.chars().count() > max {
            self.fail(column, format!("tiene más de {max} caracteres"));
        }
        text
    }

    fn number(&mut self, column: &str) -> Option<f64> {
        match parse_number(&self.cell(column)) {
            Ok(n) => n,
            Err(error) => {
                self.fail(column, error.to_string());
                None
            }
        }
    }

    fn indicator(&mut self) -> Option<Indicator> {
        let code = self.text("codigo", true, MAX_CODE);
        if !code.is_empty()
            && !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            self.fail(
                "codigo",
                format!("«{code}»: use solo letras sin tilde, números, «-», «_» o «.»"),
            );
        }
        let name = self.text("nombre", true, 200);
        let unit = self.text("unidad", true, 100);
        let definition = self.text("definicion", false, MAX_TEXT);
        let numerator = self.text("numerador", false, MAX_TEXT);
        let denominator = self.text("denominador", false, MAX_TEXT);
        let source = self.text("fuente", false, 300);
        let direction_text = self.cell("sentido").text();
        let direction = match crate::domain::fold(&direction_text).as_str() {
            "mayor" | "mayor es mejor" | "ascendente" => Some(Direction::HigherIsBetter),
            "menor" | "menor es mejor" | "descendente" => Some(Direction::LowerIsBetter),
            _ => {
                self.fail(
                    "sentido",
                    format!("«{direction_text}»: escriba «mayor es mejor» o «menor es mejor»"),
                );
                None
            }
        };
        let level_text = self.cell("desagregacion").text();
        let disaggregation = TerritoryLevel::parse(&crate::domain::fold(&level_text));
        if disaggregation.is_none() {
            self.fail(
                "desagregacion",
                format!("«{level_text}»: escriba upz, localidad, zona o distrito"),
            );
        }
        // A missing factor is 1 (a plain ratio, or a count).
        let factor = match self.number("factor") {
            Some(0.0) => {
                self.fail("factor", "no puede ser 0".into());
                None
            }
            Some(f) => Some(f),
            None => Some(1.0),
        };
        let goal = self.number("meta");
        let goal_period_text = self.cell("periodo_meta").text();
        let goal_period = if goal_period_text.is_empty() {
            None
        } else {
            match Period::parse(&goal_period_text) {
                Ok(p) => Some(p),
                Err(error) => {
                    self.fail("periodo_meta", error.to_string());
                    None
                }
            }
        };
        Some(Indicator {
            code,
            name,
            definition,
            numerator,
            denominator,
            unit,
            factor: factor?,
            direction: direction?,
            goal,
            goal_period,
            source,
            disaggregation: disaggregation?,
        })
    }
}
