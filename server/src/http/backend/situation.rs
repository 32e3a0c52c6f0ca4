//! A Mesa's situation room through the UI's port: its territory's key indicators, the map of
//! the localidades coloured by an indicator or by the boards' own records, and the Mesa's
//! dashboard. Read by those who read the Mesa's boards.

use std::collections::BTreeMap;

use app::domain::dashboard::{DashboardQuery, Scope};
use app::domain::indicators::import::IndicatorValue;
use app::domain::indicators::{
    Indicator, Period, ShownFigure, dominant_periods, figure, format_value, latest,
};
use app::domain::local_mesa_code;
use app::domain::policy::{self, Act};
use app::domain::situation::{
    KeyIndicator, MapLayerChoice, MapRow, SituationQuery, SituationView, choose_key_indicators,
    dashboard_scope, situation_href,
};
use app::domain::{Territory, TerritoryIndex, TerritoryLevel};
use app::error::AppError;
use app::ssr::RequestContext;

use super::StoreBackend;
use super::access::{place_of, require};
use crate::maps::{Choropleth, Href, MapLayer, MapPoint, choropleth_svg};

fn shown(value: Option<f64>) -> String {
    value.map(format_value).unwrap_or_else(|| "sin dato".into())
}

/// Draws a map of the localidades or the UPZ; a drawing failure leaves the table beside it as
/// the answer.
pub(super) fn territory_map(
    layer: MapLayer,
    title: &str,
    unit: &str,
    values: &BTreeMap<String, f64>,
    points: &[MapPoint],
    href: &Href<'_>,
) -> String {
    let format = |v: f64| format_value(v);
    let map = Choropleth {
        layer,
        title,
        unit,
        values,
        format: &format,
        points,
        href: Some(href),
    };
    choropleth_svg(&map).unwrap_or_else(|error| {
        tracing::error!(%error, "could not draw a map");
        String::new()
    })
}

/// Each localidad's figure of `indicator` for its latest period.
pub(super) fn localidad_values(
    indicator: &Indicator,
    values: &BTreeMap<(String, Period), IndicatorValue>,
    territories: &TerritoryIndex,
) -> (Option<Period>, BTreeMap<String, f64>) {
    let period = dominant_periods(values).last().copied();
    let mut out = BTreeMap::new();
    if let Some(period) = period {
        for t in territories
            .all()
            .filter(|t| t.level == TerritoryLevel::Localidad)
        {
            if let Some(v) = figure(indicator, &t.code, period, values, territories).value() {
                out.insert(t.code.clone(), v);
            }
        }
    }
    (period, out)
}

impl StoreBackend {
    /// The register's assets with a point in the Mesa's territory, as the room's map marks them.
    async fn asset_points(&self, territory: &Territory) -> Result<Vec<MapPoint>, AppError> {
        let territories = self.imports.territories();
        let localidades = territories.localidad_codes(territory);
        Ok(self
            .store
            .assets()
            .await?
            .into_iter()
            .filter(|a| localidades.contains(&a.localidad))
            .filter_map(|a| {
                a.point.map(|p| MapPoint {
                    lon: p.lon,
                    lat: p.lat,
                    label: format!("{} ({})", a.name, a.kind.label_short()),
                })
            })
            .collect())
    }

    pub(super) async fn situation_view(
        &self,
        cx: &RequestContext,
        mesa_code: &str,
        query: SituationQuery,
    ) -> Result<SituationView, AppError> {
        let mesa = self.store.get_mesa(mesa_code).await?;
        let place = place_of(&self.store, &mesa.code).await?;
        require(cx, Act::ReadBoard, &place.mesa())?;
        let territories = self.imports.territories();
        let territory = territories.of_mesa(&mesa.code).cloned().ok_or_else(|| {
            AppError::NotFound(format!("La Mesa «{}» no tiene territorio.", mesa.code))
        })?;

        let data = self.indicator_data.current().await?;
        let mut candidates = Vec::new();
        let mut layers = Vec::new();
        for indicator in data.catalogue.values() {
            let values = data.values(&indicator.code);
            if let Some((period, f)) = latest(indicator, &territory.code, values, territories) {
                candidates.push(KeyIndicator {
                    code: indicator.code.clone(),
                    name: indicator.name.clone(),
                    unit: indicator.unit.clone(),
                    figure: ShownFigure::of(indicator, period, &f),
                });
            }
            // values by UPZ roll up to their localidades: they colour the localidades' map too
            if values.keys().any(|(code, _)| {
                territories.get(code).is_some_and(|t| {
                    matches!(t.level, TerritoryLevel::Localidad | TerritoryLevel::Upz)
                })
            }) {
                layers.push((
                    MapLayerChoice::Indicator(indicator.code.clone()).code(),
                    indicator.name.clone(),
                ));
            }
        }
        let key_indicators = choose_key_indicators(candidates);
        layers.push((
            "barreras".into(),
            "Barreras abiertas (de los tableros)".into(),
        ));
        layers.push((
            "vencidos".into(),
            "Compromisos vencidos (de los tableros)".into(),
        ));
        let layer = MapLayerChoice::parse(&query.capa)
            .filter(|l| layers.iter().any(|(code, _)| *code == l.code()))
            .or_else(|| {
                key_indicators
                    .iter()
                    .map(|k| MapLayerChoice::Indicator(k.code.clone()))
                    .find(|l| layers.iter().any(|(code, _)| *code == l.code()))
            })
            .unwrap_or(MapLayerChoice::OpenBarriers);

        let (map_title, unit, values) = match &layer {
            MapLayerChoice::Indicator(code) => {
                let indicator = &data.catalogue[code];
                let (period, values) = localidad_values(indicator, data.values(code), territories);
                let period = period.map(|p| p.label()).unwrap_or_default();
                (
                    format!("{} · {period}", indicator.name),
                    indicator.unit.clone(),
                    values,
                )
            }
            MapLayerChoice::OpenBarriers => (
                "Barreras abiertas por localidad".into(),
                "barreras".into(),
                self.records_per_localidad(cx, territories, true).await?,
            ),
            MapLayerChoice::OverdueCommitments => (
                "Compromisos vencidos por localidad".into(),
                "compromisos".into(),
                self.records_per_localidad(cx, territories, false).await?,
            ),
        };
        let href = |code: &str| Some(situation_href(&local_mesa_code(code)));
        let points = self.asset_points(&territory).await?;
        let map_svg = territory_map(
            MapLayer::Localidades,
            &map_title,
            &unit,
            &values,
            &points,
            &href,
        );
        let map_rows = territories
            .all()
            .filter(|t| t.level == TerritoryLevel::Localidad)
            .map(|t| MapRow {
                code: t.code.clone(),
                name: t.name.clone(),
                value: values.get(&t.code).copied(),
                shown: shown(values.get(&t.code).copied()),
                href: situation_href(&local_mesa_code(&t.code)),
            })
            .collect();
        let dashboard = self
            .dashboards
            .get(DashboardQuery {
                ambito: dashboard_scope(&mesa.code).code(),
                ..DashboardQuery::default()
            })
            .await?;
        Ok(SituationView {
            mesa_code: mesa.code,
            mesa_name: mesa.name,
            territory,
            layer: Some(layer),
            layers,
            map_title,
            map_svg,
            map_rows,
            key_indicators,
            dashboard: (*dashboard).clone(),
        })
    }

    /// Open barriers (`barriers`) or overdue commitments per localidad, from each local Mesa's
    /// dashboard; a Mesa the person may not read is *sin dato*.
    async fn records_per_localidad(
        &self,
        cx: &RequestContext,
        territories: &TerritoryIndex,
        barriers: bool,
    ) -> Result<BTreeMap<String, f64>, AppError> {
        let mut out = BTreeMap::new();
        for t in territories
            .all()
            .filter(|t| t.level == TerritoryLevel::Localidad)
        {
            let mesa = local_mesa_code(&t.code);
            let place = place_of(&self.store, &mesa).await?;
            if !policy::allowed(&cx.actor, Act::ReadBoard, &place.mesa()) {
                continue;
            }
            let dashboard = self
                .dashboards
                .get(DashboardQuery {
                    ambito: Scope::Mesa(mesa).code(),
                    ..DashboardQuery::default()
                })
                .await?;
            let count = if barriers {
                dashboard
                    .chart("barreras-estado")
                    .map(|s| {
                        s.points
                            .iter()
                            .filter(|(label, _)| {
                                label.as_str()
                                    != app::domain::board::BarrierStatus::Resuelta.label()
                            })
                            .map(|(_, n)| n)
                            .sum()
                    })
                    .unwrap_or(0.0)
            } else {
                dashboard.overdue.len() as f64
            };
            out.insert(t.code.clone(), count);
        }
        Ok(out)
    }
}
