//! `sala serve`: its flags (with environment fallbacks), start-up (identity, single sign-on,
//! the first administrator) and graceful shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use leptos::config::{Env, LeptosOptions};
use tokio::net::TcpListener;

use super::{DataArgs, admin};
use crate::http::{self, AppState, HttpLimits};
use crate::sync::SyncLimits;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Dirección y puerto donde escuchar.
    #[arg(long, env = "SALA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    #[command(flatten)]
    pub data: DataArgs,

    /// Carpeta con los recursos del navegador que publica `xtask site` (build.json, pkg/, favicon, …).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Tamaño máximo de un mensaje del tablero, en bytes.
    #[arg(long, env = "SALA_MAX_FRAME_BYTES", default_value_t = SyncLimits::default().max_frame_bytes)]
    pub max_frame_bytes: usize,

    /// Mensajes por segundo permitidos a cada conexión (con ráfagas del doble).
    #[arg(long, env = "SALA_MAX_MESSAGES_PER_SECOND", default_value_t = SyncLimits::default().max_messages_per_second)]
    pub max_messages_per_second: u32,

    /// Conexiones que pueden editar, simultáneas por tablero.
    #[arg(long, env = "SALA_MAX_WRITERS_PER_ROOM", default_value_t = SyncLimits::default().max_writers_per_room)]
    pub max_writers_per_room: usize,

    /// Conexiones de solo lectura (observadores, proyectores), simultáneas por tablero; se cuentan
    /// aparte de las que editan.
    #[arg(long, env = "SALA_MAX_READERS_PER_ROOM", default_value_t = SyncLimits::default().max_readers_per_room)]
    pub max_readers_per_room: usize,

    /// Tamaño máximo guardado de un tablero, en MiB.
    #[arg(long, env = "SALA_MAX_BOARD_MIB", default_value_t = SyncLimits::default().max_board_bytes / (1024 * 1024))]
    pub max_board_mib: u64,

    /// Crecimiento máximo de un tablero, en MiB por minuto.
    #[arg(long, env = "SALA_MAX_BOARD_MIB_PER_MINUTE", default_value_t = SyncLimits::default().max_board_bytes_per_minute / (1024 * 1024))]
    pub max_board_mib_per_minute: u64,

    /// Conexiones de tablero abiertas desde una misma dirección (una oficina entera puede salir
    /// por una sola).
    #[arg(long, env = "SALA_MAX_SOCKETS_PER_CLIENT", default_value_t = HttpLimits::default().sockets_per_client)]
    pub max_sockets_per_client: usize,

    /// Conexiones de tablero abiertas en todo el servidor.
    #[arg(long, env = "SALA_MAX_SOCKETS", default_value_t = HttpLimits::default().sockets_total)]
    pub max_sockets: usize,

    /// Tableros de indicadores en vivo (eventos) abiertos desde una misma dirección.
    #[arg(long, env = "SALA_MAX_STREAMS_PER_CLIENT", default_value_t = HttpLimits::default().streams_per_client)]
    pub max_streams_per_client: usize,

    /// Tableros de indicadores en vivo (eventos) abiertos en todo el servidor.
    #[arg(long, env = "SALA_MAX_STREAMS", default_value_t = HttpLimits::default().streams_total)]
    pub max_streams: usize,

    /// Tamaño máximo de cada archivo de evidencia (MiB).
    #[arg(long, env = "SALA_MAX_EVIDENCE_MIB", default_value_t = 10)]
    pub max_evidence_mib: usize,

    /// Segundos que tiene un cliente para enviar los encabezados de su solicitud.
    #[arg(long, env = "SALA_HEADER_TIMEOUT_SECS", default_value_t = HttpLimits::default().header_read_timeout.as_secs())]
    pub header_timeout_secs: u64,

    /// Mensajes en cola para una conexión antes de forzarla a resincronizar.
    #[arg(long, env = "SALA_OUTBOUND_QUEUE", default_value_t = SyncLimits::default().outbound_queue)]
    pub outbound_queue: usize,

    /// Segundos que un tablero sigue cargado tras salir su último participante.
    #[arg(long, env = "SALA_EVICT_AFTER_SECS", default_value_t = SyncLimits::default().evict_after.as_secs())]
    pub evict_after_secs: u64,

    /// Espera adicional de la escritura agrupada (group commit) en milisegundos. Con 0 (por
    /// omisión) cada lote se guarda enseguida y las ediciones que llegan mientras tanto comparten
    /// la transacción siguiente; un valor mayor ahorra CPU con muchas salas a costa de latencia.
    #[arg(long, env = "SALA_COMMIT_WINDOW_MS", default_value_t = 0)]
    pub commit_window_ms: u64,

    /// Dirección pública de Sala (p. ej. https://sala.saludcapital.gov.co): los enlaces que Sala
    /// entrega empiezan así; con https las cookies llevan `Secure` y se envía HSTS.
    #[arg(long, env = "SALA_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Horas sin uso tras las que una sesión iniciada (cookie) termina.
    #[arg(long, env = "SALA_SESSION_IDLE_HOURS", default_value_t = 12)]
    pub session_idle_hours: i64,

    /// Días tras los que una sesión iniciada termina aunque se use.
    #[arg(long, env = "SALA_SESSION_MAX_DAYS", default_value_t = 7)]
    pub session_max_days: i64,

    /// Inicio de sesión institucional (OpenID Connect): URL del emisor, exactamente como la
    /// publica el proveedor (p. ej. https://login.subredsur.gov.co/realms/salud).
    #[arg(long, env = "SALA_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,

    /// Identificador del cliente registrado en el proveedor.
    #[arg(long, env = "SALA_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,

    /// Secreto del cliente (mejor por variable de entorno que por argumento).
    #[arg(
        long,
        env = "SALA_OIDC_CLIENT_SECRET",
        hide_env_values = true,
        requires = "oidc_issuer"
    )]
    pub oidc_client_secret: Option<String>,

    /// Dirección de retorno registrada en el proveedor (por omisión
    /// <dirección pública>/entrar/sso/respuesta).
    #[arg(long, env = "SALA_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,

    /// Texto del botón de la página de inicio de sesión.
    #[arg(
        long,
        env = "SALA_OIDC_LABEL",
        default_value = "Entrar con la cuenta institucional"
    )]
    pub oidc_label: String,

    /// Servidor de correo (SMTP) para convocatorias, recordatorios y actas aprobadas, p. ej.
    /// smtp://usuario:clave@smtp.entidad.gov.co:587?tls=required o smtps://…:465. Sin él no se
    /// envía ningún correo (y las páginas lo dicen).
    #[arg(
        long,
        env = "SALA_SMTP_URL",
        hide_env_values = true,
        requires = "mail_from"
    )]
    pub smtp_url: Option<String>,

    /// Remitente de los correos, p. ej. «Sala situacional <sala@entidad.gov.co>».
    #[arg(long, env = "SALA_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Días antes del vencimiento en que se recuerda un compromiso a su responsable (además
    /// del día siguiente al vencimiento).
    #[arg(
        long,
        env = "SALA_REMINDER_DAYS",
        value_delimiter = ',',
        default_values_t = crate::mail::reminders::DEFAULT_DAYS_BEFORE
    )]
    pub reminder_days: Vec<i64>,

    /// Hora (de Bogotá) desde la que salen los recordatorios del día.
    #[arg(long, env = "SALA_REMINDER_HOUR", default_value_t = 7)]
    pub reminder_hour: u32,

    /// Segundos que puede durar un envío SMTP.
    #[arg(long, hide = true, default_value_t = 30)]
    pub mail_send_timeout_secs: u64,

    /// Correo de la primera cuenta de administración, creada si la base no tiene ninguna.
    #[arg(long, env = "SALA_ADMIN_EMAIL", default_value = "admin@sala.local")]
    pub admin_email: String,

    /// Dirección donde publicar /metrics (Prometheus), p. ej. 127.0.0.1:9464. Sin ella no se
    /// publican: dicen cuánto trabaja el servidor, y eso no es asunto del puerto público.
    #[arg(long, env = "SALA_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Varios servidores sobre una misma base PostgreSQL (detrás de un balanceador; ver
    /// docs/deploy.md). Con PostgreSQL los tableros siempre se comparten; con SQLite este modo
    /// se rechaza al arrancar.
    #[arg(long, env = "SALA_CLUSTER")]
    pub cluster: bool,

    /// Solo para benchmarks: tableros en memoria, sin guardar nada. Nunca en sesiones reales.
    #[arg(long, hide = true)]
    pub unsafe_in_memory_boards: bool,
}

impl ServeArgs {
    fn http_limits(&self) -> HttpLimits {
        HttpLimits {
            sockets_per_client: self.max_sockets_per_client,
            sockets_total: self.max_sockets,
            streams_per_client: self.max_streams_per_client,
            streams_total: self.max_streams,
            header_read_timeout: std::time::Duration::from_secs(self.header_timeout_secs.max(1)),
            evidence_bytes: self.max_evidence_mib.clamp(1, 1024) * 1024 * 1024,
            ..HttpLimits::default()
        }
    }

    fn limits(&self) -> SyncLimits {
        SyncLimits {
            max_frame_bytes: self.max_frame_bytes,
            max_messages_per_second: self.max_messages_per_second,
            max_writers_per_room: self.max_writers_per_room,
            max_readers_per_room: self.max_readers_per_room,
            max_board_bytes: self.max_board_mib.max(1) * 1024 * 1024,
            max_board_bytes_per_minute: self.max_board_mib_per_minute.max(1) * 1024 * 1024,
            outbound_queue: self.outbound_queue.max(1),
            evict_after: std::time::Duration::from_secs(self.evict_after_secs),
            commit_window: std::time::Duration::from_millis(self.commit_window_ms),
            ..SyncLimits::default()
        }
    }
}

pub(super) async fn serve(args: ServeArgs) -> Result<()> {
    let store = args.data.open_store().await?;
    // Held while serving: a second server on the same SQLite file would keep its own rooms, and
    // the two would never hear each other.
    let _single_server = single_server_guard(&store, args.cluster)?;
    let signer = args.data.signer()?;
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("no se pudo escuchar en {}", args.addr))?;
    let addr = listener.local_addr()?;
    let pkg_dir = crate::http::assets::published_bundle(&args.site_root).unwrap_or_else(|error| {
        tracing::warn!(%error, "pages render but will not hydrate (build with `make run`)");
        "pkg".to_owned()
    });
    let leptos_options = LeptosOptions::builder()
        .output_name("sala")
        .site_root(args.site_root.to_string_lossy().into_owned())
        .site_pkg_dir(pkg_dir)
        .site_addr(addr)
        .env(Env::PROD)
        .build();
    tracing::info!(%addr, engine = ?store.engine(), "Sala escuchando en http://{addr}");
    if args.unsafe_in_memory_boards {
        tracing::warn!(
            "boards are kept in memory only: nothing typed on a board survives a restart"
        );
    }
    let durable = !args.unsafe_in_memory_boards;
    let public_url = args
        .public_url
        .clone()
        .filter(|url| !url.trim().is_empty())
        .map(|url| url.trim().trim_end_matches('/').to_owned());
    let base = public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let sso = match (
        &args.oidc_issuer,
        &args.oidc_client_id,
        &args.oidc_client_secret,
    ) {
        (Some(issuer), Some(client_id), Some(client_secret)) => {
            tracing::info!(%issuer, "single sign-on configured");
            Some(crate::identity::SingleSignOn::new(
                crate::oidc::OidcConfig {
                    issuer: issuer.clone(),
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                    redirect_url: args
                        .oidc_redirect_url
                        .clone()
                        .unwrap_or_else(|| format!("{base}/entrar/sso/respuesta")),
                },
                args.oidc_label.clone(),
            ))
        }
        (Some(_), _, _) => anyhow::bail!(
            "--oidc-issuer necesita --oidc-client-id y --oidc-client-secret (o SALA_OIDC_CLIENT_ID y SALA_OIDC_CLIENT_SECRET)"
        ),
        _ => None,
    };
    let identity = crate::identity::IdentityConfig {
        sso,
        idle_secs: args.session_idle_hours.max(1) * 3600,
        absolute_secs: args.session_max_days.max(1) * 86_400,
        https: public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://")),
        public_url: public_url.clone(),
    };
    let postman = match (&args.smtp_url, &args.mail_from) {
        (Some(smtp_url), Some(from)) => {
            let postman = crate::mail::start(
                store.clone(),
                crate::mail::MailConfig {
                    smtp_url: smtp_url.clone(),
                    from: from.clone(),
                    origin: base.clone(),
                    send_timeout: std::time::Duration::from_secs(
                        args.mail_send_timeout_secs.max(1),
                    ),
                    reminder_days: args.reminder_days.clone(),
                    reminder_hour: args.reminder_hour.min(23),
                },
            )?;
            tracing::info!(from = postman.sender(), "mail configured");
            postman
        }
        _ => {
            tracing::info!("no SMTP server configured (--smtp-url): no mail will be sent");
            crate::mail::Postman::default()
        }
    };
    let state = AppState::with_mail(
        leptos_options,
        store.clone(),
        signer,
        args.limits(),
        durable,
        identity,
        postman,
    )
    .with_http_limits(args.http_limits());
    admin::first_start(&state.identity, &store, &args.admin_email, &base).await?;
    if let Some(metrics_addr) = args.metrics_addr {
        let listener = TcpListener::bind(metrics_addr)
            .await
            .with_context(|| format!("no se pudo escuchar en {metrics_addr} (métricas)"))?;
        tracing::info!(%metrics_addr, "métricas en http://{metrics_addr}/metrics");
        let router = http::metrics::router(state.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "the metrics listener failed");
            }
        });
    }
    http::serve(listener, state, shutdown_signal())
        .await
        .context("el servidor HTTP falló")?;
    store.close().await;
    tracing::info!("Sala detenida");
    Ok(())
}

/// On SQLite, the lock that keeps a second `sala serve` off the same file; the refusal of
/// `--cluster`. On PostgreSQL, nothing: every server shares the boards.
fn single_server_guard(
    store: &crate::store::Store,
    cluster: bool,
) -> Result<Option<std::fs::File>> {
    if store.engine() == crate::store::Engine::Postgres {
        return Ok(None);
    }
    if cluster {
        anyhow::bail!(
            "El modo de varios servidores (--cluster) necesita PostgreSQL: con SQLite cada servidor tendría sus propios tableros y no se oirían entre sí. Use --database-url postgres://… (ver docs/deploy.md) o quite --cluster para un solo servidor."
        );
    }
    let Some(file) = store.sqlite_file() else {
        return Ok(None);
    };
    let path = file.with_extension("db.servidor");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("no se pudo abrir {}", path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "Ya hay un servidor Sala usando {}: con SQLite solo uno puede servir (los tableros viven en su memoria). Para varios servidores use PostgreSQL (docs/deploy.md).",
            file.display()
        ),
        Err(std::fs::TryLockError::Error(error)) => {
            return Err(error).with_context(|| format!("no se pudo bloquear {}", path.display()));
        }
    }
    tracing::info!("un solo servidor (SQLite): para varios servidores use PostgreSQL");
    Ok(Some(lock))
}

/// Resolves on SIGINT or SIGTERM, so `kill` and Ctrl-C both drain requests and close the database.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("señal de apagado recibida; terminando las solicitudes en curso");
}
