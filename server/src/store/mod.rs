//! Storage: one API over SQLite (the embedded default) and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver with `$n` placeholders, which both engines accept, so each
//! query is written once and always bound, never concatenated. Only the schema differs per engine
//! (identity columns), hence two migration folders.

mod accounts;
mod acta_cycle;
mod actas;
mod agenda;
mod assets;
pub mod backup;
mod board_sequence;
mod calendars;
mod error;
mod escalations;
mod evidence;
mod indicators;
mod invitations;
mod mail;
mod mesas;
mod polls;
mod projections;
mod rooms;
mod rows;
mod seed;
mod sessions;
mod tokens;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};

pub use accounts::{StoredAccount, WebSession};
pub use actas::{CarriedCommitment, CarriedOver, DraftActa, HistoryEntry};
pub use board_sequence::{Appended, BOARD_CHANNEL, FETCH_LIMIT, SequencedRow, StoredRange};
pub use calendars::FeedTarget;
pub use error::Outage;
pub use error::{StoreError, redact_url};
pub use escalations::NewEscalation;
pub use evidence::NewEvidence;
pub use indicators::IndicatorsVersion;
pub use invitations::NewInvitation;
pub use mail::{ClaimedMail, MailAttachment, NewMail};
pub use polls::NewBallot;
pub use rooms::{Compaction, LogRow, NO_ROOM, RoomLogWriter, StoredRoom};
pub use seed::TERRITORIES_CSV;
pub use tokens::AccessTokenInfo;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Where the data lives, resolved from `--database-url` / `--data-dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseTarget {
    pub engine: Engine,
    /// The URL handed to sqlx (for SQLite: with `mode=rwc` so a first start creates the file).
    pub url: String,
    /// The SQLite file, whose folder must exist before connecting.
    pub sqlite_file: Option<PathBuf>,
    /// SQLite only: `synchronous=NORMAL` instead of FULL. In WAL mode a commit then survives the
    /// process being killed but not a power loss; FULL (the default) survives both.
    pub sqlite_synchronous_normal: bool,
}

impl DatabaseTarget {
    /// `url` of `None` means the embedded default: `sala.db` inside `data_dir`.
    pub fn resolve(url: Option<&str>, data_dir: &Path) -> Result<Self, StoreError> {
        let url = match url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite://{}", data_dir.join("sala.db").display()),
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                engine: Engine::Postgres,
                url,
                sqlite_file: None,
                sqlite_synchronous_normal: false,
            });
        }
        let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        else {
            return Err(StoreError::UnsupportedUrl(redact_url(&url)));
        };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if path.is_empty() {
            return Err(StoreError::UnsupportedUrl(redact_url(&url)));
        }
        let in_memory = path == ":memory:";
        let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        if !in_memory && !params.iter().any(|p| p.starts_with("mode=")) {
            params.push("mode=rwc");
        }
        let url = if params.is_empty() {
            format!("sqlite://{path}")
        } else {
            format!("sqlite://{path}?{}", params.join("&"))
        };
        Ok(Self {
            engine: Engine::Sqlite,
            url,
            sqlite_file: (!in_memory).then(|| PathBuf::from(path)),
            sqlite_synchronous_normal: false,
        })
    }
}

/// The handle every handler, page and CLI command uses. Cheap to clone (a pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// Kept for connections of their own (the room log's writer).
    target: Arc<DatabaseTarget>,
}

impl Store {
    /// Connects, migrates and seeds: what `sala serve` and every CLI command do first.
    pub async fn open(target: &DatabaseTarget) -> Result<Self, StoreError> {
        let store = Self::connect(target).await?;
        store.migrate().await?;
        store.seed().await?;
        Ok(store)
    }

    pub async fn connect(target: &DatabaseTarget) -> Result<Self, StoreError> {
        install_default_drivers();
        if let Some(parent) = target.sqlite_file.as_deref().and_then(Path::parent)
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::DataDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let normal = target.engine == Engine::Sqlite && target.sqlite_synchronous_normal;
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if normal {
                        sqlx::query("PRAGMA synchronous = NORMAL")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&target.url)
            .await
            .map_err(|source| StoreError::Connect {
                url: redact_url(&target.url),
                source,
            })?;
        let store = Self {
            pool,
            engine: target.engine,
            target: Arc::new(target.clone()),
        };
        if store.engine == Engine::Sqlite {
            // WAL lets the server keep reading while a CLI command writes, and is persistent in
            // the file, so setting it once per start is enough.
            sqlx::query("PRAGMA journal_mode=WAL")
                .fetch_optional(&store.pool)
                .await?;
        }
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The SQLite file, when the data lives in one.
    pub fn sqlite_file(&self) -> Option<&Path> {
        self.target.sqlite_file.as_deref()
    }

    /// The raw pool, for tests that check what the database itself refuses under the store
    /// (an approved acta's triggers).
    #[doc(hidden)]
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_target_is_a_sqlite_file_in_the_data_dir() {
        let target = DatabaseTarget::resolve(None, Path::new("./data")).unwrap();
        assert_eq!(target.engine, Engine::Sqlite);
        assert_eq!(target.url, "sqlite://./data/sala.db?mode=rwc");
        assert_eq!(
            target.sqlite_file.as_deref(),
            Some(Path::new("./data/sala.db"))
        );
    }

    #[test]
    fn explicit_urls_are_kept() {
        let pg = DatabaseTarget::resolve(Some("postgres://sala@localhost/sala"), Path::new("x"))
            .unwrap();
        assert_eq!(pg.engine, Engine::Postgres);
        let ro = DatabaseTarget::resolve(Some("sqlite:/tmp/a.db?mode=ro"), Path::new("x")).unwrap();
        assert_eq!(ro.url, "sqlite:///tmp/a.db?mode=ro");
        let mem = DatabaseTarget::resolve(Some("sqlite::memory:"), Path::new("x")).unwrap();
        assert_eq!(mem.sqlite_file, None);
    }

    #[test]
    fn unknown_schemes_are_refused_without_leaking_passwords() {
        let err = DatabaseTarget::resolve(Some("mysql://root:hunter2@db/sala"), Path::new("x"))
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("mysql://root:***@db/sala"), "{message}");
        assert!(!message.contains("hunter2"));
    }
}
