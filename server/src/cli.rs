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

use crate::http::{self, AppState};
use crate::store::{DatabaseTarget, Store};
use crate::telemetry::{self, LogFormat};

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
}

impl DataArgs {
    async fn open_store(&self) -> Result<Store> {
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "no se pudo crear la carpeta de datos {}",
                self.data_dir.display()
            )
        })?;
        let target = DatabaseTarget::resolve(self.database_url.as_deref(), &self.data_dir)?;
        Ok(Store::open(&target).await?)
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
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    let store = args.data.open_store().await?;
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
    http::serve(
        listener,
        AppState::new(leptos_options, store.clone()),
        shutdown_signal(),
    )
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
    };
    let new = request
        .validate()
        .map_err(|errors| anyhow::anyhow!("datos inválidos: {errors}"))?;
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
