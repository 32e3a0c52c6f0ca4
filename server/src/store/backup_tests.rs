use chrono::Utc;

use super::*;
use crate::store::{DatabaseTarget, Store};

async fn store_with_a_session(dir: &Path) -> (Store, PathBuf) {
    let target = DatabaseTarget::resolve(None, dir).unwrap();
    let store = Store::open(&target).await.unwrap();
    let new = app::domain::ScheduleRequest {
        mesa: "local-19".into(),
        at: "2030-01-01T09:00:00-05:00".into(),
        place: "Casa de la cultura".into(),
        mode: "presencial".into(),
        confirmed: true,
    }
    .validate(Utc::now())
    .unwrap();
    let session = store.create_session(&new, Utc::now()).await.unwrap();
    store
        .append_room_updates(&[(session.id, &[0, 0], None)])
        .await
        .unwrap();
    (store, target.sqlite_file.unwrap())
}

#[tokio::test]
async fn a_backup_is_a_verified_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (store, db) = store_with_a_session(dir.path()).await;
    let to = dir.path().join("copia.db");
    // While the store (as the server would) holds its pool open.
    let inventory = backup_sqlite(&db, &to).await.unwrap();
    assert_eq!((inventory.sessions, inventory.boards), (1, 1));
    assert!(inventory.bytes > 0);
    let again = backup_sqlite(&db, &to).await.unwrap_err();
    assert!(matches!(again, BackupError::Exists(_)), "{again}");
    assert!(again.to_string().contains("no sobrescribe"));
    let missing = backup_sqlite(&dir.path().join("no.db"), &dir.path().join("x.db")).await;
    assert!(matches!(missing, Err(BackupError::NoDatabase(_))));
    store.close().await;
}

#[tokio::test]
async fn only_sound_sala_databases_of_a_known_version_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notas.txt");
    std::fs::write(&text, "no soy una base de datos").unwrap();
    assert!(matches!(
        inspect(&text).await,
        Err(BackupError::NotSqlite(_))
    ));
    assert!(matches!(
        inspect(&dir.path().join("nada.db")).await,
        Err(BackupError::NoFile(_))
    ));

    let other = dir.path().join("otra.db");
    let mut conn = SqliteConnectOptions::new()
        .filename(&other)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    sqlx::query("CREATE TABLE t (x)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert!(matches!(
        inspect(&other).await,
        Err(BackupError::NotSala(_))
    ));

    let (store, db) = store_with_a_session(dir.path()).await;
    let copy = dir.path().join("copia.db");
    backup_sqlite(&db, &copy).await.unwrap();
    store.close().await;
    let newer = dir.path().join("nueva.db");
    std::fs::copy(&copy, &newer).unwrap();
    let mut conn = open(&newer, false).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (29991231000099, 'futuro', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let error = inspect(&newer).await.unwrap_err();
    assert!(
        matches!(
            error,
            BackupError::Newer {
                version: 29991231000099,
                ..
            }
        ),
        "{error}"
    );

    // Damage every page after the first two: the header still says SQLite, the content is not.
    let broken = dir.path().join("rota.db");
    let mut bytes = std::fs::read(&copy).unwrap();
    let page = 4096.min(bytes.len() / 4);
    for b in bytes[2 * page..].iter_mut().step_by(7) {
        *b ^= 0x5a;
    }
    std::fs::write(&broken, bytes).unwrap();
    let error = inspect(&broken).await.unwrap_err();
    assert!(
        matches!(
            error,
            BackupError::Corrupt { .. } | BackupError::Sqlite { .. }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_restore_needs_force_over_a_database_and_a_stopped_server() {
    let dir = tempfile::tempdir().unwrap();
    let (store, db) = store_with_a_session(dir.path()).await;
    let copy = dir.path().join("copia.db");
    backup_sqlite(&db, &copy).await.unwrap();

    let refused = restore_sqlite(&copy, &db, false, Utc::now()).await;
    assert!(matches!(refused, Err(BackupError::TargetExists(_))));
    // The store's pool is open, as a running server's is.
    let busy = restore_sqlite(&copy, &db, true, Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(busy, BackupError::InUse(_)), "{busy}");
    store.close().await;

    let now = "2026-12-01T15:04:05Z".parse().unwrap();
    let restored = restore_sqlite(&copy, &db, true, now).await.unwrap();
    assert_eq!(restored.inventory.sessions, 1);
    let kept = restored.kept.unwrap();
    assert!(
        kept.to_string_lossy()
            .ends_with("sala.db.bak-20261201T150405Z")
    );
    assert_eq!(
        inspect(&kept).await.unwrap().sessions,
        1,
        "the old one is whole"
    );
    // And Sala opens what was restored.
    let target = DatabaseTarget::resolve(None, dir.path()).unwrap();
    let reopened = Store::open(&target).await.unwrap();
    assert_eq!(reopened.list_sessions(None).await.unwrap().len(), 1);
    reopened.close().await;

    let fresh = dir.path().join("nueva").join("sala.db");
    std::fs::create_dir_all(fresh.parent().unwrap()).unwrap();
    let restored = restore_sqlite(&copy, &fresh, false, Utc::now())
        .await
        .unwrap();
    assert_eq!(restored.kept, None);
}

#[tokio::test]
async fn mail_a_copy_still_had_to_send_waits_for_the_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let (store, db) = store_with_a_session(dir.path()).await;
    let queued = crate::store::NewMail {
        dedupe_key: "convocatoria:1:0:ana@x.co".into(),
        kind: app::domain::mail::MailKind::Convocatoria,
        recipient_name: "Ana".into(),
        recipient_email: "ana@x.co".into(),
        subject: "Convocatoria".into(),
        body: "Hola".into(),
        attachments: Vec::new(),
        replaces_for_session: Some(1),
    };
    assert!(store.enqueue_mail(&queued, Utc::now()).await.unwrap());
    let copy = dir.path().join("copia.db");
    backup_sqlite(&db, &copy).await.unwrap();
    store.close().await;

    let fresh_dir = dir.path().join("nueva");
    std::fs::create_dir_all(&fresh_dir).unwrap();
    let fresh = fresh_dir.join("sala.db");
    let restored = restore_sqlite(&copy, &fresh, false, Utc::now())
        .await
        .unwrap();
    assert_eq!(restored.held_mail, 1);
    let target = DatabaseTarget::resolve(None, &fresh_dir).unwrap();
    let reopened = Store::open(&target).await.unwrap();
    let entries = reopened.mail_entries(10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, app::domain::mail::MailState::Incierto);
    assert!(
        entries[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("copia de seguridad"))
    );
    assert!(
        reopened
            .claim_mail("otro", Utc::now())
            .await
            .unwrap()
            .is_none(),
        "nothing goes out on its own"
    );
    reopened.close().await;
}
