//! People on the real server: first-time links, signing in (and its throttle), web sessions that
//! expire and end, guest links that are revoked with their live sockets, and the audit log.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::TestServer;

pub const PASSWORD: &str = "una clave de prueba larga";

/// A browser: its cookies, and the `Origin` its pages send.
#[derive(Clone, Default)]
pub struct Browser {
    pub cookie: String,
}

impl Browser {
    /// Posts a server function's form as the page would (cookie and `Origin`).
    pub async fn call(
        &self,
        server: &TestServer,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, String) {
        let mut request = server
            .client
            .post(server.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .header(ORIGIN, format!("http://{}", server.addr))
            .form(form);
        if !self.cookie.is_empty() {
            request = request.header(COOKIE, &self.cookie);
        }
        let response = request.send().await.expect("POST");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub async fn get(&self, server: &TestServer, path: &str) -> (u16, String) {
        let mut request = server.client.get(server.url(path));
        if !self.cookie.is_empty() {
            request = request.header(COOKIE, &self.cookie);
        }
        let response = request.send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// The `name=value` of a `Set-Cookie` for `name`.
pub fn cookie_from(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
        .map(str::to_owned)
}

/// Signs in with e-mail and password through the page's server function.
pub async fn sign_in(server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    server
        .client
        .post(server.url("/api/sign_in"))
        .header("accept", "application/json")
        .header(ORIGIN, format!("http://{}", server.addr))
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/cuenta"),
        ])
        .send()
        .await
        .expect("POST sign_in")
}

/// A person with a password and `roles`, signed in.
pub async fn person(
    server: &TestServer,
    email: &str,
    admin: bool,
    roles: &[(&str, &str)],
) -> Browser {
    person_named(server, email, &format!("Persona {email}"), admin, roles).await
}

/// [`person`] with a name of one's choosing.
pub async fn person_named(
    server: &TestServer,
    email: &str,
    name: &str,
    admin: bool,
    roles: &[(&str, &str)],
) -> Browser {
    let request = app::domain::identity::AccountRequest {
        email: email.into(),
        name: name.into(),
        institution: "Subred Sur".into(),
        ..Default::default()
    };
    let account = server
        .store
        .create_account(&request.validate().unwrap(), admin, chrono::Utc::now())
        .await
        .unwrap();
    for (mesa, role) in roles {
        let role = app::domain::identity::MesaRole::parse(role).unwrap();
        server
            .store
            .grant_role(account.id, mesa, role)
            .await
            .unwrap();
    }
    let hash = sala::identity::secrets::hash_password(PASSWORD).unwrap();
    server
        .store
        .set_password_hash(account.id, &hash)
        .await
        .unwrap();
    let response = sign_in(server, email, PASSWORD).await;
    let cookie = cookie_from(&response, "sala_sesion")
        .unwrap_or_else(|| panic!("signed in: {}", response.status()));
    Browser { cookie }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A board's socket as a browser opens it (cookie and `Origin`), or the HTTP status it got.
pub async fn board_socket(
    server: &TestServer,
    session: i64,
    cookie: &str,
    query: &str,
) -> Result<Socket, u16> {
    let mut request = format!("ws://{}/sync/{session}{query}", server.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", format!("http://{}", server.addr).parse().unwrap());
    if !cookie.is_empty() {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("socket: {other}"),
    }
}

/// The close code the server ends `socket` with, within `within`.
pub async fn close_code(socket: &mut Socket, within: Duration) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let next = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        if let Ok(Message::Close(frame)) = next {
            return frame.map(|f| u16::from(f.code));
        }
    }
}

#[tokio::test]
async fn the_first_administrator_sets_a_password_from_the_link_and_runs_sala_from_the_browser() {
    let server = TestServer::start().await;
    let request = app::domain::identity::AccountRequest {
        email: "admin@sala.local".into(),
        name: "Administración".into(),
        ..Default::default()
    };
    let admin = server
        .identity
        .create_account(&request.validate().unwrap(), true)
        .await
        .unwrap();
    let path = server.identity.setup_path(admin.id).await.unwrap();
    let secret = path.split_once("clave=").unwrap().1.to_owned();
    let (status, page) = server.get_text(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Hola, Administración"), "{page}");

    let anonymous = Browser::default();
    let (status, body) = anonymous
        .call(
            &server,
            "complete_setup",
            &[
                ("secret", &secret),
                ("password", "corta"),
                ("repeat", "corta"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("al menos 10 caracteres"), "{body}");
    let done = server
        .client
        .post(server.url("/api/complete_setup"))
        .header("accept", "application/json")
        .header(ORIGIN, format!("http://{}", server.addr))
        .form(&[
            ("secret", secret.as_str()),
            ("password", PASSWORD),
            ("repeat", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = cookie_from(&done, "sala_sesion").expect("signed in by the link");
    let set_cookie = done.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let admin_browser = Browser { cookie };
    // A link works once.
    let (status, _) = anonymous
        .call(
            &server,
            "complete_setup",
            &[
                ("secret", &secret),
                ("password", PASSWORD),
                ("repeat", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 401);

    // The administrator creates a coordinator for a local Mesa and gives the setup link.
    let (status, link) = admin_browser
        .call(
            &server,
            "create_person",
            &[
                ("email", "Coordina.Bosa@SaludCapital.gov.co"),
                ("name", "Carla Rojas"),
                ("institution", "Subred Sur Occidente"),
                ("sector", "Salud"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{link}");
    let link: String = serde_json::from_str(&link).unwrap();
    assert!(link.contains("/configurar?clave="), "{link}");
    let (status, body) = admin_browser
        .call(
            &server,
            "create_person",
            &[
                ("email", "coordina.bosa@saludcapital.gov.co"),
                ("name", "Otra"),
            ],
        )
        .await;
    assert_eq!(
        status, 422,
        "e-mails are unique whatever their case: {body}"
    );
    let carla = server
        .store
        .account_by_email("coordina.bosa@saludcapital.gov.co")
        .await
        .unwrap()
        .unwrap()
        .account;
    let (status, _) = admin_browser
        .call(
            &server,
            "grant_role",
            &[
                ("account", &carla.id.to_string()),
                ("mesa", "local-07"),
                ("role", "coordinador"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let secret = link.split_once("clave=").unwrap().1;
    let carla_browser = Browser {
        cookie: cookie_from(
            &server
                .client
                .post(server.url("/api/complete_setup"))
                .header(ORIGIN, format!("http://{}", server.addr))
                .form(&[
                    ("secret", secret),
                    ("password", PASSWORD),
                    ("repeat", PASSWORD),
                ])
                .send()
                .await
                .unwrap(),
            "sala_sesion",
        )
        .unwrap(),
    };
    // Carla schedules on her Mesa, not on another.
    let schedule = |mesa: &'static str| {
        [
            ("mesa", mesa),
            ("at", "2027-04-01T09:00"),
            ("place", "Casa"),
            ("mode", "mixta"),
        ]
    };
    let (status, body) = carla_browser
        .call(&server, "schedule_session", &schedule("local-07"))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = carla_browser
        .call(&server, "schedule_session", &schedule("local-08"))
        .await;
    assert_eq!(status, 403);
    let (status, _) = anonymous
        .call(&server, "schedule_session", &schedule("local-07"))
        .await;
    assert_eq!(status, 401);
    // Only the administration manages people.
    let (status, _) = carla_browser
        .call(
            &server,
            "grant_role",
            &[
                ("account", &carla.id.to_string()),
                ("mesa", "distrito"),
                ("role", "coordinador"),
            ],
        )
        .await;
    assert_eq!(status, 403);

    // The audit log has each act, for the administration only.
    let (status, csv) = admin_browser.get(&server, "/admin/auditoria.csv").await;
    assert_eq!(status, 200);
    for act in [
        "contraseña establecida",
        "persona creada",
        "rol asignado",
        "sesión programada",
    ] {
        assert!(csv.contains(act), "{act}: {csv}");
    }
    let (status, _) = carla_browser.get(&server, "/admin/auditoria.csv").await;
    assert_eq!(status, 403);
    // Own data: corrected by oneself, e-mail kept.
    let (status, body) = carla_browser
        .call(
            &server,
            "update_my_account",
            &[
                ("name", "Carla Rojas Díaz"),
                ("institution", "Subred Sur Occidente"),
                ("sector", "Salud"),
                ("phone", "300 123 4567"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let me: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["email"], "coordina.bosa@saludcapital.gov.co");
    assert_eq!(me["name"], "Carla Rojas Díaz");
}

#[tokio::test]
async fn the_eleventh_wrong_password_in_a_minute_is_throttled() {
    let server = TestServer::start().await;
    person(&server, "ana@subredsur.gov.co", false, &[]).await;
    for attempt in 1..=10 {
        let response = sign_in(&server, "ana@subredsur.gov.co", "equivocada-equivocada").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Correo o contraseña incorrectos"), "{body}");
    }
    let throttled = sign_in(&server, "ana@subredsur.gov.co", "equivocada-equivocada").await;
    assert_eq!(throttled.status(), 429);
    let body = throttled.text().await.unwrap();
    assert!(body.contains("Demasiados intentos fallidos"), "{body}");
    // The right password waits too (until the first failure leaves the minute).
    assert_eq!(
        sign_in(&server, "ana@subredsur.gov.co", PASSWORD)
            .await
            .status(),
        429
    );
    // An unknown e-mail gets the same answer as a wrong password.
    let unknown = sign_in(&server, "nadie@example.org", PASSWORD).await;
    assert_eq!(unknown.status(), 429, "same client address, throttled too");
}

#[tokio::test]
async fn web_sessions_expire_when_idle() {
    let server = TestServer::start_with_identity(
        sala::sync::SyncLimits::default(),
        sala::identity::IdentityConfig {
            idle_secs: 1,
            ..Default::default()
        },
    )
    .await;
    let ana = person(&server, "ana@subredsur.gov.co", false, &[]).await;
    let (status, _) = ana.get(&server, "/cuenta").await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, html) = ana.get(&server, "/cuenta").await;
    assert_eq!(status, 401, "idle for longer than allowed");
    assert!(html.contains("data-sign-in-link"));
}

#[tokio::test]
async fn web_sessions_end_at_their_absolute_expiry_even_when_used() {
    let server = TestServer::start_with_identity(
        sala::sync::SyncLimits::default(),
        sala::identity::IdentityConfig {
            absolute_secs: 3,
            ..Default::default()
        },
    )
    .await;
    let ana = person(&server, "ana@subredsur.gov.co", false, &[]).await;
    // Used every half second, so never idle; still ends three seconds after signing in (times
    // are whole seconds, hence the margins).
    let started = tokio::time::Instant::now();
    while started.elapsed() < Duration::from_millis(1000) {
        assert_eq!(ana.get(&server, "/cuenta").await.0, 200);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(ana.get(&server, "/cuenta").await.0, 401);
}

#[tokio::test]
async fn signing_out_and_deactivation_close_live_boards_at_once() {
    let server = TestServer::start().await;
    let session = server.started_session("local-07", "2030-04-01T09:00").await;
    let ana = person(
        &server,
        "ana@subredsur.gov.co",
        false,
        &[("local-07", "integrante")],
    )
    .await;
    let admin = person(&server, "admin@sala.local", true, &[]).await;
    let mut socket = board_socket(&server, session, &ana.cookie, "")
        .await
        .expect("socket by cookie");
    let (status, _) = ana.call(&server, "sign_out", &[]).await;
    assert!(status < 400, "{status}");
    assert_eq!(
        close_code(&mut socket, Duration::from_secs(2)).await,
        Some(4401)
    );
    assert_eq!(
        board_socket(&server, session, &ana.cookie, "").await.err(),
        Some(401)
    );

    let luis = person(
        &server,
        "luis@subredsur.gov.co",
        false,
        &[("local-07", "integrante")],
    )
    .await;
    let mut socket = board_socket(&server, session, &luis.cookie, "")
        .await
        .expect("socket");
    let id = server
        .store
        .account_by_email("luis@subredsur.gov.co")
        .await
        .unwrap()
        .unwrap()
        .account
        .id;
    let (status, body) = admin
        .call(
            &server,
            "set_active",
            &[("account", &id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        close_code(&mut socket, Duration::from_secs(2)).await,
        Some(4401)
    );
    let (status, _) = luis.get(&server, "/cuenta").await;
    assert_eq!(status, 401);
    let refused = sign_in(&server, "luis@subredsur.gov.co", PASSWORD).await;
    assert_eq!(refused.status(), 403);
}

/// A started session of Bosa, its coordinator signed in, and a participant guest link named
/// `guest`: (session, coordinator, token, nonce).
async fn session_with_guest(server: &TestServer, guest: &str) -> (i64, Browser, String, String) {
    let session = server.started_session("local-07", "2030-04-01T09:00").await;
    let carla = person(
        server,
        "carla@subredsur.gov.co",
        false,
        &[("local-07", "coordinador")],
    )
    .await;
    let (status, body) = carla
        .call(
            server,
            "create_invitation",
            &[
                ("session", &session.to_string()),
                ("role", "participante"),
                ("name", guest),
                ("hours", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let invitation: Value = serde_json::from_str(&body).unwrap();
    let link = invitation["link"].as_str().unwrap().to_owned();
    let token = link.split_once("token=").unwrap().1.to_owned();
    let nonce = invitation["nonce"].as_str().unwrap().to_owned();
    (session, carla, token, nonce)
}

#[tokio::test]
async fn a_revoked_guest_link_closes_its_sockets_and_opens_nothing_after() {
    let server = TestServer::start().await;
    let (session, carla, token, nonce) = session_with_guest(&server, "Delegada JAC").await;

    // Opening the link exchanges the token for a cookie and drops it from the address.
    let opened = server
        .client
        .get(server.url(&format!("/sesiones/{session}?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 303);
    assert_eq!(
        opened.headers()["location"],
        format!("/sesiones/{session}").as_str()
    );
    let cookie = cookie_from(&opened, "sala_invitacion").expect("invitation cookie");
    let (status, html) = Browser {
        cookie: cookie.clone(),
    }
    .get(&server, &format!("/sesiones/{session}"))
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("data-role=\"participante\""));
    assert!(!html.contains(&token), "the token is not in the page");

    let mut by_cookie = board_socket(&server, session, &cookie, "")
        .await
        .expect("cookie socket");
    let mut by_token = board_socket(&server, session, "", &format!("?token={token}"))
        .await
        .expect("token socket");
    let (status, list) = carla
        .call(&server, "invitations", &[("session", &session.to_string())])
        .await;
    assert_eq!(status, 200);
    assert!(
        list.contains("Delegada JAC") && list.contains("\"uses\":1"),
        "{list}"
    );
    let (status, _) = Browser::default()
        .call(
            &server,
            "revoke_invitation",
            &[("session", &session.to_string()), ("nonce", &nonce)],
        )
        .await;
    assert_eq!(status, 401, "not anyone revokes");
    let (status, body) = carla
        .call(
            &server,
            "revoke_invitation",
            &[("session", &session.to_string()), ("nonce", &nonce)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        close_code(&mut by_cookie, Duration::from_secs(2)).await,
        Some(4401)
    );
    assert_eq!(
        close_code(&mut by_token, Duration::from_secs(2)).await,
        Some(4401)
    );
    assert_eq!(
        board_socket(&server, session, &cookie, "").await.err(),
        Some(401)
    );
    let again = server
        .client
        .get(server.url(&format!("/sesiones/{session}?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.headers()["location"],
        format!("/entrar?invitacion=revocada&siguiente=/sesiones/{session}").as_str()
    );

    let (_, csv) = person(&server, "admin@sala.local", true, &[])
        .await
        .get(&server, "/admin/auditoria.csv")
        .await;
    for act in [
        "inicio de sesión",
        "invitación creada",
        "invitación revocada",
    ] {
        assert!(csv.contains(act), "{act}: {csv}");
    }
}

#[tokio::test]
async fn the_projector_code_is_one_participant_link_per_session() {
    let server = TestServer::start().await;
    let session = server.started_session("local-07", "2030-04-01T09:00").await;
    let carla = person(
        &server,
        "carla@subredsur.gov.co",
        false,
        &[("local-07", "coordinador")],
    )
    .await;
    let (status, first) = carla
        .call(
            &server,
            "projector_join",
            &[("session", &session.to_string())],
        )
        .await;
    assert_eq!(status, 200, "{first}");
    let (svg, link): (String, String) = serde_json::from_str(&first).unwrap();
    assert!(svg.starts_with("<?xml") || svg.contains("<svg"), "{svg}");
    assert!(
        link.contains(&format!("/sesiones/{session}?token=")),
        "{link}"
    );
    let (_, second) = carla
        .call(
            &server,
            "projector_join",
            &[("session", &session.to_string())],
        )
        .await;
    let (_, again): (String, String) = serde_json::from_str(&second).unwrap();
    assert_eq!(again, link, "the code on the wall does not change");
    let token = link.split_once("token=").unwrap().1;
    let socket = board_socket(&server, session, "", &format!("?token={token}")).await;
    assert!(socket.is_ok(), "the phone joins with it");
    let (status, _) = Browser::default()
        .call(
            &server,
            "projector_join",
            &[("session", &session.to_string())],
        )
        .await;
    assert_eq!(status, 401);
}

/// The review names who sent each change as the server knew them from the socket's credential,
/// whatever the document's `createdBy` claims.
#[tokio::test]
async fn the_review_names_the_sender_the_server_knew() {
    use app::domain::board::{AGENDA, Field, put_record};
    use yrs::Transact;
    let server = TestServer::start().await;
    let (session, carla, token, _) = session_with_guest(&server, "Luis Gómez").await;
    let mut luis = sala::sync::client::SyncClient::connect(
        &format!("ws://{}/sync/{session}?token={token}", server.addr),
        77,
    )
    .await
    .expect("socket");
    let update = {
        let mut txn = luis.doc.transact_mut();
        put_record(
            &mut txn,
            AGENDA,
            "punto-1",
            &[("title", Field::Text("Salud mental".into()))],
            "Alcalde Mayor",
            1.0,
        );
        txn.encode_update_v1()
    };
    luis.send(sala::sync::protocol::update(&update))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let history = server.store.room_history(session).await.unwrap();
        if history.iter().any(|h| h.author.is_some()) {
            assert!(
                history.iter().any(|h| h
                    .author
                    .as_deref()
                    .is_some_and(|a| a.contains("Luis Gómez"))),
                "{:?}",
                history.iter().map(|h| &h.author).collect::<Vec<_>>()
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the update was stored with its author"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, body) = carla
        .call(
            &server,
            "board_history",
            &[("session", &session.to_string())],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let history: Value = serde_json::from_str(&body).unwrap();
    let who: Vec<&str> = history["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["what"].as_str().unwrap().contains("Salud mental"))
        .map(|e| e["who"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["Luis Gómez (invitación de participante)"], "{body}");
}

/// A personal access token acts for its person on `/api/v1`, with their rights only, until it is
/// revoked; it is shown once and kept as a digest.
#[tokio::test]
async fn personal_access_tokens_act_for_their_person_until_revoked() {
    let server = TestServer::start().await;
    let carla = person(
        &server,
        "carla@subredsur.gov.co",
        false,
        &[("local-07", "coordinador")],
    )
    .await;
    let (status, body) = carla
        .call(
            &server,
            "mint_access_token",
            &[("label", "Carga de sesiones")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token: String = serde_json::from_str(&body).unwrap();
    assert!(token.starts_with("sala_pat_"), "{token}");
    let schedule = |mesa: &'static str| serde_json::json!({"mesa": mesa, "at": "2027-05-05T10:00", "place": "Sede", "mode": "mixta"});
    let created = server
        .post_json_as("/api/v1/sessions", schedule("local-07"), &token)
        .await;
    assert_eq!(created.status(), 201);
    let other = server
        .post_json_as("/api/v1/sessions", schedule("local-08"), &token)
        .await;
    assert_eq!(other.status(), 403, "only the person's own rights");
    let (_, list) = carla.call(&server, "access_tokens", &[]).await;
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list[0]["label"], "Carga de sesiones");
    assert!(list[0]["last_used_at"].is_string(), "{list}");
    assert!(!list.to_string().contains(&token), "never shown again");
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let (status, _) = carla
        .call(&server, "revoke_access_token", &[("id", &id)])
        .await;
    assert_eq!(status, 200);
    let revoked = server
        .post_json_as("/api/v1/sessions", schedule("local-07"), &token)
        .await;
    assert_eq!(revoked.status(), 401);
}

/// A signed-in member joining the board is checked in by the server (remote, as that member,
/// counted for quorum), once however many times they connect.
#[tokio::test]
async fn the_server_checks_a_signed_in_member_in_when_they_join() {
    let server = TestServer::start().await;
    let session = server.started_session("local-07", "2030-04-01T09:00").await;
    server
        .store
        .add_member(
            &app::domain::MemberRequest {
                mesa: "local-07".into(),
                name: "Marta Gil".into(),
                institution: "Subred Sur Occidente".into(),
                sector: "Salud".into(),
                role: "Líder APS".into(),
                seat: "titular".into(),
                contact: String::new(),
            }
            .validate()
            .unwrap(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let marta = person_named(
        &server,
        "marta@subredsur.gov.co",
        "Marta Gil",
        false,
        &[("local-07", "integrante")],
    )
    .await;
    let _first = board_socket(&server, session, &marta.cookie, "")
        .await
        .expect("socket");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let attendance = loop {
        let view = server.sync.board_view(session, true).await.unwrap();
        if !view.attendance.is_empty() {
            break view.attendance;
        }
        assert!(tokio::time::Instant::now() < deadline, "checked in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(attendance.len(), 1);
    assert_eq!(attendance[0].name, "Marta Gil");
    assert_eq!(
        attendance[0].role.code(),
        "titular",
        "counted as the member"
    );
    let _second = board_socket(&server, session, &marta.cookie, "")
        .await
        .expect("socket");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let view = server.sync.board_view(session, true).await.unwrap();
    assert_eq!(view.attendance.len(), 1, "once");
}
