//! Crash durability: the real `sala` binary is killed with SIGKILL at random moments while
//! clients write continuously, and restarted, on SQLite and on PostgreSQL. Right after each kill
//! every update any client received from the server is in the stored board, and at the end every
//! client converges to the same state.

use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use sala::sync::protocol::{self, Incoming};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use yrs::updates::decoder::Decode;
use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact, Update};

use crate::common::binary::{free_port, json_output, sala, serve, wait_healthy};

const KILLS: usize = 20;
const CLIENTS: u64 = 3;

/// Where the killed server keeps its data: a SQLite file in `dir`, or a PostgreSQL database.
struct Data {
    dir: tempfile::TempDir,
    database_url: Option<String>,
}

impl Data {
    fn sala(&self) -> std::process::Command {
        let mut command = sala(self.dir.path());
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        command
    }

    /// The board as stored right now (the server must not be running).
    async fn stored_state(&self, session_id: i64) -> Vec<u8> {
        let target =
            sala::store::DatabaseTarget::resolve(self.database_url.as_deref(), self.dir.path())
                .unwrap();
        let store = sala::store::Store::connect(&target).await.unwrap();
        let stored = store.load_room(session_id).await.unwrap();
        store.close().await;
        sala::sync::room::Room::load(stored.updates.iter().map(Vec::as_slice))
            .unwrap()
            .full_state()
    }
}

fn cli_json(data: &Data, args: &[&str]) -> serde_json::Value {
    json_output(&data.sala().args(args).output().unwrap())
}

fn start_server(data: &Data, port: u16) -> Child {
    serve(data.sala(), port)
}

struct Replica {
    doc: Mutex<Doc>,
    /// Every update (or SyncStep2) this client received from the server.
    received: Mutex<Vec<Vec<u8>>>,
    /// Has a socket whose stream has not ended: once false with the server dead, everything the
    /// server wrote to this client has been read.
    connected: AtomicBool,
}

/// Writes every 5 ms once it has answered the server's SyncStep1 (so its edits never reach the
/// server before what they build on), applies whatever arrives, and reconnects (and resyncs)
/// whenever the server goes away. Stops writing when `stop` is set, then keeps syncing until
/// `done`.
async fn run_client(
    url: String,
    id: u64,
    replica: Arc<Replica>,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
) {
    let mut n = 0u64;
    while !done.load(Ordering::SeqCst) {
        let Ok((ws, _)) = connect_async(&url).await else {
            tokio::time::sleep(Duration::from_millis(30)).await;
            continue;
        };
        replica.connected.store(true, Ordering::SeqCst);
        let (mut sink, mut stream) = ws.split();
        let sv = replica.doc.lock().unwrap().transact().state_vector();
        if sink
            .send(Message::Binary(protocol::sync_step1(&sv)))
            .await
            .is_err()
        {
            replica.connected.store(false, Ordering::SeqCst);
            continue;
        }
        let mut ticker = tokio::time::interval(Duration::from_millis(5));
        let mut answered = false;
        loop {
            tokio::select! {
                message = stream.next() => {
                    let Some(Ok(Message::Binary(frame))) = message else { break };
                    match protocol::decode(&frame) {
                        Ok(Incoming::SyncStep1(sv)) => {
                            let diff = replica.doc.lock().unwrap().transact().encode_diff_v1(&sv);
                            if sink.send(Message::Binary(protocol::sync_step2(&diff))).await.is_err() {
                                break;
                            }
                            answered = true;
                        }
                        Ok(Incoming::SyncStep2(update) | Incoming::Update(update)) => {
                            let decoded = Update::decode_v1(&update).expect("server sent a valid update");
                            replica.doc.lock().unwrap().transact_mut().apply_update(decoded).unwrap();
                            replica.received.lock().unwrap().push(update.to_vec());
                        }
                        _ => {}
                    }
                }
                _ = ticker.tick() => {
                    if done.load(Ordering::SeqCst) {
                        return;
                    }
                    if stop.load(Ordering::SeqCst) || !answered {
                        continue;
                    }
                    n += 1;
                    let update = {
                        let doc = replica.doc.lock().unwrap();
                        let text = doc.get_or_insert_text("notes");
                        let mut txn = doc.transact_mut();
                        let len = text.len(&txn);
                        text.insert(&mut txn, len, &format!("c{id}-{n};"));
                        txn.encode_update_v1()
                    };
                    if sink.send(Message::Binary(protocol::update(&update))).await.is_err() {
                        break;
                    }
                }
            }
        }
        replica.connected.store(false, Ordering::SeqCst);
    }
}

/// Fails if `updates` add anything to `state`, or need something it lacks: then some update a
/// client received was not stored.
fn assert_contained(state: &[u8], updates: &[Vec<u8>], context: &str) {
    let stored = Doc::with_client_id(1);
    stored
        .transact_mut()
        .apply_update(Update::decode_v1(state).unwrap())
        .unwrap();
    let probe = Doc::with_client_id(1);
    probe
        .transact_mut()
        .apply_update(Update::decode_v1(state).unwrap())
        .unwrap();
    for update in updates {
        probe
            .transact_mut()
            .apply_update(Update::decode_v1(update).unwrap())
            .unwrap();
    }
    assert!(
        !probe.transact().has_missing_updates(),
        "{context}: a client received an update whose predecessors are not in the store"
    );
    assert_eq!(
        full_state(&probe),
        full_state(&stored),
        "{context}: an update a client received is not in the store"
    );
}

fn full_state(doc: &Doc) -> (String, StateVector) {
    // The root must be obtained before a read transaction is open (it may need to write).
    let text = doc.get_or_insert_text("notes");
    let txn = doc.transact();
    (text.get_string(&txn), txn.state_vector())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_nothing_anyone_saw_on_sqlite() {
    let data = Data {
        dir: tempfile::tempdir().unwrap(),
        database_url: None,
    };
    soak(&data, "SQLite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_nothing_anyone_saw_on_postgres() {
    let Some(db) = crate::common::postgres_db().await else {
        return;
    };
    let data = Data {
        dir: tempfile::tempdir().unwrap(),
        database_url: Some(db.url()),
    };
    db.store.close().await;
    soak(&data, "PostgreSQL").await;
    db.drop_database().await;
}

async fn soak(data: &Data, engine: &str) {
    let port = free_port();
    let session = cli_json(
        data,
        &[
            "session",
            "create",
            "--mesa",
            "local-19",
            "--at",
            "2030-01-01T09:00:00Z",
            "--format",
            "json",
        ],
    );
    let session_id = session["id"].as_i64().unwrap();
    let invite = cli_json(
        data,
        &[
            "invite",
            "--session",
            &session_id.to_string(),
            "--role",
            "participante",
            "--format",
            "json",
            "--public-url",
            &format!("http://127.0.0.1:{port}"),
        ],
    );
    let url = invite["sync_url"].as_str().unwrap().to_owned();

    let mut server = start_server(data, port);
    wait_healthy(port).await;

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let replicas: Vec<Arc<Replica>> = (0..CLIENTS)
        .map(|id| {
            Arc::new(Replica {
                doc: Mutex::new(Doc::with_client_id(1000 + id)),
                received: Mutex::new(Vec::new()),
                connected: AtomicBool::new(false),
            })
        })
        .collect();
    let tasks: Vec<_> = replicas
        .iter()
        .enumerate()
        .map(|(id, replica)| {
            tokio::spawn(run_client(
                url.clone(),
                id as u64,
                replica.clone(),
                stop.clone(),
                done.clone(),
            ))
        })
        .collect();

    // Checked right after each kill, before anyone reconnects: a client re-sends its whole state
    // when it reconnects, so an update forwarded before it was stored would otherwise be
    // written back by the clients and the loss would go unseen.
    let mut checked_upto = vec![0; replicas.len()];
    let mut checked_at_kills = 0;
    let mut recoveries = Vec::new();
    for kill in 0..KILLS {
        let pause = rand::rng().random_range(150..600);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        // Frames the server wrote before dying may still be in the clients' socket buffers:
        // a client's stream ends only after it has read them all.
        let deadline = Instant::now() + Duration::from_secs(10);
        while replicas.iter().any(|r| r.connected.load(Ordering::SeqCst)) {
            assert!(Instant::now() < deadline, "clients see the server gone");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let stored = data.stored_state(session_id).await;
        for (replica, upto) in replicas.iter().zip(checked_upto.iter_mut()) {
            let received = replica.received.lock().unwrap()[*upto..].to_vec();
            assert_contained(&stored, &received, &format!("after kill {}", kill + 1));
            *upto += received.len();
            checked_at_kills += received.len();
        }
        let restarted = Instant::now();
        server = start_server(data, port);
        wait_healthy(port).await;
        recoveries.push(restarted.elapsed());
    }

    // Let everyone reconnect and exchange what they have, with nobody writing.
    stop.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(3)).await;
    done.store(true, Ordering::SeqCst);
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("client stops")
            .unwrap();
    }

    // What the server has now, as a fresh client sees it after a last restart from disk.
    server.kill().unwrap();
    server.wait().unwrap();
    server = start_server(data, port);
    wait_healthy(port).await;
    let mut observer = sala::sync::client::SyncClient::connect(&url, 4242)
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), observer.sync())
        .await
        .unwrap()
        .unwrap();
    let (server_text, server_sv) = full_state(&observer.doc);
    let server_state = observer
        .doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    server.kill().unwrap();
    server.wait().unwrap();

    let mut checked = 0;
    for replica in &replicas {
        let received = replica.received.lock().unwrap().clone();
        assert_contained(&server_state, &received, "at the end");
        checked += received.len();
        let (text, sv) = full_state(&replica.doc.lock().unwrap());
        assert_eq!(sv, server_sv, "a client did not converge");
        assert_eq!(text, server_text);
    }
    assert!(
        checked_at_kills > 50,
        "the clients saw too little traffic between kills ({checked_at_kills}) for the test to mean anything"
    );
    assert!(
        checked > 50,
        "the clients saw too little traffic ({checked}) for the test to mean anything"
    );
    for id in 0..CLIENTS {
        assert!(
            server_text.contains(&format!("c{id}-1;")),
            "client {id}'s edits are there"
        );
    }
    recoveries.sort();
    eprintln!(
        "{engine}: {KILLS} SIGKILLs, {checked_at_kills} received updates found in the store right after the kills, {checked} at the end, {} bytes of text; restart to serving: median {} ms, max {} ms",
        server_text.len(),
        recoveries[recoveries.len() / 2].as_millis(),
        recoveries[recoveries.len() - 1].as_millis()
    );
}
