//! An indicator's drawings and numbers over HTTP: the trend as SVG, PNG or CSV, and the map of
//! the localidades (and of the UPZ, where the data is by UPZ) as SVG or PNG. Each reads through
//! the same port and policy as the page.

use app::domain::TerritoryLevel;
use app::domain::dashboard::CsvQuery;
use app::domain::indicators::{IndicatorDetail, format_value, trend_table};
use app::error::AppError;
use app::ssr::RequestContext;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::dashboard::{download, with_type};
use super::{ApiError, AppState};
use crate::maps::{Choropleth, MapLayer, choropleth_png};
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
        ("tendencia", "svg") => Ok(with_type(
            trend_svg(&chart).map_err(internal)?,
            "image/svg+xml",
        )),
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
        ("mapa", "svg") => Ok(with_type(detail.map_svg, "image/svg+xml")),
        ("mapa-upz", "svg") if !detail.upz_map_svg.is_empty() => {
            Ok(with_type(detail.upz_map_svg, "image/svg+xml"))
        }
        ("mapa", "png") => map_png(&detail, MapLayer::Localidades, TerritoryLevel::Localidad),
        ("mapa-upz", "png") if !detail.upz_rows.is_empty() => {
            map_png(&detail, MapLayer::Upz, TerritoryLevel::Upz)
        }
        _ => Err(missing()),
    }
}

/// A map of the indicator's latest period as a PNG download (for slides and documents).
fn map_png(
    detail: &IndicatorDetail,
    layer: MapLayer,
    level: TerritoryLevel,
) -> Result<Response, ApiError> {
    let format = |v: f64| format_value(v);
    let map = Choropleth {
        layer,
        title: &detail.map_title(),
        unit: &detail.indicator.unit,
        values: &detail.map_values(level),
        format: &format,
        points: &[],
        href: None,
    };
    let png =
        choropleth_png(&map).map_err(|e| ApiError::from(AppError::Internal(e.to_string())))?;
    let suffix = if layer == MapLayer::Upz { "-upz" } else { "" };
    Ok(download(
        png,
        "image/png",
        &format!("mapa{suffix}-{}.png", detail.indicator.code),
    ))
}

/// `GET /api/v1/indicadores`: the catalogue with each indicator's latest district figure.
pub async fn catalogue_json(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
) -> Result<Response, ApiError> {
    let catalogue = state.indicators.indicator_catalogue(&cx).await?;
    Ok(axum::Json(catalogue).into_response())
}

/// `GET /api/v1/indicadores/{code}?territorio=07`: the indicator across the territories.
pub async fn detail_json(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(code): Path<String>,
    Query(query): Query<TerritoryQuery>,
) -> Result<Response, ApiError> {
    let detail = state
        .indicators
        .indicator_detail(&cx, code, query.territorio)
        .await?;
    Ok(axum::Json(detail).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct UploadQuery {
    /// The file's name (its extension tells nothing: the bytes do), for the record of uploads.
    #[serde(default)]
    pub archivo: String,
}

/// `POST /indicadores/importaciones?archivo=valores.csv` with the file as the body (for
/// scripts, with a personal access token): keeps it and answers its preview, 201. Applying it is
/// `POST /indicadores/importaciones/{id}/aplicar`.
pub async fn stage_raw(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Query(query): Query<UploadQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if !super::backend::may_import_somewhere(&cx) {
        app::domain::policy::decide(
            &cx.actor,
            app::domain::policy::Act::ManageIndicators,
            &app::domain::policy::Target::District,
        )
        .map_err(AppError::from)?;
    }
    let name = if query.archivo.trim().is_empty() {
        "archivo".to_owned()
    } else {
        query.archivo.trim().to_owned()
    };
    let file = app::domain::indicators::import::StoredFile {
        name,
        data: body.to_vec(),
    };
    let who = super::uploads::uploader(&cx);
    let id = state
        .imports
        .stage(file, None, &who)
        .await
        .map_err(AppError::from)?;
    let preview = state.indicators.import_preview(&cx, id).await?;
    Ok((axum::http::StatusCode::CREATED, axum::Json(preview)).into_response())
}

/// `POST /indicadores/importaciones/{id}/aplicar` (or `/descartar`).
pub async fn act_on_upload(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path((id, action)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    match action.as_str() {
        "aplicar" => {
            let summary = state.indicators.apply_import(&cx, id).await?;
            Ok(axum::Json(summary).into_response())
        }
        "descartar" => {
            state.indicators.discard_import(&cx, id).await?;
            Ok(axum::http::StatusCode::NO_CONTENT.into_response())
        }
        _ => Err(ApiError::not_found(format!(
            "no existe la acción «{action}»"
        ))),
    }
}
