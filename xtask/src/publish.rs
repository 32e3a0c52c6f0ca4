//! A staged bundle becomes `target/site/pkg/<content hash>/`, with `.br` and `.gz` copies made
//! once at the highest levels, and `target/site/build.json` naming it for the server.
//!
//! One directory per build, named by the hash of everything in it: the files refer to each other
//! by relative names (the split loader, its chunks), so nothing needs rewriting, and a name never
//! means two contents, which is what lets the server answer `Cache-Control: immutable`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::Layout;
use crate::wasm::Staged;

/// Earlier builds kept beside the current one: a page opened before a deployment still loads
/// its lazy routes from the build it started with.
const KEEP_EARLIER_BUILDS: usize = 3;

pub struct Published {
    pub dir: PathBuf,
}

/// The stylesheet is plain CSS: copied as it is (brotli takes it from 21 KiB to 5).
pub fn stylesheet(layout: &Layout, staged: &Staged) -> Result<()> {
    let source = layout.workspace.join("style/main.css");
    std::fs::copy(&source, staged.dir.join("sala.css"))
        .with_context(|| format!("copying {}", source.display()))?;
    Ok(())
}

pub fn publish(layout: &Layout, staged: &Staged, compress: bool) -> Result<Published> {
    let files = files_in(&staged.dir)?;
    let id = content_hash(&staged.dir, &files)?;
    if compress {
        for file in &files {
            precompress(&staged.dir.join(file))?;
        }
    }
    let pkg = layout.site.join("pkg");
    let dir = pkg.join(&id);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::rename(&staged.dir, &dir)?;
    copy_public_assets(layout)?;
    let manifest = serde_json::json!({ "pkg_dir": format!("pkg/{id}") });
    let build_json = layout.site.join("build.json");
    // Written last and atomically: a server reading it mid-build sees the old build or the new.
    let partial = layout.site.join("build.json.partial");
    std::fs::write(&partial, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&partial, &build_json)?;
    prune(&pkg, &id)?;
    eprintln!("published {}", dir.display());
    Ok(Published { dir })
}

/// Every file under `dir`, relative, sorted (the hash must not depend on directory order).
fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                found.push(relative.to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

fn content_hash(dir: &Path, files: &[PathBuf]) -> Result<String> {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update([0]);
        let bytes = std::fs::read(dir.join(file))?;
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hex::encode(&hasher.finalize()[..8]))
}

/// Brotli at quality 11 with a 16 MiB window, and gzip at level 9 for clients without brotli.
fn precompress(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path)?;
    let mut br = Vec::new();
    {
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)?;
    }
    std::fs::write(with_suffix(path, "br"), br)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    std::fs::write(with_suffix(path, "gz"), gz.finish()?)?;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// `public/` (favicon, service worker) is served from the site root under stable names.
fn copy_public_assets(layout: &Layout) -> Result<()> {
    for entry in std::fs::read_dir(layout.workspace.join("public"))? {
        let path = entry?.path();
        if let Some(name) = path.file_name().filter(|_| path.is_file()) {
            std::fs::copy(&path, layout.site.join(name))?;
        }
    }
    Ok(())
}

/// Removes all but the current and the few most recent earlier builds.
fn prune(pkg: &Path, current: &str) -> Result<()> {
    let mut earlier = Vec::new();
    for entry in std::fs::read_dir(pkg)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && name != current && !name.starts_with('.') {
            earlier.push((entry.metadata()?.modified()?, entry.path()));
        } else if entry.path().is_file() {
            // Files of the old flat layout (cargo-leptos' `pkg/sala.wasm`).
            std::fs::remove_file(entry.path())?;
        }
    }
    earlier.sort();
    let excess = earlier.len().saturating_sub(KEEP_EARLIER_BUILDS);
    for (_, dir) in earlier.into_iter().take(excess) {
        std::fs::remove_dir_all(dir)?;
    }
    Ok(())
}
