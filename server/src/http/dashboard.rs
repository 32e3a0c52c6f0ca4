//! Dashboards over HTTP: the data as JSON, each chart as SVG or PNG and each table as CSV, the
//! whole dashboard as XLSX, and a server-sent-events stream that says when something in scope
//! changed. The data comes from [`crate::dashboards`] (computed once per change); every table is
//! rendered from its one model (`app::domain::dashboard::Table`). Each asks the policy first: a
//! dashboard is read by those who read its scope's boards.

use std::collections::HashSet;
use std::convert::Infallible;

use app::domain::dashboard::{Cell, CsvQuery, Dashboard, DashboardQuery, Table};
use app::error::AppError;
use app::ssr::RequestContext;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use super::backend::require_dashboard;
use super::{ApiError, AppState};
use crate::charts::{bar_chart_png, bar_chart_svg};

/// A response of `content_type`.
pub fn with_type(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A file to download: `disposition` is the whole `Content-Disposition` value.
pub fn download(body: impl IntoResponse, content_type: &'static str, file_name: &str) -> Response {
    let mut response = with_type(body, content_type);
    response
        .headers_mut()
        .insert(header::CONTENT_DISPOSITION, attachment(file_name));
    response
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII name every browser takes (accents
/// folded, anything but letters, digits, `.`, `-` and `_` made `-`, so no quote or line break can
/// reach the header) and the exact name, percent-encoded, for those that read RFC 6266's.
pub fn attachment(file_name: &str) -> HeaderValue {
    let ascii: String = app::domain::fold(file_name)
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '-',
        })
        .collect();
    let ascii = if ascii.trim_matches(['-', '.']).is_empty() {
        "descarga".to_owned()
    } else {
        ascii
    };
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

pub async fn json(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
    require_dashboard(&state.store, &cx, &query).await?;
    let dashboard = state.dashboards.get(query).await?;
    Ok(axum::Json(&*dashboard).into_response())
}

/// `compromisos-estado.svg` → (`compromisos-estado`, `svg`).
fn split(file: &str) -> Option<(&str, &str)> {
    file.rsplit_once('.')
}

pub async fn chart(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
    require_dashboard(&state.store, &cx, &query).await?;
    let Some((key, format @ ("svg" | "png"))) = split(&file) else {
        return Err(ApiError::not_found(format!(
            "no existe el gráfico «{file}»"
        )));
    };
    let dashboard = state.dashboards.get(query).await?;
    let series = dashboard
        .chart(key)
        .ok_or_else(|| ApiError::not_found(format!("no existe el gráfico «{key}»")))?;
    let drawn = if format == "svg" {
        bar_chart_svg(series).map(|svg| with_type(svg, "image/svg+xml"))
    } else {
        bar_chart_png(series).map(|png| download(png, "image/png", &format!("{key}.png")))
    };
    drawn.map_err(|error| AppError::Internal(error.to_string()).into())
}

/// A table as CSV: by default for a spreadsheet in Spanish (UTF-8 with a byte-order mark, `;`,
/// decimal commas); `?separador=coma` gives RFC 4180 for programs.
pub async fn csv(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
    Query(options): Query<CsvQuery>,
) -> Result<Response, ApiError> {
    require_dashboard(&state.store, &cx, &query).await?;
    let missing = || ApiError::not_found(format!("no existen los datos «{file}»"));
    let Some((key, "csv")) = split(&file) else {
        return Err(missing());
    };
    let format = options.format().map_err(AppError::Conflict)?;
    let dashboard = state.dashboards.get(query).await?;
    let table = dashboard.table(key).ok_or_else(missing)?;
    Ok(download(
        table.csv(format),
        "text/csv; charset=utf-8",
        &format!("{key}.csv"),
    ))
}

/// One table as a worksheet: bold header, then its rows (or the sentence saying it has none).
fn write_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    table: &Table,
    first_column_width: f64,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bold = rust_xlsxwriter::Format::new().set_bold();
    // Sheet names: at most 31 characters, no []:*?/\ .
    let name: String = table
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    let sheet = book.add_worksheet().set_name(name)?;
    for (col, column) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, &column.title, &bold)?;
    }
    if table.rows.is_empty() {
        sheet.write_string(1, 0, &table.empty)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            let (r, c) = (1 + i as u32, col as u16);
            match cell {
                Cell::Text(text) => sheet.write_string(r, c, text)?,
                Cell::Number(n) => sheet.write_number(r, c, *n)?,
                Cell::Day(day) => sheet.write_string(r, c, day.to_string())?,
            };
        }
    }
    sheet.set_column_width(0, first_column_width)?;
    Ok(())
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
        write_sheet(&mut book, &series.table(), 45.0)?;
    }
    write_sheet(&mut book, &dashboard.overdue_table(), 50.0)?;
    book.save_to_buffer()
}

pub async fn xlsx(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
    require_dashboard(&state.store, &cx, &query).await?;
    let dashboard = state.dashboards.get(query).await?;
    let bytes =
        workbook(&dashboard).map_err(|error| AppError::Internal(format!("XLSX: {error}")))?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "tablero-de-gestion.xlsx",
    ))
}

/// `event: cambio` with the session id whenever a board in scope is projected anew.
pub async fn events(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
    require_dashboard(&state.store, &cx, &query).await?;
    let filters = query.validate().map_err(AppError::Conflict)?;
    let (_, mesas) = state.store.scope_mesas(&filters.scope).await?;
    let mesas: HashSet<String> = mesas.into_iter().map(|m| m.code).collect();
    let slot = state.stream_budget.take(&cx.client)?;
    let changes = state.projections.subscribe();
    // The slot lives as long as the stream: a closed tab gives its place back.
    let stream = futures_util::stream::unfold(
        (changes, mesas, slot),
        |(mut changes, mesas, slot)| async move {
            loop {
                match changes.recv().await {
                    Ok(change) if change.concerns(&mesas) => {
                        let event = Event::default()
                            .event("cambio")
                            .data(change.session_id.to_string());
                        return Some((Ok::<_, Infallible>(event), (changes, mesas, slot)));
                    }
                    Ok(_) => continue,
                    // Fell behind: say "something changed" rather than miss it.
                    Err(RecvError::Lagged(_)) => {
                        let event = Event::default().event("cambio").data("*");
                        return Some((Ok(event), (changes, mesas, slot)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn download_names_stay_ascii_in_the_header_and_exact_in_filename_star() {
        assert_eq!(
            attachment("acta-local-07-3.md").to_str().unwrap(),
            "attachment; filename=\"acta-local-07-3.md\"; filename*=UTF-8''acta-local-07-3.md"
        );
        assert_eq!(
            attachment("Gestión \"Bosa\"\r\nX: y.csv").to_str().unwrap(),
            "attachment; filename=\"gestion--bosa--x--y.csv\"; filename*=UTF-8''Gesti%C3%B3n%20%22Bosa%22%0D%0AX%3A%20y.csv"
        );
        assert!(
            attachment("ñ")
                .to_str()
                .unwrap()
                .contains("filename=\"descarga\"")
        );
    }
}
