//! Backups as an operator makes them, with the real binary: `sala backup` while the server runs
//! and clients write, `sala restore` with it stopped, and the board is exactly what it was at
//! backup time. And the PostgreSQL equivalent: `pg_dump` / `pg_restore` of a database with
//! Sala's data opens as a working store.

use std::path::Path;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

use sala::sync::client::SyncClient;
use sqlx::Connection;
use yrs::{GetString, Text, Transact};

use crate::common::binary::{free_port, json_output, sala, serve};

fn run(data_dir: &Path, args: &[&str]) -> Output {
    sala(data_dir).args(args).output().unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    json_output(output)
}

fn start(data_dir: &Path, port: u16) -> Child {
    serve(sala(data_dir), port)
}

/// A client that joins, syncs, and returns the board's text once it has it.
async fn board_text(url: &str, client: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut reader) = SyncClient::connect(url, client).await
            && tokio::time::timeout(Duration::from_secs(10), reader.sync())
                .await
                .is_ok_and(|r| r.is_ok())
        {
            let text = reader.text("notes");
            reader.close().await;
            return text;
        }
        assert!(Instant::now() < deadline, "the server did not answer");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Writes `text` at the end of the board; returns once another client reads it back (the room
/// makes an update durable before anyone else hears of it).
async fn write(url: &str, writer: &mut SyncClient, text: &str, reader_id: u64) {
    let update = writer.append_text("notes", text);
    writer
        .send(sala::sync::protocol::update(&update))
        .await
        .unwrap();
    let expected = writer.text("notes");
    let deadline = Instant::now() + Duration::from_secs(10);
    while board_text(url, reader_id).await != expected {
        assert!(Instant::now() < deadline, "the edit never became visible");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_backup_holds_the_board_as_it_was_at_backup_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let session = json(&run(
        &data,
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
    ));
    let id = session["id"].as_i64().unwrap().to_string();
    let invite = json(&run(
        &data,
        &[
            "invite",
            "--session",
            &id,
            "--role",
            "participante",
            "--format",
            "json",
            "--public-url",
            &format!("http://127.0.0.1:{port}"),
        ],
    ));
    let url = invite["sync_url"].as_str().unwrap().to_owned();

    let mut server = start(&data, port);
    board_text(&url, 900).await;
    let mut writer = SyncClient::connect(&url, 77).await.unwrap();
    writer.sync().await.unwrap();
    for line in ["Acta: ", "asistencia completa; ", "barrera de acceso 🎉"] {
        write(&url, &mut writer, line, 901).await;
    }
    let at_backup = board_text(&url, 902).await;

    // Online, while the writer stays connected.
    let backup = dir.path().join("sala-2026-12-01.db");
    let made = run(&data, &["backup", "--to", backup.to_str().unwrap()]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let report = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(report.contains("1 sesiones, 1 tableros"), "{report}");
    let again = run(&data, &["backup", "--to", backup.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no sobrescribe"));

    write(&url, &mut writer, " — escrito después de la copia", 903).await;
    assert_ne!(board_text(&url, 904).await, at_backup);

    // Not while the server runs, not without --force over a database.
    let busy = run(
        &data,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert!(!busy.status.success());
    let busy = String::from_utf8_lossy(&busy.stderr).into_owned();
    assert!(busy.contains("en uso"), "{busy}");
    writer.close().await;
    server.kill().unwrap();
    server.wait().unwrap();
    let unforced = run(&data, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(!unforced.status.success());
    assert!(String::from_utf8_lossy(&unforced.stderr).contains("--force"));

    let restored = run(
        &data,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let said = String::from_utf8_lossy(&restored.stdout).into_owned();
    assert!(
        said.contains("1 sesiones, 1 tableros") && said.contains(".bak-"),
        "{said}"
    );
    let kept: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("sala.db.bak-"))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept");

    let mut server = start(&data, port);
    let text = board_text(&url, 905).await;
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(text, at_backup, "exactly the board at backup time");
    assert_eq!(text, "Acta: asistencia completa; barrera de acceso 🎉");
}

/// Debian puts `pg_dump` on PATH (a wrapper that picks the cluster's version) or under
/// /usr/lib/postgresql/<version>/bin.
fn pg_tool(name: &str) -> std::path::PathBuf {
    let on_path = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if on_path {
        return name.into();
    }
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("{name} is not installed"))
}

#[tokio::test]
async fn a_pg_dump_restores_into_a_working_store() {
    let Some(db) = crate::common::postgres_db().await else {
        return;
    };
    let admin_url = std::env::var("SALA_TEST_POSTGRES_URL").unwrap();
    let source_url = db.url();
    let store = &db.store;
    let new = app::domain::ScheduleRequest {
        mesa: "local-19".into(),
        at: "2030-01-01T09:00:00-05:00".into(),
        place: "Salón comunal".into(),
        mode: "presencial".into(),
        confirmed: true,
    }
    .validate(chrono::Utc::now())
    .unwrap();
    let session = store
        .create_session(&new, chrono::Utc::now())
        .await
        .unwrap();
    let board = {
        let doc = yrs::Doc::with_client_id(5);
        let notes = doc.get_or_insert_text("notes");
        let mut txn = doc.transact_mut();
        notes.insert(&mut txn, 0, "acta en PostgreSQL");
        txn.encode_update_v1()
    };
    store
        .append_room_updates(&[(session.id, &board, Some("Ana (cuenta 1)"))])
        .await
        .unwrap();

    let dump = tempfile::NamedTempFile::new().unwrap();
    let dumped = std::process::Command::new(pg_tool("pg_dump"))
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(dump.path())
        .arg(&source_url)
        .output()
        .unwrap();
    assert!(
        dumped.status.success(),
        "{}",
        String::from_utf8_lossy(&dumped.stderr)
    );

    let copy_name = format!("{}_restaurada", db.name());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS \"{copy_name}\" WITH (FORCE)"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{copy_name}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    let copy_url = format!("{}/{copy_name}", admin_url.rsplit_once('/').unwrap().0);
    let restored = std::process::Command::new(pg_tool("pg_restore"))
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&copy_url)
        .arg(dump.path())
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );

    let target = sala::store::DatabaseTarget::resolve(Some(&copy_url), Path::new(".")).unwrap();
    let copy = sala::store::Store::open(&target).await.unwrap();
    let sessions = copy.list_sessions(None).await.unwrap();
    assert_eq!(sessions, store.list_sessions(None).await.unwrap());
    let room = copy.load_room(session.id).await.unwrap();
    assert_eq!(room.updates, vec![board.clone()]);
    let replica = sala::sync::room::Room::load(room.updates.iter().map(Vec::as_slice)).unwrap();
    let text = replica.doc().get_or_insert_text("notes");
    assert_eq!(
        text.get_string(&replica.doc().transact()),
        "acta en PostgreSQL"
    );
    // It is a working store: it writes too.
    copy.create_session(&new, chrono::Utc::now()).await.unwrap();
    copy.close().await;
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS \"{copy_name}\" WITH (FORCE)"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    db.drop_database().await;
}
