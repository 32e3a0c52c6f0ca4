//! What the indicator pages show, built from the stored values with the roll-up rules: the
//! catalogue with each indicator's latest figure, and one indicator across the territories.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::import::{ImportRecord, IndicatorValue};
use super::{Figure, GoalStatus, Indicator, Period, Trend, figure, latest, trend};
use crate::domain::dashboard::decimal;
use crate::domain::territory::{Territory, TerritoryIndex, TerritoryLevel};

/// A figure as a page writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownFigure {
    pub period: String,
    pub value: Option<f64>,
    /// «9,0» (Spanish decimals), or «sin dato».
    pub shown: String,
    /// reportado, calculado con n de m localidades, why not…
    pub note: String,
    pub status: GoalStatus,
}

/// Spanish decimals: two below 100, one above (a 95,4 % coverage, a 7,25 rate), and a point
/// between thousands from 10.000 on (as the RAE writes four digits together).
pub fn format_value(value: f64) -> String {
    let text = if value.abs() >= 100.0 {
        decimal((value * 10.0).round() / 10.0)
    } else {
        decimal(value)
    };
    if value.abs() < 10_000.0 {
        return text;
    }
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = unsigned.split_once(',').unwrap_or((unsigned, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    match fraction {
        "" => format!("{sign}{grouped}"),
        f => format!("{sign}{grouped},{f}"),
    }
}

#[cfg(test)]
mod tests {
    use super::format_value;

    #[test]
    fn numbers_as_spanish_readers_write_them() {
        assert_eq!(format_value(7.254), "7,25");
        assert_eq!(format_value(95.0), "95");
        assert_eq!(format_value(123.45), "123,5");
        assert_eq!(format_value(4779.0), "4779");
        assert_eq!(format_value(36662.0), "36.662");
        assert_eq!(format_value(1234567.8), "1.234.567,8");
        assert_eq!(format_value(-20000.0), "-20.000");
    }
}

impl ShownFigure {
    pub fn of(indicator: &Indicator, period: Period, figure: &Figure) -> Self {
        let value = figure.value();
        Self {
            period: period.label(),
            value,
            shown: value.map(format_value).unwrap_or_else(|| "sin dato".into()),
            note: figure.note(),
            status: value
                .map(|v| indicator.status(v))
                .unwrap_or(GoalStatus::SinMeta),
        }
    }

    /// No figure for the territory in any period.
    pub fn missing() -> Self {
        Self {
            period: String::new(),
            value: None,
            shown: "sin dato".into(),
            note: "sin datos para este territorio".into(),
            status: GoalStatus::SinMeta,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueRow {
    pub indicator: Indicator,
    /// The district's latest figure.
    pub latest: Option<ShownFigure>,
}

/// The indicators page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorCatalogue {
    pub rows: Vec<CatalogueRow>,
    /// The person may load files (a coordination or the administration).
    pub may_import: bool,
    /// Latest uploads (only for those who may import).
    pub imports: Vec<ImportRecord>,
}

/// One territory's line in an indicator's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerritoryFigure {
    pub code: String,
    pub name: String,
    pub level: TerritoryLevel,
    pub figure: ShownFigure,
    /// The Mesa that answers for it (its dashboard opens from the map and the table).
    pub mesa: String,
}

/// One indicator for one territory: its trend with the zona and the district, and the latest
/// period across the territories of the same level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDetail {
    pub indicator: Indicator,
    pub territory: Territory,
    pub trend: Trend,
    pub latest: Option<ShownFigure>,
    /// The latest period of the trend (the table's and the map's period).
    pub period: Option<String>,
    /// Localidades, then zonas, then the district, for `period`.
    pub rows: Vec<TerritoryFigure>,
    /// UPZ with a value for `period` (the UPZ map's data).
    pub upz_rows: Vec<TerritoryFigure>,
    /// The localidades' map for `period` as SVG (drawn by the server; empty until it is).
    pub map_svg: String,
    /// The UPZ's map, when some UPZ have a value for `period` (else empty).
    pub upz_map_svg: String,
}

impl IndicatorDetail {
    /// What a map of `level` paints: each territory of that level with a value for `period`.
    pub fn map_values(&self, level: TerritoryLevel) -> BTreeMap<String, f64> {
        let rows = match level {
            TerritoryLevel::Upz => &self.upz_rows,
            _ => &self.rows,
        };
        rows.iter()
            .filter(|r| r.level == level)
            .filter_map(|r| r.figure.value.map(|v| (r.code.clone(), v)))
            .collect()
    }

    /// A map's title: the indicator and its period.
    pub fn map_title(&self) -> String {
        format!(
            "{} · {}",
            self.indicator.name,
            self.period.clone().unwrap_or_default()
        )
    }
}

/// `values` as [`super::by_territory_and_period`] keys them.
pub fn catalogue_row(
    indicator: &Indicator,
    values: &BTreeMap<(String, Period), IndicatorValue>,
    territories: &TerritoryIndex,
) -> CatalogueRow {
    let latest = latest(
        indicator,
        crate::domain::DISTRICT_MESA_CODE,
        values,
        territories,
    )
    .map(|(period, figure)| ShownFigure::of(indicator, period, &figure));
    CatalogueRow {
        indicator: indicator.clone(),
        latest,
    }
}

pub fn indicator_detail(
    indicator: &Indicator,
    territory: &Territory,
    values: &BTreeMap<(String, Period), IndicatorValue>,
    territories: &TerritoryIndex,
) -> IndicatorDetail {
    let trend = trend(indicator, &territory.code, values, territories);
    let latest = latest(indicator, &territory.code, values, territories)
        .map(|(period, figure)| ShownFigure::of(indicator, period, &figure));
    let period = trend.periods.last().copied();
    let row = |t: &Territory, period: Period| TerritoryFigure {
        code: t.code.clone(),
        name: t.name.clone(),
        level: t.level,
        figure: ShownFigure::of(
            indicator,
            period,
            &figure(indicator, &t.code, period, values, territories),
        ),
        mesa: t.mesa_code(),
    };
    let mut rows = Vec::new();
    let mut upz_rows = Vec::new();
    if let Some(period) = period {
        for level in [
            TerritoryLevel::Localidad,
            TerritoryLevel::Zona,
            TerritoryLevel::Distrito,
        ] {
            rows.extend(
                territories
                    .all()
                    .filter(|t| t.level == level)
                    .map(|t| row(t, period)),
            );
        }
        upz_rows.extend(
            territories
                .all()
                .filter(|t| t.level == TerritoryLevel::Upz)
                .filter(|t| values.contains_key(&(t.code.clone(), period)))
                .map(|t| row(t, period)),
        );
    }
    IndicatorDetail {
        indicator: indicator.clone(),
        territory: territory.clone(),
        trend,
        latest,
        period: period.map(Period::label),
        rows,
        upz_rows,
        map_svg: String::new(),
        upz_map_svg: String::new(),
    }
}

/// A trend's numbers as a table (its CSV download): one row per period, one column per line,
/// and the goal.
pub fn trend_table(indicator: &Indicator, trend: &Trend) -> crate::domain::dashboard::Table {
    use crate::domain::dashboard::{Cell, Column, Table};
    let mut columns = vec![Column::new("Periodo", "periodo")];
    columns.extend(
        trend
            .lines
            .iter()
            .map(|(code, name, _)| Column::new(name, code)),
    );
    if trend.goal.is_some() {
        columns.push(Column::new("Meta", "meta"));
    }
    let rows = trend
        .periods
        .iter()
        .enumerate()
        .map(|(i, period)| {
            let mut row = vec![Cell::Text(period.code())];
            row.extend(trend.lines.iter().map(|(_, _, points)| {
                points
                    .get(i)
                    .copied()
                    .flatten()
                    .map(Cell::Number)
                    .unwrap_or_else(|| Cell::Text(String::new()))
            }));
            row.extend(trend.goal.map(Cell::Number));
            row
        })
        .collect();
    Table {
        title: format!("{} ({})", indicator.name, indicator.unit),
        columns,
        rows,
        tones: Vec::new(),
        empty: "Sin datos para este indicador.".into(),
    }
}
