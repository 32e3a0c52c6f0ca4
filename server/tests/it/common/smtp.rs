//! A real SMTP server for the mail tests: `tools/smtp/sink.py` (Python's aiosmtpd), which
//! parses each message it accepts with Python's `email` package and leaves it as JSON.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The server process, killed on drop, and the folder it writes messages to.
pub struct SmtpSink {
    pub port: u16,
    out: tempfile::TempDir,
    _child: Child,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SinkOptions {
    /// Waits this long before accepting each message (a slow relay).
    pub delay_ms: u64,
    /// Answers the first N messages with 451 (try later).
    pub refuse_first: u32,
    /// Refuses for good (550) every recipient whose address contains this.
    pub reject_rcpt: &'static str,
    /// Never answers the DATA of the first N messages (a relay that hangs).
    pub stall_first: u32,
    /// Answers every MAIL FROM with this reply, e.g. "535 5.7.8 …" (Sala's account refused).
    pub refuse_sender: &'static str,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace above server/")
        .join("tools/smtp/sink.py")
}

impl SmtpSink {
    /// Starts the server, or `None` (with a note) when aiosmtpd is not installed, unless
    /// `SALA_REQUIRE_SMTP=1` (as in `make test` and CI), where that is a failure.
    pub async fn start(options: SinkOptions) -> Option<Self> {
        let installed = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .status()
            .await
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                std::env::var("SALA_REQUIRE_SMTP").as_deref() != Ok("1"),
                "SALA_REQUIRE_SMTP=1 but Python's aiosmtpd is missing: `make smtp-sink` installs it"
            );
            eprintln!("aiosmtpd missing: skipping this mail test (`make smtp-sink` to run it)");
            return None;
        }
        let out = tempfile::tempdir().expect("a folder for the mails");
        let port = super::binary::free_port();
        let mut child = Command::new("python3")
            .arg(script())
            .args(["--port", &port.to_string()])
            .arg("--out")
            .arg(out.path())
            .args(["--delay-ms", &options.delay_ms.to_string()])
            .args(["--refuse-first", &options.refuse_first.to_string()])
            .args(["--reject-rcpt", options.reject_rcpt])
            .args(["--stall-first", &options.stall_first.to_string()])
            .args(["--refuse-sender", options.refuse_sender])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start tools/smtp/sink.py");
        let stdout = child.stdout.take().expect("the sink's output");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the SMTP sink did not start within 20 s")
            .expect("the SMTP sink's output");
        assert_eq!(ready.as_deref(), Some(format!("listo {port}").as_str()));
        Some(Self {
            port,
            out,
            _child: child,
        })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in the order they arrived.
    pub fn mails(&self) -> Vec<serde_json::Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .expect("the mail folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).expect("a mail")).expect("JSON"))
            .collect()
    }

    /// Waits until at least `count` messages arrived (at most `within`), and returns them all.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} mails arrived within {within:?}: {mails:#?}",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
