//! The browser's wasm: compiled, split at the lazy routes, bound to JavaScript, optimised.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::Layout;

/// The module name the split main wasm imports its chunk loaders from. Leptos' server side
/// preloads it under this very name (`leptos::hydration`), so it is not ours to choose.
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// A bundle staged in one directory, before it is published under its content hash.
pub struct Staged {
    pub dir: PathBuf,
}

pub fn build(layout: &Layout, release: bool) -> Result<Staged> {
    let raw = compile(layout, release)?;
    let dir = layout.site.join("pkg/.staging");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let main = split(&raw, &dir)?;
    bindgen(&main, &dir)?;
    std::fs::remove_file(&main)?;
    if release {
        optimise_all(layout, &wasm_files(&dir)?)?;
    }
    Ok(Staged { dir })
}

/// `cargo build` of the `frontend` crate. Its own target directory: the linker flag that keeps
/// relocations (which the splitter reads) would otherwise rebuild the clippy cache each time.
fn compile(layout: &Layout, release: bool) -> Result<PathBuf> {
    let target_dir = layout.target.join("front");
    let profile = if release { "wasm-release" } else { "dev" };
    let mut rustflags = std::env::var("RUSTFLAGS").unwrap_or_default();
    // Relocations for the splitter; `erase_components` makes every component return `AnyView`,
    // so the views are not monomorphised once per call site (measured in docs/benchmarks.md).
    rustflags.push_str(" -Clink-args=--emit-relocs --cfg erase_components");
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&layout.workspace)
        .args(["build", "--package", "frontend", "--lib"])
        .args(["--target", "wasm32-unknown-unknown", "--profile", profile])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTFLAGS", rustflags.trim())
        .status()
        .context("running cargo for the wasm")?;
    if !status.success() {
        bail!("the wasm build failed");
    }
    let out_dir = if release { "wasm-release" } else { "debug" };
    let wasm = target_dir.join(format!("wasm32-unknown-unknown/{out_dir}/frontend.wasm"));
    eprintln!(
        "wasm compiled in {:.0?}: {}",
        started.elapsed(),
        wasm.display()
    );
    Ok(wasm)
}

/// Splits at every `#[lazy_route]` / `#[lazy]`: one module per split point, shared code in
/// `chunk_*` modules, and a manifest of which modules each split point needs.
fn split(raw: &Path, dir: &Path) -> Result<PathBuf> {
    let input = std::fs::read(raw).with_context(|| format!("reading {}", raw.display()))?;
    let main = dir.join("sala_split.wasm");
    let link_name = format!("./{SPLIT_LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = dir;
    options.main_out_path = &main;
    options.link_name = &link_name;
    // Relative: the loader sits beside the main module, and a module is one instance per URL.
    options.main_module = "./sala.js";
    let split = wasm_split_cli_support::transform(options)
        .map_err(|e| anyhow::anyhow!("{e:?}"))
        .context("splitting the wasm at its lazy routes")?;
    std::fs::write(
        dir.join("__wasm_split_manifest.json"),
        serde_json::to_string_pretty(&split.prefetch_map)?,
    )?;
    Ok(main)
}

/// wasm-bindgen's glue for the main module (`sala.js`, `sala_bg.wasm`). The split chunks keep
/// the linker's exports and mangled names, which the loader finds them by.
fn bindgen(main: &Path, dir: &Path) -> Result<()> {
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(main)
        .out_name("sala")
        .web(true)?
        .keep_lld_exports(true)
        .demangle(false)
        .typescript(false)
        .generate(dir)
        .context("wasm-bindgen")
}

fn wasm_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Every module through wasm-opt, as many at once as there are cores (npm's binaryen runs on
/// Node.js, one core each). Results are kept by the hash of their input: a rebuild of unchanged
/// code (a fresh clone, `make test` after `make run`) skips the ~3 minutes this takes.
fn optimise_all(layout: &Layout, modules: &[PathBuf]) -> Result<()> {
    let cache = layout.target.join("front/wasm-opt-cache");
    std::fs::create_dir_all(&cache)?;
    let started = Instant::now();
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut kept = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<PathBuf>> {
                    let mut kept = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(module) = modules.get(i) else {
                            return Ok(kept);
                        };
                        kept.push(optimise_cached(layout, &cache, module)?);
                    }
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(result) => kept.extend(result?),
                Err(_) => bail!("a wasm-opt worker panicked"),
            }
        }
        Ok(())
    })?;
    // Only this build's results stay: the cache is one build deep.
    for entry in std::fs::read_dir(&cache)? {
        let path = entry?.path();
        if !kept.contains(&path) {
            std::fs::remove_file(&path)?;
        }
    }
    eprintln!(
        "{} modules optimised in {:.0?}",
        modules.len(),
        started.elapsed()
    );
    Ok(())
}

/// Arguments of every wasm-opt run; part of the cache key.
const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
];

fn optimise_cached(layout: &Layout, cache: &Path, module: &Path) -> Result<PathBuf> {
    use sha2::{Digest, Sha256};
    let input = std::fs::read(module).with_context(|| format!("reading {}", module.display()))?;
    let mut key = Sha256::new();
    key.update(WASM_OPT_ARGS.join(" "));
    // The pinned binaryen: a new wasm-opt optimises differently.
    key.update(std::fs::read(layout.workspace.join("tools/package-lock.json")).unwrap_or_default());
    key.update(&input);
    let cached = cache.join(format!("{}.wasm", hex::encode(key.finalize())));
    if !cached.exists() {
        optimise(layout, module)?;
        // Copied, then renamed: an interrupted build never leaves half a result in the cache.
        let partial = cached.with_extension("partial");
        std::fs::copy(module, &partial)?;
        std::fs::rename(&partial, &cached)?;
    } else {
        std::fs::copy(&cached, module)?;
    }
    Ok(cached)
}

/// binaryen's wasm-opt from npm (`tools/`): a prebuilt binary, no C++ build on this machine.
fn optimise(layout: &Layout, wasm: &Path) -> Result<()> {
    let wasm_opt = layout.workspace.join("tools/node_modules/.bin/wasm-opt");
    let program = if wasm_opt.exists() {
        wasm_opt
    } else {
        PathBuf::from("wasm-opt")
    };
    let output = Command::new(&program)
        .args(WASM_OPT_ARGS)
        .arg(wasm)
        .arg("-o")
        .arg(wasm)
        .stderr(std::process::Stdio::piped())
        .output()
        .with_context(|| format!("running {} (make tools installs it)", program.display()))?;
    // wasm-bindgen writes local names binaryen does not read; it says so once per module.
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        if !line.contains("unknown name subsection") {
            eprintln!("{line}");
        }
    }
    if !output.status.success() {
        bail!("wasm-opt failed on {}", wasm.display());
    }
    Ok(())
}
