//! Indicator files sent by the indicators page's form (multipart, so it works before the page's
//! script loads), and the template downloads. An upload is kept and the browser is sent to its
//! preview; nothing is imported until someone presses *Importar* there. Every refusal sends the
//! browser back to the page with the reason, so a wrong file never ends on a bare error.

use app::domain::indicators::import::StoredFile;
use app::ssr::RequestContext;
use axum::Extension;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::backend::may_import_somewhere;
use super::dashboard::download;
use super::{ApiError, AppState};
use crate::indicators::{MAX_UPLOAD_BYTES, template};

/// 303 to `path`.
fn see_other(path: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(path) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Back to the indicators page, saying why.
fn back_with(reason: &str) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(reason.as_bytes()).collect();
    see_other(&format!("/indicadores?error={encoded}#cargar"))
}

/// The person who uploads, as the record of uploads shows it.
pub(super) fn uploader(cx: &RequestContext) -> String {
    match &cx.actor.person {
        Some(person) => format!("{} <{}>", person.name, person.email),
        None => cx.actor.principal(),
    }
}

/// A file field: its name and bytes, or `None` when the field was left empty.
async fn file_of(field: axum::extract::multipart::Field<'_>) -> Result<Option<StoredFile>, String> {
    let name = field.file_name().unwrap_or_default().trim().to_owned();
    let data = field.bytes().await.map_err(|_| {
        format!(
            "El archivo no llegó completo o pesa más de {} MB.",
            MAX_UPLOAD_BYTES / 1024 / 1024
        )
    })?;
    if name.is_empty() && data.is_empty() {
        return Ok(None);
    }
    Ok(Some(StoredFile {
        name: if name.is_empty() {
            "archivo".into()
        } else {
            name
        },
        data: data.to_vec(),
    }))
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    if cx.actor.person.is_none() {
        return Ok(see_other("/entrar?next=/indicadores"));
    }
    if !may_import_somewhere(&cx) {
        return Ok(back_with(
            "Cargar indicadores es de las coordinaciones de las Mesas y de la administración.",
        ));
    }
    let Ok(mut multipart) = multipart else {
        return Ok(back_with("Elija un archivo XLSX o CSV para cargar."));
    };
    let mut file = None;
    let mut mapping = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Ok(back_with(&format!(
                    "El archivo no llegó completo o pesa más de {} MB.",
                    MAX_UPLOAD_BYTES / 1024 / 1024
                )));
            }
        };
        let slot = match field.name() {
            Some("archivo") => &mut file,
            Some("mapeo") => &mut mapping,
            _ => continue,
        };
        match file_of(field).await {
            Ok(read) => *slot = read,
            Err(reason) => return Ok(back_with(&reason)),
        }
    }
    let Some(file) = file else {
        return Ok(back_with("Elija un archivo XLSX o CSV para cargar."));
    };
    match state.imports.stage(file, mapping, &uploader(&cx)).await {
        Ok(id) => Ok(see_other(&format!("/indicadores/importaciones/{id}"))),
        Err(crate::indicators::ImportError::Store(error)) => {
            Err(app::error::AppError::from(error).into())
        }
        Err(refused) => Ok(back_with(&refused.to_string())),
    }
}

/// `plantilla.xlsx`, `plantilla-valores.csv`, `plantilla-indicadores.csv`.
pub async fn template_file(
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    match file.as_str() {
        "plantilla.xlsx" => {
            let book =
                template::workbook().map_err(|e| app::error::AppError::Internal(e.to_string()))?;
            Ok(download(
                book,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "plantilla-indicadores-sala.xlsx",
            ))
        }
        "plantilla-valores.csv" => Ok(download(
            template::csv(&template::values_columns()),
            "text/csv; charset=utf-8",
            "plantilla-valores.csv",
        )),
        "plantilla-indicadores.csv" => Ok(download(
            template::csv(&template::catalogue_columns()),
            "text/csv; charset=utf-8",
            "plantilla-indicadores.csv",
        )),
        "ejemplo.xlsx" => Ok(download(
            include_bytes!("../../../docs/examples/indicadores-ejemplo.xlsx").as_slice(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "indicadores-ejemplo.xlsx",
        )),
        _ => Err(ApiError::not_found(format!(
            "no existe el archivo «{file}»"
        ))),
    }
}
