//! A small JSON API for scripts and integrations (`/api/v1/...`). It goes through the same backend,
//! policy and validation as the pages. Credentials: `Authorization: Bearer` with a personal access
//! token or an invitation (or `?token=`); older scripts may still put an invitation in the body.

use app::domain::{MemberRequest, ScheduleRequest, SessionAction};
use app::error::AppError;
use app::ssr::RequestContext;
use axum::Extension;
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
        .route("/mesas/{code}/escalaciones", get(escalations_of))
        .route("/escalaciones", post(escalate))
        .route("/escalaciones/{id}/{action}", post(act_on_escalation))
        .route(
            "/sessions/{id}/barreras/{barrier}/escalaciones",
            get(barrier_chain),
        )
        .route("/indicadores", get(super::indicators::catalogue_json))
        .route("/indicadores/{code}", get(super::indicators::detail_json))
        .route(
            "/activos",
            get(super::register::register_json).post(super::register::save_asset_json),
        )
        .route("/equipos", post(super::register::save_team_json))
}

/// The request's context, with an invitation given in the JSON body when no other credential
/// came (scripts written before bearer tokens).
async fn with_body_token(state: &AppState, cx: RequestContext, token: &str) -> RequestContext {
    if token.trim().is_empty() || !cx.actor.is_anonymous() {
        return cx;
    }
    let now = chrono::Utc::now().timestamp();
    match state.identity.guest_of_token(token, now).await {
        Ok(guest) => RequestContext {
            actor: app::domain::identity::Actor {
                person: None,
                guest: Some(guest),
            },
            ..cx
        },
        Err(_) => cx,
    }
}

#[derive(Deserialize)]
struct EscalateBody {
    #[serde(default)]
    token: String,
    #[serde(flatten)]
    request: app::domain::escalation::EscalationRequest,
}

async fn escalate(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Json(body): Json<EscalateBody>,
) -> Result<impl IntoResponse, ApiError> {
    let cx = with_body_token(&state, cx, &body.token).await;
    let created = state.backend.escalate_barrier(&cx, body.request).await?;
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
    Extension(cx): Extension<RequestContext>,
    Path((id, action)): Path<(i64, String)>,
    Json(body): Json<ActBody>,
) -> Result<impl IntoResponse, ApiError> {
    let cx = with_body_token(&state, cx, &body.token).await;
    Ok(Json(
        state
            .backend
            .act_on_escalation(&cx, id, action, body.text, body.answer_by, body.by)
            .await?,
    ))
}

async fn escalations_of(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let inbox = state.backend.escalation_inbox(&cx, code, None).await?;
    Ok(Json(
        serde_json::json!({ "received": inbox.received, "sent": inbox.sent }),
    ))
}

async fn barrier_chain(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path((id, barrier)): Path<(i64, String)>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.barrier_chain(&cx, id, barrier).await?))
}

async fn list_mesas(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.mesa_summaries(&cx).await?))
}

/// Members' contacts only for the Mesa's coordination.
async fn mesa_detail(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.mesa_detail(&cx, &code).await?))
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
    Extension(cx): Extension<RequestContext>,
    Json(request): Json<ScheduleRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let session = state.backend.schedule_session(&cx, request).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn add_member(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(mut request): Json<MemberRequest>,
) -> Result<impl IntoResponse, ApiError> {
    request.mesa = code;
    let member = state.backend.add_member(&cx, request.validate()?).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

async fn session_detail(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.backend.session_detail(&cx, id).await?))
}

/// Starts or closes a meeting, as the session page's buttons do: the same policy decides.
async fn change_status(
    State(state): State<AppState>,
    Extension(cx): Extension<RequestContext>,
    Path((id, action)): Path<(i64, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let action = SessionAction::parse(&action).ok_or_else(|| {
        AppError::NotFound(format!(
            "Acción desconocida «{action}»: use iniciar o cerrar."
        ))
    })?;
    Ok(Json(state.backend.meeting_action(&cx, id, action).await?))
}
