//! `sala indicators …`: load the territory's indicators from a file (the same checks, preview
//! and single transaction as the page), write the template, list the catalogue.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use app::domain::indicators::import::{ImportPreview, StoredFile};
use clap::{Args, Subcommand};

use super::{DataArgs, OutputFormat};
use crate::indicators::{Imports, template};

#[derive(Debug, Subcommand)]
pub enum IndicatorsCommand {
    /// Importa un archivo XLSX o CSV (catálogo y/o valores, o un conjunto de valores de DHIS2
    /// con --mapping). Revisa el archivo entero: si tiene errores no importa nada.
    Import(ImportArgs),
    /// Escribe la plantilla: .xlsx (hojas indicadores, valores e instrucciones) o .csv (valores).
    Template(TemplateArgs),
    /// Lista el catálogo de indicadores.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub file: PathBuf,
    /// Mapeo de un conjunto de valores de DHIS2 (tipo, dhis2, sala, parte).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Solo revisa y muestra qué cambiaría, sin importar.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    #[command(flatten)]
    pub data: DataArgs,
}

pub async fn run(command: IndicatorsCommand) -> Result<()> {
    match command {
        IndicatorsCommand::Import(args) => import(args).await,
        IndicatorsCommand::Template(args) => write_template(&args.to),
        IndicatorsCommand::List(args) => list(args).await,
    }
}

fn read(path: &Path) -> Result<StoredFile> {
    let data =
        std::fs::read(path).with_context(|| format!("no se pudo leer {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "archivo".into());
    Ok(StoredFile { name, data })
}

/// Who loaded a file from the shell, as the record of uploads shows it.
fn shell_user() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "desconocido".into());
    format!("línea de comandos ({user})")
}

async fn import(args: ImportArgs) -> Result<()> {
    let file = read(&args.file)?;
    let mapping = args.mapping.as_deref().map(read).transpose()?;
    let store = args.data.open_store().await?;
    let imports = Imports::new(store.clone(), crate::indicators::bogota());
    let id = imports.stage(file, mapping, &shell_user()).await?;
    let preview = imports.preview(id).await?;
    if args.dry_run || preview.error_count > 0 {
        // Nothing to apply: the upload is not left pending.
        store.discard_import(id).await?;
    }
    let applied = if args.dry_run || preview.error_count > 0 {
        None
    } else {
        Some(imports.apply(id).await?)
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let report = serde_json::json!({
                "preview": preview,
                "applied": applied,
            });
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        OutputFormat::Text => print_preview(&mut out, &preview, applied.is_some())?,
    }
    if preview.error_count > 0 {
        bail!(
            "el archivo tiene {} errores: no se importó nada",
            preview.error_count
        );
    }
    Ok(())
}

fn print_preview(out: &mut impl Write, preview: &ImportPreview, applied: bool) -> Result<()> {
    let s = &preview.summary;
    writeln!(out, "Archivo: {}", preview.file_name)?;
    writeln!(
        out,
        "Indicadores: {} nuevos, {} cambiados, {} sin cambios",
        s.indicators.new, s.indicators.changed, s.indicators.unchanged
    )?;
    writeln!(
        out,
        "Valores: {} nuevos, {} cambiados, {} sin cambios ({} territorios, {} periodos)",
        s.values.new,
        s.values.changed,
        s.values.unchanged,
        preview.territories,
        preview.periods.len()
    )?;
    for error in &preview.errors {
        writeln!(out, "  error: {error}")?;
    }
    if preview.error_count > preview.errors.len() {
        writeln!(
            out,
            "  … y {} errores más",
            preview.error_count - preview.errors.len()
        )?;
    }
    if applied {
        writeln!(out, "Importado.")?;
    } else if preview.error_count == 0 {
        writeln!(out, "Revisado: no se importó nada (--dry-run).")?;
    }
    Ok(())
}

fn write_template(to: &Path) -> Result<()> {
    let bytes = match to.extension().and_then(|e| e.to_str()) {
        Some("xlsx") => template::workbook()?,
        Some("csv") => template::csv(&template::values_columns()).into_bytes(),
        _ => bail!("use un nombre terminado en .xlsx o .csv"),
    };
    std::fs::write(to, bytes).with_context(|| format!("no se pudo escribir {}", to.display()))?;
    println!("Plantilla escrita en {}", to.display());
    Ok(())
}

async fn list(args: ListArgs) -> Result<()> {
    let store = args.data.open_store().await?;
    let catalogue = store.indicator_catalogue().await?;
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let all: Vec<_> = catalogue.values().collect();
            serde_json::to_writer_pretty(&mut out, &all)?;
            writeln!(out)?;
        }
        OutputFormat::Text => {
            for indicator in catalogue.values() {
                writeln!(
                    out,
                    "{:<16} {} ({})",
                    indicator.code, indicator.name, indicator.unit
                )?;
            }
        }
    }
    Ok(())
}
