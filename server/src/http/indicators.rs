//! An indicator's drawings and numbers over HTTP: the trend as SVG, PNG or CSV, and the map of
//! the localidades as SVG or PNG. Each reads through the same port and policy as the page.

use app::domain::dashboard::CsvQuery;
use app::domain::indicators::trend_table;
use app::error::AppError;
use app::ssr::RequestContext;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::dashboard::{download, with_type};
use super::{ApiError, AppState};
use crate::trends::{TrendChart, trend_png, trend_svg};

#[derive(Debug, Default, Deserialize)]
pub struct TerritoryQuery {
    #[serde(default)]
    pub territorio: String,
}

pub async fn drawing(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path((code, file)): Path<(String, String)>,
    Query(query): Query<TerritoryQuery>,
    Query(options): Query<CsvQuery>,
) -> Result<Response, ApiError> {
    let missing = || ApiError::not_found(format!("no existe «{file}»"));
    let Some((kind, format)) = file.rsplit_once('.') else {
        return Err(missing());
    };
    let detail = state
        .indicators
        .indicator_detail(&cx, code.clone(), query.territorio.clone())
        .await?;
    let title = format!("{} · {}", detail.indicator.name, detail.territory.name);
    let chart = TrendChart {
        title: &title,
        unit: &detail.indicator.unit,
        trend: &detail.trend,
    };
    let internal = |e: crate::charts::ChartError| ApiError::from(AppError::Internal(e.to_string()));
    let name = format!("{}-{}", detail.indicator.code, detail.territory.code);
    match (kind, format) {
        ("tendencia", "svg") => Ok(with_type(trend_svg(&chart).map_err(internal)?, "image/svg+xml")),
        ("tendencia", "png") => Ok(download(
            trend_png(&chart).map_err(internal)?,
            "image/png",
            &format!("tendencia-{name}.png"),
        )),
        ("tendencia", "csv") => {
            let format = options.format().map_err(AppError::Conflict)?;
            Ok(download(
                trend_table(&detail.indicator, &detail.trend).csv(format),
                "text/csv; charset=utf-8",
                &format!("tendencia-{name}.csv"),
            ))
        }
        _ => Err(missing()),
    }
}
