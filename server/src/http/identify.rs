//! Establishes who sent each request (before any handler runs) and leaves it in the request's
//! extensions: [`Established`] for the server's own handlers, [`RequestContext`] for the pages'
//! server functions. Also exchanges an invitation link's `?token=` for a cookie: a page opened
//! with one is answered by a redirect to the same address without it, so the token leaves the
//! address bar, the history and the offline cache.

use std::net::SocketAddr;

use app::ssr::RequestContext;
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::AppState;
use super::origin::changes_state;
use crate::auth::TokenError;
use crate::identity::{INVITATION_COOKIE, Presented, SESSION_COOKIE, cookie_value};

/// Assets need no one: they are served without looking anybody up.
fn is_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path == "/favicon.svg"
        || path == "/sw.js"
        || path == "/healthz"
        || path.ends_with(".css")
}

/// `token` from a request's query (decoded as axum's `Query` decodes it).
fn query_token(uri: &axum::http::Uri) -> Option<String> {
    let Query(query) =
        Query::<std::collections::HashMap<String, String>>::try_from_uri(uri).ok()?;
    query
        .get("token")
        .filter(|value| !value.is_empty())
        .cloned()
}

/// The query without its `token`.
fn without_token(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.starts_with("token=") && !pair.is_empty())
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn identify(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_asset(&path) {
        return next.run(request).await;
    }
    let headers = request.headers();
    // Cookies are sent by the browser whatever page made the request; a state-changing request
    // without `Origin` is not a browser's, so it acts only on an explicit token (CSRF).
    let cookies_count =
        !changes_state(request.method(), headers) || headers.contains_key(header::ORIGIN);
    let cookie_header = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| cookies_count)
        .unwrap_or_default()
        .to_owned();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned());
    let from_query = query_token(request.uri());
    let token = bearer.clone().or_else(|| from_query.clone());
    let session_cookie = cookie_value(&cookie_header, SESSION_COOKIE);
    let invitation_cookie = cookie_value(&cookie_header, INVITATION_COOKIE);
    let established = state
        .identity
        .establish(Presented {
            session_cookie: session_cookie.as_deref(),
            token: token.as_deref(),
            invitation_cookie: invitation_cookie.as_deref(),
        })
        .await;
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "desconocido".into());
    let origin = state.identity.origin_of(request.headers());

    // An invitation link opened in a browser: keep the token in a cookie, drop it from the URL.
    let is_page = request.method() == Method::GET
        && !path.starts_with("/sync/")
        && !path.starts_with("/api/")
        && !path.starts_with("/tablero/")
        && !path.ends_with(".md");
    if is_page
        && bearer.is_none()
        && let Some(token) = from_query
    {
        let rest = without_token(request.uri().query().unwrap_or_default());
        return exchange(&state, &established, &token, &path, &rest).await;
    }

    let context = RequestContext {
        actor: established.actor.clone(),
        client,
        origin,
        web_session: established.web_session.clone(),
    };
    request.extensions_mut().insert(established);
    request.extensions_mut().insert(context);
    next.run(request).await
}

async fn exchange(
    state: &AppState,
    established: &crate::identity::Established,
    token: &str,
    path: &str,
    rest: &str,
) -> Response {
    let now = Utc::now().timestamp();
    let (location, cookie) = match (&established.actor.guest, &established.refused_token) {
        (Some(guest), None) => {
            let exp = state
                .identity
                .signer()
                .verify(token, now)
                .map(|claims| claims.exp)
                .unwrap_or(now);
            let by = guest.name.clone().unwrap_or_else(|| "—".into());
            if let Err(error) = state
                .store
                .note_invitation_use(&guest.nonce, &by, Utc::now())
                .await
            {
                tracing::warn!(%error, "could not note an invitation's use");
            }
            let location = if rest.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{rest}")
            };
            (location, state.identity.invitation_cookie(token, exp - now))
        }
        (_, refused) => {
            let why = match refused {
                Some(TokenError::Expired) => "vencida",
                Some(TokenError::Revoked) => "revocada",
                _ => "invalida",
            };
            (
                format!("/entrar?invitacion={why}&siguiente={}", urlencode(path)),
                state.identity.clear_cookie(INVITATION_COOKIE),
            )
        }
    };
    let mut response = (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn urlencode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(raw: &str) -> axum::http::Uri {
        raw.parse().unwrap()
    }

    #[test]
    fn the_token_is_taken_out_of_the_query() {
        assert_eq!(
            query_token(&uri("/?a=1&token=abc.def")),
            Some("abc.def".into())
        );
        assert_eq!(query_token(&uri("/?token=")), None);
        assert_eq!(query_token(&uri("/")), None);
        assert_eq!(without_token("token=x&vista=1"), "vista=1");
        assert_eq!(without_token("token=x"), "");
    }

    #[test]
    fn assets_skip_identification() {
        assert!(is_asset("/pkg/sala.wasm"));
        assert!(!is_asset("/sesiones/1"));
    }
}
