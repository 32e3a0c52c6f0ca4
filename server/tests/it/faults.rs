//! Storage faults, with nothing acknowledged lost: a full disk (SQLite on a small tmpfs the test
//! mounts), a PostgreSQL that stops mid-session (a private cluster the test starts), and a slow
//! disk (the committer's sink wrapped with a delay).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sala::auth::Role;
use sala::store::{DatabaseTarget, Store};
use sala::sync::SyncLimits;
use sala::sync::client::{Event, SyncClient};
use sala::sync::protocol::{self, Incoming};
use tokio::time::timeout;
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, StateVector, Transact};

use crate::common::TestServer;
use crate::sync::{WAIT, close_of, eventually, join, new_session, token, url};

/// A fault the environment may not allow (mounting needs root): skipped with a note, unless
/// `SALA_REQUIRE_FAULTS=1` (as in `make test`) makes it a failure.
fn unavailable(what: &str) {
    assert!(
        std::env::var("SALA_REQUIRE_FAULTS").as_deref() != Ok("1"),
        "SALA_REQUIRE_FAULTS=1 but {what}"
    );
    eprintln!("skipping: {what}");
}

/// A tmpfs of a few MiB, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().to_path_buf();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Self { path, _dir: dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Fills the disk under `path` with one file; returns it (remove it to free the space).
fn fill(path: &Path) -> PathBuf {
    use std::io::Write;
    let filler = path.join("relleno.bin");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.sync_all();
    filler
}

/// A client that reconnects as `old` did, keeping what its device holds (as a browser's
/// Yjs document does), and syncs: what the server lacks is sent.
async fn reconnect(
    server: &TestServer,
    session: i64,
    role: Role,
    old: &SyncClient,
    id: u64,
) -> SyncClient {
    try_reconnect(server, session, role, old, id)
        .await
        .expect("reconnected")
}

async fn try_reconnect(
    server: &TestServer,
    session: i64,
    role: Role,
    old: &SyncClient,
    id: u64,
) -> Option<SyncClient> {
    let state = old
        .doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    let url = url(server, session, &token(session, role, 3600));
    let mut client = timeout(WAIT, SyncClient::connect(&url, id))
        .await
        .ok()?
        .ok()?;
    client.apply(&state).ok()?;
    timeout(WAIT, client.sync()).await.ok()?.ok()?;
    Some(client)
}

/// A session with Ana (coordination) and Luis on its board, and one edit of Ana's that Luis
/// has: acknowledged, so stored.
async fn meeting(server: &TestServer) -> (i64, SyncClient, SyncClient) {
    let session = new_session(server).await;
    let mut ana = join(server, session, Role::Coordinador, 11).await;
    let mut luis = join(server, session, Role::Participante, 22).await;
    let update = ana.append_text("notas", "antes;");
    ana.send(protocol::update(&update)).await.unwrap();
    crate::sync::until(&mut luis, |c, _| c.text("notas") == "antes;").await;
    (session, ana, luis)
}

/// A server on `store`, with everything else as usual.
async fn server_on(store: Store, dir: tempfile::TempDir) -> TestServer {
    TestServer::start_on(
        store,
        dir,
        SyncLimits::default(),
        Default::default(),
        Default::default(),
    )
    .await
}

/// The board as the store holds it, as text.
async fn stored_text(store: &Store, session: i64) -> String {
    let stored = store.load_room(session).await.unwrap();
    let room = sala::sync::room::Room::load(stored.updates.iter().map(Vec::as_slice)).unwrap();
    let doc = yrs::Doc::new();
    doc.transact_mut()
        .apply_update(yrs::Update::decode_v1(&room.full_state()).unwrap())
        .unwrap();
    let text = doc.get_or_insert_text("notas");
    yrs::GetString::get_string(&text, &doc.transact())
}

#[tokio::test]
async fn a_full_disk_acknowledges_nothing_tells_clients_and_resumes_when_space_returns() {
    let Some(disk) = SmallDisk::mount("6m") else {
        return unavailable("cannot mount a tmpfs (needs root)");
    };
    let dir = tempfile::tempdir_in(&disk.path).unwrap();
    let target = DatabaseTarget::resolve(None, dir.path()).unwrap();
    let store = Store::open(&target).await.unwrap();
    let server = server_on(store, dir).await;
    let (session, mut ana, mut luis) = meeting(&server).await;

    let filler = fill(&disk.path);
    // Ana keeps typing: the first commit that finds no space closes the room with 4507.
    let chunk = "x".repeat(8 * 1024);
    let mut code = None;
    for _ in 0..200 {
        let update = ana.append_text("notas", &chunk);
        if ana.send(protocol::update(&update)).await.is_err() {
            break;
        }
        if let Ok(Ok(Event::Closed { code: c, reason })) =
            timeout(Duration::from_millis(20), ana.next_event()).await
        {
            assert!(reason.contains("espacio"), "{reason}");
            code = Some(c);
            break;
        }
    }
    let code = match code {
        Some(code) => code,
        None => close_of(&mut ana).await.0,
    };
    assert_eq!(code, 4507, "told the disk is full");
    let (luis_code, _) = close_of(&mut luis).await;
    assert_eq!(luis_code, 4507, "everyone in the room is told");
    // Nothing Luis received was left unstored.
    let stored = stored_text(&server.store, session).await;
    assert!(
        stored.starts_with(&luis.text("notas")),
        "Luis saw {} bytes, the store holds {}",
        luis.text("notas").len(),
        stored.len()
    );
    // Space returns: what Ana's device kept is stored when she reconnects.
    std::fs::remove_file(&filler).unwrap();
    let ana_text = ana.text("notas");
    let ana = reconnect(&server, session, Role::Coordinador, &ana, 11).await;
    let store = server.store.clone();
    eventually("Ana's changes are stored once there is space", async || {
        stored_text(&store, session).await == ana_text
    })
    .await;
    let luis = reconnect(&server, session, Role::Participante, &luis, 22).await;
    assert_eq!(luis.text("notas"), ana_text);
    drop(ana);
    drop(server);
    drop(disk);
}

/// A PostgreSQL cluster of the test's own, on a free port, that it may stop and start.
struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl PrivatePostgres {
    fn as_postgres(&self, command: &str) -> bool {
        let mut run = if unsafe_is_root() {
            let mut c = Command::new("su");
            c.args(["postgres", "-s", "/bin/sh", "-c", command]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", command]);
            c
        };
        run.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn start_new() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|p| p.join("initdb").exists())?;
        let dir = tempfile::tempdir().ok()?;
        let data = dir.path().join("data");
        // The server runs as `postgres`, which must reach its directory.
        let _ = Command::new("chmod").arg("755").arg(dir.path()).status();
        std::fs::create_dir(&data).ok()?;
        if unsafe_is_root() {
            let _ = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status();
        }
        let port = crate::common::binary::free_port();
        let cluster = Self {
            bin,
            data,
            port,
            _dir: dir,
        };
        let initdb = format!(
            "{}/initdb -D {} -A trust -U postgres",
            cluster.bin.display(),
            cluster.data.display()
        );
        (cluster.as_postgres(&initdb) && cluster.start()).then_some(cluster)
    }

    fn start(&self) -> bool {
        self.as_postgres(&format!(
            "{}/pg_ctl -D {} -w -l {}/log -o \"-p {} -k {} -c listen_addresses=127.0.0.1\" start",
            self.bin.display(),
            self.data.display(),
            self.data.display(),
            self.port,
            self.data.display()
        ))
    }

    /// As a crash would: no shutdown checkpoint, connections cut.
    fn stop(&self) -> bool {
        self.as_postgres(&format!(
            "{}/pg_ctl -D {} -w -m immediate stop",
            self.bin.display(),
            self.data.display()
        ))
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn unsafe_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[tokio::test]
async fn a_postgresql_restart_mid_session_loses_nothing_acknowledged() {
    if std::env::var("SALA_TEST_POSTGRES_URL").is_err() {
        return unavailable("no PostgreSQL here (SALA_TEST_POSTGRES_URL unset)");
    }
    let Some(postgres) = PrivatePostgres::start_new() else {
        return unavailable("cannot start a private PostgreSQL cluster");
    };
    let target = DatabaseTarget::resolve(Some(&postgres.url()), Path::new(".")).unwrap();
    let store = Store::open(&target).await.unwrap();
    let server = server_on(store, tempfile::tempdir().unwrap()).await;
    let (session, mut ana, mut luis) = meeting(&server).await;

    assert!(postgres.stop(), "PostgreSQL stops");
    let down_at = Instant::now();
    let update = ana.append_text("notas", "durante;");
    ana.send(protocol::update(&update)).await.unwrap();
    let (code, reason) = close_of(&mut ana).await;
    assert_eq!(code, 1011);
    assert!(reason.contains("base de datos no responde"), "{reason}");
    let _ = close_of(&mut luis).await;
    assert_eq!(
        luis.text("notas"),
        "antes;",
        "nothing unstored was forwarded"
    );
    // The server itself keeps running.
    let (status, _) = server.get_text("/healthz").await;
    assert_eq!(status, 200);

    assert!(postgres.start(), "PostgreSQL starts again");
    let recovered = Instant::now();
    let ana_text = ana.text("notas");
    // Ana's device still holds «durante;»: her client reconnects until the server answers.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut back = None;
    while back.is_none() {
        assert!(
            Instant::now() < deadline,
            "the board is served again in time"
        );
        back = try_reconnect(&server, session, Role::Coordinador, &ana, 11).await;
        if back.is_none() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let served_after = recovered.elapsed();
    let store = server.store.clone();
    eventually("what Ana's device kept is stored", async || {
        stored_text(&store, session).await == ana_text
    })
    .await;
    let luis = reconnect(&server, session, Role::Participante, &luis, 22).await;
    assert_eq!(luis.text("notas"), "antes;durante;");
    eprintln!(
        "PostgreSQL down for {:.1} s; the board was served again {:.1} s after it came back",
        (recovered - down_at).as_secs_f64(),
        served_after.as_secs_f64()
    );
}

/// The store's writer, with every commit made `delay` slower (an fsync on a slow disk).
struct SlowDisk {
    inner: sala::store::RoomLogWriter,
    delay: Duration,
}

impl sala::sync::committer::LogSink for SlowDisk {
    fn append<'a>(
        &'a mut self,
        rows: &'a [sala::store::LogRow<'a>],
    ) -> futures_util::future::BoxFuture<'a, Result<sala::store::Appended, sala::store::StoreError>>
    {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.inner.append(rows).await
        })
    }
}

/// Three writers each send `updates` edits as fast as the room takes them; returns how long the
/// last one took to reach everyone, and the most batches ever waiting for storage at once.
async fn write_through(delay: Duration, updates: usize) -> (Duration, i64) {
    use sala::sync::peer::{Credential, PeerLink};
    let (store, dir) = crate::common::sqlite_store().await;
    let hub = sala::sync::SyncHub::with_sink(
        store.clone(),
        SyncLimits::default(),
        SlowDisk {
            inner: store.room_log_writer(sala::store::NO_ROOM),
            delay,
        },
    );
    let session = store
        .create_session(
            &app::domain::ScheduleRequest {
                mesa: "local-07".into(),
                at: "2030-01-01T09:00".into(),
                place: String::new(),
                mode: "mixta".into(),
                confirmed: true,
            }
            .validate(chrono::Utc::now())
            .unwrap(),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .id;
    let started = Instant::now();
    let mut writers = Vec::new();
    let mut readers = Vec::new();
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let watcher = {
        let (metrics, watching, peak) = (hub.metrics().clone(), watching.clone(), peak.clone());
        tokio::spawn(async move {
            while watching.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(
                    metrics.batches_in_flight.get(),
                    std::sync::atomic::Ordering::Relaxed,
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    for writer in 0..3u64 {
        let (outbound, mut frames) = tokio::sync::mpsc::channel(4096);
        let (control, _closed) = tokio::sync::mpsc::unbounded_channel();
        let room = hub
            .join(
                session,
                Credential::writer(),
                PeerLink { outbound, control },
            )
            .await
            .unwrap();
        // What this writer hears: everyone else's edits, in order, once they are durable.
        readers.push(tokio::spawn(async move {
            let doc = yrs::Doc::new();
            let mut heard = 0;
            while heard < 2 * updates {
                let Some(frame) = frames.recv().await else {
                    break;
                };
                if let Ok(Incoming::Update(update)) = protocol::decode(&frame) {
                    doc.transact_mut()
                        .apply_update(yrs::Update::decode_v1(&update).unwrap())
                        .unwrap();
                    heard += 1;
                }
            }
            let _closed = _closed;
            heard
        }));
        writers.push(tokio::spawn(async move {
            let doc = yrs::Doc::with_client_id(100 + writer);
            let text = doc.get_or_insert_text("notas");
            for n in 0..updates {
                let update = {
                    let mut txn = doc.transact_mut();
                    let len = yrs::Text::len(&text, &txn);
                    yrs::Text::insert(&text, &mut txn, len, &format!("{writer}-{n};"));
                    txn.encode_update_v1()
                };
                room.frame(protocol::update(&update)).await.unwrap();
            }
            room
        }));
    }
    let mut rooms = Vec::new();
    for writer in writers {
        rooms.push(writer.await.unwrap());
    }
    for reader in readers {
        let heard = timeout(Duration::from_secs(120), reader)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(heard, 2 * updates, "every other writer's edit arrived");
    }
    let took = started.elapsed();
    watching.store(false, std::sync::atomic::Ordering::Relaxed);
    watcher.await.unwrap();
    // Everything is stored: the board loaded from disk has every edit.
    let stored = store.load_room(session).await.unwrap();
    let room = sala::sync::room::Room::load(stored.updates.iter().map(Vec::as_slice)).unwrap();
    let doc = yrs::Doc::new();
    doc.transact_mut()
        .apply_update(yrs::Update::decode_v1(&room.full_state()).unwrap())
        .unwrap();
    let text = yrs::GetString::get_string(&doc.get_or_insert_text("notas"), &doc.transact());
    for writer in 0..3 {
        for n in 0..updates {
            assert!(
                text.contains(&format!("{writer}-{n};")),
                "{writer}-{n} was stored"
            );
        }
    }
    for room in rooms {
        room.leave().await;
    }
    drop(dir);
    (took, peak.load(std::sync::atomic::Ordering::Relaxed))
}

#[tokio::test]
async fn a_slow_disk_delays_delivery_but_loses_nothing_and_bounds_what_waits() {
    // 3,000 edits make ~24 room batches: without the room's bound, most would wait at once.
    let (fast, fast_peak) = write_through(Duration::ZERO, 1000).await;
    let (slow, slow_peak) = write_through(Duration::from_millis(40), 1000).await;
    eprintln!(
        "3,000 edits by 3 writers: {:.0} ms with no delay (peak {fast_peak} batches waiting), {:.0} ms with 40 ms per commit (peak {slow_peak})",
        fast.as_secs_f64() * 1000.0,
        slow.as_secs_f64() * 1000.0
    );
    // The room keeps taking frames while commits are slow: each commit carries more edits, so
    // far fewer than 3,000 commits of 40 ms were needed.
    assert!(slow < Duration::from_millis(3000 * 40 / 10), "{slow:?}");
    assert!(slow > fast, "latency grows with the disk's");
    // What waits for storage is bounded by the room (MAX_IN_FLIGHT batches), not by the load.
    assert!(slow_peak <= 4, "{slow_peak} batches waited at once");
}
