//! The permission matrix over HTTP, on the real server: every mutating route and the board's
//! WebSocket upgrade, for each kind of person, gives the status written here, and a refusal
//! changes nothing stored. (The policy's own matrix is `app::domain::policy`'s unit test; this
//! one checks that every door asks it, and what each door answers.)

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::identity::{Browser, board_socket, person};

const MESA: &str = "local-07";
const ZONE: &str = "zona-sur-occidente";

/// The people of the matrix, in its column order.
const ACTORS: [&str; 8] = [
    "anónimo",
    "invitado observador",
    "invitado participante",
    "integrante de otra Mesa",
    "integrante",
    "coordinador",
    "coordinador zonal",
    "administrador",
];

struct People {
    other: Browser,
    member: Browser,
    coordinator: Browser,
    zonal: Browser,
    admin: Browser,
}

impl People {
    /// The browser of actor `index`; guests carry an invitation to `session`.
    fn browser(&self, index: usize, session: i64) -> Browser {
        let guest = |role| Browser {
            cookie: format!(
                "sala_invitacion={}",
                crate::common::invitation(session, role, 3600)
            ),
        };
        match index {
            0 => Browser::default(),
            1 => guest(sala::auth::Role::Observador),
            2 => guest(sala::auth::Role::Participante),
            3 => self.other.clone(),
            4 => self.member.clone(),
            5 => self.coordinator.clone(),
            6 => self.zonal.clone(),
            _ => self.admin.clone(),
        }
    }
}

/// Everything a mutation could change, as one comparable value.
async fn snapshot(server: &TestServer, sessions: &[i64]) -> Value {
    let store = &server.store;
    let mut invitations = Vec::new();
    for id in sessions {
        invitations.push(json!(store.invitations_of_session(*id, 0).await.unwrap()));
    }
    json!({
        "sessions": store.list_sessions(None).await.unwrap(),
        "mesa": store.mesa_detail(MESA, chrono::Utc::now()).await.unwrap(),
        "zone": store.escalations_of(ZONE).await.unwrap(),
        "accounts": store.list_accounts().await.unwrap(),
        "publishes": store.publishes_actas(MESA).await.unwrap(),
        "invitations": invitations,
    })
}

/// One mutating door: how to knock on it as `browser`.
enum Door {
    ServerFn(&'static str, Vec<(&'static str, String)>),
    Json(String, Value),
}

async fn knock(server: &TestServer, browser: &Browser, door: &Door) -> u16 {
    match door {
        Door::ServerFn(endpoint, form) => {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser.call(server, endpoint, &form).await.0
        }
        Door::Json(path, body) => {
            let mut request = server
                .client
                .post(server.url(path))
                .header("origin", format!("http://{}", server.addr))
                .json(body);
            if !browser.cookie.is_empty() {
                request = request.header("cookie", &browser.cookie);
            }
            request.send().await.unwrap().status().as_u16()
        }
    }
}

#[tokio::test]
async fn every_mutating_route_asks_the_policy() {
    let server = TestServer::start().await;
    let people = People {
        other: person(
            &server,
            "otra@subred.gov.co",
            false,
            &[("local-08", "integrante")],
        )
        .await,
        member: person(
            &server,
            "integrante@subred.gov.co",
            false,
            &[(MESA, "integrante")],
        )
        .await,
        coordinator: person(
            &server,
            "coordina@subred.gov.co",
            false,
            &[(MESA, "coordinador")],
        )
        .await,
        zonal: person(
            &server,
            "zonal@subred.gov.co",
            false,
            &[(ZONE, "coordinador")],
        )
        .await,
        admin: person(&server, "admin@sala.local", true, &[]).await,
    };
    let scheduled = |at: &'static str| server.schedule_session(MESA, at);
    let (edit, cancel, start) = (
        scheduled("2027-02-01T09:00").await,
        scheduled("2027-02-02T09:00").await,
        scheduled("2027-02-03T09:00").await,
    );
    let running = server.started_session(MESA, "2027-02-04T09:00").await;
    let closing = server.started_session(MESA, "2027-02-05T09:00").await;
    let member = server
        .store
        .add_member(
            &app::domain::MemberRequest {
                mesa: MESA.into(),
                name: "Marta Gil".into(),
                institution: "Subred".into(),
                sector: "Salud".into(),
                role: "Líder APS".into(),
                seat: "titular".into(),
                contact: "300 555 0199".into(),
            }
            .validate()
            .unwrap(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let escalation = server
        .store
        .create_escalation(
            sala::store::NewEscalation {
                parent_id: None,
                session_id: running,
                barrier_id: "b1",
                barrier: "Sin transporte",
                from_mesa: MESA,
                reason: "Supera la localidad",
                answer_by: chrono::Utc::now().date_naive() + chrono::Days::new(10),
                by: "Coordinación local",
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let revocable = {
        let nonce = "para-revocar";
        server
            .store
            .record_invitation(
                &sala::store::NewInvitation {
                    nonce,
                    session: Some(running),
                    mesa: MESA,
                    role: app::domain::board::BoardRole::Participante,
                    name: None,
                    expires_at: i64::MAX,
                    created_by: "prueba",
                },
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        nonce
    };
    // Whom the administration's acts are about (nobody of the matrix, so its browsers stay valid).
    let target = server
        .store
        .create_account(
            &app::domain::identity::AccountRequest {
                email: "objetivo@subred.gov.co".into(),
                name: "Objetivo".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
            false,
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .id
        .to_string();
    let s = |id: i64| id.to_string();

    // Route, the session a guest's invitation is for, and each actor's status (ACTORS' order).
    use Door::*;
    let matrix: Vec<(&str, Door, i64, [u16; 8])> = vec![
        (
            "programar",
            ServerFn(
                "schedule_session",
                vec![
                    ("mesa", MESA.into()),
                    ("at", "2027-03-01T09:00".into()),
                    ("place", "Sede".into()),
                    ("mode", "mixta".into()),
                ],
            ),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "programar serie",
            ServerFn(
                "schedule_series",
                vec![
                    ("mesa", MESA.into()),
                    ("repeat", "mensual".into()),
                    ("ordinal", "1".into()),
                    ("weekday", "martes".into()),
                    ("time", "09:00".into()),
                    ("from", "2027-04-01".into()),
                    ("until", "2027-06-30".into()),
                    ("place", "Sede".into()),
                    ("mode", "mixta".into()),
                ],
            ),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "corregir sesión",
            ServerFn(
                "edit_session",
                vec![
                    ("id", s(edit)),
                    ("at", "2027-02-01T09:00".into()),
                    ("place", "Otra sede".into()),
                    ("mode", "mixta".into()),
                ],
            ),
            edit,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "cancelar sesión",
            ServerFn(
                "cancel_session",
                vec![("id", s(cancel)), ("reason", "Paro".into())],
            ),
            cancel,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "iniciar reunión",
            ServerFn(
                "change_session_status",
                vec![("id", s(start)), ("action", "iniciar".into())],
            ),
            start,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "cerrar reunión",
            ServerFn("close_board", vec![("session", s(closing))]),
            closing,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "agregar integrante",
            ServerFn(
                "add_member",
                vec![
                    ("mesa", MESA.into()),
                    ("name", "Luis Díaz".into()),
                    ("institution", "EPS".into()),
                    ("sector", "Salud".into()),
                    ("role", "Delegado".into()),
                    ("contact", "".into()),
                ],
            ),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "corregir integrante",
            ServerFn(
                "update_member",
                vec![
                    ("id", s(member.id)),
                    ("name", "Marta Lucía Gil".into()),
                    ("institution", "Subred".into()),
                    ("sector", "Salud".into()),
                    ("role", "Líder APS".into()),
                    ("contact", "300 555 0199".into()),
                ],
            ),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "retirar integrante",
            ServerFn("remove_member", vec![("id", s(member.id))]),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "crear invitación",
            ServerFn(
                "create_invitation",
                vec![("session", s(running)), ("role", "participante".into())],
            ),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "revocar invitación",
            ServerFn(
                "revoke_invitation",
                vec![("session", s(running)), ("nonce", revocable.into())],
            ),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        (
            "publicar actas",
            ServerFn(
                "set_publishes_actas",
                vec![("mesa", MESA.into()), ("publish", "true".into())],
            ),
            running,
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        // Writers reach the board (which has no barrier b9: 404); the others are refused first.
        (
            "escalar barrera",
            Json(
                "/api/v1/escalaciones".into(),
                json!({"session": running, "barrier": "b9", "reason": "x", "answer_by": "2027-12-01", "by": "Ana"}),
            ),
            running,
            [401, 403, 404, 403, 404, 404, 403, 403],
        ),
        // The zone decides what it received; the local coordination sent it and does not.
        (
            "decidir escalamiento",
            Json(
                format!("/api/v1/escalaciones/{}/aceptar", escalation.id),
                json!({"by": "Coordinación zonal"}),
            ),
            running,
            [401, 403, 403, 403, 403, 403, 200, 403],
        ),
        (
            "asignar rol",
            ServerFn(
                "grant_role",
                vec![
                    ("account", target.clone()),
                    ("mesa", MESA.into()),
                    ("role", "observador".into()),
                ],
            ),
            running,
            [401, 403, 403, 403, 403, 403, 403, 200],
        ),
        (
            "crear persona",
            ServerFn(
                "create_person",
                vec![
                    ("email", "nueva@subred.gov.co".into()),
                    ("name", "Nueva".into()),
                ],
            ),
            running,
            [401, 403, 403, 403, 403, 403, 403, 200],
        ),
        (
            "desactivar persona",
            ServerFn(
                "set_active",
                vec![("account", target.clone()), ("active", "false".into())],
            ),
            running,
            [401, 403, 403, 403, 403, 403, 403, 200],
        ),
    ];
    let sessions = [edit, cancel, start, running, closing];
    for (route, door, session, expected) in &matrix {
        for (index, want) in expected.iter().enumerate() {
            let browser = people.browser(index, *session);
            let before = snapshot(&server, &sessions).await;
            let got = knock(&server, &browser, door).await;
            assert_eq!(got, *want, "{route} × {}", ACTORS[index]);
            if *want >= 400 {
                assert_eq!(
                    snapshot(&server, &sessions).await,
                    before,
                    "{route} × {}: refused, yet something changed",
                    ACTORS[index]
                );
            }
        }
    }

    // The board's socket: readers get one (the room decides who writes), others do not. The
    // zone reads its locals' boards; another local's member does not.
    let open = server.started_session(MESA, "2027-02-06T09:00").await;
    let expected = [
        Err(401),
        Ok(()),
        Ok(()),
        Err(403),
        Ok(()),
        Ok(()),
        Ok(()),
        Ok(()),
    ];
    for (index, want) in expected.into_iter().enumerate() {
        let browser = people.browser(index, open);
        let got = board_socket(&server, open, &browser.cookie, "")
            .await
            .map(|_| ());
        assert_eq!(got, want, "socket × {}", ACTORS[index]);
    }
}
