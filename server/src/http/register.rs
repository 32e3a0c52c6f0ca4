//! The register of assets and teams for programs (a personal access token as bearer): read a
//! territory's register, add or correct one entry as JSON, load a whole file as the body.

use app::domain::assets::{AssetDraft, TeamDraft};
use app::ssr::RequestContext;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use super::indicators::{TerritoryQuery, UploadQuery};
use super::{ApiError, AppState};

/// `GET /api/v1/activos?territorio=07`.
pub async fn register_json(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Query(query): Query<TerritoryQuery>,
) -> Result<Response, ApiError> {
    let register = state.register.register(&cx, query.territorio).await?;
    Ok(axum::Json(register).into_response())
}

/// `POST /api/v1/activos` with an asset's fields (`AssetDraft`); an existing code corrects it.
pub async fn save_asset_json(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    axum::Json(draft): axum::Json<AssetDraft>,
) -> Result<Response, ApiError> {
    let summary = state.register.save_asset(&cx, draft).await?;
    Ok(axum::Json(summary).into_response())
}

/// `POST /api/v1/equipos` with a team's fields (`TeamDraft`).
pub async fn save_team_json(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    axum::Json(draft): axum::Json<TeamDraft>,
) -> Result<Response, ApiError> {
    let summary = state.register.save_team(&cx, draft).await?;
    Ok(axum::Json(summary).into_response())
}

/// `POST /activos/cargas?archivo=activos.csv` with the file as the body: checked whole, saved
/// or refused, 201 with the outcome (every problem with its sheet, line and column).
pub async fn upload_raw(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Query(query): Query<UploadQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let name = match query.archivo.trim() {
        "" => "archivo".to_owned(),
        name => name.to_owned(),
    };
    let id = state
        .register
        .import_register_file(&cx, name, body.to_vec())
        .await?;
    let outcome = state.register.register_import(&cx, id).await?;
    Ok((axum::http::StatusCode::CREATED, axum::Json(outcome)).into_response())
}
