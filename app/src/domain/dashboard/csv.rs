//! A table as CSV. By default, the CSV a spreadsheet in Spanish opens as it is: Excel with a
//! Spanish or Colombian locale takes `;` as the separator (its list separator there, since the
//! comma is the decimal mark), and reads a file as UTF-8 only when it starts with a byte-order
//! mark; without one, "Secretaría" arrives as "SecretarÃ­a". Programs can ask for RFC 4180 with
//! commas instead.

use serde::Deserialize;

use super::{Cell, Table, decimal, decimal_point};

/// Which CSV a download is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvFormat {
    /// For a spreadsheet in Spanish: UTF-8 with a byte-order mark, `;` between fields, decimal
    /// commas.
    #[default]
    Spreadsheet,
    /// RFC 4180 for programs: `,` between fields, decimal points, no byte-order mark.
    Comma,
}

/// The byte-order mark a spreadsheet needs to read the file as UTF-8.
pub const BOM: char = '\u{feff}';

impl CsvFormat {
    /// `punto-y-coma` (or nothing) and `coma`: the `separador` of a CSV link.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "" | "punto-y-coma" => Some(Self::Spreadsheet),
            "coma" => Some(Self::Comma),
            _ => None,
        }
    }

    pub fn separator(self) -> char {
        match self {
            Self::Spreadsheet => ';',
            Self::Comma => ',',
        }
    }

    fn cell(self, cell: &Cell) -> String {
        match (self, cell) {
            (_, Cell::Text(text)) => neutralised(text),
            (_, Cell::Day(day)) => day.to_string(),
            (Self::Spreadsheet, Cell::Number(n)) => decimal(*n),
            (Self::Comma, Cell::Number(n)) => decimal_point(*n),
        }
    }

    /// One line: a field is quoted when it holds the separator, a quote or a line break (RFC
    /// 4180, CRLF line ends).
    fn line<'a>(self, cells: impl Iterator<Item = &'a str>) -> String {
        let separator = self.separator();
        let fields: Vec<String> = cells
            .map(|c| {
                if c.contains([separator, '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.to_owned()
                }
            })
            .collect();
        let mut line = fields.join(&separator.to_string());
        line.push_str("\r\n");
        line
    }
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
/// before one) gets a leading apostrophe, as OWASP advises against CSV injection: a barrier
/// typed as `=HYPERLINK(…)` must reach the spreadsheet as text. Numbers are cells of their own
/// kind and keep their sign.
fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The options of a CSV download (`?separador=coma`), beside the dashboard's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CsvQuery {
    pub separador: String,
}

impl CsvQuery {
    pub fn format(&self) -> Result<CsvFormat, String> {
        CsvFormat::parse(&self.separador).ok_or_else(|| {
            format!(
                "separador desconocido «{}»: use «punto-y-coma» o «coma»",
                self.separador.trim()
            )
        })
    }
}

impl Table {
    /// The table as CSV: a header line of the columns' CSV names, then its rows.
    pub fn csv(&self, format: CsvFormat) -> String {
        let mut out = String::new();
        if format == CsvFormat::Spreadsheet {
            out.push(BOM);
        }
        out.push_str(&format.line(self.columns.iter().map(|c| c.csv.as_str())));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| format.cell(c)).collect();
            out.push_str(&format.line(cells.iter().map(String::as_str)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dashboard::{Dashboard, OVERDUE, Series};
    use proptest::prelude::*;

    fn series(points: Vec<(String, f64)>) -> Series {
        Series {
            key: "k".into(),
            title: "t".into(),
            unit: "compromisos".into(),
            points,
            tones: Vec::new(),
            legend: Vec::new(),
            empty: String::new(),
        }
    }

    #[test]
    fn a_spreadsheet_csv_has_a_bom_semicolons_and_decimal_commas() {
        let s = series(vec![
            ("Subred Sur; Bosa".into(), 2.0),
            ("EPS \"Capital\", Salud".into(), 33.5),
        ]);
        assert_eq!(
            s.table().csv(CsvFormat::Spreadsheet),
            "\u{feff}categoría;compromisos\r\n\"Subred Sur; Bosa\";2\r\n\"EPS \"\"Capital\"\", Salud\";33,5\r\n"
        );
        assert_eq!(
            s.table().csv(CsvFormat::Comma),
            "categoría,compromisos\r\nSubred Sur; Bosa,2\r\n\"EPS \"\"Capital\"\", Salud\",33.5\r\n"
        );
        assert_eq!(CsvFormat::parse("coma"), Some(CsvFormat::Comma));
        assert_eq!(CsvFormat::parse(""), Some(CsvFormat::Spreadsheet));
        assert!(
            CsvQuery {
                separador: "tab".into()
            }
            .format()
            .is_err()
        );
    }

    #[test]
    fn text_a_spreadsheet_would_run_as_a_formula_arrives_as_text() {
        let s = series(vec![
            ("=HYPERLINK(\"http://x\";\"clic\")".into(), 1.0),
            ("+57 300".into(), 2.0),
            ("-1+1".into(), -3.0),
            ("@SUM(A1)".into(), 4.0),
            ("\t=1".into(), 5.0),
            ("Subred Sur".into(), 6.0),
        ]);
        let read = read_back(&s.table().csv(CsvFormat::Comma), CsvFormat::Comma);
        let labels: Vec<&str> = read[1..].iter().map(|l| l[0].as_str()).collect();
        assert_eq!(
            labels,
            [
                "'=HYPERLINK(\"http://x\";\"clic\")",
                "'+57 300",
                "'-1+1",
                "'@SUM(A1)",
                "'\t=1",
                "Subred Sur"
            ]
        );
        assert_eq!(read[3][1], "-3", "numbers keep their sign");
    }

    #[test]
    fn the_overdue_csv_keeps_its_header() {
        let dashboard = Dashboard {
            query: Default::default(),
            scope_label: String::new(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            commitments: 0,
            barriers: 0,
            agreements: 0,
            attendance: 0,
            charts: Vec::new(),
            overdue: Vec::new(),
            escalations: Vec::new(),
            assets: Vec::new(),
        };
        assert_eq!(
            dashboard
                .table(OVERDUE)
                .unwrap()
                .csv(CsvFormat::Spreadsheet),
            "\u{feff}compromiso;institución;responsable;Mesa;fecha límite;días de retraso\r\n"
        );
    }

    /// Reads a CSV back as a spreadsheet would, with an independent parser.
    fn read_back(csv: &str, format: CsvFormat) -> Vec<Vec<String>> {
        let body = match format {
            CsvFormat::Spreadsheet => csv.strip_prefix(BOM).expect("starts with a BOM"),
            CsvFormat::Comma => csv,
        };
        ::csv::ReaderBuilder::new()
            .delimiter(format.separator() as u8)
            .has_headers(false)
            .from_reader(body.as_bytes())
            .records()
            .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
            .collect()
    }

    proptest! {
        /// Whatever people typed (separators, quotes, line breaks, accents), a spreadsheet reads
        /// back the same cells, numbers with a decimal comma.
        #[test]
        fn any_table_reads_back_cell_for_cell(
            rows in proptest::collection::vec(("\\PC{0,12}|[;,\"\\r\\n áéñ]{0,6}", -1.0e5f64..1.0e5), 0..8),
            comma in any::<bool>(),
        ) {
            let format = if comma { CsvFormat::Comma } else { CsvFormat::Spreadsheet };
            let table = series(rows.clone()).table();
            let read = read_back(&table.csv(format), format);
            prop_assert_eq!(read.len(), rows.len() + 1);
            prop_assert_eq!(&read[0], &vec!["categoría".to_owned(), "compromisos".to_owned()]);
            for ((label, value), line) in rows.iter().zip(&read[1..]) {
                // Text a spreadsheet would take for a formula comes back behind an apostrophe.
                let expected = if label.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{label}")
                } else {
                    label.clone()
                };
                prop_assert_eq!(&line[0], &expected);
                let number = match format {
                    CsvFormat::Spreadsheet => decimal(*value),
                    CsvFormat::Comma => decimal_point(*value),
                };
                prop_assert_eq!(&line[1], &number);
            }
        }
    }
}
