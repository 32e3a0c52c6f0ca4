//! Calendars over HTTP: one session's `.ics` (dates are public) and the private feeds calendar
//! applications subscribe to (`/calendario/{token}.ics`; the token in the URL is the only
//! credential such an application can send, so a wrong or revoked one is simply not found).

use app::domain::fold;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use icalendar::Event;

use super::AppState;
use super::error::ApiError;
use crate::calendar::{DueCommitment, calendar, commitment_event, session_event};
use crate::identity::secrets::digest;
use crate::store::{FeedTarget, Store, StoreError};

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

/// The calendar behind `token`, or `None` when it does not exist or was revoked.
/// The calendar behind `token`, or `None` when it does not exist or was revoked.
pub async fn feed_calendar(
    store: &Store,
    token: &str,
    origin: &str,
) -> Result<Option<String>, StoreError> {
    let now = Utc::now();
    let Some(target) = store.use_calendar_feed(&digest(token), now).await? else {
        return Ok(None);
    };
    let FeedTarget {
        account_id,
        mesa_code,
    } = target;
    // a deactivated person's feeds stop with their account
    let account = store.account(account_id).await?.account;
    if !account.active {
        return Ok(None);
    }
    if let Some(code) = mesa_code {
        let mesa = store.get_mesa(&code).await?;
        let events = store
            .list_sessions(Some(&code))
            .await?
            .iter()
            .map(|s| session_event(s, &mesa.name, origin, now))
            .collect();
        return Ok(Some(calendar(&format!("Sesiones · {}", mesa.name), events)));
    }
    // One's own: the sessions of every Mesa one has a role on, and the open commitments
    // there whose responsible is one's name (commitments name people as typed).
    let me = fold(account.name.trim());
    let mut events: Vec<Event> = Vec::new();
    for grant in &account.roles {
        let mesa = store.get_mesa(&grant.mesa).await?;
        for session in store.list_sessions(Some(&grant.mesa)).await? {
            events.push(session_event(&session, &mesa.name, origin, now));
        }
        for carried in store.open_commitments(&grant.mesa, i64::MAX).await? {
            let c = &carried.commitment;
            let responsible = fold(c.responsible.trim());
            let Some(due) = c.due else { continue };
            if me.is_empty() || !responsible.contains(&me) {
                continue;
            }
            events.push(commitment_event(
                &DueCommitment {
                    id: c.id.clone(),
                    description: c.description.clone(),
                    due,
                    mesa_name: mesa.name.clone(),
                    session_id: carried.session_id,
                },
                origin,
                now,
            ));
        }
    }
    Ok(Some(calendar(&format!("Sala · {}", account.name), events)))
}
