//! A small JSON API for scripts and integrations (`/api/v1/...`). It goes through the same backend
//! and validation as the pages.

use app::domain::{MemberRequest, ScheduleRequest, SessionAction};
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mesas", get(list_mesas))
        .route("/mesas/{code}", get(mesa_detail))
        .route("/mesas/{code}/members", post(add_member))
        .route("/sessions", get(list_sessions).post(schedule_session))
        .route("/sessions/{id}", get(session_detail))
        .route("/sessions/{id}/{action}", post(change_status))
}

async fn list_mesas(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.mesa_summaries().await?))
}

async fn mesa_detail(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.mesa_detail(&code).await?))
}

#[derive(Deserialize)]
struct SessionFilter {
    mesa: Option<String>,
}

async fn list_sessions(
    State(state): State<AppState>,
    Query(filter): Query<SessionFilter>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(
        state.store.list_sessions(filter.mesa.as_deref()).await?,
    ))
}

async fn schedule_session(
    State(state): State<AppState>,
    Json(request): Json<ScheduleRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let session = state.backend.schedule_session(request.validate()?).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn add_member(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Json(mut request): Json<MemberRequest>,
) -> Result<impl IntoResponse, ApiError> {
    request.mesa = code;
    let member = state.backend.add_member(request.validate()?).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

async fn session_detail(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.session_detail(id).await?))
}

async fn change_status(
    State(state): State<AppState>,
    Path((id, action)): Path<(i64, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let action = SessionAction::parse(&action).ok_or_else(|| {
        AppError::NotFound(format!(
            "acción desconocida «{action}»: use iniciar o cerrar"
        ))
    })?;
    Ok(Json(state.backend.change_session_status(id, action).await?))
}
