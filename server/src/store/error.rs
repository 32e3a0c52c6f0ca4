use std::path::PathBuf;

use app::domain::{FieldErrors, TerritoryError, TransitionError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "URL de base de datos no soportada «{0}»: use sqlite://RUTA (predeterminado) o postgres://USUARIO@HOST/BASE"
    )]
    UnsupportedUrl(String),
    #[error("no se pudo conectar a la base de datos {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("no se pudo crear la carpeta de datos {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no se pudieron aplicar las migraciones: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("el archivo de territorios del proyecto es inválido: {0}")]
    Territory(#[from] TerritoryError),
    #[error("No existe la Mesa «{0}».")]
    UnknownMesa(String),
    #[error("No existe la sesión {0}.")]
    UnknownSession(i64),
    #[error("No existe el integrante {0}.")]
    UnknownMember(i64),
    #[error("{0} ya fue retirado(a) de la Mesa: agréguelo(a) de nuevo si regresa.")]
    RemovedMember(String),
    /// Input the domain refused against what is stored (a duplicate member).
    #[error("Revise los datos: {0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error(
        "La sesión {0} cambió de estado mientras tanto: recargue la página e intente de nuevo."
    )]
    ConcurrentChange(i64),
    #[error("No existe el compromiso «{0}».")]
    UnknownCommitment(String),
    #[error("No existe el escalamiento {0}.")]
    UnknownEscalation(i64),
    #[error("La {0} no tiene un nivel superior al cual escalar.")]
    NoLevelAbove(String),
    #[error("{0}")]
    EscalationTransition(String),
    /// The barrier already has an open escalation (the message says where it stands).
    #[error("{0}")]
    AlreadyEscalated(String),
    #[error("El escalamiento {0} cambió mientras tanto: recargue la página e intente de nuevo.")]
    ConcurrentEscalation(i64),
    #[error("Ya existe una persona con el correo {0}.")]
    DuplicateEmail(String),
    #[error("No existe la persona {0}.")]
    UnknownAccount(i64),
    #[error("No existe la invitación.")]
    UnknownInvitation,
    #[error("No existe el token de acceso {0} (o ya fue revocado).")]
    UnknownAccessToken(i64),
    #[error("No existe el calendario {0} (o ya fue revocado).")]
    UnknownCalendarFeed(i64),
    #[error("No existe el correo {0}.")]
    UnknownMail(i64),
    #[error("No existe la importación {0}.")]
    UnknownImport(i64),
    #[error(
        "La importación {0} ya fue aplicada o descartada: cargue el archivo de nuevo si quiere otra vista previa."
    )]
    ImportNotPending(i64),
    #[error("La sesión {0} no tiene acta: el acta se escribe al cerrar la reunión.")]
    NoActa(i64),
    /// What the acta's cycle refused (approved, period over, …): the domain's reason.
    #[error(transparent)]
    Cycle(#[from] app::domain::board::approval::CycleError),
    #[error("No existe la evidencia {0} en esta sesión (o ya fue retirada).")]
    UnknownEvidence(i64),
    #[error("No existe la votación {0}.")]
    UnknownPoll(i64),
    #[error("Esta votación ya se cerró: su resultado quedó en el acuerdo.")]
    PollClosed,
    #[error("Ese acuerdo ya tiene una votación abierta: ciérrela antes de abrir otra.")]
    PollAlreadyOpen,
    /// One ballot per attendance record and per voter (the name of whoever it is).
    #[error("{0} ya votó en esta votación: cada persona vota una sola vez.")]
    AlreadyVoted(String),
    #[error("dato inválido en la base de datos: {0}")]
    Corrupt(String),
    #[error("error de base de datos: {0}")]
    Database(#[from] sqlx::Error),
}

/// What kind of storage failure an error is, for what people are told (a board's close reason)
/// and how often operators are (the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// The disk is full (SQLite's SQLITE_FULL, PostgreSQL's 53100).
    DiskFull,
    /// The database cannot be reached (connection refused or lost, pool timed out).
    Unreachable,
    Other,
}

impl StoreError {
    pub fn outage(&self) -> Outage {
        let StoreError::Database(error) = self else {
            return Outage::Other;
        };
        match error {
            sqlx::Error::Database(db) => match db.code().as_deref() {
                // SQLite reports its primary result code; 13 is SQLITE_FULL.
                Some("13") | Some("53100") => Outage::DiskFull,
                // PostgreSQL: connection exceptions, and the server shutting down.
                Some(code) if code.starts_with("08") || code.starts_with("57P") => {
                    Outage::Unreachable
                }
                _ => Outage::Other,
            },
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_) => Outage::Unreachable,
            _ => Outage::Other,
        }
    }
}

impl From<FieldErrors> for StoreError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}
