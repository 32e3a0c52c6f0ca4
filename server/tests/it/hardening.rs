//! What a holder of any credential, or none, can make the server spend: board and presence caps,
//! connection caps per address, request limits, slow clients, and reads that write nothing.

use std::time::Duration;

use app::domain::board::{COMMITMENTS, Field};
use sala::auth::Role;
use sala::http::HttpLimits;
use sala::sync::SyncLimits;
use sala::sync::client::SyncClient;
use sala::sync::protocol;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;

use crate::common::TestServer;
use crate::sync::{
    WAIT, close_board, close_of, join, new_session, presence, token, url, write_and_see,
};

#[tokio::test]
async fn a_board_at_its_size_cap_refuses_more_with_4413_and_keeps_what_it_stored() {
    let server = TestServer::start_with(SyncLimits {
        max_board_bytes: 48 * 1024,
        ..SyncLimits::default()
    })
    .await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    let chunk = "x".repeat(20 * 1024);
    for _ in 0..2 {
        let update = ana.append_text("notas", &chunk);
        ana.send(protocol::update(&update)).await.unwrap();
    }
    timeout(WAIT, ana.sync()).await.unwrap().unwrap();
    let stored = server.store.board_stored_bytes(session).await.unwrap();
    assert!(stored > 40 * 1024, "{stored}");
    let update = ana.append_text("notas", &chunk);
    ana.send(protocol::update(&update)).await.unwrap();
    let (code, reason) = close_of(&mut ana).await;
    assert_eq!(code, 4413);
    assert!(reason.contains("tamaño máximo"), "{reason}");
    assert_eq!(
        server.store.board_stored_bytes(session).await.unwrap(),
        stored,
        "nothing past the cap was stored"
    );
    // Whoever reads the board still can; the Mesa's coordination is told why it is full.
    let luis = join(&server, session, Role::Participante, 22).await;
    assert_eq!(luis.text("notas").len(), 2 * chunk.len());
    luis.close().await;
    let (status, html) = server
        .get_page_as(
            &format!("/sesiones/{session}"),
            &token(session, Role::Coordinador, 3600),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("data-storage-notice"), "{html}");
}

#[tokio::test]
async fn a_board_growing_too_fast_is_told_to_wait_with_4429() {
    let server = TestServer::start_with(SyncLimits {
        // 16 updates' worth at the minimum cost, then one every 3.75 s.
        max_board_bytes_per_minute: 16 * sala::sync::limits::MIN_UPDATE_COST,
        ..SyncLimits::default()
    })
    .await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    let mut closed = None;
    for n in 0..40 {
        let update = ana.append_text("notas", &format!("{n};"));
        if ana.send(protocol::update(&update)).await.is_err() {
            break;
        }
        if n == 39 {
            closed = Some(close_of(&mut ana).await);
        }
    }
    let (code, reason) = match closed {
        Some(closed) => closed,
        None => close_of(&mut ana).await,
    };
    assert_eq!(code, 4429);
    assert!(reason.contains("por minuto"), "{reason}");
}

#[tokio::test]
async fn an_oversized_presence_state_closes_its_socket_with_1009() {
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Observador, 11).await;
    let json = format!("{{\"cursor\":\"{}\"}}", "x".repeat(5_000));
    ana.send(presence(11, 1, &json)).await.unwrap();
    let (code, reason) = close_of(&mut ana).await;
    assert_eq!(code, 1009);
    assert!(reason.contains("presencia"), "{reason}");
}

#[tokio::test]
async fn sockets_are_capped_per_client_address_and_come_back_when_closed() {
    let server = TestServer::start_with_http(HttpLimits {
        sockets_per_client: 2,
        ..HttpLimits::default()
    })
    .await;
    let session = new_session(&server).await;
    let first = join(&server, session, Role::Participante, 11).await;
    let _second = join(&server, session, Role::Participante, 22).await;
    let refused = SyncClient::connect(
        &url(&server, session, &token(session, Role::Participante, 3600)),
        33,
    )
    .await;
    match refused {
        Err(sala::sync::client::ClientError::WebSocket(
            tokio_tungstenite::tungstenite::Error::Http(response),
        )) => {
            assert_eq!(response.status(), 429);
            let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default())
                .into_owned();
            assert!(body.contains("Demasiadas conexiones"), "{body}");
        }
        Err(other) => panic!("expected 429, got {other}"),
        Ok(_) => panic!("a third socket from the same address was admitted"),
    }
    first.close().await;
    crate::sync::eventually("the closed socket gives its place back", async || {
        SyncClient::connect(
            &url(&server, session, &token(session, Role::Participante, 3600)),
            44,
        )
        .await
        .is_ok()
    })
    .await;
}

#[tokio::test]
async fn dashboard_event_streams_are_capped_per_client_address() {
    let server = TestServer::start_with_http(HttpLimits {
        streams_per_client: 1,
        ..HttpLimits::default()
    })
    .await;
    let reader = server.district_reader().await;
    let open = || {
        server
            .client
            .get(server.url("/tablero/eventos?ambito=distrito"))
            .bearer_auth(&reader)
            .send()
    };
    let first = open().await.unwrap();
    assert_eq!(first.status(), 200);
    let second = open().await.unwrap();
    assert_eq!(second.status(), 429);
    assert!(
        second
            .text()
            .await
            .unwrap()
            .contains("Demasiadas conexiones")
    );
    drop(first);
    crate::sync::eventually("a closed stream gives its place back", async || {
        open().await.unwrap().status() == 200
    })
    .await;
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off() {
    let server = TestServer::start_with_http(HttpLimits {
        header_read_timeout: Duration::from_millis(500),
        ..HttpLimits::default()
    })
    .await;
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: sala\r\n")
        .await
        .unwrap();
    // Never finishes its headers: the server must close the connection by itself.
    let mut buffer = Vec::new();
    let read = timeout(Duration::from_secs(10), tcp.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the connection was still open after 10 s");
    // A client that sends its request in time is served as usual.
    let (status, body) = server.get_text("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
}

#[tokio::test]
async fn request_bodies_are_limited_per_kind_of_route() {
    let server = TestServer::start().await;
    let coordination = crate::common::coordination("local-07");
    let huge = "x".repeat(300 * 1024);
    let response = server
        .client
        .post(server.url("/api/v1/sessions"))
        .bearer_auth(&coordination)
        .header("content-type", "application/json")
        .body(format!("{{\"mesa\":\"local-07\",\"place\":\"{huge}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    // Pages take no body at all.
    let response = server
        .client
        .get(server.url("/"))
        .body("x".repeat(8 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn reading_a_never_opened_board_writes_nothing() {
    let server = TestServer::start().await;
    let request = app::domain::ScheduleRequest {
        mesa: "local-07".into(),
        at: "2030-01-01T09:00".into(),
        place: String::new(),
        mode: "mixta".into(),
        confirmed: true,
    };
    let now = chrono::Utc::now();
    // A session from before boards were seeded at scheduling: its board is empty.
    let session = server
        .store
        .create_session(&request.validate(now).unwrap(), now)
        .await
        .unwrap()
        .id;
    for path in [
        format!("/sesiones/{session}"),
        format!("/sesiones/{session}/proyector"),
    ] {
        let (status, _) = server
            .get_page_as(&path, &token(session, Role::Observador, 3600))
            .await;
        assert_eq!(status, 200, "{path}");
    }
    assert!(
        server
            .store
            .load_room(session)
            .await
            .unwrap()
            .updates
            .is_empty(),
        "a GET wrote into the board"
    );
    assert_eq!(server.store.board_stored_bytes(session).await.unwrap(), 0);
}

#[tokio::test]
async fn a_session_closing_late_adds_its_open_commitments_to_the_next_live_board() {
    let server = TestServer::start().await;
    let earlier = new_session(&server).await;
    server
        .store
        .change_session_status(
            earlier,
            app::domain::SessionAction::Iniciar,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let (_ana, _luis) = write_and_see(
        &server,
        earlier,
        COMMITMENTS,
        "0b0b0b0b-0000-4000-8000-000000000002",
        &[
            ("description", Field::Text("Visita a la IPS de Bosa".into())),
            ("status", Field::Text("pendiente".into())),
        ],
    )
    .await;
    // The next session is scheduled, and its board open, before the earlier one closes.
    let next = new_session(&server).await;
    let mut marta = join(&server, next, Role::Participante, 33).await;
    let before = app::domain::board::BoardView::read(&yrs::Transact::transact(&marta.doc));
    assert!(before.followups.is_empty());
    assert_eq!(
        close_board(&server, earlier, Role::Coordinador)
            .await
            .status(),
        200
    );
    crate::sync::until(&mut marta, |client, _| {
        let view = app::domain::board::BoardView::read(&yrs::Transact::transact(&client.doc));
        // the draft acta's approval comes first, the follow-up after it
        view.followups.len() == 1
            && view.agenda[0].title == "Aprobación del acta anterior"
            && view.agenda[1].notes.contains("Visita a la IPS de Bosa")
    })
    .await;
    // Stored too: a page rendered afterwards lists it.
    let (_, html) = server
        .get_page_as(
            &format!("/sesiones/{next}"),
            &token(next, Role::Observador, 3600),
        )
        .await;
    assert!(html.contains("Visita a la IPS de Bosa"));
}

#[tokio::test]
async fn metrics_count_what_was_stored_and_what_was_refused() {
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    for n in 0..5 {
        let update = ana.append_text("notas", &format!("{n};"));
        ana.send(protocol::update(&update)).await.unwrap();
    }
    timeout(WAIT, ana.sync()).await.unwrap().unwrap();
    let mut mallory = join(&server, session, Role::Participante, 66).await;
    mallory.send_text_frame("hola").await.unwrap();
    let _ = close_of(&mut mallory).await;
    // Her socket's slot is given back once its task has ended, just after the close frame.
    crate::sync::eventually("Mallory's socket is counted out", async || {
        sala::http::metrics::render(&server.state)
            .unwrap()
            .contains("\nsala_board_sockets 1\n")
    })
    .await;
    let text = sala::http::metrics::render(&server.state).unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
    };
    assert!(value("sala_board_updates_stored_total") >= 5.0, "{text}");
    assert!(value("sala_board_bytes_stored_total") > 0.0);
    assert!(value("sala_board_commit_seconds_count") >= 1.0);
    assert_eq!(value("sala_frames_refused_total{reason=\"text\"}"), 1.0);
    assert_eq!(value("sala_rooms_loaded"), 1.0);
    assert!(text.ends_with("# EOF\n"));
}
