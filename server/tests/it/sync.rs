//! The live sync engine over real WebSockets: the real server on a random port, tokio-tungstenite
//! clients speaking the public Yjs protocol.

use std::time::Duration;

use crate::common::TestServer;
use app::domain::SessionAction;
use bytes::Bytes;
use sala::auth::{Claims, Role, Signer};
use sala::sync::SyncLimits;
use sala::sync::client::{ClientError, Event, SyncClient};
use sala::sync::protocol::{self, Incoming};
use tokio::time::timeout;
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
use yrs::{ClientID, ReadTxn, StateVector, Transact};

pub(crate) const WAIT: Duration = Duration::from_secs(10);

pub(crate) async fn new_session(server: &TestServer) -> i64 {
    server
        .schedule_session("local-07", "2030-01-01T09:00")
        .await
}

pub(crate) fn token(session: i64, role: Role, exp_offset: i64) -> String {
    crate::common::invitation(session, role, exp_offset)
}

pub(crate) fn url(server: &TestServer, session: i64, token: &str) -> String {
    format!("ws://{}/sync/{session}?token={token}", server.addr)
}

pub(crate) async fn join(
    server: &TestServer,
    session: i64,
    role: Role,
    client_id: u64,
) -> SyncClient {
    let mut client = timeout(
        WAIT,
        SyncClient::connect(
            &url(server, session, &token(session, role, 3600)),
            client_id,
        ),
    )
    .await
    .expect("connected in time")
    .unwrap();
    timeout(WAIT, client.sync())
        .await
        .expect("sync in time")
        .unwrap();
    client
}

/// Reads (applying updates) until `done` holds.
pub(crate) async fn until(
    client: &mut SyncClient,
    mut done: impl FnMut(&SyncClient, &Incoming) -> bool,
) -> Incoming {
    timeout(WAIT, async {
        loop {
            let message = client.next_message().await.unwrap();
            if done(client, &message) {
                return message;
            }
        }
    })
    .await
    .expect("expected message in time")
}

pub(crate) async fn closed_with(client: &mut SyncClient) -> u16 {
    timeout(WAIT, async {
        loop {
            match client.next_event().await {
                Ok(Event::Closed { code, .. }) => return code,
                Ok(Event::Message(_)) => continue,
                Err(error) => panic!("expected a close frame, got {error}"),
            }
        }
    })
    .await
    .expect("close in time")
}

/// Waits for the socket's close; the updates received before it are applied to its doc.
pub(crate) async fn close_of(client: &mut SyncClient) -> (u16, String) {
    timeout(WAIT, async {
        loop {
            match client.next_event().await {
                Ok(Event::Closed { code, reason }) => return (code, reason),
                Ok(Event::Message(Incoming::Update(u) | Incoming::SyncStep2(u))) => {
                    let _ = client.apply(&u);
                }
                Ok(Event::Message(_)) => continue,
                Err(error) => panic!("expected a close frame, got {error}"),
            }
        }
    })
    .await
    .expect("close in time")
}

pub(crate) fn presence(client: u64, clock: u32, json: &str) -> Bytes {
    protocol::awareness(&AwarenessUpdate {
        clients: [(
            ClientID::new(client),
            AwarenessUpdateEntry {
                clock,
                json: json.into(),
            },
        )]
        .into(),
    })
}

#[tokio::test]
async fn edits_reach_the_others_and_are_durable() {
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    let update = ana.append_text("notas", "1. Seguimiento de compromisos");
    ana.send(protocol::update(&update)).await.unwrap();

    let mut luis = join(&server, session, Role::Participante, 22).await;
    assert_eq!(
        luis.text("notas"),
        "1. Seguimiento de compromisos",
        "a late joiner syncs"
    );

    let update = luis.append_text("notas", "\n2. Barreras");
    luis.send(protocol::update(&update)).await.unwrap();
    until(&mut ana, |c, _| c.text("notas").ends_with("2. Barreras")).await;
    assert_eq!(ana.state_vector(), luis.state_vector());

    // What was forwarded is in the store.
    let stored = server.store.load_room(session).await.unwrap();
    let room = sala::sync::room::Room::load(stored.updates.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(room.state_vector(), ana.state_vector());
}

/// Polls `condition` every 20 ms until it holds (or fails the test after `WAIT`).
pub(crate) async fn eventually(what: &str, mut condition: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !condition().await {
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_room_loads_on_join_compacts_its_log_and_is_evicted_after_the_last_leaves() {
    let server = TestServer::start_with(SyncLimits {
        evict_after: Duration::from_millis(300),
        compact_after_updates: 5,
        // Eviction is checked on the presence sweep, every quarter of this (at least 100 ms).
        awareness_timeout: Duration::from_millis(400),
        ..SyncLimits::default()
    })
    .await;
    let session = new_session(&server).await;
    assert_eq!(
        server.sync.loaded_rooms(),
        0,
        "nothing is loaded before a join"
    );

    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    assert_eq!(server.sync.loaded_rooms(), 1);
    for n in 1..=12 {
        let update = ana.append_text("notas", &format!("{n};"));
        ana.send(protocol::update(&update)).await.unwrap();
    }
    // Answered only once every earlier update is stored.
    timeout(WAIT, ana.sync()).await.unwrap().unwrap();
    let written = "1;2;3;4;5;6;7;8;9;10;11;12;";
    // The follow-up seed and Ana's 12: from 5 on, the room folds its log into the snapshot.
    const UPDATES: usize = 13;
    eventually(
        "the log is merged into a snapshot as it grows",
        async || server.store.load_room(session).await.unwrap().log_len < UPDATES,
    )
    .await;
    let stored = server.store.load_room(session).await.unwrap();
    let room = sala::sync::room::Room::load(stored.updates.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(
        room.state_vector(),
        ana.state_vector(),
        "compaction lost nothing"
    );

    ana.close().await;
    eventually("the empty room is evicted", async || {
        server.sync.loaded_rooms() == 0
    })
    .await;
    assert_eq!(
        server.store.load_room(session).await.unwrap().log_len,
        0,
        "eviction folds the rest of the log into the snapshot"
    );
    assert_eq!(
        server.store.room_history(session).await.unwrap().len(),
        UPDATES,
        "folded updates stay in the log for the history view"
    );

    // Loaded again from the store alone.
    let luis = join(&server, session, Role::Participante, 22).await;
    assert_eq!(server.sync.loaded_rooms(), 1);
    assert_eq!(luis.text("notas"), written);
}

#[tokio::test]
async fn presence_is_echoed_shared_and_removed() {
    let server = TestServer::start_with(SyncLimits {
        awareness_timeout: Duration::from_millis(800),
        ..SyncLimits::default()
    })
    .await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Participante, 11).await;
    ana.send(presence(11, 1, r#"{"user":{"name":"Ana"}}"#))
        .await
        .unwrap();
    // A lone client still hears its own presence: y-websocket's idle timer never fires.
    until(
        &mut ana,
        |_, m| matches!(m, Incoming::Awareness(a) if a.clients.contains_key(&ClientID::new(11))),
    )
    .await;

    let mut luis = SyncClient::connect(
        &url(&server, session, &token(session, Role::Participante, 60)),
        22,
    )
    .await
    .unwrap();
    // The server stamps the invitation's role on what the client said.
    until(&mut luis, |_, m| matches!(m, Incoming::Awareness(a) if a.clients.get(&ClientID::new(11)).is_some_and(|e| user_of(&e.json) == ("Ana".into(), "participante".into())))).await;

    // Renewal (clock 2) is forwarded; then Ana leaves and Luis hears her removal.
    ana.send(presence(11, 2, r#"{"user":{"name":"Ana","editing":"b1"}}"#))
        .await
        .unwrap();
    until(&mut luis, |_, m| matches!(m, Incoming::Awareness(a) if a.clients.get(&ClientID::new(11)).is_some_and(|e| e.clock == 2))).await;
    ana.close().await;
    until(&mut luis, |_, m| matches!(m, Incoming::Awareness(a) if a.clients.get(&ClientID::new(11)).is_some_and(|e| &*e.json == "null"))).await;

    // Luis goes silent: the server expires his state and says so.
    luis.send(presence(22, 1, r#"{"user":{"name":"Luis"}}"#))
        .await
        .unwrap();
    let mut eva = join(&server, session, Role::Observador, 33).await;
    until(&mut eva, |_, m| matches!(m, Incoming::Awareness(a) if a.clients.get(&ClientID::new(22)).is_some_and(|e| &*e.json == "null"))).await;
}

/// (name, role) of a presence state's `user`.
fn user_of(json: &str) -> (String, String) {
    let state: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let field = |k: &str| state["user"][k].as_str().unwrap_or_default().to_owned();
    (field("name"), field("role"))
}

/// A foreign client cannot pass itself off as the coordination, nor take over another tab's
/// presence: the room stamps the credential's role and keeps each client id with its socket.
#[tokio::test]
async fn presence_cannot_be_spoofed() {
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    ana.send(presence(
        11,
        1,
        r##"{"user":{"name":"Ana","color":"#0b57d0"}}"##,
    ))
    .await
    .unwrap();
    // Connected without the sync round trip, which would swallow the presence sent on joining.
    let mut mallory = SyncClient::connect(
        &url(&server, session, &token(session, Role::Observador, 60)),
        66,
    )
    .await
    .unwrap();
    until(
        &mut mallory,
        |_, m| matches!(m, Incoming::Awareness(a) if a.clients.contains_key(&ClientID::new(11))),
    )
    .await;
    // Claims to coordinate, with a colour that would inject CSS, and tries to rewrite Ana's state.
    mallory
        .send(presence(
            66,
            1,
            r#"{"user":{"name":"Coordinación","role":"coordinador","color":"red;x:y"}}"#,
        ))
        .await
        .unwrap();
    mallory
        .send(presence(
            11,
            9,
            r#"{"user":{"name":"Ana","role":"observador"}}"#,
        ))
        .await
        .unwrap();
    mallory.send(presence(11, 10, "null")).await.unwrap();
    // The room answers this round trip only after the frames before it.
    timeout(WAIT, mallory.sync()).await.unwrap().unwrap();
    let seen = until(
        &mut ana,
        |_, m| matches!(m, Incoming::Awareness(a) if a.clients.contains_key(&ClientID::new(66))),
    )
    .await;
    let Incoming::Awareness(seen) = seen else {
        unreachable!()
    };
    let state: serde_json::Value =
        serde_json::from_str(&seen.clients[&ClientID::new(66)].json).unwrap();
    assert_eq!(state["user"]["role"], "observador");
    assert!(state["user"].get("color").is_none());
    // A newcomer still sees Ana as she set herself.
    let mut eva = SyncClient::connect(
        &url(&server, session, &token(session, Role::Participante, 60)),
        77,
    )
    .await
    .unwrap();
    let snapshot = until(
        &mut eva,
        |_, m| matches!(m, Incoming::Awareness(a) if a.clients.contains_key(&ClientID::new(11))),
    )
    .await;
    let Incoming::Awareness(snapshot) = snapshot else {
        unreachable!()
    };
    let ana_state = &snapshot.clients[&ClientID::new(11)];
    assert_eq!(ana_state.clock, 1, "Mallory's clocks were not applied");
    assert_eq!(
        user_of(&ana_state.json),
        ("Ana".into(), "coordinador".into())
    );
}

#[tokio::test]
async fn observers_and_closed_sessions_are_read_only() {
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    let mut projector = join(&server, session, Role::Observador, 99).await;

    let forced = projector.append_text("notas", "no debería");
    projector.send(protocol::update(&forced)).await.unwrap();
    let denied = until(&mut projector, |_, m| matches!(m, Incoming::Auth)).await;
    assert!(matches!(denied, Incoming::Auth));
    // The other way a client hands over content: its SyncStep2, here with everything it has
    // (the refused edit included, so accepting it would show in the text below).
    projector.append_text("notas", " ni esto");
    let everything = projector
        .doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    projector
        .send(protocol::sync_step2(&everything))
        .await
        .unwrap();
    let denied = until(&mut projector, |_, m| matches!(m, Incoming::Auth)).await;
    assert!(matches!(denied, Incoming::Auth));

    // Ana's edit still flows to the projector; the forced one never reached the room.
    let update = ana.append_text("notas", "punto 1");
    ana.send(protocol::update(&update)).await.unwrap();
    until(&mut projector, |c, _| c.text("notas").contains("punto 1")).await;
    let fresh = join(&server, session, Role::Observador, 98).await;
    assert_eq!(fresh.text("notas"), "punto 1");

    // Closing the session freezes the live room for everyone.
    server
        .store
        .change_session_status(session, SessionAction::Iniciar, chrono::Utc::now())
        .await
        .unwrap();
    let closed = server
        .client
        .post(server.url(&format!("/api/v1/sessions/{session}/cerrar")))
        .bearer_auth(crate::common::invitation(session, Role::Coordinador, 3600))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 200);
    let late = ana.append_text("notas", " tarde");
    ana.send(protocol::update(&late)).await.unwrap();
    until(&mut ana, |_, m| matches!(m, Incoming::Auth)).await;
    let after = join(&server, session, Role::Coordinador, 12).await;
    assert_eq!(after.text("notas"), "punto 1");
}

#[tokio::test]
async fn bad_tokens_get_no_socket() {
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    let other = new_session(&server).await;
    let status = |result: Result<SyncClient, ClientError>| match result {
        Err(ClientError::WebSocket(tokio_tungstenite::tungstenite::Error::Http(response))) => {
            response.status().as_u16()
        }
        Err(error) => panic!("unexpected error {error}"),
        Ok(_) => panic!("a socket was opened"),
    };
    let expired = token(session, Role::Coordinador, -1);
    assert_eq!(
        status(SyncClient::connect(&url(&server, session, &expired), 1).await),
        401
    );
    // A participant's invitation opens its own session only (a coordination's reads the
    // Mesa's other boards; it is tested with the policy).
    let foreign = token(other, Role::Participante, 60);
    assert_eq!(
        status(SyncClient::connect(&url(&server, session, &foreign), 1).await),
        403
    );
    let forged = Signer::new(b"another-secret-another-secret-12".to_vec()).sign(&Claims {
        session,
        role: Role::Coordinador,
        exp: i64::MAX,
        nonce: "x".into(),
        name: None,
        mesa: None,
    });
    assert_eq!(
        status(SyncClient::connect(&url(&server, session, &forged), 1).await),
        401
    );
    let missing = format!("ws://{}/sync/{session}", server.addr);
    assert_eq!(status(SyncClient::connect(&missing, 1).await), 401);
    let unknown = token(424242, Role::Coordinador, 60);
    assert_eq!(
        status(SyncClient::connect(&url(&server, 424242, &unknown), 1).await),
        404
    );
}

#[tokio::test]
async fn malformed_oversized_text_and_flooding_sockets_are_closed_and_the_room_survives() {
    let limits = SyncLimits {
        max_frame_bytes: 4096,
        max_messages_per_second: 20,
        ..SyncLimits::default()
    };
    let server = TestServer::start_with(limits).await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    let update = ana.append_text("notas", "intacto");
    ana.send(protocol::update(&update)).await.unwrap();

    let mut bad = join(&server, session, Role::Participante, 66).await;
    bad.send(Bytes::from_static(&[0, 2, 50, 1, 2, 3]))
        .await
        .unwrap();
    assert_eq!(closed_with(&mut bad).await, 1007);

    let mut big = join(&server, session, Role::Participante, 67).await;
    big.send(Bytes::from(vec![0u8; 5000])).await.unwrap();
    assert_eq!(closed_with(&mut big).await, 1009);
    // Far over the limit: refused by the WebSocket layer before the frame is even assembled,
    // with the same code.
    let mut huge = join(&server, session, Role::Participante, 71).await;
    huge.send(Bytes::from(vec![0u8; 64 * 1024])).await.unwrap();
    assert_eq!(closed_with(&mut huge).await, 1009);

    let mut texty = join(&server, session, Role::Participante, 68).await;
    texty.send_text_frame("hola").await.unwrap();
    assert_eq!(closed_with(&mut texty).await, 1003);

    let mut flood = join(&server, session, Role::Participante, 69).await;
    for _ in 0..100 {
        if flood.send(protocol::query_awareness()).await.is_err() {
            break;
        }
    }
    assert_eq!(closed_with(&mut flood).await, 1008);

    let check = join(&server, session, Role::Observador, 70).await;
    assert_eq!(check.text("notas"), "intacto");
    let more = ana.append_text("notas", " y vivo");
    ana.send(protocol::update(&more)).await.unwrap();
    let mut check = check;
    until(&mut check, |c, _| c.text("notas") == "intacto y vivo").await;
}

/// Two histories of client 77 that cannot both be true (see the room's unit test of the same
/// name): the second makes yrs give up half way through applying it.
fn conflicting_histories() -> (Vec<u8>, Vec<u8>) {
    use yrs::{Doc, Map, MapPrelim};
    let plain = Doc::with_client_id(77);
    let first = {
        let root = plain.get_or_insert_map("m");
        let mut txn = plain.transact_mut();
        root.insert(&mut txn, "k", "texto");
        txn.encode_update_v1()
    };
    let nested = Doc::with_client_id(77);
    let root = nested.get_or_insert_map("m");
    let inner = root.insert(&mut nested.transact_mut(), "k", MapPrelim::default());
    let before = nested.transact().state_vector();
    inner.insert(&mut nested.transact_mut(), "x", 1);
    let second = nested.transact().encode_diff_v1(&before);
    (first, second)
}

#[tokio::test]
async fn an_update_the_engine_cannot_integrate_resets_the_room_once_then_only_its_sender() {
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    let update = ana.append_text("notas", "antes");
    ana.send(protocol::update(&update)).await.unwrap();
    let (first, poison) = conflicting_histories();

    let mut mallory = join(&server, session, Role::Participante, 66).await;
    mallory.send(protocol::update(&first)).await.unwrap();
    // Stored before the next arrives (a batch that breaks the room is dropped whole).
    timeout(WAIT, mallory.sync()).await.unwrap().unwrap();
    mallory.send(protocol::update(&poison)).await.unwrap();
    assert_eq!(closed_with(&mut mallory).await, 1007);
    // Half of it may be in the live document: everyone reloads from what is stored.
    assert_eq!(closed_with(&mut ana).await, 1011);

    let mut ana = join(&server, session, Role::Coordinador, 11).await;
    assert_eq!(ana.text("notas"), "antes", "nothing stored was lost");
    // Mallory's client reconnects and offers the same again: now only its socket is closed.
    let mut mallory = join(&server, session, Role::Participante, 66).await;
    mallory.send(protocol::sync_step2(&poison)).await.unwrap();
    assert_eq!(closed_with(&mut mallory).await, 1007);

    let mut luis = join(&server, session, Role::Participante, 22).await;
    let update = luis.append_text("notas", " y después");
    luis.send(protocol::update(&update)).await.unwrap();
    until(&mut ana, |c, _| c.text("notas") == "antes y después").await;
    let update = ana.append_text("notas", ".");
    ana.send(protocol::update(&update)).await.unwrap();
    until(&mut luis, |c, _| c.text("notas") == "antes y después.").await;
}

#[tokio::test]
async fn a_stuck_client_is_made_to_resync_and_misses_nothing() {
    let limits = SyncLimits {
        outbound_queue: 8,
        max_messages_per_second: 100_000,
        max_board_bytes_per_minute: 64 * 1024 * 1024,
        ..SyncLimits::default()
    };
    let server = TestServer::start_with(limits).await;
    let session = new_session(&server).await;
    let mut writer = join(&server, session, Role::Coordinador, 11).await;
    let stuck_url = url(&server, session, &token(session, Role::Participante, 3600));
    let mut stuck = SyncClient::connect_with_receive_buffer(&stuck_url, 22, 4096)
        .await
        .unwrap();
    timeout(WAIT, stuck.sync()).await.unwrap().unwrap();
    // The stuck client reads nothing while ~12 MB of edits go by, filling its small receive
    // buffer, the server's send buffer, then its queue on the server.
    let chunk = "x".repeat(4000);
    for _ in 0..3000 {
        let update = writer.append_text("notes", &chunk);
        writer.send(protocol::update(&update)).await.unwrap();
    }
    let expected = writer.text("notes");
    // The room answers the writer's SyncStep1 only after every earlier batch is committed and
    // handed to the sockets' queues, so once the answer is back the stuck socket has overflowed.
    timeout(WAIT, writer.sync()).await.unwrap().unwrap();
    assert_eq!(
        closed_with(&mut stuck).await,
        4000,
        "told to resync, not silently dropped"
    );
    let resynced = join(&server, session, Role::Participante, 22).await;
    assert_eq!(resynced.text("notes").len(), expected.len());
    assert_eq!(resynced.state_vector(), writer.state_vector());
    // The writer was never held up by the stuck one.
    let more = writer.append_text("notes", "fin");
    writer.send(protocol::update(&more)).await.unwrap();
}

#[tokio::test]
async fn a_silent_peer_is_closed_and_a_talking_one_is_not() {
    let limits = SyncLimits {
        idle_timeout: Duration::from_millis(600),
        ..SyncLimits::default()
    };
    let server = TestServer::start_with(limits).await;
    let session = new_session(&server).await;
    // Keeps talking for several idle periods (without reading, so pings go unanswered): the
    // deadline moves with every message it sends.
    let mut talker = join(&server, session, Role::Participante, 11).await;
    let mut silent = join(&server, session, Role::Participante, 22).await;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let sv = talker.state_vector();
        talker.send(protocol::sync_step1(&sv)).await.unwrap();
    }
    // Reading now, the silent client meets the unanswered pings first; answering them may hit
    // the socket the server already closed, so the close frame itself is not always readable.
    let ended = timeout(WAIT, async {
        loop {
            match silent.next_event().await {
                Ok(Event::Closed { code, .. }) => return Some(code),
                Ok(Event::Message(_)) => continue,
                Err(_) => return None,
            }
        }
    })
    .await
    .expect("the silent socket was closed");
    assert!(matches!(ended, None | Some(1001)), "closed with {ended:?}");
    timeout(WAIT, talker.sync())
        .await
        .expect("still served")
        .expect("still connected");
}

#[tokio::test]
async fn a_full_room_refuses_with_try_again_later_counting_observers_apart() {
    let limits = SyncLimits {
        max_writers_per_room: 1,
        max_readers_per_room: 1,
        ..SyncLimits::default()
    };
    let server = TestServer::start_with(limits).await;
    let session = new_session(&server).await;
    let _ana = join(&server, session, Role::Coordinador, 11).await;
    let connect = |role, client| {
        let url = url(&server, session, &token(session, role, 60));
        async move { SyncClient::connect(&url, client).await.unwrap() }
    };
    let mut second_writer = connect(Role::Participante, 22).await;
    assert_eq!(closed_with(&mut second_writer).await, 1013);
    // A full room of writers still lets a projector in, up to the observers' own cap.
    let mut projector = connect(Role::Observador, 33).await;
    timeout(WAIT, projector.sync())
        .await
        .expect("the observer is served")
        .expect("still connected");
    let mut second_projector = connect(Role::Observador, 44).await;
    assert_eq!(closed_with(&mut second_projector).await, 1013);
}

/// Ana (coordination) writes one record; returns her and Luis (a participant) once Luis has it,
/// which means it is durable (persisted before forwarding).
pub(crate) async fn write_and_see(
    server: &TestServer,
    session: i64,
    root: &str,
    id: &str,
    fields: &[(&str, app::domain::board::Field)],
) -> (SyncClient, SyncClient) {
    use app::domain::board::{edit::record, put_record};
    let mut ana = join(server, session, Role::Coordinador, 31).await;
    let update = {
        let mut txn = ana.doc.transact_mut();
        put_record(
            &mut txn,
            root,
            id,
            fields,
            "Ana (Subred Sur Occidente)",
            1.0,
        );
        txn.encode_update_v1()
    };
    ana.send(protocol::update(&update)).await.unwrap();
    let mut luis = join(server, session, Role::Participante, 32).await;
    let has_it = |c: &SyncClient| record(&c.doc.transact(), root, id).is_some();
    if !has_it(&luis) {
        until(&mut luis, |c, _| has_it(c)).await;
    }
    (ana, luis)
}

/// `POST /api/close_board` with an invitation of `role`.
pub(crate) async fn close_board(
    server: &TestServer,
    session: i64,
    role: Role,
) -> reqwest::Response {
    server
        .client
        .post(server.url("/api/close_board"))
        .bearer_auth(token(session, role, 3600))
        .form(&[("session", session.to_string())])
        .send()
        .await
        .unwrap()
}

/// The board's official record end to end: a commitment written over the sync protocol by one
/// client, the session closed by its coordinator (participants may not), the acta listing it, and
/// the Mesa's next board opening with it in the follow-up item.
#[tokio::test]
async fn a_closed_board_becomes_the_acta_and_the_next_follow_up() {
    use app::domain::board::{COMMITMENTS, Field};
    let server = TestServer::start().await;
    let session = new_session(&server).await;
    server
        .store
        .change_session_status(session, SessionAction::Iniciar, chrono::Utc::now())
        .await
        .unwrap();
    let (ana, mut luis) = write_and_see(
        &server,
        session,
        COMMITMENTS,
        "0b0b0b0b-0000-4000-8000-000000000001",
        &[
            (
                "description",
                Field::Text("Brigada de afiliación en Kennedy".into()),
            ),
            ("due", Field::Text("2030-01-15".into())),
            ("status", Field::Text("pendiente".into())),
        ],
    )
    .await;

    assert_eq!(
        close_board(&server, session, Role::Participante)
            .await
            .status(),
        403,
        "only the coordination closes"
    );
    let reader = token(session, Role::Observador, 3600);
    let (status, _) = server
        .get_text(&format!("/sesiones/{session}/acta.md"))
        .await;
    assert_eq!(
        status, 401,
        "the acta is not public unless the Mesa publishes it"
    );
    let (status, _) = server
        .get_page_as(&format!("/sesiones/{session}/acta.md"), &reader)
        .await;
    assert_eq!(status, 404, "no acta before closing");
    let closed = close_board(&server, session, Role::Coordinador).await;
    assert_eq!(closed.status(), 200);
    assert_eq!(
        closed.text().await.unwrap().trim(),
        "1",
        "the Mesa's first acta"
    );
    // Everyone still connected hears that the board is now read-only.
    until(&mut luis, |_, m| matches!(m, Incoming::Auth)).await;

    let (status, markdown) = server
        .get_page_as(&format!("/sesiones/{session}/acta.md"), &reader)
        .await;
    assert_eq!(status, 200);
    assert!(markdown.starts_with("# Acta n.º 1 · "), "{markdown}");
    assert!(
        markdown.contains("| Brigada de afiliación en Kennedy |"),
        "{markdown}"
    );
    let (status, html) = server
        .get_page_as(&format!("/sesiones/{session}/acta"), &reader)
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Brigada de afiliación en Kennedy"));
    // Published by its coordination, the closed acta is public.
    let (status, _) = server.get_text(&format!("/sesiones/{session}/acta")).await;
    assert_eq!(status, 401);
    let mesa = server.store.get_session(session).await.unwrap().mesa_code;
    server.store.set_publishes_actas(&mesa, true).await.unwrap();
    let (status, html) = server.get_text(&format!("/sesiones/{session}/acta")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Brigada de afiliación en Kennedy"));

    // The next session of the same Mesa opens with the open commitment in its follow-up.
    let next = new_session(&server).await;
    let (status, html) = server
        .get_page_as(
            &format!("/sesiones/{next}"),
            &token(next, Role::Observador, 3600),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Seguimiento de compromisos"), "{html}");
    assert!(html.contains("Brigada de afiliación en Kennedy"));
    assert!(html.contains("data-role=\"observador\""));

    // A forged invitation link sends the browser to sign in, saying why; a foreign one opens
    // nothing.
    let response = server
        .client
        .get(server.url(&format!("/sesiones/{next}?token=falso")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/entrar?invitacion=invalida"),
        "{location}"
    );
    let (status, _) = server
        .get_page_as(
            &format!("/sesiones/{next}"),
            &token(session, Role::Participante, 3600),
        )
        .await;
    assert_eq!(status, 403);
    // The previous session's coordination reads the next board, and only reads it.
    let (status, html) = server
        .get_page_as(
            &format!("/sesiones/{next}"),
            &token(session, Role::Coordinador, 3600),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("data-role=\"observador\""));
    ana.close().await;
    luis.close().await;
}

/// The acta, the review and the board count quorum the same way, against the same members (the
/// review used to say the Mesa had none while the acta counted them).
#[tokio::test]
async fn the_review_counts_quorum_as_the_acta_does() {
    use app::domain::MemberRequest;
    use app::domain::board::{ATTENDANCE, Field};
    let server = TestServer::start().await;
    let member = MemberRequest {
        mesa: "local-07".into(),
        name: "Ana Pérez".into(),
        institution: "Subred Sur Occidente".into(),
        sector: "Salud".into(),
        role: "Secretaría técnica".into(),
        seat: String::new(),
        contact: String::new(),
    };
    server
        .store
        .add_member(&member.validate().unwrap(), chrono::Utc::now())
        .await
        .unwrap();
    let session = new_session(&server).await;
    server
        .store
        .change_session_status(session, SessionAction::Iniciar, chrono::Utc::now())
        .await
        .unwrap();
    let (ana, luis) = write_and_see(
        &server,
        session,
        ATTENDANCE,
        "0c0c0c0c-0000-4000-8000-000000000001",
        &[
            ("name", Field::Text("Ana Pérez".into())),
            ("role", Field::Text("titular".into())),
        ],
    )
    .await;
    let closed = close_board(&server, session, Role::Coordinador).await;
    assert_eq!(closed.status(), 200);
    let quorum = "1 de 1 integrantes · hay quórum";
    let reader = token(session, Role::Observador, 3600);
    let (_, acta) = server
        .get_page_as(&format!("/sesiones/{session}/acta"), &reader)
        .await;
    assert!(acta.contains(quorum), "{acta}");
    let (status, review) = server
        .get_page_as(&format!("/sesiones/{session}/revision"), &reader)
        .await;
    assert_eq!(status, 200);
    assert!(review.contains(quorum), "{review}");
    assert!(!review.contains("no tiene integrantes registrados"));
    ana.close().await;
    luis.close().await;
}
