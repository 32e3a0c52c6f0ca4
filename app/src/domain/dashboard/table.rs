//! A dashboard's tables as one model: the page, the CSV download and the XLSX sheet all render
//! a [`Table`], so its columns are written once.

use super::{Dashboard, Series};

/// One table of a dashboard: what the page shows, what its CSV holds and what its XLSX sheet
/// holds, from this one definition (columns written once).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the sheet is called (at most 31 characters in a workbook).
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
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
    /// RFC 4180 CSV with a header line (column names in lower case, as data files name them).
    pub fn csv(&self) -> String {
        let header: Vec<String> = self.columns.iter().map(|c| c.to_lowercase()).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
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
            columns: vec!["Categoría".into(), self.unit.clone()],
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
            columns: [
                "Compromiso",
                "Institución",
                "Responsable",
                "Mesa",
                "Fecha límite",
                "Días de retraso",
            ]
            .map(String::from)
            .to_vec(),
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
}
