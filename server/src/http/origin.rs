//! Cross-site requests are refused before anything happens: a browser names the page a request
//! comes from in `Origin`, and a state-changing request (or a board's WebSocket upgrade) from
//! another site is answered 403. Requests without `Origin` (scripts, the CLI, foreign Yjs
//! clients) pass here; what they may do is their invitation's business. Sala's pages send no
//! `Referer` (`Referrer-Policy: no-referrer`), under which a browser writes `Origin: null` on a
//! plain form's post; such a post is Sala's own when the browser's `Sec-Fetch-Site` (which no
//! page can set) says `same-origin`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether `origin` (`https://sala.example.org[:port]`) names the same host as `host` (the
/// request's `Host`, as the browser sent it).
pub fn same_origin(origin: &str, host: &str) -> bool {
    let authority = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or_default()
        .trim_end_matches('/');
    !authority.is_empty() && authority.eq_ignore_ascii_case(host.trim())
}

/// `Origin: null` with `Sec-Fetch-Site: same-origin`: a form of one of Sala's own pages, posted
/// under its no-referrer policy (an indicator file's upload). A sandboxed frame elsewhere sends
/// `null` too, but with `cross-site`.
pub fn own_form_post(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    header("origin") == Some("null") && header("sec-fetch-site") == Some("same-origin")
}

pub fn changes_state(method: &Method, headers: &HeaderMap) -> bool {
    let upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    upgrade || !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn refuse_foreign_origin(request: Request<Body>, next: Next) -> Response {
    let headers = request.headers();
    if changes_state(request.method(), headers)
        && let Some(origin) = headers.get(header::ORIGIN)
    {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let origin = origin.to_str().unwrap_or("null");
        if !same_origin(origin, host) && !own_form_post(headers) {
            tracing::warn!(origin, host, "cross-site request refused");
            return (
                StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({
                    "error": "Solicitud rechazada: viene de otro sitio. Abra Sala desde su propia dirección."
                })),
            )
                .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_host_is_the_same_origin() {
        assert!(same_origin("http://127.0.0.1:3000", "127.0.0.1:3000"));
        assert!(same_origin("https://Sala.Example.org", "sala.example.org"));
        assert!(!same_origin("https://evil.example", "sala.example.org"));
        assert!(!same_origin("http://127.0.0.1:3001", "127.0.0.1:3000"));
        assert!(!same_origin("null", "127.0.0.1:3000"), "sandboxed frames");
        assert!(!same_origin(
            "http://sala.example.org.evil.example",
            "sala.example.org"
        ));
    }

    #[test]
    fn a_null_origin_is_sala_s_own_form_only_when_the_browser_says_so() {
        let headers = |origin: &str, site: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(header::ORIGIN, origin.parse().unwrap());
            if let Some(site) = site {
                h.insert("sec-fetch-site", site.parse().unwrap());
            }
            h
        };
        assert!(own_form_post(&headers("null", Some("same-origin"))));
        assert!(!own_form_post(&headers("null", Some("cross-site"))));
        assert!(!own_form_post(&headers("null", Some("same-site"))));
        assert!(!own_form_post(&headers("null", None)));
        assert!(!own_form_post(&headers(
            "https://evil.example",
            Some("same-origin")
        )));
    }

    #[test]
    fn reads_pass_writes_and_upgrades_are_checked() {
        let none = HeaderMap::new();
        assert!(!changes_state(&Method::GET, &none));
        assert!(changes_state(&Method::POST, &none));
        let mut upgrade = HeaderMap::new();
        upgrade.insert(header::UPGRADE, "websocket".parse().unwrap());
        assert!(changes_state(&Method::GET, &upgrade));
    }
}
