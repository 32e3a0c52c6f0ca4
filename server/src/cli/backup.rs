//! `sala backup` and `sala restore`: a consistent copy of the SQLite database while the server
//! runs, and putting one back with the server stopped.

use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::Utc;
use clap::Args;

use super::DataArgs;
use crate::store::backup::{self, BackupError, Inventory};
use crate::store::{DatabaseTarget, Engine};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Archivo de la copia (no debe existir). Se puede hacer con el servidor en marcha.
    #[arg(long)]
    pub to: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Copia hecha con `sala backup`.
    #[arg(long)]
    pub from: PathBuf,
    /// Reemplazar la base existente (se conserva al lado como .bak-FECHA).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

/// The SQLite file `data` points at (without creating anything).
fn sqlite_file(data: &DataArgs) -> Result<PathBuf> {
    let target = DatabaseTarget::resolve(data.database_url.as_deref(), &data.data_dir)?;
    if target.engine == Engine::Postgres {
        return Err(BackupError::Postgres.into());
    }
    match target.sqlite_file {
        Some(file) => Ok(file),
        None => bail!("una base SQLite en memoria no tiene copia de seguridad"),
    }
}

fn describe(inventory: &Inventory) -> String {
    format!(
        "{} sesiones, {} tableros ({} actualizaciones guardadas), {} bytes",
        inventory.sessions, inventory.boards, inventory.board_updates, inventory.bytes
    )
}

pub async fn backup(args: BackupArgs) -> Result<()> {
    let database = sqlite_file(&args.data)?;
    let inventory = backup::backup_sqlite(&database, &args.to).await?;
    println!(
        "Copia de seguridad de {} en {}: {}; verificada (integrity_check).",
        database.display(),
        args.to.display(),
        describe(&inventory)
    );
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> Result<()> {
    let target = sqlite_file(&args.data)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        std::fs::create_dir_all(dir).map_err(|source| BackupError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let restored = backup::restore_sqlite(&args.from, &target, args.force, Utc::now()).await?;
    println!(
        "Restaurada {} en {}: {}.",
        args.from.display(),
        target.display(),
        describe(&restored.inventory)
    );
    if let Some(kept) = restored.kept.as_deref() {
        println!("La base anterior quedó en {}.", kept.display());
    }
    if restored.held_mail > 0 {
        println!(
            "{} correos que la copia tenía por enviar quedaron en espera («quizá llegó»): \
             revíselos en /admin/correo antes de reenviarlos.",
            restored.held_mail
        );
    }
    println!("Inicie el servidor: aplicará las migraciones que a la copia le falten.");
    Ok(())
}
