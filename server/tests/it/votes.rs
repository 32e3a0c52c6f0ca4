//! Votes in the store, on both engines: one open poll per agreement; one ballot per attendance
//! record and per voter, also when many race for the same seat; a secret vote keeps no choice;
//! closing counts what landed and refuses what comes after. Then over HTTP: the policy and the
//! attendance decide who votes, closing writes the result into the agreement on the board.

use app::domain::board::quorum;
use app::domain::board::vote::{Choice, Outcome, PollKind, PollRequest};
use app::domain::{ScheduleRequest, parse_when};
use sala::store::{NewBallot, Store, StoreError};

fn now() -> chrono::DateTime<chrono::Utc> {
    parse_when("2026-12-04T10:00").unwrap()
}

async fn session(store: &Store) -> i64 {
    let request = ScheduleRequest {
        mesa: "local-05".into(),
        at: "2026-12-04T09:00".into(),
        place: "Alcaldía Local".into(),
        mode: "presencial".into(),
        confirmed: true,
    };
    store
        .create_session(&request.validate(now()).unwrap(), now())
        .await
        .unwrap()
        .id
}

fn ballot<'a>(poll_id: i64, attendee: &'a str, voter: &'a str, choice: Choice) -> NewBallot<'a> {
    NewBallot {
        poll_id,
        attendee_id: attendee,
        voter_key: voter,
        voter_name: attendee,
        choice,
        reason: "",
        recorded_by: None,
    }
}

fn vote(kind: PollKind, secret: bool) -> PollRequest {
    PollRequest {
        agreement_id: "acuerdo-1".into(),
        kind,
        secret,
    }
}

async fn a_seat_votes_once_and_closed_is_closed(store: Store) {
    let session = session(&store).await;
    let poll = store
        .open_poll(session, &vote(PollKind::Votacion, false), "Ana", now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .open_poll(session, &vote(PollKind::Consenso, false), "Ana", now())
            .await,
        Err(StoreError::PollAlreadyOpen)
    ));
    store
        .cast_ballot(&ballot(poll, "Luis", "cuenta:2", Choice::AFavor), now())
        .await
        .unwrap();
    // The same seat from another device, and the same person under another seat.
    for (attendee, voter) in [("Luis", "cuenta:9"), ("Otro", "cuenta:2")] {
        assert!(matches!(
            store
                .cast_ballot(&ballot(poll, attendee, voter, Choice::EnContra), now())
                .await,
            Err(StoreError::AlreadyVoted(_))
        ));
    }
    store
        .cast_ballot(
            &ballot(poll, "Rosa", "asistente:r", Choice::EnContra),
            now(),
        )
        .await
        .unwrap();
    store
        .cast_ballot(&ballot(poll, "Marta", "cuenta:3", Choice::AFavor), now())
        .await
        .unwrap();
    let (closing, agreement, _) = store
        .close_poll(poll, "Ana", &quorum(3, 4), now())
        .await
        .unwrap();
    assert_eq!(agreement, "acuerdo-1");
    assert_eq!(closing.outcome, Outcome::Aprobado);
    assert_eq!(
        closing.result,
        "Votación: aprobado · 2 a favor, 1 en contra, 0 abstenciones · 3 de 4 integrantes · hay quórum"
    );
    assert!(matches!(
        store
            .cast_ballot(&ballot(poll, "Pedro", "cuenta:4", Choice::AFavor), now())
            .await,
        Err(StoreError::PollClosed)
    ));
    assert!(matches!(
        store.close_poll(poll, "Ana", &quorum(3, 4), now()).await,
        Err(StoreError::PollClosed)
    ));
    let polls = store
        .polls_of_session(session, &quorum(0, 4))
        .await
        .unwrap();
    assert_eq!(polls.len(), 1);
    let stored = &polls[0];
    assert!(!stored.is_open());
    assert_eq!(stored.tally.cast(), 3);
    assert_eq!(
        stored.quorum,
        quorum(3, 4),
        "the quorum as it stood at closing"
    );
    assert_eq!(stored.ballots.len(), 3);
    assert_eq!(stored.ballots[0].choice, Some(Choice::AFavor));
    // Closed, the agreement may be asked again.
    store
        .open_poll(session, &vote(PollKind::Consenso, false), "Ana", now())
        .await
        .unwrap();
}

async fn a_secret_vote_keeps_counts_not_choices(store: Store) {
    let session = session(&store).await;
    let poll = store
        .open_poll(session, &vote(PollKind::Votacion, true), "Ana", now())
        .await
        .unwrap();
    for (seat, choice) in [("a", Choice::AFavor), ("b", Choice::Abstencion)] {
        store
            .cast_ballot(&ballot(poll, seat, seat, choice), now())
            .await
            .unwrap();
    }
    let polls = store
        .polls_of_session(session, &quorum(2, 3))
        .await
        .unwrap();
    let stored = &polls[0];
    assert!(stored.ballots.iter().all(|b| b.choice.is_none()));
    // While open, counts would pair with each ballot as it lands: none are shown.
    assert_eq!(stored.tally.cast(), 0);
    assert_eq!(stored.ballots.len(), 2);
    store
        .close_poll(poll, "Ana", &quorum(2, 3), now())
        .await
        .unwrap();
    let polls = store
        .polls_of_session(session, &quorum(2, 3))
        .await
        .unwrap();
    let closed = &polls[0];
    assert!(closed.ballots.iter().all(|b| b.choice.is_none()));
    assert_eq!(closed.tally.of(Choice::AFavor), 1);
    assert_eq!(closed.tally.of(Choice::Abstencion), 1);
}

/// Twenty requests for one seat at once (the same person's phone and laptop, the secretary):
/// exactly one lands; twenty members voting at once all land. Every refusal is the one meant,
/// never a storage error (on SQLite a ballot's first statement is a write, so no transaction
/// is undone by another's commit).
async fn racing_ballots_land_once_per_seat(store: Store) {
    let session = session(&store).await;
    let poll = store
        .open_poll(session, &vote(PollKind::Votacion, false), "Ana", now())
        .await
        .unwrap();
    let race = |seat: fn(usize) -> String| {
        let store = store.clone();
        (0..20)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let (attendee, voter) = (seat(n), format!("cuenta:{n}"));
                    store
                        .cast_ballot(&ballot(poll, &attendee, &voter, Choice::AFavor), now())
                        .await
                })
            })
            .collect::<Vec<_>>()
    };
    let mut landed = 0;
    for racer in race(|_| "Luis".to_owned()) {
        match racer.await.unwrap() {
            Ok(()) => landed += 1,
            Err(StoreError::AlreadyVoted(_)) => {}
            Err(other) => panic!("unexpected refusal: {other:?}"),
        }
    }
    assert_eq!(landed, 1);
    for racer in race(|n| format!("integrante-{n}")) {
        // cuenta:N voted once already for one of them only when N won the first race
        match racer.await.unwrap() {
            Ok(()) | Err(StoreError::AlreadyVoted(_)) => {}
            Err(other) => panic!("unexpected refusal: {other:?}"),
        }
    }
    let polls = store
        .polls_of_session(session, &quorum(1, 1))
        .await
        .unwrap();
    assert_eq!(polls[0].tally.cast(), 20, "one for Luis, nineteen others");
    assert_eq!(polls[0].ballots.len(), 20);
}

crate::on_both_engines!(
    a_seat_votes_once_and_closed_is_closed,
    a_secret_vote_keeps_counts_not_choices,
    racing_ballots_land_once_per_seat,
);

mod over_http {
    use app::domain::board::{AGREEMENTS, ATTENDANCE, BoardView};

    use crate::common::TestServer;
    use crate::identity::{Browser, person_named};

    /// The agreement and the attendance, as the board would hold them.
    async fn board(server: &TestServer, session: i64) {
        let agreement: &[(&str, &str)] = &[
            ("statement", "Brigada en Usme rural"),
            ("method", "consenso"),
        ];
        let mut records = vec![(AGREEMENTS, "acuerdo-1", agreement)];
        let people: [(&str, [(&str, &str); 3]); 4] = [
            (
                "a-ana",
                [
                    ("name", "Ana Pérez"),
                    ("role", "titular"),
                    ("mode", "presencial"),
                ],
            ),
            (
                "a-luis",
                [
                    ("name", "Luis Gómez"),
                    ("role", "delegado"),
                    ("mode", "virtual"),
                ],
            ),
            (
                "a-rosa",
                [
                    ("name", "Rosa Díaz"),
                    ("role", "titular"),
                    ("mode", "presencial"),
                ],
            ),
            (
                "a-pedro",
                [
                    ("name", "Pedro Páramo"),
                    ("role", "invitado"),
                    ("mode", "virtual"),
                ],
            ),
        ];
        for (id, fields) in &people {
            records.push((ATTENDANCE, id, fields.as_slice()));
        }
        server.write_board(session, &records).await;
    }

    async fn desk(server: &TestServer, who: &Browser, session: i64) -> serde_json::Value {
        let (status, body) = who
            .call(server, "poll_desk", &[("session", &session.to_string())])
            .await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    #[tokio::test]
    async fn members_vote_once_and_the_result_lands_in_the_agreement() {
        let server = TestServer::start().await;
        let session = server.started_session("local-07", "2026-11-20T09:00").await;
        for (name, institution) in [
            ("Ana Pérez", "Subred Sur"),
            ("Luis Gómez", "EPS Sanitas"),
            ("Rosa Díaz", "JAC Usme"),
            ("Marta Ruiz", "ICBF"),
        ] {
            let member = app::domain::MemberRequest {
                mesa: "local-07".into(),
                name: name.into(),
                institution: institution.into(),
                sector: "Salud".into(),
                role: "Integrante".into(),
                seat: "titular".into(),
                contact: String::new(),
            };
            server
                .store
                .add_member(&member.validate().unwrap(), chrono::Utc::now())
                .await
                .unwrap();
        }
        board(&server, session).await;
        let ana = person_named(
            &server,
            "ana@subred.gov.co",
            "Ana Pérez",
            false,
            &[("local-07", "coordinador")],
        )
        .await;
        let luis = person_named(
            &server,
            "luis@eps.co",
            "Luis Gómez",
            false,
            &[("local-07", "integrante")],
        )
        .await;
        let pedro = person_named(
            &server,
            "pedro@jac.co",
            "Pedro Páramo",
            false,
            &[("local-07", "integrante")],
        )
        .await;
        let nadie = person_named(
            &server,
            "nadie@x.co",
            "Nadie Más",
            false,
            &[("local-07", "integrante")],
        )
        .await;
        let s = session.to_string();

        // Only the coordination opens; a participant's attempt is refused by the policy.
        let (status, _) = luis
            .call(
                &server,
                "open_poll",
                &[
                    ("session", &s),
                    ("agreement", "acuerdo-1"),
                    ("kind", "votacion"),
                ],
            )
            .await;
        assert_eq!(status, 403);
        let (status, body) = ana
            .call(
                &server,
                "open_poll",
                &[("session", &s), ("agreement", "nada"), ("kind", "votacion")],
            )
            .await;
        assert_eq!(status, 409, "{body}");
        let (status, body) = ana
            .call(
                &server,
                "open_poll",
                &[
                    ("session", &s),
                    ("agreement", "acuerdo-1"),
                    ("kind", "votacion"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let poll: i64 = serde_json::from_str(&body).unwrap();
        let p = poll.to_string();

        assert_eq!(desk(&server, &luis, session).await["voter"]["Ok"], "a-luis");
        assert_eq!(
            desk(&server, &ana, session).await["in_room"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let (status, _) = luis
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "a_favor")],
            )
            .await;
        assert_eq!(status, 200);
        let (status, body) = luis
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "en_contra")],
            )
            .await;
        assert_eq!(status, 409);
        assert!(body.contains("ya votó"), "{body}");
        // A guest of the Mesa and someone not in the attendance cannot vote.
        let (status, body) = pedro
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "a_favor")],
            )
            .await;
        assert_eq!(status, 409);
        assert!(body.contains("invitado"), "{body}");
        let (status, body) = nadie
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "a_favor")],
            )
            .await;
        assert_eq!(status, 409);
        assert!(body.contains("registre primero su asistencia"), "{body}");
        // A consensus choice is not a vote's.
        let (status, _) = ana
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "bloqueo"), ("reason", "x")],
            )
            .await;
        assert_eq!(status, 409);
        // A code no button sends is malformed, not refused.
        let (status, body) = ana
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "quizas")],
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("Elija una opción"), "{body}");
        // The secretary records Rosa, in the room; not Luis, who is virtual (and voted).
        let (status, body) = ana
            .call(
                &server,
                "record_ballot",
                &[
                    ("poll", &p),
                    ("attendee", "a-luis"),
                    ("choice", "en_contra"),
                ],
            )
            .await;
        assert_eq!(status, 409, "{body}");
        let (status, _) = luis
            .call(
                &server,
                "record_ballot",
                &[("poll", &p), ("attendee", "a-rosa"), ("choice", "a_favor")],
            )
            .await;
        assert_eq!(status, 403);
        let (status, body) = ana
            .call(
                &server,
                "record_ballot",
                &[
                    ("poll", &p),
                    ("attendee", "a-rosa"),
                    ("choice", "en_contra"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = ana
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "a_favor")],
            )
            .await;
        assert_eq!(status, 200);

        let live = desk(&server, &luis, session).await;
        assert_eq!(live["polls"][0]["ballots"].as_array().unwrap().len(), 3);
        let (status, _) = luis.call(&server, "close_poll", &[("poll", &p)]).await;
        assert_eq!(status, 403);
        let (status, body) = ana.call(&server, "close_poll", &[("poll", &p)]).await;
        assert_eq!(status, 200, "{body}");
        let closing: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            closing["result"],
            "Votación: aprobado · 2 a favor, 1 en contra, 0 abstenciones · 3 de 4 integrantes · hay quórum"
        );
        // The result is in the agreement, as every board and the acta read it.
        let view: BoardView = server.state.sync.board_view(session, true).await.unwrap();
        let agreement = &view.agreements[0];
        assert_eq!(agreement.outcome, closing["result"].as_str().unwrap());
        assert_eq!(agreement.method.code(), "votacion");
        let (status, _) = ana
            .call(
                &server,
                "cast_ballot",
                &[("poll", &p), ("choice", "a_favor")],
            )
            .await;
        assert_eq!(status, 409);
    }
}
