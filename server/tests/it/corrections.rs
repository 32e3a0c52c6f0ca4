//! Correcting what was recorded, on both engines: sessions rescheduled and cancelled (kept in the
//! series), members corrected, refused as duplicates and removed softly.

use app::domain::{
    MemberRequest, ScheduleRequest, SessionAction, SessionEdit, SessionStatus, parse_when,
    validate_cancellation,
};
use chrono::NaiveDate;
use sala::store::{Store, StoreError};

fn now() -> chrono::DateTime<chrono::Utc> {
    parse_when("2026-11-23T10:00").unwrap()
}

async fn schedule(store: &Store, mesa: &str, at: &str) -> app::domain::Session {
    let request = ScheduleRequest {
        mesa: mesa.into(),
        at: at.into(),
        place: "Alcaldía Local".into(),
        mode: "presencial".into(),
        confirmed: false,
    };
    store
        .create_session(&request.validate(now()).unwrap(), now())
        .await
        .unwrap()
}

async fn a_session_is_rescheduled_then_cancelled_and_stays_in_the_series(store: Store) {
    let first = schedule(&store, "local-11", "2026-12-03T09:00").await;
    let edit = SessionEdit {
        at: "2026-12-05T14:00".into(),
        place: "Casa de la Cultura".into(),
        mode: "mixta".into(),
        reason: "Paro de transporte".into(),
        confirmed: false,
    };
    let changes = edit.validate(&first, now()).unwrap();
    let moved = store.update_session(first.id, &changes).await.unwrap();
    assert_eq!(moved.rescheduled_from, Some(first.scheduled_at));
    assert_eq!(moved.change_reason.as_deref(), Some("Paro de transporte"));
    assert_eq!(moved.place, "Casa de la Cultura");
    assert_eq!(moved.seq, 1);

    // Only the place changes: the rescheduling stays recorded.
    let mut place_only = edit.clone();
    place_only.at = "2026-12-05T14:00".into();
    place_only.place = "Salón comunal".into();
    place_only.reason = String::new();
    let changes = place_only.validate(&moved, now()).unwrap();
    let placed = store.update_session(first.id, &changes).await.unwrap();
    assert_eq!(placed.rescheduled_from, Some(first.scheduled_at));
    assert_eq!(placed.place, "Salón comunal");

    let reason = validate_cancellation(&placed, "Sin quórum previsto").unwrap();
    let cancelled = store
        .cancel_session(first.id, &reason, now())
        .await
        .unwrap();
    assert_eq!(cancelled.status, SessionStatus::Cancelada);
    assert_eq!(
        cancelled.change_reason.as_deref(),
        Some("Sin quórum previsto")
    );
    assert!(cancelled.cancelled_at.is_some());

    // A cancelled session can be neither started, nor corrected, nor cancelled again.
    let err = store
        .change_session_status(first.id, SessionAction::Iniciar, now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Transition(_)), "{err}");
    assert!(edit.validate(&cancelled, now()).is_err());
    assert!(store.update_session(first.id, &changes).await.is_err());
    assert!(matches!(
        store.cancel_session(first.id, "otra vez", now()).await,
        Err(StoreError::Transition(_))
    ));

    // It keeps its number: the next session is the second.
    let second = schedule(&store, "local-11", "2026-12-10T09:00").await;
    assert_eq!(second.seq, 2);
    let detail = store.mesa_detail("local-11", now()).await.unwrap();
    let statuses: Vec<_> = detail.upcoming.iter().map(|s| (s.seq, s.status)).collect();
    assert_eq!(
        statuses,
        [
            (1, SessionStatus::Cancelada),
            (2, SessionStatus::Programada)
        ]
    );
}

fn member(name: &str, institution: &str) -> app::domain::NewMember {
    MemberRequest {
        mesa: "local-12".into(),
        name: name.into(),
        institution: institution.into(),
        sector: "Salud".into(),
        role: "Delegada EPS".into(),
        seat: "delegado".into(),
        contact: "601 555 0101".into(),
    }
    .validate()
    .unwrap()
}

async fn members_are_corrected_refused_as_duplicates_and_removed_softly(store: Store) {
    let ana = store
        .add_member(&member("Ana Pérez", "Capital Salud"), now())
        .await
        .unwrap();
    assert_eq!(ana.seat, app::domain::Seat::Delegado);
    let luis = store
        .add_member(&member("Luis Rojas", "Subred Sur"), now())
        .await
        .unwrap();

    let twin = store
        .add_member(&member("ana perez", "CAPITAL SALUD"), now())
        .await
        .unwrap_err();
    let StoreError::Invalid(errors) = twin else {
        panic!("expected a field error, got {twin}")
    };
    assert!(errors.get("name").unwrap().contains("ya es integrante"));

    // Correcting Luis into Ana's name and institution is the same duplicate.
    assert!(matches!(
        store
            .update_member(luis.id, &member("Ana Pérez", "Capital Salud"))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let corrected = store
        .update_member(luis.id, &member("Luis Alberto Rojas", "Subred Sur"))
        .await
        .unwrap();
    assert_eq!(corrected.name, "Luis Alberto Rojas");
    assert_eq!(corrected.mesa_code, "local-12");

    let on = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let removed = store.remove_member(ana.id, on).await.unwrap();
    assert_eq!(removed.removed_on, Some(on));
    let sitting: Vec<_> = store
        .members_of("local-12")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(sitting, [luis.id]);
    let detail = store.mesa_detail("local-12", now()).await.unwrap();
    assert_eq!(detail.former_members.len(), 1);
    assert!(matches!(
        store.remove_member(ana.id, on).await,
        Err(StoreError::RemovedMember(_))
    ));
    assert!(matches!(
        store
            .update_member(ana.id, &member("Ana", "Capital Salud"))
            .await,
        Err(StoreError::RemovedMember(_))
    ));
    // Once removed, the same person can be added again.
    store
        .add_member(&member("Ana Pérez", "Capital Salud"), now())
        .await
        .unwrap();
    assert!(matches!(
        store.remove_member(9_999, on).await,
        Err(StoreError::UnknownMember(9_999))
    ));
}

crate::on_both_engines!(
    a_session_is_rescheduled_then_cancelled_and_stays_in_the_series,
    members_are_corrected_refused_as_duplicates_and_removed_softly,
    a_barrier_is_escalated_once_even_when_two_press_at_once,
);

/// A database made before sessions could be cancelled, with a board stored under one of its
/// sessions, comes through the rebuild of `sessions` whole: same rows, same references.
#[tokio::test]
async fn an_older_sqlite_database_is_migrated_with_its_data() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let old_migrations = dir.path().join("migrations");
    std::fs::create_dir(&old_migrations).unwrap();
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut names: Vec<_> = std::fs::read_dir(&all)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names.iter().filter(|n| *n.to_string_lossy() < *"20261201") {
        std::fs::copy(all.join(name), old_migrations.join(name)).unwrap();
    }
    let target = sala::store::DatabaseTarget::resolve(None, dir.path()).unwrap();
    {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("sala.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::migrate::Migrator::new(old_migrations.as_path())
            .await
            .unwrap()
            .run(&mut conn)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO mesas (code, name, level, position) VALUES ('local-01', 'Mesa Local', 'local', 1)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO sessions (id, mesa_code, seq, scheduled_at, place, mode, status, created_at, closed_at)
             VALUES (41, 'local-01', 1, '2026-11-02T14:00:00Z', 'Sede', 'mixta', 'cerrada', '2026-11-01T00:00:00Z', '2026-11-02T16:00:00Z')",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::query("INSERT INTO room_updates (session_id, data, created_at) VALUES (41, x'0000', '2026-11-02T15:00:00Z')")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let store = Store::open(&target).await.expect("migrates");
    let session = store.get_session(41).await.unwrap();
    assert_eq!(session.status, SessionStatus::Cerrada);
    assert_eq!(session.place, "Sede");
    assert_eq!(store.room_history(41).await.unwrap().len(), 1);
    // New sessions continue the ids and the series.
    let next = schedule(&store, "local-01", "2026-12-03T09:00").await;
    assert!(next.id > 41);
    assert_eq!(next.seq, 2);
}

/// Two people pressing *Escalar* on one barrier at the same moment send it up once.
async fn a_barrier_is_escalated_once_even_when_two_press_at_once(store: Store) {
    use sala::store::NewEscalation;
    let session = schedule(&store, "local-07", "2026-12-03T09:00").await;
    let answer_by = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
    let escalate = |by: &'static str| {
        let store = store.clone();
        async move {
            store
                .create_escalation(
                    NewEscalation {
                        parent_id: None,
                        session_id: session.id,
                        barrier_id: "b1",
                        barrier: "Sin transporte a la sede",
                        from_mesa: "local-07",
                        reason: "Depende de Movilidad",
                        answer_by,
                        by,
                    },
                    now(),
                )
                .await
        }
    };
    let (ana, luis) = tokio::join!(escalate("Ana"), escalate("Luis"));
    let (sent, refused) = match (ana, luis) {
        (Ok(sent), Err(refused)) | (Err(refused), Ok(sent)) => (sent, refused),
        (a, b) => panic!("exactly one must go up: {a:?} / {b:?}"),
    };
    assert_eq!(sent.to_mesa.code, "zona-sur-occidente");
    let StoreError::AlreadyEscalated(message) = refused else {
        panic!("expected AlreadyEscalated, got {refused}")
    };
    assert!(message.contains("pendiente de decisión"), "{message}");
}
