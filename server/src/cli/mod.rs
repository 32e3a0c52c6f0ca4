//! The `sala` command line: `serve`, and scripting commands that go through the same store API and
//! validation as the pages.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use app::domain::{ScheduleRequest, Session, format_bogota};
use chrono::Utc;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::auth::Signer;
use crate::store::{DatabaseTarget, Store};
use crate::telemetry::{self, LogFormat};

mod admin;
mod backup;
mod indicators;
mod invite;
mod serve;
pub use admin::AdminCommand;
pub use backup::{BackupArgs, RestoreArgs};
pub use indicators::IndicatorsCommand;
pub use invite::InviteArgs;
pub use serve::ServeArgs;

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
    Serve(Box<ServeArgs>),
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
    /// Copia de seguridad consistente de la base SQLite, con el servidor en marcha.
    Backup(BackupArgs),
    /// Restaura una copia de `sala backup` (con el servidor detenido).
    Restore(RestoreArgs),
    /// Indicadores del territorio: importar archivos, plantilla, catálogo.
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
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
    /// PID del servidor, para medir su CPU y memoria (/proc); repetido, se suman.
    #[arg(long)]
    pub server_pid: Vec<u32>,
    /// Otro servidor del mismo clúster (base WebSocket, como --server); repetido, los
    /// participantes de cada sala se reparten entre todos.
    #[arg(long)]
    pub also_server: Vec<String>,
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

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Programa una sesión y la imprime (con su id). No envía la convocatoria por correo:
    /// para convocar, prográmela desde la página de la Mesa.
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
        Command::Serve(args) => serve::serve(*args).await,
        Command::Session(SessionCommand::Create(args)) => create_session(args).await,
        Command::Session(SessionCommand::List(args)) => list_sessions(args).await,
        Command::Invite(args) => invite::invite(args).await,
        Command::Admin(command) => admin::run(command).await,
        Command::Bench(args) => bench(args).await,
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Indicators(command) => indicators::run(command).await,
    }
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
    let session = store
        .create_session_with_board(&new, now, |carried| {
            crate::sync::followup::seed_update(carried, now)
        })
        .await?;
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
        server_pids: args.server_pid.clone(),
        spread: args.also_server.clone(),
        server: args.server.clone(),
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
