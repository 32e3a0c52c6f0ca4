//! A small JSON API for scripts and integrations (`/api/v1/...`). It goes through the same backend
//! and validation as the pages.

use app::domain::{MemberRequest, ScheduleRequest, SessionAction};
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
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
        .route("/mesas/{code}/escalaciones", get(escalations_of))
        .route("/escalaciones", post(escalate))
        .route("/escalaciones/{id}/{action}", post(act_on_escalation))
        .route(
            "/sessions/{id}/barreras/{barrier}/escalaciones",
            get(barrier_chain),
        )
}

#[derive(Deserialize)]
struct EscalateBody {
    token: String,
    #[serde(flatten)]
    request: app::domain::escalation::EscalationRequest,
}

async fn escalate(
    State(state): State<AppState>,
    Json(body): Json<EscalateBody>,
) -> Result<impl IntoResponse, ApiError> {
    let created = state
        .backend
        .escalate_barrier(body.token, body.request)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActBody {
    token: String,
    text: String,
    answer_by: String,
    by: String,
}

async fn act_on_escalation(
    State(state): State<AppState>,
    Path((id, action)): Path<(i64, String)>,
    Json(body): Json<ActBody>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(
        state
            .backend
            .act_on_escalation(id, body.token, action, body.text, body.answer_by, body.by)
            .await?,
    ))
}

async fn escalations_of(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (received, sent) = state.backend.escalations(code).await?;
    Ok(Json(
        serde_json::json!({ "received": received, "sent": sent }),
    ))
}

async fn barrier_chain(
    State(state): State<AppState>,
    Path((id, barrier)): Path<(i64, String)>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.barrier_chain(id, barrier).await?))
}

async fn list_mesas(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.mesa_summaries().await?))
}

/// Members' contacts only with the coordination's invitation (bearer or `?token=`).
async fn mesa_detail(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(invitation): Query<Invitation>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let token = invitation_token(invitation, &headers);
    Ok(Json(state.backend.mesa_detail(&code, Some(token)).await?))
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
    let session = state.backend.schedule_session(request).await?;
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

#[derive(Deserialize)]
struct Invitation {
    token: Option<String>,
}

/// Starts or closes a meeting, with the coordination's invitation (`?token=` or
/// `Authorization: Bearer`), as the session page's buttons do: the same policy decides.
async fn change_status(
    State(state): State<AppState>,
    Path((id, action)): Path<(i64, String)>,
    Query(invitation): Query<Invitation>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let action = SessionAction::parse(&action).ok_or_else(|| {
        AppError::NotFound(format!(
            "Acción desconocida «{action}»: use iniciar o cerrar."
        ))
    })?;
    let token = invitation_token(invitation, &headers);
    Ok(Json(state.backend.meeting_action(id, action, token).await?))
}

/// The invitation a request carries: `?token=`, else `Authorization: Bearer`; empty when none.
fn invitation_token(invitation: Invitation, headers: &HeaderMap) -> String {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    invitation.token.or(bearer).unwrap_or_default()
}
