//! Backups of the SQLite database, online, and restoring one with the server stopped.
//!
//! A backup is `VACUUM INTO`: SQLite copies the database as one read transaction sees it, so the
//! copy is consistent while the server keeps writing (WAL lets both run at once), and compact.
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`); see the README.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

use super::SQLITE_MIGRATIONS;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "la base de datos es PostgreSQL: respáldela con pg_dump y restáurela con pg_restore \
         (p. ej. pg_dump --format=custom --file=sala.dump \"$DATABASE_URL\"; vea «Copias de \
         seguridad» en el README)"
    )]
    Postgres,
    #[error("ya existe {0}: Sala no sobrescribe copias; elija otro nombre o borre ese archivo")]
    Exists(PathBuf),
    #[error("no existe la base de datos {0}")]
    NoDatabase(PathBuf),
    #[error("no existe el archivo {0}")]
    NoFile(PathBuf),
    #[error("{0} no es una base de datos SQLite")]
    NotSqlite(PathBuf),
    #[error("{path} está dañada (PRAGMA integrity_check): {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{0} no es una base de Sala: no tiene la tabla de migraciones (_sqlx_migrations)")]
    NotSala(PathBuf),
    #[error(
        "{path} es de una versión más nueva de Sala (migración {version}, que este programa no \
         conoce): actualice Sala antes de restaurarla"
    )]
    Newer { path: PathBuf, version: i64 },
    #[error("{path}: la migración {version} no es la de este programa (o quedó a medias)")]
    Migration { path: PathBuf, version: i64 },
    #[error(
        "ya existe la base {0}: use --force para reemplazarla (la actual se conserva al lado, \
         como copia .bak-FECHA)"
    )]
    TargetExists(PathBuf),
    #[error(
        "la base {0} está en uso (¿sigue corriendo «sala serve»?): detenga el servidor antes de \
         restaurar"
    )]
    InUse(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Sqlite { path: PathBuf, source: sqlx::Error },
}

type Result<T, E = BackupError> = std::result::Result<T, E>;

/// What a database file holds, for the operator to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub bytes: u64,
    pub sessions: i64,
    /// Sessions with a stored board (a snapshot or updates).
    pub boards: i64,
    pub board_updates: i64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn sql(path: &Path) -> impl FnOnce(sqlx::Error) -> BackupError + '_ {
    move |source| BackupError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

async fn open(path: &Path, read_only: bool) -> Result<SqliteConnection> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(sql(path))
}

/// Copies the live database `database` to `to`, which must not exist yet. Safe while the server
/// runs; returns what the copy holds once it has been verified and synced to disk.
pub async fn backup_sqlite(database: &Path, to: &Path) -> Result<Inventory> {
    if !database.is_file() {
        return Err(BackupError::NoDatabase(database.to_path_buf()));
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_path_buf()));
    }
    let mut conn = open(database, false).await?;
    let target = to.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(sql(database))?;
    conn.close().await.map_err(sql(database))?;
    // VACUUM INTO does not sync its output; a backup that a power cut can lose is no backup.
    std::fs::File::open(to)
        .and_then(|file| file.sync_all())
        .map_err(io(to))?;
    inspect(to).await
}

/// Checks that `file` is a sound Sala database this program can run, and counts what it holds.
pub async fn inspect(file: &Path) -> Result<Inventory> {
    let header = std::fs::read(file)
        .map(|bytes| bytes.get(..16).map(<[u8]>::to_vec))
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => BackupError::NoFile(file.to_path_buf()),
            _ => BackupError::Io {
                path: file.to_path_buf(),
                source,
            },
        })?;
    if header.as_deref() != Some(b"SQLite format 3\0".as_slice()) {
        return Err(BackupError::NotSqlite(file.to_path_buf()));
    }
    let mut conn = open(file, true).await?;
    let checks: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|error| BackupError::Corrupt {
            path: file.to_path_buf(),
            detail: error.to_string(),
        })?;
    if checks != ["ok"] {
        return Err(BackupError::Corrupt {
            path: file.to_path_buf(),
            detail: checks.into_iter().take(3).collect::<Vec<_>>().join("; "),
        });
    }
    let has_migrations: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(sql(file))?;
    if has_migrations == 0 {
        return Err(BackupError::NotSala(file.to_path_buf()));
    }
    let applied = sqlx::query("SELECT version, checksum, success FROM _sqlx_migrations")
        .fetch_all(&mut conn)
        .await
        .map_err(sql(file))?;
    for row in applied {
        let version: i64 = row.try_get(0).map_err(sql(file))?;
        let checksum: Vec<u8> = row.try_get(1).map_err(sql(file))?;
        let success: bool = row.try_get(2).map_err(sql(file))?;
        match SQLITE_MIGRATIONS.iter().find(|m| m.version == version) {
            None => {
                return Err(BackupError::Newer {
                    path: file.to_path_buf(),
                    version,
                });
            }
            Some(known) if !success || *known.checksum != *checksum => {
                return Err(BackupError::Migration {
                    path: file.to_path_buf(),
                    version,
                });
            }
            Some(_) => {}
        }
    }
    let count = |query: &'static str| sqlx::query_scalar::<_, i64>(query);
    let sessions = count("SELECT count(*) FROM sessions")
        .fetch_one(&mut conn)
        .await
        .map_err(sql(file))?;
    let boards = count(
        "SELECT count(*) FROM (SELECT session_id FROM room_updates \
         UNION SELECT session_id FROM room_snapshots)",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(sql(file))?;
    let board_updates = count("SELECT count(*) FROM room_updates")
        .fetch_one(&mut conn)
        .await
        .map_err(sql(file))?;
    conn.close().await.map_err(sql(file))?;
    let bytes = std::fs::metadata(file).map_err(io(file))?.len();
    Ok(Inventory {
        bytes,
        sessions,
        boards,
        board_updates,
    })
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub inventory: Inventory,
    /// Where the database it replaced was kept.
    pub kept: Option<PathBuf>,
    /// Messages the copy still had to send, held for the administrator (`incierto`).
    pub held_mail: u64,
}

/// Replaces the database `target` by the backup `from`, with the server stopped. An existing
/// target needs `force` and is kept beside it as `….bak-<UTC timestamp>`.
pub async fn restore_sqlite(
    from: &Path,
    target: &Path,
    force: bool,
    now: DateTime<Utc>,
) -> Result<Restored> {
    let inventory = inspect(from).await?;
    let kept = if target.exists() {
        if !force {
            return Err(BackupError::TargetExists(target.to_path_buf()));
        }
        take_offline(target).await?;
        let mut name = target.as_os_str().to_owned();
        name.push(format!(".bak-{}", now.format("%Y%m%dT%H%M%SZ")));
        let kept = PathBuf::from(name);
        std::fs::rename(target, &kept).map_err(io(target))?;
        Some(kept)
    } else {
        None
    };
    // Copied beside the target and renamed over it: a crash leaves the old name empty or whole.
    let mut partial = target.as_os_str().to_owned();
    partial.push(".restaurando");
    let partial = PathBuf::from(partial);
    std::fs::copy(from, &partial).map_err(io(&partial))?;
    let held_mail = hold_unsent_mail(&partial).await?;
    std::fs::File::open(&partial)
        .and_then(|file| file.sync_all())
        .map_err(io(&partial))?;
    std::fs::rename(&partial, target).map_err(io(target))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The renames themselves are durable once the folder is synced.
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io(dir))?;
    }
    Ok(Restored {
        inventory,
        kept,
        held_mail,
    })
}

/// A copy's queue is older than what was sent since: a message it still had to send may have
/// gone out after the copy was made. Sending it again on its own could repeat it, so each one
/// waits for the administrator (`incierto`, as an interrupted sending does). Returns how many.
async fn hold_unsent_mail(file: &Path) -> Result<u64> {
    let mut conn = open(file, false).await?;
    let has_queue: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'mail_outbox'",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(sql(file))?;
    let held = if has_queue == 0 {
        0
    } else {
        sqlx::query(
            "UPDATE mail_outbox SET state = 'incierto',
                 last_error = 'Restaurado de una copia de seguridad: quizá ya se envió después de \
                     hacerla. Compruebe con la persona antes de reenviarlo.'
             WHERE state IN ('pendiente', 'enviando')",
        )
        .execute(&mut conn)
        .await
        .map_err(sql(file))?
        .rows_affected()
    };
    conn.close().await.map_err(sql(file))?;
    Ok(held)
}

/// Makes sure nobody has `target` open, and folds its WAL into it so the file kept as `.bak`
/// is whole on its own. Leaving WAL mode needs every other connection closed: a running server
/// holds its pool open, so SQLite refuses (busy) instead of waiting.
async fn take_offline(target: &Path) -> Result<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(target)
        .create_if_missing(false)
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
        .map_err(sql(target))?;
    let mode: std::result::Result<String, sqlx::Error> =
        sqlx::query_scalar("PRAGMA journal_mode = DELETE")
            .fetch_one(&mut conn)
            .await;
    // Out of WAL, an exclusive lock also waits for readers: nobody may hold the file at all.
    let exclusive = match mode {
        Ok(ref mode) if mode.eq_ignore_ascii_case("delete") => {
            match sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await {
                Ok(_) => sqlx::query("COMMIT").execute(&mut conn).await.map(drop),
                Err(error) => Err(error),
            }
        }
        _ => Ok(()),
    };
    let _ = conn.close().await;
    match mode.and_then(|mode| exclusive.map(|()| mode)) {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => Ok(()),
        Ok(_) => Err(BackupError::InUse(target.to_path_buf())),
        Err(sqlx::Error::Database(error)) if error.message().contains("locked") => {
            Err(BackupError::InUse(target.to_path_buf()))
        }
        Err(error) => Err(BackupError::Sqlite {
            path: target.to_path_buf(),
            source: error,
        }),
    }
}

#[cfg(test)]
#[path = "backup_tests.rs"]
mod tests;
