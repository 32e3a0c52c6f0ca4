//! Up the territories: a localidad from its UPZ, a zona and the district from their localidades
//! (each reported or itself computed from its UPZ). Numerators and denominators are added up and
//! the value computed again (a rate is never averaged: Sumapaz's 40 births would weigh as much as
//! Kennedy's 14,000). Where a part gave only its rate, the roll-up says it cannot be done.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::import::IndicatorValue;
use super::{Indicator, Period};
use crate::domain::territory::{TerritoryIndex, TerritoryLevel};

/// A territory's value for one period, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Figure {
    /// As the file gave it for this territory.
    Reported(IndicatorValue),
    /// Added up from its parts (`made_of`: its localidades, or a localidad's UPZ): `from` of
    /// its `of` parts had a value.
    Computed {
        value: f64,
        numerator: f64,
        denominator: Option<f64>,
        from: usize,
        of: usize,
        made_of: TerritoryLevel,
    },
    /// Some parts gave only a rate.
    NotComputable {
        reason: String,
    },
    Missing,
}

impl Figure {
    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Reported(v) => Some(v.value),
            Figure::Computed { value, .. } => Some(*value),
            Figure::NotComputable { .. } | Figure::Missing => None,
        }
    }

    /// A sentence for a tooltip or a table's note.
    pub fn note(&self) -> String {
        match self {
            Figure::Reported(_) => "reportado".into(),
            Figure::Computed {
                from, of, made_of, ..
            } => {
                let parts = match made_of {
                    TerritoryLevel::Upz => "UPZ",
                    _ => "localidades",
                };
                if from == of {
                    format!("calculado con sus {of} {parts}")
                } else {
                    format!("calculado con {from} de {of} {parts} (faltan datos)")
                }
            }
            Figure::NotComputable { reason } => reason.clone(),
            Figure::Missing => "sin dato".into(),
        }
    }
}

/// The figure of `territory` for `period`: the reported value if there is one; otherwise, for a
/// localidad the sum of its UPZ's parts, for a zona or the district the sum of its localidades'
/// (reported, or computed from their UPZ).
pub fn figure(
    indicator: &Indicator,
    territory: &str,
    period: Period,
    values: &BTreeMap<(String, Period), IndicatorValue>,
    territories: &TerritoryIndex,
) -> Figure {
    if let Some(reported) = values.get(&(territory.to_owned(), period)) {
        return Figure::Reported(reported.clone());
    }
    let Some(outer) = territories.get(territory) else {
        return Figure::Missing;
    };
    let (made_of, inside) = match outer.level {
        TerritoryLevel::Localidad => (TerritoryLevel::Upz, territories.upz_in(territory)),
        TerritoryLevel::Zona | TerritoryLevel::Distrito => (
            TerritoryLevel::Localidad,
            territories.localidades_in(territory),
        ),
        TerritoryLevel::Upz => return Figure::Missing,
    };
    let parts: Vec<(&str, Figure)> = inside
        .iter()
        .map(|t| {
            let part = match made_of {
                // a UPZ has no parts: only what was reported for it
                TerritoryLevel::Upz => values
                    .get(&(t.code.clone(), period))
                    .cloned()
                    .map_or(Figure::Missing, Figure::Reported),
                _ => figure(indicator, &t.code, period, values, territories),
            };
            (t.code.as_str(), part)
        })
        .filter(|(_, part)| *part != Figure::Missing)
        .collect();
    if parts.is_empty() {
        return Figure::Missing;
    }
    let sums = |part: &Figure| match part {
        Figure::Reported(v) => Some((v.numerator?, v.denominator)),
        Figure::Computed {
            numerator,
            denominator,
            ..
        } => Some((*numerator, *denominator)),
        Figure::NotComputable { .. } | Figure::Missing => None,
    };
    let rate_only: Vec<&str> = parts
        .iter()
        .filter(|(_, part)| {
            sums(part).is_none_or(|(_, den)| !indicator.is_count() && den.is_none())
        })
        .map(|(code, _)| *code)
        .collect();
    if !rate_only.is_empty() {
        return Figure::NotComputable {
            reason: format!(
                "no se puede calcular: {} dieron solo la tasa, sin numerador ni denominador (las tasas no se promedian)",
                rate_only.join(", ")
            ),
        };
    }
    let added: Vec<(f64, Option<f64>)> = parts.iter().filter_map(|(_, p)| sums(p)).collect();
    let numerator: f64 = added.iter().map(|(n, _)| n).sum();
    let denominator: Option<f64> =
        (!indicator.is_count()).then(|| added.iter().filter_map(|(_, d)| *d).sum());
    match indicator.compute(numerator, denominator) {
        Some(value) => Figure::Computed {
            value,
            numerator,
            denominator,
            from: parts.len(),
            of: inside.len(),
            made_of,
        },
        None => Figure::NotComputable {
            reason: "no se puede calcular: el denominador suma 0".into(),
        },
    }
}

/// One indicator's values keyed by (territory, period), as [`figure`] reads them.
pub fn by_territory_and_period(
    values: impl IntoIterator<Item = IndicatorValue>,
) -> BTreeMap<(String, Period), IndicatorValue> {
    values
        .into_iter()
        .map(|v| ((v.territory.clone(), v.period), v))
        .collect()
}

/// A trend: one line per territory (the territory, its zona, the district), over the periods of
/// one kind that have any value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub periods: Vec<Period>,
    /// (territory code, name, one figure's value per period).
    pub lines: Vec<(String, String, Vec<Option<f64>>)>,
    pub goal: Option<f64>,
}

/// The trend of `territory` with the territories above it, over the [`dominant_periods`].
pub fn trend(
    indicator: &Indicator,
    territory: &str,
    values: &BTreeMap<(String, Period), IndicatorValue>,
    territories: &TerritoryIndex,
) -> Trend {
    let periods = dominant_periods(values);
    let mut codes = vec![territory.to_owned()];
    if let Some(t) = territories.get(territory) {
        if t.level.rank() < TerritoryLevel::Zona.rank()
            && let Some(zona) = &t.zona
        {
            codes.push(zona.clone());
        }
        if t.level != TerritoryLevel::Distrito {
            codes.push(crate::domain::DISTRICT_MESA_CODE.to_owned());
        }
    }
    let lines = codes
        .into_iter()
        .map(|code| {
            let name = territories
                .get(&code)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| code.clone());
            let points = periods
                .iter()
                .map(|p| figure(indicator, &code, *p, values, territories).value())
                .collect();
            (code, name, points)
        })
        .collect();
    Trend {
        periods,
        lines,
        goal: indicator.goal,
    }
}

/// The periods, in order, of the kind most values have (months if the source is monthly, years
/// if yearly): a trend does not mix a year with its months.
pub fn dominant_periods(values: &BTreeMap<(String, Period), IndicatorValue>) -> Vec<Period> {
    let mut counts: BTreeMap<super::PeriodKind, usize> = BTreeMap::new();
    for (_, period) in values.keys() {
        *counts.entry(period.kind()).or_default() += 1;
    }
    let kind = counts
        .into_iter()
        .max_by_key(|(kind, n)| (*n, std::cmp::Reverse(*kind)))
        .map(|(kind, _)| kind);
    let mut periods: Vec<Period> = values
        .keys()
        .map(|(_, p)| *p)
        .filter(|p| Some(p.kind()) == kind)
        .collect();
    periods.sort();
    periods.dedup();
    periods
}

/// The latest period with a value for `territory` (reported or computed), and that figure.
pub fn latest(
    indicator: &Indicator,
    territory: &str,
    values: &BTreeMap<(String, Period), IndicatorValue>,
    territories: &TerritoryIndex,
) -> Option<(Period, Figure)> {
    dominant_periods(values).into_iter().rev().find_map(|p| {
        let figure = figure(indicator, territory, p, values, territories);
        figure.value().is_some().then_some((p, figure))
    })
}
