//! HTTP: the Leptos pages, their server functions, a small JSON API and static assets, on one axum
//! router built from one [`AppState`].

mod api;
pub mod assets;
mod backend;
pub mod budget;
mod calendars;
mod clustered;
pub mod dashboard;
mod error;
mod evidence;
mod identify;
mod indicators;
mod listener;
pub mod metrics;
mod origin;
mod register;
mod session_events;
pub mod sockets;
mod sso;
pub mod sync_socket;
mod uploads;

use std::sync::Arc;

use app::ssr::{
    SharedAccounts, SharedActas, SharedBackend, SharedEvidence, SharedIndicators, SharedMailroom,
    SharedRegister, SharedVotes,
};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::Signer;
use crate::dashboards::Dashboards;
use crate::identity::{Identity, IdentityConfig};
use crate::indicators::Imports;
use crate::projection::Projections;
use crate::store::Store;
use crate::sync::{SyncHub, SyncLimits};

pub use backend::{SessionChanges, StoreBackend, Topic};
pub use error::ApiError;
pub use listener::{HttpLimits, serve};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub backend: SharedBackend,
    pub accounts: SharedAccounts,
    pub indicators: SharedIndicators,
    pub register: SharedRegister,
    pub actas: SharedActas,
    pub votes: SharedVotes,
    pub evidence: SharedEvidence,
    pub mailroom: SharedMailroom,
    pub session_changes: SessionChanges,
    pub imports: Imports,
    pub signer: Signer,
    pub identity: Identity,
    pub sockets: sockets::Sockets,
    pub sync: SyncHub,
    pub projections: Projections,
    pub dashboards: Dashboards,
    #[from_ref(skip)]
    pub limits: HttpLimits,
    /// Open board sockets, per client address and in all.
    #[from_ref(skip)]
    pub socket_budget: budget::ConnectionBudget,
    /// Open dashboard event streams, per client address and in all.
    #[from_ref(skip)]
    pub stream_budget: budget::ConnectionBudget,
}

impl AppState {
    /// Must be called inside the Tokio runtime (the sync hub starts its committer task).
    pub fn new(
        leptos_options: LeptosOptions,
        store: Store,
        signer: Signer,
        limits: SyncLimits,
        durable: bool,
    ) -> Self {
        Self::with_identity(
            leptos_options,
            store,
            signer,
            limits,
            durable,
            IdentityConfig::default(),
        )
    }

    pub fn with_identity(
        leptos_options: LeptosOptions,
        store: Store,
        signer: Signer,
        limits: SyncLimits,
        durable: bool,
        identity: IdentityConfig,
    ) -> Self {
        Self::with_mail(
            leptos_options,
            store,
            signer,
            limits,
            durable,
            identity,
            crate::mail::Postman::default(),
        )
    }

    /// The whole state, with the mail's postman (`Postman::default()`: no mail).
    pub fn with_mail(
        leptos_options: LeptosOptions,
        store: Store,
        signer: Signer,
        limits: SyncLimits,
        durable: bool,
        identity: IdentityConfig,
        postman: crate::mail::Postman,
    ) -> Self {
        let sync = SyncHub::new(store.clone(), limits, durable);
        let projections = crate::projection::start(store.clone(), sync.clone());
        let dashboards = Dashboards::new(store.clone(), projections.clone());
        let identity = Identity::new(store.clone(), signer.clone(), identity);
        let sockets = sockets::Sockets::default();
        let imports = Imports::new(store.clone(), crate::indicators::bogota());
        let implementation = Arc::new(
            StoreBackend::new(
                store.clone(),
                sync.clone(),
                identity.clone(),
                sockets.clone(),
                projections.clone(),
                dashboards.clone(),
                imports.clone(),
            )
            .with_postman(postman),
        );
        let session_changes = implementation.session_changes();
        if let Some(cluster) = crate::cluster::Cluster::join(&store, &sync) {
            clustered::connect(&cluster, &projections, &session_changes, &sync);
        }
        let backend: SharedBackend = implementation.clone();
        let indicators: SharedIndicators = implementation.clone();
        let register: SharedRegister = implementation.clone();
        let actas: SharedActas = implementation.clone();
        let votes: SharedVotes = implementation.clone();
        let evidence: SharedEvidence = implementation.clone();
        let mailroom: SharedMailroom = implementation.clone();
        let accounts: SharedAccounts = implementation;
        Self {
            leptos_options,
            store,
            backend,
            accounts,
            indicators,
            register,
            actas,
            votes,
            evidence,
            mailroom,
            session_changes,
            imports,
            signer,
            identity,
            sockets,
            sync,
            projections,
            dashboards,
            socket_budget: HttpLimits::default().socket_budget(),
            stream_budget: HttpLimits::default().stream_budget(),
            limits: HttpLimits::default(),
        }
    }

    /// The same state under other HTTP limits.
    pub fn with_http_limits(mut self, limits: HttpLimits) -> Self {
        self.socket_budget = limits.socket_budget();
        self.stream_budget = limits.stream_budget();
        self.limits = limits;
        self
    }
}

const UPLOAD_BODY_BYTES: usize = 2 * crate::indicators::MAX_UPLOAD_BYTES + 64 * 1024;

/// The whole application, ready for `axum::serve` or for `tower::ServiceExt::oneshot` in tests.
pub fn router(state: AppState) -> Router {
    // Generated once per process: while Leptos generates a route list it suspends resource loading
    // process-wide, so a page rendered by another server in the same process (the integration
    // tests start many) could hang forever (leptos-rs/leptos#4773).
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let backend = state.backend.clone();
    let accounts = state.accounts.clone();
    let indicators = state.indicators.clone();
    let register = state.register.clone();
    let actas = state.actas.clone();
    let votes = state.votes.clone();
    let evidence = state.evidence.clone();
    let mailroom = state.mailroom.clone();
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/entrar/sso", get(sso::start))
        .route("/entrar/sso/respuesta", get(sso::callback))
        .route("/admin/auditoria.csv", get(audit_csv))
        .route("/sync/{session_id}", get(sync_socket::sync_socket))
        .route("/sesiones/{session_id}/acta.md", get(acta_markdown))
        .route("/sesiones/{session_id}/acta.pdf", get(acta_pdf))
        .route("/sesiones/{id}/sesion.ics", get(calendars::session_ics))
        .route("/sesiones/{id}/eventos", get(session_events::events))
        .route(
            "/sesiones/{id}/evidencias/{evidence}",
            get(evidence::download),
        )
        .route("/calendario/{file}", get(calendars::feed_ics))
        .route("/api/v1/tablero", get(dashboard::json))
        .route("/tablero/graficos/{file}", get(dashboard::chart))
        .route("/tablero/datos/{file}", get(dashboard::csv))
        .route("/tablero/exportar.xlsx", get(dashboard::xlsx))
        .route("/tablero/eventos", get(dashboard::events))
        .route("/indicadores/archivos/{file}", get(uploads::template_file))
        .route("/activos/archivos/{file}", get(uploads::register_template))
        .route("/indicadores/{code}/{file}", get(indicators::drawing))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(backend.clone());
                provide_context(accounts.clone());
                provide_context(indicators.clone());
                provide_context(register.clone());
                provide_context(actas.clone());
                provide_context(votes.clone());
                provide_context(evidence.clone());
                provide_context(mailroom.clone());
            },
            move || shell(options.clone()),
        )
        .merge(assets::routes(std::path::Path::new(
            &*state.leptos_options.site_root,
        )))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Pages, downloads, sockets and streams take no body.
        .layer(RequestBodyLimitLayer::new(state.limits.read_body_bytes))
        .merge(
            Router::new()
                .nest("/api/v1", api::routes())
                .route("/api/{*fn_name}", get(server_fn).post(server_fn))
                .route(
                    "/indicadores/importaciones/{id}/{action}",
                    axum::routing::post(indicators::act_on_upload),
                )
                .layer(RequestBodyLimitLayer::new(state.limits.write_body_bytes)),
        )
        .merge(
            // A file and its DHIS2 mapping, each up to the import's limit, plus the form.
            Router::new()
                .route(
                    "/indicadores/importar",
                    axum::routing::post(uploads::upload),
                )
                .route(
                    "/activos/importar",
                    axum::routing::post(uploads::register_upload),
                )
                .route("/activos/cargas", axum::routing::post(register::upload_raw))
                .route(
                    "/indicadores/importaciones",
                    axum::routing::post(indicators::stage_raw),
                )
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_BYTES))
                .layer(RequestBodyLimitLayer::new(UPLOAD_BODY_BYTES)),
        )
        .merge(
            // One evidence file as the body; past the limit the handler answers 413 in Spanish.
            Router::new()
                .route(
                    "/sesiones/{id}/evidencias",
                    axum::routing::post(evidence::upload),
                )
                .layer(axum::extract::DefaultBodyLimit::max(
                    state.limits.evidence_bytes,
                )),
        )
        // Assets keep their names across releases, so browsers revalidate (Last-Modified → 304)
        // instead of trusting a stale copy; pages are dynamic anyway.
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-cache"),
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            identify::identify,
        ))
        .layer(axum::middleware::from_fn(origin::refuse_foreign_origin))
        // Every response: no sniffing, no framing by other sites, no `Referer` (a link followed
        // from a board must not carry its invitation along), no plugins or `<base>` tricks.
        // Pages set their own, stricter policy with the response's script nonce (`app::shell`).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'; object-src 'none'; base-uri 'none'"),
        ))
        // Browsers that reached Sala over https keep to https (a year), once configured so.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            state
                .identity
                .config()
                .https
                .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        ))
        // Spans name the path, never the query: invitations travel as `?token=`; a calendar
        // feed's secret is its path, so it is left out too.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let path = request.uri().path();
                let path = if path.starts_with("/calendario/") {
                    "/calendario/…"
                } else {
                    path
                };
                tracing::info_span!("request", method = %request.method(), path = %path)
            }),
        )
        .with_state(state)
}

/// The audit log as CSV (the administration's filter in the query).
async fn audit_csv(
    State(state): State<AppState>,
    axum::Extension(cx): axum::Extension<app::ssr::RequestContext>,
    axum::extract::Query(query): axum::extract::Query<AuditCsvQuery>,
) -> Result<axum::response::Response, ApiError> {
    let query = app::domain::identity::AuditQuery {
        actor: query.actor,
        action: query.accion,
        from: query.desde,
        to: query.hasta,
    };
    let entries = state.accounts.audit(&cx, query).await?;
    let csv = app::domain::identity::audit_table(&entries)
        .csv(app::domain::dashboard::CsvFormat::Spreadsheet);
    Ok(dashboard::download(
        csv,
        "text/csv; charset=utf-8",
        "auditoria.csv",
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AuditCsvQuery {
    actor: String,
    accion: String,
    desde: String,
    hasta: String,
}

/// The acta as a Markdown download.
async fn acta_markdown(
    State(state): State<AppState>,
    axum::Extension(cx): axum::Extension<app::ssr::RequestContext>,
    axum::extract::Path(session_id): axum::extract::Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let acta = state.backend.acta(&cx, session_id).await?;
    let file = format!("acta-{}-{}.md", acta.mesa_code, acta.number);
    Ok(dashboard::download(
        acta.markdown(),
        "text/markdown; charset=utf-8",
        &file,
    ))
}

/// The acta as a PDF download, drawn on a blocking thread (a long acta takes milliseconds of
/// CPU that the sockets should not wait for).
async fn acta_pdf(
    State(state): State<AppState>,
    axum::Extension(cx): axum::Extension<app::ssr::RequestContext>,
    axum::extract::Path(session_id): axum::extract::Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let acta = state.backend.acta(&cx, session_id).await?;
    let file = format!("acta-{}-{}.pdf", acta.mesa_code, acta.number);
    let failed = |error: &dyn std::fmt::Display| {
        tracing::error!(session_id, %error, "the acta's PDF failed");
        ApiError::App(app::error::AppError::Internal(
            "no se pudo generar el PDF del acta; descargue el Markdown".into(),
        ))
    };
    let pdf = tokio::task::spawn_blocking(move || crate::pdf::acta_pdf(&acta))
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| failed(&e))?;
    Ok(dashboard::download(pdf, "application/pdf", &file))
}

async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    let backend = state.backend.clone();
    let accounts = state.accounts.clone();
    let indicators = state.indicators.clone();
    let register = state.register.clone();
    let actas = state.actas.clone();
    let votes = state.votes.clone();
    let evidence = state.evidence.clone();
    let mailroom = state.mailroom.clone();
    handle_server_fns_with_context(
        move || {
            provide_context(backend.clone());
            provide_context(accounts.clone());
            provide_context(indicators.clone());
            provide_context(register.clone());
            provide_context(actas.clone());
            provide_context(votes.clone());
            provide_context(evidence.clone());
            provide_context(mailroom.clone());
        },
        request,
    )
    .await
}
