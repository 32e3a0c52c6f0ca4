//! A dashboard's tables as one model: the page, the CSV download and the XLSX sheet all render
//! a [`Table`], so its columns are written once.

use super::{Dashboard, Series};

/// One table of a dashboard: what the page shows, what its CSV holds and what its XLSX sheet
/// holds, from this one definition (columns written once).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the sheet is called (at most 31 characters in a workbook).
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// A column: its heading on the page and in the workbook, and its name in the CSV header (as
/// data files name columns: lower case, but for the Mesa, a proper name).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub csv: String,
}

impl Column {
    fn new(title: &str, csv: &str) -> Self {
        Self {
            title: title.into(),
            csv: csv.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl Table {
    /// RFC 4180 CSV with a header line.
    pub fn csv(&self) -> String {
        let header: Vec<&str> = self.columns.iter().map(|c| c.csv.as_str()).collect();
        let mut out = csv_row(&header);
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::text).collect();
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            out.push_str(&csv_row(&cells));
        }
        out
    }
}

/// The key of the overdue list among the dashboard's tables (`/tablero/datos/vencidos.csv`).
pub const OVERDUE: &str = "vencidos";

impl Series {
    /// A chart's numbers: category and value.
    pub fn table(&self) -> Table {
        Table {
            title: self.title.clone(),
            columns: vec![
                Column::new("Categoría", "categoría"),
                Column::new(&self.unit, &self.unit),
            ],
            rows: self
                .points
                .iter()
                .map(|(label, value)| vec![Cell::Text(label.clone()), Cell::Number(*value)])
                .collect(),
        }
    }
}

impl Dashboard {
    /// Overdue commitments, most late first as rolled up.
    pub fn overdue_table(&self) -> Table {
        Table {
            title: "Compromisos vencidos".into(),
            columns: vec![
                Column::new("Compromiso", "compromiso"),
                Column::new("Institución", "institución"),
                Column::new("Responsable", "responsable"),
                Column::new("Mesa", "Mesa"),
                Column::new("Fecha límite", "fecha límite"),
                Column::new("Días de retraso", "días de retraso"),
            ],
            rows: self
                .overdue
                .iter()
                .map(|o| {
                    vec![
                        Cell::Text(o.description.clone()),
                        Cell::Text(o.institutions.clone()),
                        Cell::Text(o.responsible.clone()),
                        Cell::Text(o.mesa_name.clone()),
                        Cell::Text(o.due.to_string()),
                        Cell::Number(o.days_late as f64),
                    ]
                })
                .collect(),
        }
    }

    /// A table by key: a chart's data, or [`OVERDUE`].
    pub fn table(&self, key: &str) -> Option<Table> {
        if key == OVERDUE {
            return Some(self.overdue_table());
        }
        self.chart(key).map(Series::table)
    }
}

/// A chart's numbers as CSV.
pub fn series_csv(series: &Series) -> String {
    series.table().csv()
}

/// One CSV line (RFC 4180 quoting, CRLF), for spreadsheets.
pub fn csv_row(cells: &[&str]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                (*c).to_owned()
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let s = Series {
            key: "k".into(),
            title: "t".into(),
            unit: "compromisos".into(),
            points: vec![
                ("Subred Sur, Bosa".into(), 2.0),
                ("EPS \"Capital\"".into(), 1.0),
            ],
        };
        assert_eq!(
            series_csv(&s),
            "categoría,compromisos\r\n\"Subred Sur, Bosa\",2\r\n\"EPS \"\"Capital\"\"\",1\r\n"
        );
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
        };
        assert_eq!(
            dashboard.table(OVERDUE).unwrap().csv(),
            "compromiso,institución,responsable,Mesa,fecha límite,días de retraso\r\n"
        );
        assert_eq!(dashboard.overdue_table().columns[0].title, "Compromiso");
    }
}
