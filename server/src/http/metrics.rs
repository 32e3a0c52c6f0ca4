//! `/metrics` in Prometheus' text format (OpenMetrics), on its own address (`--metrics-addr`),
//! off by default: it says how busy the server is, which is nobody's business on the public port.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::AppState;

/// Everything the server counts, as of now.
pub fn render(state: &AppState) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();
    state.sync.metrics().register(&mut registry);
    let now = |value: usize| {
        let gauge: Gauge = Gauge::default();
        gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
        gauge
    };
    registry.register(
        "sala_rooms_loaded",
        "Tableros cargados en memoria",
        now(state.sync.loaded_rooms()),
    );
    registry.register(
        "sala_board_sockets",
        "Conexiones de tablero abiertas",
        now(state.socket_budget.in_use()),
    );
    registry.register(
        "sala_event_streams",
        "Tableros de indicadores en vivo (SSE) abiertos",
        now(state.stream_budget.in_use()),
    );
    let mut text = String::new();
    encode(&mut text, &registry)?;
    Ok(text)
}

async fn metrics(State(state): State<AppState>) -> Response {
    match render(&state) {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            )],
            text,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "no se pudieron leer las métricas",
        )
            .into_response(),
    }
}

/// The metrics listener's whole router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}
