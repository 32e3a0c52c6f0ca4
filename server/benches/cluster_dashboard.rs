//! From a commitment written through server A to a dashboard on server C hearing it:
//! `SALA_BENCH_POSTGRES_URL=$(scripts/ensure-postgres.sh) cargo bench -p sala --bench
//! cluster_dashboard` starts three release servers on a fresh database, opens the dashboard's
//! event stream on C, writes 200 commitments over the Yjs protocol on A (one every 250 ms) and
//! prints the latency's percentiles. The numbers are kept in `docs/benchmarks.md`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::domain::board::{COMMITMENTS, Field, put_record};
use sala::auth::{Claims, Role, Signer};
use sala::sync::client::SyncClient;
use sqlx::Connection;
use yrs::Transact;

const SECRET: &str = "bench-secret-bench-secret-bench-secret";
const SAMPLES: usize = 200;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn token(session: i64, role: Role, mesa: Option<&str>) -> String {
    Signer::new(SECRET.as_bytes().to_vec()).sign(&Claims {
        session,
        role,
        exp: chrono::Utc::now().timestamp() + 3600,
        nonce: format!("bench-{session}-{mesa:?}"),
        name: Some("bench".into()),
        mesa: mesa.map(str::to_owned),
    })
}

async fn healthy(port: u16) {
    for _ in 0..300 {
        if reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server on {port} did not start");
}

#[tokio::main]
async fn main() {
    let Ok(admin) = std::env::var("SALA_BENCH_POSTGRES_URL") else {
        eprintln!("set SALA_BENCH_POSTGRES_URL (scripts/ensure-postgres.sh prints one)");
        return;
    };
    let name = format!("sala_bench_dashboard_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut servers: Vec<Child> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        servers.push(
            Command::new(env!("CARGO_BIN_EXE_sala"))
                .env("SALA_DATA_DIR", dirs[i].path())
                .env("SALA_SECRET", SECRET)
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "warn")
                .args(["serve", "--cluster", "--addr", &format!("127.0.0.1:{port}")])
                .args(["--site-root", "/nonexistent"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        healthy(*port).await;
    }
    let target =
        sala::store::DatabaseTarget::resolve(Some(&url), std::path::Path::new(".")).unwrap();
    let store = sala::store::Store::connect(&target).await.unwrap();
    let now = chrono::Utc::now();
    let request = app::domain::ScheduleRequest {
        mesa: "local-01".into(),
        at: "2027-03-01T09:00".into(),
        place: String::new(),
        mode: "mixta".into(),
        confirmed: true,
    };
    let session = store
        .create_session_with_board(&request.validate(now).unwrap(), now, |carried| {
            sala::sync::followup::seed_update(carried, now)
        })
        .await
        .unwrap()
        .id;
    store
        .change_session_status(session, app::domain::SessionAction::Iniciar, now)
        .await
        .unwrap();

    let mut events = reqwest::Client::new()
        .get(format!(
            "http://127.0.0.1:{}/tablero/eventos?ambito=mesa:local-01",
            ports[2]
        ))
        .bearer_auth(token(0, Role::Coordinador, Some("local-01")))
        .send()
        .await
        .unwrap();
    let board = format!(
        "ws://127.0.0.1:{}/sync/{session}?token={}",
        ports[0],
        token(session, Role::Participante, None)
    );
    let mut writer = SyncClient::connect(&board, 77).await.unwrap();
    writer.sync().await.unwrap();
    let mut latencies = Vec::with_capacity(SAMPLES);
    let mut seen = String::new();
    for n in 0..SAMPLES {
        let update = {
            let mut txn = writer.doc.transact_mut();
            put_record(
                &mut txn,
                COMMITMENTS,
                &format!("0c0c0c0c-0000-4000-8000-{n:012}"),
                &[
                    ("description", Field::Text(format!("Compromiso {n}"))),
                    ("responsible", Field::Text("Ana".into())),
                    ("status", Field::Text("pendiente".into())),
                ],
                "Ana",
                1.0,
            );
            txn.encode_update_v1()
        };
        let sent = Instant::now();
        writer
            .send(sala::sync::protocol::update(&update))
            .await
            .unwrap();
        seen.clear();
        loop {
            let chunk = tokio::time::timeout(Duration::from_secs(10), events.chunk())
                .await
                .expect("the dashboard on C heard it within 10 s")
                .unwrap()
                .expect("stream open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: cambio") {
                break;
            }
        }
        latencies.push(sent.elapsed());
        // Let the projector's debounce pass so each sample is its own change.
        tokio::time::sleep(Duration::from_millis(250)).await;
        while let Ok(Ok(_)) =
            tokio::time::timeout(Duration::from_millis(1), writer.next_message()).await
        {}
    }
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "commitment on A → dashboard event on C, {SAMPLES} samples: p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        at(0.50).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
    for mut server in servers {
        let _ = server.kill();
        let _ = server.wait();
    }
    store.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}
