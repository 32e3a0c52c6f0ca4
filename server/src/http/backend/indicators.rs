//! The territory's indicators through the UI's port: reads for anyone Sala knows, uploads for
//! the coordinations and the administration (`Act::ManageIndicators`, asked for the district
//! when a file brings definitions and for the Mesa of every territory it has values for).

use std::collections::BTreeSet;

use app::domain::TerritoryLevel;
use app::domain::indicators::import::{ImportPlan, ImportPreview, ImportSummary};
use app::domain::indicators::{
    IndicatorCatalogue, IndicatorDetail, ShownFigure, catalogue_row, indicator_detail, latest,
};
use app::domain::local_mesa_code;
use app::domain::policy::{self, Act, Place, Target};
use app::domain::situation::{KeyIndicator, SituationQuery, SituationView, dashboard_href};
use app::domain::{DISTRICT_MESA_CODE, identity::MesaRole};
use app::error::AppError;
use app::ssr::{Indicators, RequestContext};
use async_trait::async_trait;

use super::StoreBackend;
use super::access::{place_of, require};
use super::situation::territory_map;
use crate::indicators::ImportError;
use crate::maps::MapLayer;

/// Uploads listed on the indicators page.
const RECENT_IMPORTS: i64 = 10;

impl From<ImportError> for AppError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Store(store) => store.into(),
            ImportError::Interrupted => AppError::Internal(error.to_string()),
            other => AppError::Conflict(other.to_string()),
        }
    }
}

/// Whether the actor may load indicators for some territory: the administration, or a
/// coordination of any Mesa. Which territories exactly is asked when a file is applied.
pub(crate) fn may_import_somewhere(cx: &RequestContext) -> bool {
    let Some(person) = &cx.actor.person else {
        return false;
    };
    let loads = |mesa: &str| {
        policy::allowed(
            &cx.actor,
            Act::ManageIndicators,
            &Target::Mesa(Place {
                mesa,
                ancestors: &[],
                publishes_actas: false,
            }),
        )
    };
    person.admin
        || loads(DISTRICT_MESA_CODE)
        || person
            .roles
            .iter()
            .any(|grant| grant.role == MesaRole::Coordinador && loads(&grant.mesa))
}

impl StoreBackend {
    /// Every territory the plan writes must be the actor's to load; definitions are the
    /// district's.
    async fn require_loads(&self, cx: &RequestContext, plan: &ImportPlan) -> Result<(), AppError> {
        if !plan.indicators.is_empty() {
            policy::decide(&cx.actor, Act::ManageIndicators, &Target::District).map_err(|_| {
                AppError::Forbidden(
                    "El archivo define indicadores (hoja «indicadores»): eso lo hace la Mesa Distrital o la administración. Cargue solo la hoja de valores.".into(),
                )
            })?;
        }
        let territories = self.imports.territories();
        let mesas: BTreeSet<String> = plan
            .values
            .iter()
            .filter_map(|v| territories.get(&v.territory))
            .map(|t| t.mesa_code())
            .collect();
        for mesa in mesas {
            let place = place_of(&self.store, &mesa).await?;
            if policy::decide(&cx.actor, Act::ManageIndicators, &place.mesa()).is_err() {
                return Err(AppError::Forbidden(format!(
                    "No tiene permiso para cargar indicadores de {mesa}: el archivo tiene valores de un territorio que su Mesa no coordina. Nada se importó."
                )));
            }
        }
        Ok(())
    }

    fn require_importer(&self, cx: &RequestContext) -> Result<(), AppError> {
        if may_import_somewhere(cx) {
            return Ok(());
        }
        require(cx, Act::ManageIndicators, &Target::District)
    }
}

#[async_trait]
impl Indicators for StoreBackend {
    async fn indicator_catalogue(
        &self,
        cx: &RequestContext,
    ) -> Result<IndicatorCatalogue, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let territories = self.imports.territories();
        let data = self.indicator_data.current().await?;
        let rows = data
            .catalogue
            .values()
            .map(|indicator| catalogue_row(indicator, data.values(&indicator.code), territories))
            .collect();
        let may_import = may_import_somewhere(cx);
        let imports = if may_import {
            self.store.recent_imports(RECENT_IMPORTS).await?
        } else {
            Vec::new()
        };
        Ok(IndicatorCatalogue {
            rows,
            may_import,
            imports,
        })
    }

    async fn indicator_detail(
        &self,
        cx: &RequestContext,
        code: String,
        territory: String,
    ) -> Result<IndicatorDetail, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let data = self.indicator_data.current().await?;
        let indicator = data
            .catalogue
            .get(&code)
            .ok_or_else(|| AppError::NotFound(format!("No existe el indicador «{code}».")))?;
        let territories = self.imports.territories();
        let wanted = if territory.trim().is_empty() {
            DISTRICT_MESA_CODE
        } else {
            territory.trim()
        };
        let territory = territories
            .resolve(wanted)
            .map_err(AppError::NotFound)?
            .clone();
        let values = data.values(&indicator.code);
        let mut detail = indicator_detail(indicator, &territory, values, territories);
        let title = detail.map_title();
        let unit = &indicator.unit;
        let localidad = |code: &str| Some(dashboard_href(&local_mesa_code(code)));
        detail.map_svg = territory_map(
            MapLayer::Localidades,
            &title,
            unit,
            &detail.map_values(TerritoryLevel::Localidad),
            &[],
            &localidad,
        );
        if !detail.upz_rows.is_empty() {
            // a UPZ opens the dashboard of its localidad's Mesa
            let upz = |code: &str| {
                territories
                    .get(code)
                    .map(|t| dashboard_href(&t.mesa_code()))
            };
            detail.upz_map_svg = territory_map(
                MapLayer::Upz,
                &title,
                unit,
                &detail.map_values(TerritoryLevel::Upz),
                &[],
                &upz,
            );
        }
        Ok(detail)
    }

    async fn import_preview(
        &self,
        cx: &RequestContext,
        id: i64,
    ) -> Result<ImportPreview, AppError> {
        self.require_importer(cx)?;
        Ok(self.imports.preview(id).await?)
    }

    async fn apply_import(&self, cx: &RequestContext, id: i64) -> Result<ImportSummary, AppError> {
        self.require_importer(cx)?;
        let (staged, plan) = self.imports.plan(id).await?;
        self.require_loads(cx, &plan).await?;
        let summary = self.imports.apply_planned(id, &plan).await?;
        self.audit(
            cx,
            "importar_indicadores",
            &staged.file.name,
            &format!(
                "{} indicadores y {} valores escritos; {} valores sin cambios",
                summary.indicators.writes(),
                summary.values.writes(),
                summary.values.unchanged
            ),
        )
        .await;
        self.projections
            .announce(crate::projection::Changed::everywhere());
        Ok(summary)
    }

    async fn discard_import(&self, cx: &RequestContext, id: i64) -> Result<(), AppError> {
        self.require_importer(cx)?;
        Ok(self.store.discard_import(id).await?)
    }

    async fn indicator_choices(
        &self,
        cx: &RequestContext,
    ) -> Result<Vec<(String, String)>, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let data = self.indicator_data.current().await?;
        Ok(data
            .catalogue
            .values()
            .map(|i| (i.code.clone(), i.name.clone()))
            .collect())
    }

    async fn indicator_figures(
        &self,
        cx: &RequestContext,
        mesa: String,
        territory: String,
        codes: Vec<String>,
    ) -> Result<Vec<KeyIndicator>, AppError> {
        require(cx, Act::ReadIndicators, &Target::District)?;
        let territories = self.imports.territories();
        // What a card's localidad field holds: a code (`07`), a name (`Bosa`), or nothing.
        let wanted = territories
            .resolve(&territory)
            .ok()
            .or_else(|| {
                territories.all().find(|t| {
                    t.level == TerritoryLevel::Localidad
                        && app::domain::fold(&t.name) == app::domain::fold(&territory)
                })
            })
            .or_else(|| territories.of_mesa(&mesa))
            .map(|t| t.code.clone())
            .unwrap_or_else(|| DISTRICT_MESA_CODE.to_owned());
        let data = self.indicator_data.current().await?;
        let mut figures = Vec::new();
        for code in codes.iter().take(12) {
            let Some(indicator) = data.catalogue.get(code) else {
                continue;
            };
            let figure = match latest(indicator, &wanted, data.values(code), territories) {
                Some((period, f)) => ShownFigure::of(indicator, period, &f),
                None => ShownFigure::missing(),
            };
            figures.push(KeyIndicator {
                code: indicator.code.clone(),
                name: format!(
                    "{} · {}",
                    indicator.name,
                    territories
                        .get(&wanted)
                        .map_or(wanted.as_str(), |t| t.name.as_str())
                ),
                unit: indicator.unit.clone(),
                figure,
            });
        }
        Ok(figures)
    }

    async fn situation(
        &self,
        cx: &RequestContext,
        mesa: String,
        query: SituationQuery,
    ) -> Result<SituationView, AppError> {
        self.situation_view(cx, &mesa, query).await
    }
}
