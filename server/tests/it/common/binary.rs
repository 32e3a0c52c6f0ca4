//! The real `sala` binary, as operators run it.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// The JSON a successful `sala` command printed (its stderr if it failed).
pub fn json_output(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `command` (a [`sala`] with its data) serving on `port`, without compiled assets, quietly.
pub fn serve(command: Command, port: u16) -> Child {
    serve_with(command, port, &[])
}

/// [`serve`] with more of `serve`'s options.
pub fn serve_with(mut command: Command, port: u16, options: &[&str]) -> Child {
    command
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(options)
        .args(["--site-root", "/nonexistent"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Returns once the server on `port` answers `/healthz` (within 30 s).
pub async fn wait_healthy(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").await;
            let mut body = String::new();
            let _ = stream.read_to_string(&mut body).await;
            if body.ends_with("ok") {
                return;
            }
        }
        assert!(Instant::now() < deadline, "server did not come back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
