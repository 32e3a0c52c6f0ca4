//! Servers killed at random moments, a listener whose connection is terminated, and the shared
//! work (projection) of a board whose steward dies.

use std::sync::Arc;
use std::time::Duration;

use app::domain::board::{COMMITMENTS, Field, put_record};
use rand::Rng;
use sqlx::Connection;
use tokio::time::{Instant, timeout};
use yrs::Transact;

use super::{CONVERGE, Finished, Fleet, Writer, converge};
use crate::common::coordination;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_killed_mid_session_lose_nothing_any_client_received() {
    let Some(mut fleet) = Fleet::start(3).await else {
        return;
    };
    let boards = [
        (
            fleet.started_session("local-04", "2027-02-01T09:00").await,
            8,
        ),
        (
            fleet.started_session("local-05", "2027-02-01T09:00").await,
            4,
        ),
    ];
    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut tasks = Vec::new();
    let mut next_id = 2_000u64;
    for &(session, writers) in &boards {
        let finished: Finished = Arc::default();
        for _ in 0..writers {
            next_id += 1;
            let (id, url) = (next_id, fleet.lb_url(session));
            let (finished, writing) = (finished.clone(), writing.clone());
            tasks.push(tokio::spawn(async move {
                let mut writer = Writer::join(&url, id).await;
                let mut edit = 0;
                while writing.load(std::sync::atomic::Ordering::Relaxed) {
                    writer.edit(&url, &format!("[{id}:{edit}]")).await;
                    writer.drain(&url, Duration::from_millis(40)).await;
                    edit += 1;
                }
                finished.lock().await.insert(id, writer.own_clock());
                converge(&mut writer, &url, &finished, writers).await;
                (session, writer, edit)
            }));
        }
    }
    let mut kills = 0;
    while kills < 10 {
        let pause = rand::rng().random_range(200..900);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        let victim = rand::rng().random_range(0..fleet.nodes.len());
        fleet.kill(victim);
        kills += 1;
        tokio::time::sleep(Duration::from_millis(rand::rng().random_range(100..600))).await;
        fleet.restart(victim);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    let mut reconnects = 0;
    for task in tasks {
        let (session, writer, edits) = task.await.expect("writer task");
        let stored = fleet.stored_state_vector(session).await;
        assert_eq!(
            writer.state_vector(),
            stored,
            "writer {} holds exactly what board {session} stored\n{}",
            writer.id,
            fleet.logs()
        );
        let text = writer.client.as_ref().unwrap().text("t");
        assert!(
            text.contains(&format!("[{}:{}]", writer.id, edits - 1)),
            "its last edit is on the board"
        );
        reconnects += writer.reconnects;
    }
    assert!(reconnects > 0, "the kills did reach some writers");
    eprintln!("{kills} servers killed; {reconnects} reconnections");
    fleet.stop().await;
}

/// Terminates the backend of `pid`'s LISTEN connection.
async fn terminate_listener(fleet: &Fleet, pid: u32) -> u64 {
    let mut admin = sqlx::PgConnection::connect(&fleet.db.url()).await.unwrap();
    let ended: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
    )
    .bind(format!("sala listener {pid}"))
    .fetch_all(&mut admin)
    .await
    .unwrap();
    ended.len() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_listener_whose_connection_is_terminated_catches_up_and_loses_nothing() {
    let Some(fleet) = Fleet::start(2).await else {
        return;
    };
    let session = fleet.started_session("local-06", "2027-02-01T09:00").await;
    let (reader_url, writer_url) = (fleet.node_url(0, session), fleet.node_url(1, session));
    let mut reader = Writer::join(&reader_url, 3_001).await;
    let mut writer = Writer::join(&writer_url, 3_002).await;
    let mut terminated = 0;
    for round in 0..6 {
        // The reader's server loses its LISTEN connection while the other one writes.
        terminated += terminate_listener(&fleet, fleet.nodes[0].pid()).await;
        for edit in 0..15 {
            writer.edit(&writer_url, &format!("[{round}:{edit}]")).await;
            writer.drain(&writer_url, Duration::from_millis(10)).await;
            reader.drain(&reader_url, Duration::from_millis(5)).await;
        }
    }
    assert!(
        terminated >= 6,
        "the listener was found and terminated each time"
    );
    let finished: Finished = Arc::default();
    finished.lock().await.insert(writer.id, writer.own_clock());
    converge(&mut reader, &reader_url, &finished, 1).await;
    assert_eq!(
        reader.state_vector(),
        fleet.stored_state_vector(session).await
    );
    assert_eq!(reader.reconnects, 0, "its socket never noticed");
    fleet.stop().await;
}

fn commitment(writer: &Writer, id: &str, description: &str) -> Vec<u8> {
    let client = writer.client.as_ref().unwrap();
    let mut txn = client.doc.transact_mut();
    put_record(
        &mut txn,
        COMMITMENTS,
        id,
        &[
            ("description", Field::Text(description.into())),
            ("institutions", Field::Text("Subred Norte".into())),
            ("responsible", Field::Text("Ana Pérez".into())),
            ("status", Field::Text("pendiente".into())),
        ],
        "Ana Pérez",
        1.0,
    );
    txn.encode_update_v1()
}

async fn projected(fleet: &Fleet, session: i64, description: &str) -> bool {
    let mut db = sqlx::PgConnection::connect(&fleet.db.url()).await.unwrap();
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT description FROM proj_commitments WHERE session_id = $1")
            .bind(session)
            .fetch_all(&mut db)
            .await
            .unwrap();
    rows.iter().any(|(d,)| d == description)
}

/// The process whose steward connection holds the board's advisory lock.
async fn steward_pid(fleet: &Fleet, session: i64) -> Option<u32> {
    let mut db = sqlx::PgConnection::connect(&fleet.db.url()).await.unwrap();
    let name: Option<(String,)> = sqlx::query_as(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 23066 AND l.objid = $1",
    )
    .bind(session as i32)
    .fetch_optional(&mut db)
    .await
    .unwrap();
    name.and_then(|(n,)| n.strip_prefix("sala steward ")?.parse().ok())
}

async fn send(writer: &mut Writer, url: &str, update: &[u8]) {
    writer
        .client
        .as_mut()
        .unwrap()
        .send(sala::sync::protocol::update(update))
        .await
        .unwrap();
    writer.drain(url, Duration::from_millis(50)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dashboard_on_one_server_hears_a_commitment_written_on_another_even_after_its_steward_dies()
 {
    let Some(mut fleet) = Fleet::start(3).await else {
        return;
    };
    let session = fleet.started_session("local-01", "2027-02-01T09:00").await;
    // A dashboard open on server C.
    let http = reqwest::Client::new();
    let mut events = http
        .get(format!(
            "http://127.0.0.1:{}/tablero/eventos?ambito=mesa:local-01",
            fleet.nodes[2].port
        ))
        .bearer_auth(coordination("local-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    // Written through server A.
    let url_a = fleet.node_url(0, session);
    let mut ana = Writer::join(&url_a, 4_001).await;
    let update = commitment(
        &ana,
        "0c0c0c0c-0000-4000-8000-0000000000a1",
        "Jornada en Usaquén",
    );
    send(&mut ana, &url_a, &update).await;
    let heard = timeout(Duration::from_secs(10), async {
        let mut seen = String::new();
        while let Some(chunk) = events.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(&format!("data: {session}")) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        heard,
        Ok(true),
        "server C's dashboard heard it\n{}",
        fleet.logs()
    );
    assert!(projected(&fleet, session, "Jornada en Usaquén").await);

    // The board is also loaded on server B; its steward (A, the only one that had it) dies.
    let url_b = fleet.node_url(1, session);
    let mut luis = Writer::join(&url_b, 4_002).await;
    let steward = steward_pid(&fleet, session)
        .await
        .expect("a steward holds the board");
    let victim = fleet
        .nodes
        .iter()
        .position(|n| n.pid() == steward)
        .expect("the steward is one of the servers");
    assert_eq!(victim, 0, "the server that projected first is the steward");
    fleet.kill(victim);
    let update = commitment(
        &luis,
        "0c0c0c0c-0000-4000-8000-0000000000b2",
        "Brigada en Toberín",
    );
    send(&mut luis, &url_b, &update).await;
    let started = Instant::now();
    while !projected(&fleet, session, "Brigada en Toberín").await {
        assert!(
            started.elapsed() < CONVERGE,
            "nobody took over the projection\n{}",
            fleet.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("projection taken over in {:?}", started.elapsed());
    assert_ne!(steward_pid(&fleet, session).await, Some(steward));
    fleet.stop().await;
}
