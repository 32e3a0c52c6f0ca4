//! `GET /entrar/sso` sends the browser to the institution's identity provider;
//! `GET /entrar/sso/respuesta` is where it comes back (authorization code + PKCE). Either way the
//! browser ends on a page of Sala: signed in, or on the sign-in page saying why not.

use app::domain::identity::safe_next_path;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use super::AppState;
use crate::identity::SsoError;
use crate::oidc::PendingSignIn;

#[derive(Deserialize)]
pub struct Start {
    siguiente: Option<String>,
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    /// The provider's refusal (`access_denied` when the person cancels).
    error: Option<String>,
}

fn see_other(location: &str, cookie: Option<&str>) -> Response {
    let mut response = (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location.to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response();
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn refused(why: &str) -> Response {
    see_other(&format!("/entrar?sso={why}"), None)
}

pub async fn start(State(state): State<AppState>, Query(query): Query<Start>) -> Response {
    let Some(sso) = state.identity.config().sso.clone() else {
        return (
            StatusCode::NOT_FOUND,
            "El inicio de sesión institucional no está configurado.",
        )
            .into_response();
    };
    let client = match sso.client().await {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "identity provider unavailable");
            return refused("fallo");
        }
    };
    let (url, pending) = client.begin();
    let next = safe_next_path(query.siguiente.as_deref().unwrap_or("/"));
    let stored = match serde_json::to_string(&pending) {
        Ok(json) => {
            state
                .store
                .put_oidc_pending(pending.state(), &json, &next, Utc::now().timestamp())
                .await
        }
        Err(error) => {
            tracing::error!(%error, "could not keep a sign-in in flight");
            return refused("fallo");
        }
    };
    if let Err(error) = stored {
        tracing::error!(%error, "could not keep a sign-in in flight");
        return refused("fallo");
    }
    see_other(&url, None)
}

pub async fn callback(State(state): State<AppState>, Query(query): Query<Callback>) -> Response {
    if query.error.is_some() {
        return refused("cancelado");
    }
    let (Some(code), Some(returned_state)) = (query.code, query.state) else {
        return refused("vencido");
    };
    match finish(&state, &code, &returned_state).await {
        Ok((cookie, next)) => see_other(&next, Some(&cookie)),
        Err(error) => {
            tracing::warn!(%error, "single sign-on refused");
            refused(error.code())
        }
    }
}

async fn finish(
    state: &AppState,
    code: &str,
    returned_state: &str,
) -> Result<(String, String), SsoError> {
    let sso = state
        .identity
        .config()
        .sso
        .clone()
        .ok_or(SsoError::UnknownState)?;
    let (json, next) = state
        .store
        .take_oidc_pending(returned_state)
        .await?
        .ok_or(SsoError::UnknownState)?;
    let pending: PendingSignIn = serde_json::from_str(&json).map_err(|_| SsoError::UnknownState)?;
    let verified = sso
        .client()
        .await?
        .finish(pending, code, returned_state)
        .await?;
    let signed_in = state.identity.sign_in_verified(&verified).await?;
    let actor = format!(
        "cuenta:{} ({})",
        signed_in.account.id, signed_in.account.name
    );
    if let Err(error) = state
        .store
        .audit(
            &actor,
            "inicio de sesión (institucional)",
            &signed_in.account.email,
            &verified.issuer,
            Utc::now(),
        )
        .await
    {
        tracing::error!(%error, "could not write the audit log");
    }
    Ok((signed_in.set_cookie, next))
}
