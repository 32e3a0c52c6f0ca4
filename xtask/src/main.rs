//! `cargo run -p xtask -- site`: builds what the browser loads, without cargo-leptos.
//!
//! 1. the `frontend` crate for `wasm32-unknown-unknown` (`wasm.rs`);
//! 2. split at Leptos' `#[lazy_route]`s, so a page downloads only its own code (`wasm.rs`);
//! 3. wasm-bindgen's glue, wasm-opt, the stylesheet;
//! 4. published under `pkg/<content hash>/` with brotli and gzip copies made once, here
//!    (`publish.rs`), so the server can say `immutable` and never compress at request time;
//! 5. each page's weight against its budget (`budget.rs`): over budget, the build fails.

mod budget;
mod publish;
mod wasm;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Sala's build tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Builds the browser bundle into `target/site` (release: size-optimised, compressed,
    /// checked against the budget).
    Site {
        /// A quick unoptimised build for development (no wasm-opt, no compression, no budget).
        #[arg(long)]
        dev: bool,
    },
}

/// Where things are: the workspace, cargo's target directory, the site the server serves.
pub struct Layout {
    pub workspace: PathBuf,
    pub target: PathBuf,
    pub site: PathBuf,
}

impl Layout {
    fn discover() -> Self {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"));
        let site = workspace.join("target/site");
        Self {
            workspace,
            target,
            site,
        }
    }
}

fn main() -> Result<()> {
    let Cli { task } = Cli::parse();
    let layout = Layout::discover();
    match task {
        Task::Site { dev } => {
            let release = !dev;
            let staged = wasm::build(&layout, release)?;
            publish::stylesheet(&layout, &staged)?;
            let published = publish::publish(&layout, &staged, release)?;
            let weights = budget::weigh(&published)?;
            budget::report(&weights);
            if release {
                budget::enforce(&weights)?;
            }
        }
    }
    Ok(())
}
