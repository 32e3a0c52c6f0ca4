//! Dashboards over HTTP: the data as JSON, each chart as SVG and its numbers as CSV, the whole
//! dashboard as XLSX, and a server-sent-events stream that says when something in scope changed.

use std::collections::HashSet;
use std::convert::Infallible;

use app::dashboard::{Dashboard, DashboardQuery, EscalationWait, csv_row, roll_up, series_csv};
use app::domain::bogota;
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use crate::charts::{bar_chart_png, bar_chart_svg};
use crate::store::Store;

/// Builds a dashboard as of today (Bogotá calendar).
pub async fn load(store: &Store, query: DashboardQuery) -> Result<Dashboard, AppError> {
    let filters = query.validate().map_err(AppError::Conflict)?;
    let (label, mesas) = store.scope_mesas(&filters.scope).await?;
    let rows = store.scope_rows(&mesas).await?;
    let today = Utc::now().with_timezone(&bogota()).date_naive();
    let codes: Vec<String> = mesas.iter().map(|m| m.code.clone()).collect();
    let mut dashboard = roll_up(query, &filters, label, &rows, today);
    dashboard.escalations = store
        .open_escalations_to(&codes)
        .await?
        .into_iter()
        .map(|e| EscalationWait {
            days_waiting: e.days_waiting(today),
            overdue: e.overdue(today),
            session_id: e.session_id,
            barrier_id: e.barrier_id,
            barrier: e.barrier,
            from_mesa: e.from_mesa.name,
            to_mesa: e.to_mesa.name,
            status: e.status.label().to_owned(),
            answer_by: e.answer_by,
        })
        .collect();
    Ok(dashboard)
}

fn error_response(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, error.to_string()).into_response()
}

fn with_type(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub async fn json(State(state): State<AppState>, Query(query): Query<DashboardQuery>) -> Response {
    match load(&state.store, query).await {
        Ok(dashboard) => axum::Json(dashboard).into_response(),
        Err(error) => error_response(error),
    }
}

/// `compromisos-estado.svg` → (`compromisos-estado`, `svg`).
fn split(file: &str) -> Option<(&str, &str)> {
    file.rsplit_once('.')
}

pub async fn chart(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let Some((key, format @ ("svg" | "png"))) = split(&file) else {
        return error_response(AppError::NotFound(format!("no existe el gráfico «{file}»")));
    };
    let dashboard = match load(&state.store, query).await {
        Ok(d) => d,
        Err(error) => return error_response(error),
    };
    let Some(series) = dashboard.chart(key) else {
        return error_response(AppError::NotFound(format!("no existe el gráfico «{key}»")));
    };
    let drawn = if format == "svg" {
        bar_chart_svg(series).map(|svg| with_type(svg, "image/svg+xml"))
    } else {
        bar_chart_png(series).map(|png| {
            let mut response = with_type(png, "image/png");
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{key}.png\""))
            {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
            response
        })
    };
    drawn.unwrap_or_else(|error| error_response(AppError::Internal(error.to_string())))
}

pub async fn csv(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let Some((key, "csv")) = split(&file) else {
        return error_response(AppError::NotFound(format!("no existen los datos «{file}»")));
    };
    let dashboard = match load(&state.store, query).await {
        Ok(d) => d,
        Err(error) => return error_response(error),
    };
    let body = if key == "vencidos" {
        let mut out = String::from(
            "compromiso,institución,responsable,Mesa,fecha límite,días de retraso\r\n",
        );
        for row in &dashboard.overdue {
            out.push_str(&csv_row(&[
                &row.description,
                &row.institutions,
                &row.responsible,
                &row.mesa_name,
                &row.due.to_string(),
                &row.days_late.to_string(),
            ]));
        }
        out
    } else {
        match dashboard.chart(key) {
            Some(series) => series_csv(series),
            None => {
                return error_response(AppError::NotFound(format!("no existen los datos «{key}»")));
            }
        }
    };
    let mut response = with_type(body, "text/csv; charset=utf-8");
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{key}.csv\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The whole dashboard as a workbook: a summary sheet, one sheet per chart, the overdue list.
pub fn workbook(dashboard: &Dashboard) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let summary = book.add_worksheet().set_name("Resumen")?;
    summary.write_string_with_format(0, 0, "Tablero de gestión", &bold)?;
    summary.write_string(1, 0, &dashboard.scope_label)?;
    summary.write_string(2, 0, format!("Fecha de corte: {}", dashboard.today))?;
    for (row, (name, value)) in [
        ("Compromisos", dashboard.commitments),
        ("Barreras", dashboard.barriers),
        ("Acuerdos", dashboard.agreements),
        ("Asistentes", dashboard.attendance),
    ]
    .into_iter()
    .enumerate()
    {
        summary.write_string(4 + row as u32, 0, name)?;
        summary.write_number(4 + row as u32, 1, value as f64)?;
    }
    summary.set_column_width(0, 40)?;
    for series in &dashboard.charts {
        // Sheet names: at most 31 characters, no []:*?/\ .
        let name: String = series
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let sheet = book.add_worksheet().set_name(name)?;
        sheet.write_string_with_format(0, 0, "Categoría", &bold)?;
        sheet.write_string_with_format(0, 1, &series.unit, &bold)?;
        for (row, (label, value)) in series.points.iter().enumerate() {
            sheet.write_string(1 + row as u32, 0, label)?;
            sheet.write_number(1 + row as u32, 1, *value)?;
        }
        sheet.set_column_width(0, 45)?;
    }
    let overdue = book.add_worksheet().set_name("Compromisos vencidos")?;
    for (col, title) in [
        "Compromiso",
        "Institución",
        "Responsable",
        "Mesa",
        "Fecha límite",
        "Días de retraso",
    ]
    .iter()
    .enumerate()
    {
        overdue.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    for (i, row) in dashboard.overdue.iter().enumerate() {
        let r = 1 + i as u32;
        overdue.write_string(r, 0, &row.description)?;
        overdue.write_string(r, 1, &row.institutions)?;
        overdue.write_string(r, 2, &row.responsible)?;
        overdue.write_string(r, 3, &row.mesa_name)?;
        overdue.write_string(r, 4, row.due.to_string())?;
        overdue.write_number(r, 5, row.days_late as f64)?;
    }
    overdue.set_column_width(0, 50)?;
    book.save_to_buffer()
}

pub async fn xlsx(State(state): State<AppState>, Query(query): Query<DashboardQuery>) -> Response {
    let dashboard = match load(&state.store, query).await {
        Ok(d) => d,
        Err(error) => return error_response(error),
    };
    match workbook(&dashboard) {
        Ok(bytes) => {
            let mut response = with_type(
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            );
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"tablero-de-gestion.xlsx\""),
            );
            response
        }
        Err(error) => error_response(AppError::Internal(format!("XLSX: {error}"))),
    }
}

/// `event: cambio` with the session id whenever a board in scope is projected anew.
pub async fn events(
    State(state): State<AppState>,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let filters = match query.validate() {
        Ok(f) => f,
        Err(message) => return error_response(AppError::Conflict(message)),
    };
    let mesas: HashSet<String> = match state.store.scope_mesas(&filters.scope).await {
        Ok((_, mesas)) => mesas.into_iter().map(|m| m.code).collect(),
        Err(error) => return error_response(error.into()),
    };
    let changes = state.projections.subscribe();
    let stream =
        futures_util::stream::unfold((changes, mesas), |(mut changes, mesas)| async move {
            loop {
                match changes.recv().await {
                    Ok(change) if mesas.contains(&change.mesa_code) => {
                        let event = Event::default()
                            .event("cambio")
                            .data(change.session_id.to_string());
                        return Some((Ok::<_, Infallible>(event), (changes, mesas)));
                    }
                    Ok(_) => continue,
                    // Fell behind: say "something changed" rather than miss it.
                    Err(RecvError::Lagged(_)) => {
                        let event = Event::default().event("cambio").data("*");
                        return Some((Ok(event), (changes, mesas)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
