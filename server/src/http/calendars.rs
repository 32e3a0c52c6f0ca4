//! Calendars over HTTP: one session's `.ics` (dates are public) and the private feeds calendar
//! applications subscribe to (`/calendario/{token}.ics`; the token in the URL is the only
//! credential such an application can send, so a wrong or revoked one is simply not found).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::AppState;
use super::backend::feed_calendar;
use super::error::ApiError;
use crate::calendar::{calendar, session_event};

const ICS: &str = "text/calendar; charset=utf-8";

/// `/sesiones/{id}/sesion.ics`: one session, to add to a calendar.
pub async fn session_ics(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let detail = state.store.session_detail(id).await?;
    let origin = state.identity.origin_of(&headers);
    let event = session_event(&detail.session, &detail.mesa.name, &origin, Utc::now());
    let ics = calendar(&detail.mesa.name, vec![event]);
    let file = format!("sesion-{}-{}.ics", detail.mesa.code, detail.session.seq);
    Ok(super::dashboard::download(ics, ICS, &file))
}

/// `/calendario/{token}.ics`: a subscription, read by calendar applications every few hours.
pub async fn feed_ics(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let origin = state.identity.origin_of(&headers);
    match feed_calendar(&state.store, token, &origin).await? {
        Some(ics) => {
            let mut response = ([(axum::http::header::CONTENT_TYPE, ICS)], ics).into_response();
            // private: no shared cache may keep someone's commitments
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("private, max-age=300"),
            );
            Ok(response)
        }
        None => Err(ApiError::not_found(
            "Este calendario no existe o fue revocado: pida uno nuevo en «Mi cuenta».",
        )),
    }
}
