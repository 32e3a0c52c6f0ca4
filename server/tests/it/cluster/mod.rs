//! Several real `sala serve` processes on one PostgreSQL database, behind a real HAProxy with
//! the repository's own configuration (`deploy/haproxy.cfg`): boards converge across servers,
//! survive servers killed mid-session and a listener's lost connection, and dashboards hear
//! what any server recorded.

mod convergence;
mod failover;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use sala::sync::client::SyncClient;
use sala::sync::protocol::Incoming;
use tempfile::TempDir;
use tokio::sync::Mutex;
use tokio::time::{Instant, timeout};
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, StateVector, Transact};

use crate::common::binary::{free_port, sala, wait_healthy};
use crate::common::{PostgresDb, TEST_SECRET, invitation, postgres_db};

/// The whole wait for a fleet to converge (a generous bound, not a measurement).
pub const CONVERGE: Duration = Duration::from_secs(60);

pub struct Node {
    pub port: u16,
    child: Child,
    dir: TempDir,
}

impl Node {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("sala.log")
    }
}

/// Three (or `n`) servers on one database and HAProxy in front of them.
pub struct Fleet {
    pub db: PostgresDb,
    pub nodes: Vec<Node>,
    pub lb_port: u16,
    balancer: Child,
    _lb_dir: TempDir,
}

/// HAProxy from Debian's packages: `make test` installs it; missing elsewhere, the test says so
/// and passes only when PostgreSQL is not required either.
fn haproxy_available() -> bool {
    let found = Command::new("haproxy")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("SALA_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "SALA_REQUIRE_POSTGRES=1 but haproxy is not installed (make postgres installs it)"
        );
        eprintln!("haproxy not installed: skipping the cluster test");
    }
    found
}

impl Fleet {
    pub async fn start(servers: usize) -> Option<Self> {
        if !haproxy_available() {
            return None;
        }
        let db = postgres_db().await?;
        let mut nodes = Vec::new();
        for _ in 0..servers {
            let node = spawn_node(&db.url(), free_port());
            // The first one migrates a new database; the others start together.
            if nodes.is_empty() {
                wait_healthy(node.port).await;
            }
            nodes.push(node);
        }
        for node in &nodes {
            wait_healthy(node.port).await;
        }
        let lb_dir = tempfile::tempdir().unwrap();
        let lb_port = free_port();
        let servers: String = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| format!("    server s{i} 127.0.0.1:{} check\n", n.port))
            .collect();
        let config = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../deploy/haproxy.cfg"
        ))
        .unwrap()
        .replace("{{LISTEN}}", &format!("127.0.0.1:{lb_port}"))
        .replace("{{SERVERS}}\n", &servers);
        let config_path = lb_dir.path().join("haproxy.cfg");
        std::fs::write(&config_path, config).unwrap();
        let balancer = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(lb_dir.path().join("haproxy.log")).unwrap())
            .spawn()
            .expect("haproxy starts");
        wait_healthy(lb_port).await;
        Some(Self {
            db,
            nodes,
            lb_port,
            balancer,
            _lb_dir: lb_dir,
        })
    }

    /// A board's socket through the load balancer (whichever server it picks).
    pub fn lb_url(&self, session: i64) -> String {
        board_url(self.lb_port, session)
    }

    pub fn node_url(&self, node: usize, session: i64) -> String {
        board_url(self.nodes[node].port, session)
    }

    /// SIGKILL, then a fresh process on the same port (as a supervisor restarts it).
    pub fn kill(&mut self, node: usize) {
        let _ = self.nodes[node].child.kill();
        let _ = self.nodes[node].child.wait();
    }

    pub fn restart(&mut self, node: usize) {
        let port = self.nodes[node].port;
        self.nodes[node] = spawn_node(&self.db.url(), port);
    }

    /// A session of `mesa`, started, with its board seeded.
    pub async fn started_session(&self, mesa: &str, at: &str) -> i64 {
        let request = app::domain::ScheduleRequest {
            mesa: mesa.into(),
            at: at.into(),
            place: String::new(),
            mode: "mixta".into(),
            confirmed: true,
        };
        let now = chrono::Utc::now();
        let store = &self.db.store;
        let id = store
            .create_session_with_board(&request.validate(now).unwrap(), now, |carried| {
                sala::sync::followup::seed_update(carried, now)
            })
            .await
            .unwrap()
            .id;
        store
            .change_session_status(id, app::domain::SessionAction::Iniciar, now)
            .await
            .unwrap();
        id
    }

    /// The board as stored, as one state vector.
    pub async fn stored_state_vector(&self, session: i64) -> StateVector {
        let stored = self.db.store.load_room(session).await.unwrap();
        let doc = yrs::Doc::new();
        {
            let mut txn = doc.transact_mut();
            for update in &stored.updates {
                txn.apply_update(yrs::Update::decode_v1(update).unwrap())
                    .unwrap();
            }
        }
        doc.transact().state_vector()
    }

    pub async fn stop(mut self) {
        let _ = self.balancer.kill();
        let _ = self.balancer.wait();
        for node in &mut self.nodes {
            let _ = node.child.kill();
            let _ = node.child.wait();
        }
        self.db.drop_database().await;
    }

    /// What each server logged, for a failure's message.
    pub fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| std::fs::read_to_string(n.log()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n---\n")
    }
}

fn board_url(port: u16, session: i64) -> String {
    format!(
        "ws://127.0.0.1:{port}/sync/{session}?token={}",
        invitation(session, sala::auth::Role::Participante, 3600)
    )
}

fn spawn_node(database_url: &str, port: u16) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::File::create(dir.path().join("sala.log")).unwrap();
    let child = sala(dir.path())
        .env("SALA_SECRET", TEST_SECRET)
        .env("DATABASE_URL", database_url)
        .args(["serve", "--cluster", "--addr", &format!("127.0.0.1:{port}")])
        .args(["--site-root", "/nonexistent"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Node { port, child, dir }
}

/// A participant that keeps its document across reconnections, as a browser tab does.
pub struct Writer {
    pub id: u64,
    pub client: Option<SyncClient>,
    pub doc_state: Vec<u8>,
    pub reconnects: usize,
}

/// Connects (or reconnects) `id` to `url` holding `state`, and syncs both ways. `None` while
/// no server takes it (a server just died and HAProxy has not noticed yet).
pub async fn connect(url: &str, id: u64, state: &[u8]) -> Option<SyncClient> {
    let mut client = timeout(Duration::from_secs(5), SyncClient::connect(url, id))
        .await
        .ok()?
        .ok()?;
    if !state.is_empty() {
        client.apply(state).ok()?;
    }
    timeout(Duration::from_secs(5), client.sync())
        .await
        .ok()?
        .ok()?;
    Some(client)
}

impl Writer {
    /// Joins through `url`, retrying while no server takes it: a server may be killed while
    /// a writer is still joining, and the balancer may not have noticed yet.
    pub async fn join(url: &str, id: u64) -> Self {
        let mut writer = Self {
            id,
            client: None,
            doc_state: Vec::new(),
            reconnects: 0,
        };
        writer.reconnect(url).await;
        writer.reconnects = 0;
        writer
    }

    fn remember(&mut self) {
        if let Some(client) = &self.client {
            self.doc_state = client
                .doc
                .transact()
                .encode_state_as_update_v1(&StateVector::default());
        }
    }

    /// Reconnects through `url` until a server takes it.
    pub async fn reconnect(&mut self, url: &str) {
        self.remember();
        self.client = None;
        let deadline = Instant::now() + CONVERGE;
        while Instant::now() < deadline {
            if let Some(client) = connect(url, self.id, &self.doc_state).await {
                self.client = Some(client);
                self.reconnects += 1;
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("writer {} found no server for {CONVERGE:?}", self.id);
    }

    /// One edit of its own, sent (if the socket breaks, it is resent by the next sync).
    pub async fn edit(&mut self, url: &str, text: &str) {
        if self.client.is_none() {
            self.reconnect(url).await;
        }
        let Some(client) = self.client.as_mut() else {
            return;
        };
        let update = client.append_text("t", text);
        if client
            .send(sala::sync::protocol::update(&update))
            .await
            .is_err()
        {
            self.reconnect(url).await;
        }
    }

    /// Reads what arrived within `wait`; a closed socket reconnects.
    pub async fn drain(&mut self, url: &str, wait: Duration) {
        let deadline = Instant::now() + wait;
        loop {
            let Some(client) = self.client.as_mut() else {
                self.reconnect(url).await;
                continue;
            };
            let left = deadline.saturating_duration_since(Instant::now());
            match timeout(left, client.next_message()).await {
                Err(_) => return,
                Ok(Ok(Incoming::SyncStep2(_) | Incoming::Update(_) | Incoming::SyncStep1(_))) => {}
                Ok(Ok(_)) => {}
                Ok(Err(_)) => self.reconnect(url).await,
            }
            if Instant::now() >= deadline {
                return;
            }
        }
    }

    pub fn state_vector(&self) -> StateVector {
        self.client
            .as_ref()
            .map(|c| c.state_vector())
            .unwrap_or_default()
    }

    /// Its own clock: how many structs it wrote.
    pub fn own_clock(&self) -> u32 {
        self.state_vector().get(&yrs::ClientID::new(self.id))
    }
}

/// Every writer's final clock, as they finish (a writer that converged knows everyone's).
pub type Finished = Arc<Mutex<HashMap<u64, u32>>>;

/// Reads until the writer holds everything every writer of its board wrote (`expected`
/// writers in all, their final clocks in `finished`).
pub async fn converge(writer: &mut Writer, url: &str, finished: &Finished, expected: usize) {
    let deadline = Instant::now() + CONVERGE;
    loop {
        let done = finished.lock().await.clone();
        let sv = writer.state_vector();
        if done.len() == expected
            && done
                .iter()
                .all(|(id, clock)| sv.get(&yrs::ClientID::new(*id)) >= *clock)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "writer {} did not converge: has {sv:?}, finished {done:?}",
            writer.id
        );
        writer.drain(url, Duration::from_millis(200)).await;
    }
}
