//! An uploaded file's bytes read into sheets: XLSX (or ODS, XLS) through calamine, anything else
//! as CSV. CSV as Excel saves it in Spanish is `;`-separated and often Windows-1252, so the
//! separator is told from the header and the text decoded as UTF-8 or, failing that, 1252.

use std::io::Cursor;

use app::domain::sheet::{Cell, Sheet, SheetRow};
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::{Days, NaiveDate};

/// Rows read at most from one file (the benchmark imports 100,000).
pub const MAX_ROWS: usize = 200_000;
/// Columns read at most per row: the layouts have 14 at most; more is not one of them.
const MAX_COLUMNS: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("el archivo «{0}» está vacío")]
    Empty(String),
    #[error(
        "no se pudo leer la hoja de cálculo «{name}»: {reason}. Guárdela de nuevo como .xlsx o .csv"
    )]
    Workbook { name: String, reason: String },
    #[error("«{name}», línea {line}: {reason}")]
    Csv {
        name: String,
        line: u64,
        reason: String,
    },
    #[error("«{0}» tiene más de {MAX_ROWS} filas: divídalo en varios archivos")]
    TooManyRows(String),
}

/// ZIP (XLSX, ODS) or OLE (XLS) signatures.
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

pub fn read_sheets(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, FileError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty(name.to_owned()));
    }
    if is_workbook(bytes) {
        read_workbook(name, bytes)
    } else {
        read_csv(name, bytes).map(|sheet| vec![sheet])
    }
}

fn read_workbook(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, FileError> {
    let fail = |reason: String| FileError::Workbook {
        name: name.to_owned(),
        reason,
    };
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| fail(e.to_string()))?;
    let mut sheets = Vec::new();
    for sheet_name in book.sheet_names() {
        let range = book
            .worksheet_range(&sheet_name)
            .map_err(|e| fail(e.to_string()))?;
        let Some((first_row, first_column)) = range.start() else {
            continue;
        };
        // Cells to the left of the range are empty: keep columns where the header put them.
        let pad = first_column as usize;
        let mut rows = range.rows().enumerate().map(|(i, cells)| SheetRow {
            line: first_row as usize + i + 1,
            cells: std::iter::repeat_n(Cell::Empty, pad.min(MAX_COLUMNS))
                .chain(cells.iter().take(MAX_COLUMNS).map(cell_of))
                .collect(),
        });
        let Some(header) = rows
            .by_ref()
            .find(|row| !row.cells.iter().all(Cell::is_empty))
        else {
            continue;
        };
        let rows: Vec<SheetRow> = rows.take(MAX_ROWS + 1).collect();
        if rows.len() > MAX_ROWS {
            return Err(FileError::TooManyRows(name.to_owned()));
        }
        sheets.push(Sheet {
            name: sheet_name,
            header: header.cells.iter().map(Cell::text).collect(),
            rows,
        });
    }
    if sheets.is_empty() {
        return Err(FileError::Empty(name.to_owned()));
    }
    Ok(sheets)
}

/// Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included).
fn excel_date(serial: f64) -> Option<NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    if !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    epoch.checked_add_days(Days::new(serial.floor() as u64))
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Text(if *b { "true" } else { "false" }.into()),
        // A date cell is a period («2026-01-31» names its month).
        Data::DateTime(when) => match excel_date(when.as_f64()) {
            Some(day) => Cell::Text(day.format("%Y-%m-%d").to_string()),
            None => Cell::Text(when.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => Cell::Text(s.get(..10).unwrap_or(s).to_owned()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// `;` (Excel in Spanish), tab, or `,`: whichever the header line has most of.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.matches(c).count();
    [(b';', count(';')), (b'\t', count('\t')), (b',', count(','))]
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(c, _)| c)
        .unwrap_or(b',')
}

/// Counts newlines up to a byte offset, incrementally (offsets only grow).
#[derive(Default)]
struct LineCounter {
    offset: usize,
    lines: usize,
}

impl LineCounter {
    fn count(&mut self, text: &str, upto: usize) -> usize {
        let upto = upto.min(text.len());
        if upto > self.offset {
            self.lines += text.as_bytes()[self.offset..upto]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset = upto;
        }
        self.lines
    }
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<Sheet, FileError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(&text))
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut lines_before = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|error| FileError::Csv {
            name: name.to_owned(),
            line: error.position().map(|p| p.line()).unwrap_or(0),
            reason: match error.kind() {
                csv::ErrorKind::Utf8 { .. } => "el texto no es UTF-8".into(),
                _ => "la fila no se puede leer como CSV (¿comillas sin cerrar?)".into(),
            },
        })?;
        // The line people see: newlines before the record's first byte, plus one (a quoted cell
        // may span lines, so records and lines are not one to one). A record's position is where
        // the previous one ended, before the line break (and any blank lines) that follow it.
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let line = lines_before.count(&text, start) + 1;
        let cells: Vec<Cell> = record
            .iter()
            .take(MAX_COLUMNS)
            .map(|field| {
                if field.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(field.to_owned())
                }
            })
            .collect();
        if header.is_none() {
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            header = Some(cells.iter().map(Cell::text).collect());
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileError::TooManyRows(name.to_owned()));
        }
        rows.push(SheetRow { line, cells });
    }
    Ok(Sheet {
        name: name.to_owned(),
        header: header.ok_or_else(|| FileError::Empty(name.to_owned()))?,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_as_excel_saves_it_in_spanish() {
        let bytes = encoding_rs::WINDOWS_1252
            .encode("indicador;territorio;periodo;valor\r\nMI-01;07;2026;\"9,5\"\r\n\r\nMI-01;Bogotá;2026;1\r\n")
            .0
            .into_owned();
        let sheets = read_sheets("valores.csv", &bytes).unwrap();
        let sheet = &sheets[0];
        assert_eq!(
            sheet.header,
            ["indicador", "territorio", "periodo", "valor"]
        );
        assert_eq!(sheet.rows[0].line, 2);
        assert_eq!(sheet.rows[0].cells[3], Cell::Text("9,5".into()));
        let last = sheet.rows.last().unwrap();
        assert_eq!(last.line, 4);
        assert_eq!(last.cells[1], Cell::Text("Bogotá".into()));
    }

    #[test]
    fn utf8_with_a_byte_order_mark_and_commas() {
        let sheets = read_sheets("v.csv", "\u{feff}a,b\n1,ñ\n".as_bytes()).unwrap();
        assert_eq!(sheets[0].header, ["a", "b"]);
        assert_eq!(sheets[0].rows[0].cells[1], Cell::Text("ñ".into()));
    }

    #[test]
    fn broken_files_say_so() {
        assert!(matches!(
            read_sheets("x.csv", b"  \n"),
            Err(FileError::Empty(_))
        ));
        let broken = read_sheets("x.xlsx", b"PK\x03\x04garbage").unwrap_err();
        assert!(
            broken.to_string().contains("no se pudo leer la hoja"),
            "{broken}"
        );
    }

    #[test]
    fn excel_dates_name_their_day() {
        assert_eq!(excel_date(46053.0), NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(excel_date(-1.0), None);
    }
}
