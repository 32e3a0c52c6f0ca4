//! A table read from a file (CSV or one XLSX worksheet), before any meaning is given to it: a
//! header and rows of cells, each row with the line people see in their spreadsheet. The server
//! reads the bytes; everything from here on is pure, so every rule is tested with plain values.

use serde::{Deserialize, Serialize};

/// One cell as the file gave it: a spreadsheet gives numbers as numbers, CSV gives text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    /// Blank text is empty too.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }

    /// The cell as text (a whole number without `.0`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetRow {
    /// The line (CSV) or row number (XLSX) people find it at, counting the header as 1.
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// A worksheet or CSV file: its name (the sheet's, or the file's), header and rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// One problem found in a file, where people can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The sheet (or file) it is in.
    pub sheet: String,
    /// 0 for the file or its header as a whole.
    pub line: usize,
    /// The column's name, when the problem is in one cell.
    pub column: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.sheet)?;
        if self.line > 0 {
            write!(f, ", línea {}", self.line)?;
        }
        if let Some(column) = &self.column {
            write!(f, ", columna «{column}»")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A header folded for matching: lower case, no accents, blanks and dashes as `_`.
pub fn header_key(name: &str) -> String {
    crate::domain::fold(name.trim().trim_start_matches('\u{feff}'))
        .trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// Why a number cell was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error(
        "«{0}» tiene coma decimal: escriba el número con punto decimal y sin separador de miles (por ejemplo 12.5)"
    )]
    CommaDecimal(String),
    #[error("«{0}» no es un número")]
    NotANumber(String),
    #[error("el número no puede ser negativo ({0})")]
    Negative(String),
}

/// A non-negative number, or `None` for an empty cell. Text with a comma is refused rather than
/// guessed: «1,234» is a thousand in one country and one and a bit in the next.
pub fn parse_number(cell: &Cell) -> Result<Option<f64>, NumberError> {
    let (value, shown) = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => (*n, n.to_string()),
        Cell::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if text.contains(',') {
                return Err(NumberError::CommaDecimal(text.to_owned()));
            }
            let plain = text.replace([' ', '\u{a0}'], "");
            let ok = plain
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
            match plain.parse::<f64>() {
                Ok(n) if ok && n.is_finite() => (n, text.to_owned()),
                _ => return Err(NumberError::NotANumber(text.to_owned())),
            }
        }
    };
    if !value.is_finite() {
        return Err(NumberError::NotANumber(shown));
    }
    if value < 0.0 {
        return Err(NumberError::Negative(shown));
    }
    Ok(Some(value))
}

/// Headers that name data about a person. Sala receives aggregated figures only, so a file with
/// one of these is refused as a whole (nothing of it is kept).
const PERSONAL: [&str; 22] = [
    "documento",
    "numero_documento",
    "num_documento",
    "no_documento",
    "tipo_documento",
    "cedula",
    "cc",
    "identificacion",
    "numero_identificacion",
    "nuip",
    "nombre_paciente",
    "nombres",
    "apellido",
    "apellidos",
    "primer_nombre",
    "primer_apellido",
    "hogar",
    "nombre_hogar",
    "jefe_hogar",
    "fecha_nacimiento",
    "telefono",
    "direccion",
];

/// The first header that looks like a personal identifier, if any.
pub fn personal_column(header: &[String]) -> Option<&str> {
    header.iter().map(String::as_str).find(|name| {
        let key = header_key(name);
        PERSONAL.contains(&key.as_str())
            || key.contains("documento")
            || key.contains("cedula")
            || key.contains("paciente")
            || key.contains("hogar")
    })
}

/// Where each expected column is in a header: unknown columns are refused (they are often
/// personal data, or a typo that would otherwise be silently ignored), and required ones must be
/// there.
pub fn locate_columns(
    sheet: &Sheet,
    required: &[&str],
    optional: &[&str],
) -> Result<Vec<Option<usize>>, Vec<RowError>> {
    let header_error = |reason: String| RowError {
        sheet: sheet.name.clone(),
        line: 1,
        column: None,
        reason,
    };
    if let Some(personal) = personal_column(&sheet.header) {
        return Err(vec![header_error(format!(
            "la columna «{personal}» parece un dato personal: Sala recibe solo datos agregados por territorio, sin documentos ni nombres de personas u hogares. Quite esa columna y vuelva a cargar el archivo."
        ))]);
    }
    let keys: Vec<String> = sheet.header.iter().map(|h| header_key(h)).collect();
    let mut errors = Vec::new();
    for (name, key) in sheet.header.iter().zip(&keys) {
        if key.is_empty() {
            continue;
        }
        if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
            let known: Vec<&str> = required.iter().chain(optional).copied().collect();
            errors.push(header_error(format!(
                "columna «{name}» desconocida; las columnas son: {}",
                known.join(", ")
            )));
        }
    }
    for (i, key) in keys.iter().enumerate() {
        if !key.is_empty() && keys[..i].contains(key) {
            errors.push(header_error(format!(
                "la columna «{}» está repetida",
                sheet.header[i]
            )));
        }
    }
    let position = |wanted: &str| keys.iter().position(|k| k == wanted);
    for wanted in required {
        if position(wanted).is_none() {
            errors.push(header_error(format!("falta la columna «{wanted}»")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(required
        .iter()
        .chain(optional)
        .map(|w| position(w))
        .collect())
}

/// A sheet whose columns were found: its rows with anything in them, each cell asked for by its
/// column's place in the `required` then `optional` lists.
pub struct Located<'a> {
    sheet: &'a Sheet,
    columns: Vec<Option<usize>>,
}

impl<'a> Located<'a> {
    pub fn new(
        sheet: &'a Sheet,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Self, Vec<RowError>> {
        locate_columns(sheet, required, optional).map(|columns| Self { sheet, columns })
    }

    pub fn rows(&self) -> impl Iterator<Item = LocatedRow<'_>> {
        self.sheet
            .rows
            .iter()
            .filter(|row| !row.cells.iter().all(Cell::is_empty))
            .map(|row| LocatedRow {
                row,
                columns: &self.columns,
            })
    }
}

pub struct LocatedRow<'a> {
    pub row: &'a SheetRow,
    columns: &'a [Option<usize>],
}

impl LocatedRow<'_> {
    /// The cell of the `i`-th expected column (empty when the column or the cell is missing).
    pub fn cell(&self, i: usize) -> Cell {
        self.columns
            .get(i)
            .copied()
            .flatten()
            .and_then(|at| self.row.cells.get(at).cloned())
            .unwrap_or(Cell::Empty)
    }
}

/// Sheets written as text in tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A sheet from CSV-like text (`;`-separated if the header has one, else `,`; no quoting),
    /// lines numbered as a spreadsheet.
    pub(crate) fn sheet(name: &str, text: &str) -> Sheet {
        let separator = if text.lines().next().unwrap_or_default().contains(';') {
            ';'
        } else {
            ','
        };
        let mut lines = text.lines();
        let header = lines
            .next()
            .unwrap_or_default()
            .split(separator)
            .map(str::to_owned)
            .collect();
        let rows = lines
            .enumerate()
            .map(|(i, line)| SheetRow {
                line: i + 2,
                cells: line
                    .split(separator)
                    .map(|c| {
                        if c.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(c.into())
                        }
                    })
                    .collect(),
            })
            .collect();
        Sheet {
            name: name.into(),
            header,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn numbers_with_a_point_only() {
        assert_eq!(parse_number(&text(" 12.5 ")), Ok(Some(12.5)));
        assert_eq!(parse_number(&Cell::Number(3.0)), Ok(Some(3.0)));
        assert_eq!(parse_number(&text("")), Ok(None));
        assert!(matches!(
            parse_number(&text("12,5")),
            Err(NumberError::CommaDecimal(_))
        ));
        assert!(matches!(
            parse_number(&text("1.234,5")),
            Err(NumberError::CommaDecimal(_))
        ));
        assert!(matches!(
            parse_number(&text("doce")),
            Err(NumberError::NotANumber(_))
        ));
        assert!(matches!(
            parse_number(&text("inf")),
            Err(NumberError::NotANumber(_))
        ));
        assert!(matches!(
            parse_number(&text("-1")),
            Err(NumberError::Negative(_))
        ));
    }

    #[test]
    fn personal_columns_are_recognised_however_written() {
        let header = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            personal_column(&header(&["indicador", "Número de documento"])),
            Some("Número de documento")
        );
        assert_eq!(
            personal_column(&header(&["Cédula", "valor"])),
            Some("Cédula")
        );
        assert_eq!(
            personal_column(&header(&["indicador", "territorio", "valor"])),
            None
        );
    }

    #[test]
    fn columns_are_located_by_folded_name_and_unknown_ones_refused() {
        let sheet = Sheet {
            name: "valores".into(),
            header: vec!["Indicador".into(), "PERIODO".into(), "Territorio".into()],
            rows: vec![],
        };
        let at =
            locate_columns(&sheet, &["indicador", "territorio", "periodo"], &["valor"]).unwrap();
        assert_eq!(at, vec![Some(0), Some(2), Some(1), None]);
        let errors = locate_columns(
            &sheet,
            &["indicador", "territorio", "periodo", "valor"],
            &[],
        )
        .unwrap_err();
        assert_eq!(errors[0].reason, "falta la columna «valor»");
        let odd = Sheet {
            header: vec!["indicador".into(), "color".into()],
            ..sheet
        };
        let errors = locate_columns(&odd, &["indicador"], &[]).unwrap_err();
        assert!(
            errors[0].reason.contains("«color» desconocida"),
            "{errors:?}"
        );
    }
}
