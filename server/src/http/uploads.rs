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

/// Back to the register page, saying why.
fn register_back_with(reason: &str) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(reason.as_bytes()).collect();
    see_other(&format!("/activos?error={encoded}#cargar"))
}

/// A file of assets or teams from the register page: checked whole, saved or refused, and the
/// browser sent to the outcome (every problem with its line and column).
pub async fn register_upload(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    if cx.actor.person.is_none() {
        return Ok(see_other("/entrar?next=/activos"));
    }
    let Ok(mut multipart) = multipart else {
        return Ok(register_back_with(
            "Elija un archivo XLSX o CSV para cargar.",
        ));
    };
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Ok(register_back_with(&format!(
                    "El archivo no llegó completo o pesa más de {} MB.",
                    MAX_UPLOAD_BYTES / 1024 / 1024
                )));
            }
        };
        if field.name() != Some("archivo") {
            continue;
        }
        match file_of(field).await {
            Ok(read) => file = read,
            Err(reason) => return Ok(register_back_with(&reason)),
        }
    }
    let Some(file) = file else {
        return Ok(register_back_with(
            "Elija un archivo XLSX o CSV para cargar.",
        ));
    };
    if file.data.len() > MAX_UPLOAD_BYTES {
        return Ok(register_back_with(&format!(
            "El archivo pesa más de {} MB.",
            MAX_UPLOAD_BYTES / 1024 / 1024
        )));
    }
    match state
        .register
        .import_register_file(&cx, file.name, file.data)
        .await
    {
        Ok(id) => Ok(see_other(&format!("/activos/cargas/{id}"))),
        Err(app::error::AppError::Forbidden(reason)) => Ok(register_back_with(&reason)),
        Err(error) => Err(error.into()),
    }
}

/// `plantilla-activos.csv`, `plantilla-equipos.csv`: the header the import reads, and one
/// example row.
pub async fn register_template(
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    use app::domain::assets::import::{
        ASSET_OPTIONAL, ASSET_REQUIRED, TEAM_OPTIONAL, TEAM_REQUIRED,
    };
    let (columns, example): (Vec<&str>, &[&str]) = match file.as_str() {
        "plantilla-activos.csv" => (
            ASSET_REQUIRED
                .iter()
                .chain(ASSET_OPTIONAL)
                .copied()
                .collect(),
            &[
                "Junta de Acción Comunal San Bernardino",
                "organizacion_comunitaria",
                "07",
                "",
                "Salón comunal; convoca jornadas de salud",
                "UPZ85",
                "-74.1901",
                "4.6183",
                "jac.sanbernardino@example.org",
            ],
        ),
        "plantilla-equipos.csv" => (
            TEAM_REQUIRED.iter().chain(TEAM_OPTIONAL).copied().collect(),
            &[
                "Equipo básico extramural 3",
                "basico_extramural",
                "Subred Sur Occidente",
                "UPZ85; UPZ84",
                "",
                "ebei3@example.org",
            ],
        ),
        _ => {
            return Err(
                app::error::AppError::NotFound(format!("No existe el archivo «{file}».")).into(),
            );
        }
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let internal = |e: &dyn std::fmt::Display| app::error::AppError::Internal(e.to_string());
    out.write_record(&columns).map_err(|e| internal(&e))?;
    out.write_record(example).map_err(|e| internal(&e))?;
    let bytes = out.into_inner().map_err(|e| internal(&e))?;
    Ok(download(bytes, "text/csv; charset=utf-8", &file))
}
