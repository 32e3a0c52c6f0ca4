//! Cross-site requests are refused before anything happens: a browser names the page a request
//! comes from in `Origin`, and a state-changing request (or a board's WebSocket upgrade) from
//! another site is answered 403. Requests without `Origin` (scripts, the CLI, foreign Yjs
//! clients) pass here; what they may do is their invitation's business.

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
        if !same_origin(origin, host) {
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
    fn reads_pass_writes_and_upgrades_are_checked() {
        let none = HeaderMap::new();
        assert!(!changes_state(&Method::GET, &none));
        assert!(changes_state(&Method::POST, &none));
        let mut upgrade = HeaderMap::new();
        upgrade.insert(header::UPGRADE, "websocket".parse().unwrap());
        assert!(changes_state(&Method::GET, &upgrade));
    }
}
