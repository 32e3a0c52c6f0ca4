//! A Mesa's standing agenda: its coordination writes it (others are refused, a bad one is
//! explained in Spanish), and every session scheduled afterwards, alone or in a series, starts
//! with its points after the follow-up; sessions scheduled before keep their boards. Reading
//! and writing it are for the Mesa's coordination only.

use app::domain::agenda_template::parse_template;
use app::domain::board::BoardView;
use serde_json::Value;
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, Update};

use crate::common::TestServer;

async fn agenda_titles(server: &TestServer, session: i64) -> Vec<String> {
    let stored = server.store.load_room(session).await.unwrap();
    let state = sala::sync::room::Room::load(stored.updates.iter().map(Vec::as_slice))
        .unwrap()
        .full_state();
    let doc = Doc::new();
    doc.transact_mut()
        .apply_update(Update::decode_v1(&state).unwrap())
        .unwrap();
    let mut agenda = BoardView::read(&doc.transact()).agenda;
    agenda.sort_by(|a, b| a.position.total_cmp(&b.position));
    agenda.into_iter().map(|a| a.title).collect()
}

#[tokio::test]
async fn new_sessions_start_with_the_mesas_standing_agenda() {
    let server = TestServer::start().await;
    let before = server
        .schedule_session("local-09", "2030-01-10T09:00")
        .await;
    let coordination = server
        .coordinator("coordinacion@fontibon.gov.co", "local-09")
        .await;
    let other = server
        .coordinator("coordinacion@suba.gov.co", "local-11")
        .await;

    let refused = server
        .post_form_as(
            "/api/set_agenda_template",
            &[("mesa", "local-09"), ("agenda", "Varios")],
            &other,
        )
        .await;
    assert_eq!(refused.status(), 403);
    let too_long = format!("Bienvenida\n{}", "x".repeat(201));
    let bad = server
        .post_form_as(
            "/api/set_agenda_template",
            &[("mesa", "local-09"), ("agenda", &too_long)],
            &coordination,
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("El punto 2 pasa de 200 caracteres")
    );

    let saved = server
        .post_form_as(
            "/api/set_agenda_template",
            &[
                ("mesa", "local-09"),
                (
                    "agenda",
                    "Informe de la EPS (15 min)\n\n- Casos de la semana\nVarios",
                ),
            ],
            &coordination,
        )
        .await;
    assert!(saved.status().is_success());
    let points: Value = saved.json().await.unwrap();
    assert_eq!(points.as_array().unwrap().len(), 3);
    let read: Value = server
        .post_form_as(
            "/api/agenda_template",
            &[("mesa", "local-09")],
            &coordination,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read, points);
    assert_eq!(
        server.store.agenda_template("local-09").await.unwrap(),
        parse_template("Informe de la EPS (15 min)\nCasos de la semana\nVarios").unwrap()
    );

    let after = server
        .post_form_as(
            "/api/schedule_session",
            &[
                ("mesa", "local-09"),
                ("at", "2030-02-10T09:00"),
                ("place", "Alcaldía"),
                ("mode", "presencial"),
                ("confirm", "si"),
            ],
            &coordination,
        )
        .await;
    let after: Value = after.json().await.unwrap();
    let titles = agenda_titles(&server, after["id"].as_i64().unwrap()).await;
    assert_eq!(
        titles,
        [
            "Seguimiento de compromisos",
            "Informe de la EPS",
            "Casos de la semana",
            "Varios"
        ]
    );
    assert_eq!(
        agenda_titles(&server, before).await,
        ["Seguimiento de compromisos"]
    );

    // Only whoever schedules the Mesa's sessions reads it.
    let unread = server
        .post_form_as("/api/agenda_template", &[("mesa", "local-09")], &other)
        .await;
    assert_eq!(unread.status(), 403);

    // A series: every one of its sessions starts with the points.
    let from = chrono::Utc::now().date_naive() + chrono::Days::new(40);
    let until = from + chrono::Days::new(92);
    let (from, until) = (from.to_string(), until.to_string());
    let series = server
        .post_form_as(
            "/api/schedule_series",
            &[
                ("mesa", "local-09"),
                ("repeat", "mensual"),
                ("ordinal", "2"),
                ("weekday", "jueves"),
                ("time", "09:00"),
                ("from", &from),
                ("until", &until),
                ("place", "Alcaldía"),
                ("mode", "presencial"),
            ],
            &coordination,
        )
        .await;
    assert!(
        series.status().is_success(),
        "{}",
        series.text().await.unwrap()
    );
    let series: Value = series.json().await.unwrap();
    let sessions = series["sessions"].as_array().unwrap();
    // three or four months' second Thursdays (one fewer when it is Jueves Santo)
    assert!((2..=4).contains(&sessions.len()), "{series}");
    for session in sessions {
        let titles = agenda_titles(&server, session["id"].as_i64().unwrap()).await;
        assert_eq!(
            titles[1..],
            ["Informe de la EPS", "Casos de la semana", "Varios"]
        );
    }

    // Emptied, it is gone for the sessions that follow.
    let cleared = server
        .post_form_as(
            "/api/set_agenda_template",
            &[("mesa", "local-09"), ("agenda", " \n")],
            &coordination,
        )
        .await;
    assert!(cleared.status().is_success());
    assert!(
        server
            .store
            .agenda_template("local-09")
            .await
            .unwrap()
            .is_empty()
    );
}
