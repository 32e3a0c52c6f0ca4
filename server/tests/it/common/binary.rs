//! The real `sala` binary, as operators run it.

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

/// `sala` on its own data folder: no database URL or secret from the caller's environment.
pub fn sala(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sala"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("SALA_SECRET")
        .env("SALA_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn");
    command
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
