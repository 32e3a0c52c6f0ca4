//! A dashboard's tables as one model: the page, the CSV download and the XLSX sheet all render
//! a [`Table`], so its columns are written once.

use super::{Dashboard, Series, Tone, decimal};

/// One table of a dashboard: what the page shows, what its CSV holds and what its XLSX sheet
/// holds, from this one definition (columns written once).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the sheet is called (at most 31 characters in a workbook).
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Each row's colour on its chart, in the order of `rows` (empty: none).
    pub tones: Vec<Tone>,
    /// The sentence it says when it has no rows.
    pub empty: String,
}

/// A column: its heading on the page and in the workbook, and its name in the CSV header (as
/// data files name columns: lower case, but for the Mesa, a proper name).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub csv: String,
}

impl Column {
    pub fn new(title: &str, csv: &str) -> Self {
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
    /// A day: the page writes it as text does everywhere ("mar 1 dic 2026"); files keep
    /// `AAAA-MM-DD`, which every spreadsheet reads as a date.
    Day(chrono::NaiveDate),
}

impl Cell {
    /// As the page shows it: numbers with a decimal comma.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => decimal(*n),
            Cell::Day(day) => crate::domain::format_day(*day),
        }
    }
}

impl Table {
    /// The colour of a row on its chart, if it has one besides the brand's.
    pub fn tone(&self, row: usize) -> Option<Tone> {
        self.tones.get(row).copied().filter(|t| *t != Tone::Brand)
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
            tones: self.tones.clone(),
            empty: self.empty.clone(),
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
                        Cell::Day(o.due),
                        Cell::Number(o.days_late as f64),
                    ]
                })
                .collect(),
            tones: Vec::new(),
            empty: self.query.nothing("compromisos vencidos"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overdue_table_keeps_its_columns_and_says_when_it_is_empty() {
        let mut dashboard = Dashboard {
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
        let table = dashboard.table(OVERDUE).unwrap();
        assert_eq!(table.columns.len(), 6);
        assert_eq!(table.columns[0].title, "Compromiso");
        assert_eq!(
            table.empty,
            "Aún no hay compromisos vencidos en este ámbito."
        );
        dashboard.query.estado = "vencido".into();
        assert_eq!(
            dashboard.overdue_table().empty,
            "No hay compromisos vencidos con estos filtros."
        );
    }

    #[test]
    fn numbers_on_the_page_have_a_decimal_comma() {
        assert_eq!(Cell::Number(33.5).text(), "33,5");
        assert_eq!(Cell::Number(4.0).text(), "4");
    }
}
