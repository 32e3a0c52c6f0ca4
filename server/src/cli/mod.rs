//! The `sala` command line: `serve`, and scripting commands that go through the same store API and
//! validation as the pages.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use app::domain::{ScheduleRequest, Session, format_bogota};
use chrono::Utc;
use clap::{Args, Parser, Subcommand, ValueEnum};
use leptos::config::{Env, LeptosOptions};
use tokio::net::TcpListener;

use crate::auth::Signer;
use crate::http::{self, AppState};
use crate::store::{DatabaseTarget, Store};
use crate::sync::SyncLimits;
use crate::telemetry::{self, LogFormat};

mod admin;
mod invite;
pub use admin::AdminCommand;
pub use invite::InviteArgs;

/// Sala situacional: tablero en vivo de las Mesas de gestión territorial del modelo MAS Bienestar
/// (Bogotá D.C.).
#[derive(Debug, Parser)]
#[command(name = "sala", version, propagate_version = true)]
pub struct Cli {
    /// Formato de los registros (logs) en stderr.
    #[arg(
        long,
        global = true,
        env = "SALA_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inicia el servidor web (páginas, API y recursos estáticos).
    Serve(ServeArgs),
    /// Programa y lista sesiones de las Mesas.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Crea una invitación firmada para unirse al tablero de una sesión.
    Invite(InviteArgs),
    /// Personas y roles: crear cuentas, enlaces para establecer la contraseña, asignar roles.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Generador de carga para tableros (protocolo Yjs público; sirve contra cualquier servidor Yjs).
    Bench(BenchArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTarget {
    /// Sala: crea las sesiones y firma invitaciones con los datos de --data-dir.
    Sala,
    /// Un servidor y-websocket: salas `{server}/sala-bench-N`, sin token.
    Yjs,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[arg(long, value_enum, default_value = "sala")]
    pub target: BenchTarget,
    /// Base WebSocket del servidor, p. ej. ws://127.0.0.1:3000.
    #[arg(long, default_value = "ws://127.0.0.1:3000")]
    pub server: String,
    #[arg(long, default_value_t = 1)]
    pub rooms: usize,
    /// Participantes por sala.
    #[arg(long, default_value_t = 10)]
    pub participants: usize,
    /// De ellos, cuántos editan (por defecto, todos).
    #[arg(long)]
    pub writers: Option<usize>,
    /// Ediciones por segundo de cada participante que edita.
    #[arg(long, default_value_t = 5.0)]
    pub rate: f64,
    /// Segundos medidos (tras el calentamiento).
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Segundos de calentamiento (conexiones y sincronización) que no se miden.
    #[arg(long, default_value_t = 5)]
    pub warmup: u64,
    /// PID del servidor, para medir su CPU y memoria (/proc).
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Conexiones que se abren a la vez durante el arranque.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    #[command(flatten)]
    pub data: DataArgs,
}

/// Dónde están los datos. Los comandos usan la misma base de datos que el servidor, incluso
/// mientras este corre.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// URL de la base de datos: sqlite://RUTA (predeterminado: sqlite://<data-dir>/sala.db) o
    /// postgres://USUARIO:CLAVE@HOST/BASE.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Carpeta de datos de Sala (base SQLite predeterminada y secretos).
    #[arg(long, env = "SALA_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// SQLite: `full` (predeterminado) sincroniza el disco en cada escritura y resiste cortes de
    /// energía; `normal` resiste la caída del proceso, no un corte de energía, y es más rápido.
    #[arg(long, env = "SALA_SQLITE_SYNCHRONOUS", value_parser = ["full", "normal"], default_value = "full")]
    pub sqlite_synchronous: String,
}

impl DataArgs {
    async fn open_store(&self) -> Result<Store> {
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "no se pudo crear la carpeta de datos {}",
                self.data_dir.display()
            )
        })?;
        let mut target = DatabaseTarget::resolve(self.database_url.as_deref(), &self.data_dir)?;
        target.sqlite_synchronous_normal = self.sqlite_synchronous == "normal";
        Ok(Store::open(&target).await?)
    }

    /// The invitation signer: `SALA_SECRET`, or the secret file in the data dir.
    fn signer(&self) -> Result<Signer> {
        let env_secret = std::env::var("SALA_SECRET").ok();
        Ok(Signer::load_or_create(
            &self.data_dir,
            env_secret.as_deref(),
        )?)
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Dirección y puerto donde escuchar.
    #[arg(long, env = "SALA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    #[command(flatten)]
    pub data: DataArgs,

    /// Carpeta con los recursos compilados por cargo-leptos (pkg/, favicon, …).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Tamaño máximo de un mensaje del tablero, en bytes.
    #[arg(long, env = "SALA_MAX_FRAME_BYTES", default_value_t = SyncLimits::default().max_frame_bytes)]
    pub max_frame_bytes: usize,

    /// Mensajes por segundo permitidos a cada conexión (con ráfagas del doble).
    #[arg(long, env = "SALA_MAX_MESSAGES_PER_SECOND", default_value_t = SyncLimits::default().max_messages_per_second)]
    pub max_messages_per_second: u32,

    /// Conexiones simultáneas por tablero.
    #[arg(long, env = "SALA_MAX_CONNECTIONS_PER_ROOM", default_value_t = SyncLimits::default().max_connections_per_room)]
    pub max_connections_per_room: usize,

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

    /// Correo de la primera cuenta de administración, creada si la base no tiene ninguna.
    #[arg(long, env = "SALA_ADMIN_EMAIL", default_value = "admin@sala.local")]
    pub admin_email: String,

    /// Solo para benchmarks: tableros en memoria, sin guardar nada. Nunca en sesiones reales.
    #[arg(long, hide = true)]
    pub unsafe_in_memory_boards: bool,
}

impl ServeArgs {
    fn limits(&self) -> SyncLimits {
        SyncLimits {
            max_frame_bytes: self.max_frame_bytes,
            max_messages_per_second: self.max_messages_per_second,
            max_connections_per_room: self.max_connections_per_room,
            outbound_queue: self.outbound_queue.max(1),
            evict_after: std::time::Duration::from_secs(self.evict_after_secs),
            commit_window: std::time::Duration::from_millis(self.commit_window_ms),
            ..SyncLimits::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Programa una sesión y la imprime (con su id).
    Create(CreateSessionArgs),
    /// Lista las sesiones, de una Mesa o de todas, en orden cronológico.
    List(ListSessionsArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CreateSessionArgs {
    /// Código de la Mesa: distrito, zona-norte, zona-sur, zona-centro-oriente,
    /// zona-sur-occidente, local-01 … local-20.
    #[arg(long)]
    pub mesa: String,
    /// Fecha y hora en RFC 3339, p. ej. 2026-12-01T09:00:00-05:00.
    #[arg(long)]
    pub at: String,
    /// Lugar de la sesión.
    #[arg(long, default_value = "")]
    pub place: String,
    /// Modalidad: presencial, virtual o mixta.
    #[arg(long, default_value = "presencial")]
    pub mode: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ListSessionsArgs {
    /// Solo las sesiones de esta Mesa.
    #[arg(long)]
    pub mesa: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    #[command(flatten)]
    pub data: DataArgs,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: no se pudo iniciar el runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

pub async fn run(command: Command) -> Result<()> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Session(SessionCommand::Create(args)) => create_session(args).await,
        Command::Session(SessionCommand::List(args)) => list_sessions(args).await,
        Command::Invite(args) => invite::invite(args).await,
        Command::Admin(command) => admin::run(command).await,
        Command::Bench(args) => bench(args).await,
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    let store = args.data.open_store().await?;
    let signer = args.data.signer()?;
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("no se pudo escuchar en {}", args.addr))?;
    let addr = listener.local_addr()?;
    let leptos_options = LeptosOptions::builder()
        .output_name("sala")
        .site_root(args.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(Env::PROD)
        .build();
    if !args.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root = %args.site_root.display(),
            "no compiled assets here: pages render but will not hydrate (build with `make run`)"
        );
    }
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
    let state = AppState::with_identity(
        leptos_options,
        store.clone(),
        signer,
        args.limits(),
        durable,
        identity,
    );
    admin::first_start(&state.identity, &store, &args.admin_email, &base).await?;
    http::serve(listener, state, shutdown_signal())
        .await
        .context("el servidor HTTP falló")?;
    store.close().await;
    tracing::info!("Sala detenida");
    Ok(())
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

async fn create_session(args: CreateSessionArgs) -> Result<()> {
    let request = ScheduleRequest {
        mesa: args.mesa,
        at: args.at,
        place: args.place,
        mode: args.mode,
        // Whoever types a date on the command line meant it; the warning below still says so.
        confirmed: true,
    };
    let now = Utc::now();
    let new = request
        .validate(now)
        .map_err(|errors| anyhow::anyhow!("datos inválidos: {errors}"))?;
    if let Some(why) = app::domain::unusual_date(new.scheduled_at(), now) {
        eprintln!("Aviso: {why}");
    }
    let store = args.data.open_store().await?;
    let session = store.create_session(&new, Utc::now()).await?;
    store.close().await;
    print_sessions(args.format, std::slice::from_ref(&session), true)
}

async fn list_sessions(args: ListSessionsArgs) -> Result<()> {
    let store = args.data.open_store().await?;
    let sessions = store.list_sessions(args.mesa.as_deref()).await?;
    store.close().await;
    print_sessions(args.format, &sessions, false)
}

fn print_sessions(format: OutputFormat, sessions: &[Session], single: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        OutputFormat::Json if single => serde_json::to_writer_pretty(&mut out, &sessions[0])?,
        OutputFormat::Json => serde_json::to_writer_pretty(&mut out, sessions)?,
        OutputFormat::Text => {
            writeln!(
                out,
                "{:>5}  {:<22}  {:>4}  {:<24}  {:<10}  {:<10}  LUGAR",
                "ID", "MESA", "N.º", "FECHA (BOGOTÁ)", "MODALIDAD", "ESTADO"
            )?;
            for s in sessions {
                writeln!(
                    out,
                    "{:>5}  {:<22}  {:>4}  {:<24}  {:<10}  {:<10}  {}",
                    s.id,
                    s.mesa_code,
                    s.seq,
                    format_bogota(s.scheduled_at),
                    s.mode.as_str(),
                    s.status.as_str(),
                    s.place
                )?;
            }
            return Ok(());
        }
    }
    writeln!(out)?;
    Ok(())
}

async fn bench(args: BenchArgs) -> Result<()> {
    let rooms = match args.target {
        BenchTarget::Sala => {
            let store = args.data.open_store().await?;
            let signer = args.data.signer()?;
            let urls = crate::bench::sala_rooms(&store, &signer, &args.server, args.rooms).await?;
            store.close().await;
            urls
        }
        BenchTarget::Yjs => (0..args.rooms)
            .map(|r| format!("{}/sala-bench-{r}", args.server.trim_end_matches('/')))
            .collect(),
    };
    let plan = crate::bench::BenchPlan {
        rooms,
        participants_per_room: args.participants,
        writers_per_room: args
            .writers
            .unwrap_or(args.participants)
            .min(args.participants),
        edits_per_second: args.rate,
        duration: std::time::Duration::from_secs(args.duration.max(1)),
        warmup: std::time::Duration::from_secs(args.warmup),
        server_pid: args.server_pid,
        connect_concurrency: args.connect_concurrency,
    };
    let report = crate::bench::run(plan).await?;
    match args.format {
        OutputFormat::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        OutputFormat::Text => crate::bench::print_text(&report)?,
    }
    Ok(())
}
