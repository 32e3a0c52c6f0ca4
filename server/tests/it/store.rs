//! The store suite: every test runs against SQLite and against a real PostgreSQL.

use app::domain::{
    Level, MemberRequest, ScheduleRequest, SessionAction, SessionStatus, parse_when,
};
use sala::store::{Store, StoreError};

fn schedule(mesa: &str, at: &str) -> app::domain::NewSession {
    ScheduleRequest {
        mesa: mesa.into(),
        at: at.into(),
        place: "Sede".into(),
        mode: "mixta".into(),
        confirmed: true,
    }
    .validate(now())
    .expect("valid request")
}

fn now() -> chrono::DateTime<chrono::Utc> {
    parse_when("2026-11-23T10:00").unwrap()
}

async fn seeds_bogota_and_reseeding_changes_nothing(store: Store) {
    store.seed().await.unwrap();
    let mesas = store.list_mesas().await.unwrap();
    assert_eq!(mesas.len(), 25);
    assert_eq!(mesas.iter().filter(|m| m.level == Level::Zonal).count(), 4);
    assert_eq!(mesas.iter().filter(|m| m.level == Level::Local).count(), 20);
    let usaquen = store.get_mesa("local-01").await.unwrap();
    assert_eq!(usaquen.localidad_name.as_deref(), Some("Usaquén"));
    assert_eq!(usaquen.zona.as_deref(), Some("Norte"));
    let district = store.get_mesa("distrito").await.unwrap();
    assert_eq!(district.level, Level::Distrital);
    assert_eq!(mesas[0].code, "distrito", "district first");
}

async fn the_chain_of_mesas_is_one_query_away(store: Store) {
    let parents = store.parents_of("local-07").await.unwrap();
    let codes: Vec<_> = parents.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["zona-sur-occidente", "distrito"]);
    assert!(store.parents_of("distrito").await.unwrap().is_empty());
    let norte = store.children_of("zona-norte").await.unwrap();
    let codes: Vec<_> = norte.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "local-01", "local-02", "local-10", "local-11", "local-12", "local-13"
        ]
    );
}

async fn sessions_are_numbered_per_mesa(store: Store) {
    let first = store
        .create_session(&schedule("local-01", "2026-12-01T09:00"), now())
        .await
        .unwrap();
    let second = store
        .create_session(&schedule("local-01", "2026-11-01T09:00"), now())
        .await
        .unwrap();
    let other = store
        .create_session(&schedule("local-02", "2026-12-01T09:00"), now())
        .await
        .unwrap();
    assert_eq!((first.seq, second.seq, other.seq), (1, 2, 1));
    assert_eq!(first.status, SessionStatus::Programada);
    assert_eq!(first.place, "Sede");
    let listed = store.list_sessions(Some("local-01")).await.unwrap();
    let seqs: Vec<_> = listed.iter().map(|s| s.seq).collect();
    assert_eq!(seqs, [2, 1], "chronological order");
    assert_eq!(store.list_sessions(None).await.unwrap().len(), 3);
}

async fn concurrent_scheduling_never_repeats_a_number(store: Store) {
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .create_session(
                        &schedule("zona-sur", &format!("2027-01-{:02}T09:00", i + 1)),
                        now(),
                    )
                    .await
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.unwrap().unwrap().seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
}

async fn unknown_mesas_and_sessions_are_reported(store: Store) {
    let err = store
        .create_session(&schedule("local-99", "2026-12-01T09:00"), now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::UnknownMesa(ref code) if code == "local-99"),
        "{err}"
    );
    assert!(matches!(
        store.get_session(4242).await,
        Err(StoreError::UnknownSession(4242))
    ));
    assert!(matches!(
        store.list_sessions(Some("nada")).await,
        Err(StoreError::UnknownMesa(_))
    ));
}

async fn status_changes_follow_the_lifecycle(store: Store) {
    let session = store
        .create_session(&schedule("distrito", "2026-12-01T09:00"), now())
        .await
        .unwrap();
    let err = store
        .change_session_status(session.id, SessionAction::Cerrar, now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Transition(_)), "{err}");
    let started = store
        .change_session_status(session.id, SessionAction::Iniciar, now())
        .await
        .unwrap();
    assert_eq!(started.status, SessionStatus::EnCurso);
    assert_eq!(started.started_at, Some(now()));
    let again = store
        .change_session_status(session.id, SessionAction::Iniciar, now())
        .await;
    assert!(matches!(again, Err(StoreError::Transition(_))));
    let closed = store
        .change_session_status(session.id, SessionAction::Cerrar, now())
        .await
        .unwrap();
    assert_eq!(closed.status, SessionStatus::Cerrada);
    assert_eq!(closed.closed_at, Some(now()));
    assert_eq!(store.get_session(session.id).await.unwrap(), closed);
}

async fn summaries_show_next_and_last_session(store: Store) {
    let past = store
        .create_session(&schedule("local-05", "2026-10-01T09:00"), now())
        .await
        .unwrap();
    let soon = store
        .create_session(&schedule("local-05", "2026-12-01T09:00"), now())
        .await
        .unwrap();
    store
        .create_session(&schedule("local-05", "2027-02-01T09:00"), now())
        .await
        .unwrap();
    let summaries = store.mesa_summaries(now()).await.unwrap();
    let usme = summaries
        .iter()
        .find(|s| s.mesa.code == "local-05")
        .unwrap();
    assert_eq!(usme.next_session.as_ref().map(|s| s.id), Some(soon.id));
    assert_eq!(usme.last_session.as_ref().map(|s| s.id), Some(past.id));
    let bosa = summaries
        .iter()
        .find(|s| s.mesa.code == "local-07")
        .unwrap();
    assert!(bosa.next_session.is_none() && bosa.last_session.is_none());

    let detail = store.mesa_detail("local-05", now()).await.unwrap();
    assert_eq!(detail.upcoming.len(), 2);
    assert_eq!(detail.past.len(), 1);
    assert_eq!(detail.parents[0].code, "zona-sur");
}

async fn members_belong_to_a_mesa(store: Store) {
    let request = MemberRequest {
        mesa: "local-19".into(),
        name: "María Gómez".into(),
        institution: "Subred Integrada de Servicios de Salud Sur".into(),
        sector: "Salud".into(),
        role: "Líder local APS".into(),
        seat: String::new(),
        contact: String::new(),
    };
    let member = store
        .add_member(&request.validate().unwrap(), now())
        .await
        .unwrap();
    assert_eq!(member.contact, None);
    let members = store.members_of("local-19").await.unwrap();
    assert_eq!(members, vec![member]);
    let mut stray = request.clone();
    stray.mesa = "local-42".into();
    let err = store
        .add_member(&stray.validate().unwrap(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownMesa(_)));
}

async fn hostile_text_is_stored_verbatim(store: Store) {
    let mut request = ScheduleRequest {
        mesa: "local-03".into(),
        at: "2026-12-01T09:00".into(),
        place: "Sala 1'); DROP TABLE sessions; --".into(),
        mode: "presencial".into(),
        confirmed: false,
    };
    let session = store
        .create_session(&request.validate(now()).unwrap(), now())
        .await
        .unwrap();
    assert_eq!(
        store.get_session(session.id).await.unwrap().place,
        request.place
    );
    request.mesa = "local-03' OR '1'='1".into();
    let err = store
        .create_session(&request.validate(now()).unwrap(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownMesa(_)));
}

fn board_edit(client: u64, text: &str) -> Vec<u8> {
    use yrs::{Text, Transact};
    let doc = yrs::Doc::with_client_id(client);
    let shared = doc.get_or_insert_text("notes");
    let mut txn = doc.transact_mut();
    shared.insert(&mut txn, 0, text);
    txn.encode_update_v1()
}

fn board_text(updates: &[Vec<u8>]) -> String {
    use yrs::GetString;
    let room = sala::sync::room::Room::load(updates.iter().map(Vec::as_slice)).unwrap();
    let text = room.doc().get_or_insert_text("notes");
    text.get_string(&yrs::Transact::transact(room.doc()))
}

async fn board_log_compacts_without_losing_updates(store: Store) {
    let one = store
        .create_session(&schedule("local-01", "2026-12-01T09:00"), now())
        .await
        .unwrap()
        .id;
    let two = store
        .create_session(&schedule("local-02", "2026-12-01T09:00"), now())
        .await
        .unwrap()
        .id;
    let a = board_edit(1, "a");
    let b = board_edit(2, "b");
    let c = board_edit(3, "c");
    store
        .append_room_updates(&[
            (one, a.as_slice(), None),
            (two, b.as_slice(), None),
            (one, c.as_slice(), None),
        ])
        .await
        .unwrap();
    let loaded = store.load_room(one).await.unwrap();
    assert_eq!(loaded.log_len, 2);
    let before = board_text(&loaded.updates);

    let done = store.compact_room(one).await.unwrap();
    assert_eq!(done.folded, 2);
    let compacted = store.load_room(one).await.unwrap();
    assert_eq!(
        (compacted.updates.len(), compacted.log_len),
        (1, 0),
        "one snapshot, empty log"
    );
    assert_eq!(board_text(&compacted.updates), before);

    // Appends after a compaction land after the snapshot; a second compaction folds them in.
    let d = board_edit(4, "d");
    store
        .append_room_updates(&[(one, d.as_slice(), None)])
        .await
        .unwrap();
    let after = store.load_room(one).await.unwrap();
    assert_eq!(after.log_len, 1);
    let text = board_text(&after.updates);
    assert!(
        text.contains('d') && text.contains('a') && text.contains('c'),
        "{text}"
    );
    assert_eq!(store.compact_room(one).await.unwrap().folded, 1);
    assert_eq!(
        board_text(&store.load_room(one).await.unwrap().updates),
        text
    );
    assert_eq!(
        store.compact_room(one).await.unwrap().folded,
        0,
        "nothing left to fold"
    );

    // The other room was never touched.
    assert_eq!(
        board_text(&store.load_room(two).await.unwrap().updates),
        "b"
    );
}

async fn racing_compactions_never_lose_an_update(store: Store) {
    let id = store
        .create_session(&schedule("local-03", "2026-12-01T09:00"), now())
        .await
        .unwrap()
        .id;
    let mut all = Vec::new();
    for round in 0..5u64 {
        let edits: Vec<Vec<u8>> = (0..20)
            .map(|i| board_edit(100 + round * 20 + i, "x"))
            .collect();
        let rows: Vec<sala::store::LogRow<'_>> =
            edits.iter().map(|e| (id, e.as_slice(), None)).collect();
        let (a, b, c) = tokio::join!(
            store.compact_room(id),
            store.compact_room(id),
            store.append_room_updates(&rows)
        );
        // One of two racing compactions may fail on a busy SQLite or lose the race: never both
        // succeed in overwriting each other.
        let _ = (a, b);
        c.unwrap();
        all.extend(edits);
    }
    store.compact_room(id).await.unwrap();
    let stored = store.load_room(id).await.unwrap();
    assert_eq!(
        board_text(&stored.updates).len(),
        all.len(),
        "every appended update survives"
    );
}

/// The live rooms' writer (a connection of its own on SQLite) appends what the pool then reads,
/// in order, one big batch (several statements in one transaction) as well as small ones, and
/// keeps working alongside the pool's writers.
async fn the_room_log_writer_appends_in_order(store: Store) {
    let id = store
        .create_session(&schedule("local-04", "2026-12-02T09:00"), now())
        .await
        .unwrap()
        .id;
    let mut writer = store.room_log_writer(sala::store::NO_ROOM);
    let first = board_edit(501, "a");
    writer
        .append(&[(id, first.as_slice(), None)])
        .await
        .unwrap();
    let many: Vec<Vec<u8>> = (0..450).map(|i| board_edit(600 + i, "b")).collect();
    let rows: Vec<sala::store::LogRow<'_>> =
        many.iter().map(|e| (id, e.as_slice(), None)).collect();
    writer.append(&rows).await.unwrap();
    let other = board_edit(502, "c");
    store
        .append_room_updates(&[(id, other.as_slice(), None)])
        .await
        .unwrap();
    let last = board_edit(503, "d");
    writer.append(&[(id, last.as_slice(), None)]).await.unwrap();
    writer.append(&[]).await.unwrap();
    let stored = store.load_room(id).await.unwrap();
    assert_eq!(stored.log_len, 453);
    assert_eq!(stored.updates.first(), Some(&first));
    assert_eq!(stored.updates.last(), Some(&last));
    assert_eq!(board_text(&stored.updates).len(), 453);
}

fn acta_for(
    session: &app::domain::Session,
    board: app::domain::board::BoardView,
) -> app::domain::board::acta::Acta {
    app::domain::board::acta::Acta {
        number: 0,
        session_id: session.id,
        session_seq: session.seq,
        mesa_code: session.mesa_code.clone(),
        mesa_name: "Mesa".into(),
        held_at: "hoy".into(),
        closed_at: "hoy".into(),
        closed_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        place: String::new(),
        mode: "Mixta".into(),
        members: 0,
        board,
        assets: Default::default(),
        cycle: app::domain::board::approval::ActaCycle::draft(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        ),
        evidence: Vec::new(),
    }
}

fn commitment(
    id: &str,
    status: app::domain::board::CommitmentStatus,
) -> app::domain::board::Commitment {
    app::domain::board::Commitment {
        id: id.into(),
        description: format!("compromiso {id}"),
        institutions: "Subred Sur".into(),
        responsible: "Ana".into(),
        due: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        status,
        agreement: None,
        barrier: None,
        evidence: String::new(),
        asset: None,
        stamp: app::domain::board::Stamp::default(),
    }
}

/// Actas are numbered per Mesa; a closed session's open commitments are the next one's follow-up.
async fn actas_are_numbered_per_mesa_and_open_commitments_carry_over(store: Store) {
    use app::domain::board::{BoardView, CommitmentStatus};
    let mut sessions = Vec::new();
    for (mesa, at) in [
        ("local-03", "2026-10-01T09:00"),
        ("local-03", "2026-10-15T09:00"),
        ("local-04", "2026-10-01T09:00"),
        ("local-03", "2026-11-01T09:00"),
    ] {
        sessions.push(
            store
                .create_session(&schedule(mesa, at), now())
                .await
                .unwrap(),
        );
    }
    for session in &sessions[..3] {
        store
            .change_session_status(session.id, SessionAction::Iniciar, now())
            .await
            .unwrap();
        store
            .change_session_status(session.id, SessionAction::Cerrar, now())
            .await
            .unwrap();
    }
    let board = |ids: &[(&str, CommitmentStatus)]| BoardView {
        commitments: ids.iter().map(|(id, st)| commitment(id, *st)).collect(),
        ..BoardView::default()
    };
    let first = store
        .record_acta(
            &acta_for(
                &sessions[0],
                board(&[
                    ("a", CommitmentStatus::Pendiente),
                    ("b", CommitmentStatus::Cumplido),
                ]),
            ),
            now(),
        )
        .await
        .unwrap();
    let second = store
        .record_acta(
            &acta_for(&sessions[1], board(&[("c", CommitmentStatus::EnProgreso)])),
            now(),
        )
        .await
        .unwrap();
    let other_mesa = store
        .record_acta(
            &acta_for(&sessions[2], board(&[("d", CommitmentStatus::Pendiente)])),
            now(),
        )
        .await
        .unwrap();
    assert_eq!((first, second, other_mesa), (1, 2, 1));
    let stored = store.acta(sessions[1].id).await.unwrap().unwrap();
    assert_eq!(stored.number, 2);
    assert_eq!(stored.board.commitments[0].id, "c");
    assert!(store.acta(sessions[3].id).await.unwrap().is_none());
    // Recording the same session twice is refused by the database, not silently renumbered.
    assert!(
        store
            .record_acta(&acta_for(&sessions[0], BoardView::default()), now())
            .await
            .is_err()
    );

    let carried = store.open_commitments_before(sessions[3].id).await.unwrap();
    let ids: Vec<_> = carried
        .iter()
        .map(|c| (c.session_seq, c.commitment.id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [(1, "a"), (2, "c")],
        "done ones and other Mesas' stay out"
    );
}

/// A commitment reviewed as done in a later session stops being carried over; its history lists
/// the review and counts the carry-over.
async fn reviews_follow_a_commitment_across_sessions(store: Store) {
    use app::domain::board::{BoardView, CommitmentStatus, FollowUp, Stamp};
    let mut sessions = Vec::new();
    for at in ["2026-09-01T09:00", "2026-09-15T09:00", "2026-10-01T09:00"] {
        let s = store
            .create_session(&schedule("local-11", at), now())
            .await
            .unwrap();
        store
            .change_session_status(s.id, SessionAction::Iniciar, now())
            .await
            .unwrap();
        store
            .change_session_status(s.id, SessionAction::Cerrar, now())
            .await
            .unwrap();
        sessions.push(s);
    }
    let first = BoardView {
        commitments: vec![
            commitment("a", CommitmentStatus::Pendiente),
            commitment("b", CommitmentStatus::Pendiente),
        ],
        ..BoardView::default()
    };
    store
        .record_acta(&acta_for(&sessions[0], first), now())
        .await
        .unwrap();
    let carried = store.open_commitments_before(sessions[1].id).await.unwrap();
    assert_eq!(carried.len(), 2);
    assert_eq!(carried[0].session_id, sessions[0].id);
    let review = |id: &str, status: CommitmentStatus, note: &str| FollowUp {
        id: id.into(),
        origin_session: sessions[0].id,
        origin_seq: sessions[0].seq,
        description: format!("compromiso {id}"),
        institutions: String::new(),
        responsible: String::new(),
        due: None,
        status,
        note: note.into(),
        stamp: Stamp {
            updated_by: "Marta (Subred Norte)".into(),
            ..Stamp::default()
        },
    };
    let second = BoardView {
        followups: vec![
            review("a", CommitmentStatus::Cumplido, "Acta de entrega firmada"),
            review("b", CommitmentStatus::EnProgreso, "Avance del 50 %"),
        ],
        ..BoardView::default()
    };
    store
        .record_acta(&acta_for(&sessions[1], second), now())
        .await
        .unwrap();
    let carried = store.open_commitments_before(sessions[2].id).await.unwrap();
    let ids: Vec<_> = carried
        .iter()
        .map(|c| (c.commitment.id.as_str(), c.commitment.status))
        .collect();
    assert_eq!(
        ids,
        [("b", CommitmentStatus::EnProgreso)],
        "done ones stop carrying over"
    );
    let history = store.commitment_history(sessions[0].id, "a").await.unwrap();
    assert_eq!(history.carry_overs(), 1);
    assert_eq!(history.current_status(), CommitmentStatus::Cumplido);
    assert_eq!(history.reviews[0].note, "Acta de entrega firmada");
    assert_eq!(history.reviews[0].reviewed_by, "Marta (Subred Norte)");
    assert_eq!(history.reviews[0].session_seq, sessions[1].seq);
    assert!(
        store
            .commitment_history(sessions[0].id, "zz")
            .await
            .is_err()
    );
}

/// Compaction moves the snapshot's watermark but keeps every update for review.
async fn board_history_survives_compaction(store: Store) {
    let session = store
        .create_session(&schedule("local-05", "2026-12-01T09:00"), now())
        .await
        .unwrap();
    for n in 0..5u64 {
        let edit = board_edit(n + 1, "x");
        store
            .append_room_updates(&[(session.id, edit.as_slice(), None)])
            .await
            .unwrap();
    }
    assert_eq!(store.compact_room(session.id).await.unwrap().folded, 5);
    let after = store.room_history(session.id).await.unwrap();
    assert_eq!(after.len(), 5, "the log is the history");
    let replayed: Vec<Vec<u8>> = after.iter().map(|e| e.data.clone()).collect();
    assert_eq!(
        board_text(&replayed),
        board_text(&store.load_room(session.id).await.unwrap().updates)
    );
    assert!(after.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
}

/// Projections are rewritten per session: the same board twice gives the same rows, and a record
/// removed from the board disappears from the dashboards.
async fn projections_are_idempotent_and_follow_deletes(store: Store) {
    use app::domain::board::{BoardView, CommitmentStatus};
    use app::domain::dashboard::Scope;
    let session = store
        .create_session(&schedule("local-06", "2026-12-01T09:00"), now())
        .await
        .unwrap();
    let board = BoardView {
        commitments: vec![
            commitment("a", CommitmentStatus::Pendiente),
            commitment("b", CommitmentStatus::Cumplido),
        ],
        ..BoardView::default()
    };
    let (_, mesas) = store
        .scope_mesas(&Scope::Mesa("local-06".into()))
        .await
        .unwrap();
    for _ in 0..2 {
        store.project_board(&session, &board).await.unwrap();
        assert_eq!(store.scope_rows(&mesas).await.unwrap().commitments.len(), 2);
    }
    let smaller = BoardView {
        commitments: vec![commitment("b", CommitmentStatus::Cumplido)],
        ..BoardView::default()
    };
    store.project_board(&session, &smaller).await.unwrap();
    let rows = store.scope_rows(&mesas).await.unwrap();
    assert_eq!(rows.commitments.len(), 1);
    assert_eq!(rows.commitments[0].record_id, "b");
    assert_eq!(rows.commitments[0].session_seq, session.seq);
    // A zone rolls up its zonal Mesa and its localidades; another zone sees none of it.
    let (_, south_west) = store
        .scope_mesas(&Scope::Zona("Sur Occidente".into()))
        .await
        .unwrap();
    assert!(south_west.iter().any(|m| m.code == "zona-sur-occidente"));
    assert!(
        south_west.iter().any(|m| m.code == "local-07"),
        "Bosa is in Sur Occidente"
    );
    assert!(
        !south_west
            .iter()
            .any(|m| m.code == "local-01" || m.code == "distrito")
    );
    let (_, north) = store
        .scope_mesas(&Scope::Zona("Norte".into()))
        .await
        .unwrap();
    assert!(
        store
            .scope_rows(&north)
            .await
            .unwrap()
            .commitments
            .is_empty()
    );
    assert!(
        store
            .scope_mesas(&Scope::Zona("Atlántida".into()))
            .await
            .is_err()
    );
}

crate::on_both_engines!(
    the_room_log_writer_appends_in_order,
    seeds_bogota_and_reseeding_changes_nothing,
    the_chain_of_mesas_is_one_query_away,
    sessions_are_numbered_per_mesa,
    concurrent_scheduling_never_repeats_a_number,
    unknown_mesas_and_sessions_are_reported,
    status_changes_follow_the_lifecycle,
    summaries_show_next_and_last_session,
    members_belong_to_a_mesa,
    hostile_text_is_stored_verbatim,
    board_log_compacts_without_losing_updates,
    racing_compactions_never_lose_an_update,
    actas_are_numbered_per_mesa_and_open_commitments_carry_over,
    board_history_survives_compaction,
    projections_are_idempotent_and_follow_deletes,
    reviews_follow_a_commitment_across_sessions,
);
