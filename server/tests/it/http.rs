//! The real server on a random port, exercised over HTTP: pages, server functions and the JSON API.

use crate::common::TestServer;
use serde_json::{Value, json};

#[tokio::test]
async fn home_lists_every_mesa_by_level_and_zone() {
    let server = TestServer::start().await;
    let (status, html) = server.get_text("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"es\""), "Spanish document");
    assert!(html.contains("Mesa Distrital MAS Bienestar"));
    assert!(html.contains("Mesa de Coordinación Técnica Zona Sur Occidente"));
    assert!(html.contains("Mesa Local de APS Usaquén"));
    assert!(html.contains("Mesa Local de APS Sumapaz"));
    assert_eq!(
        html.matches("class=\"card\"").count(),
        25,
        "one card per Mesa"
    );
    assert!(html.contains("/pkg/sala.js"), "hydration script referenced");
}

#[tokio::test]
async fn mesa_page_shows_its_chain_members_and_sessions() {
    let server = TestServer::start().await;
    let (status, html) = server.get_text("/mesas/local-07").await;
    assert_eq!(status, 200);
    assert!(html.contains("Mesa Local de APS Bosa"));
    assert!(
        html.contains("Mesa de Coordinación Técnica Zona Sur Occidente"),
        "breadcrumb"
    );
    assert!(html.contains("No hay sesiones programadas."));
    // Signed-out visitors see the Mesa, not its forms.
    assert!(!html.contains("Programar sesión"));
    assert!(html.contains("data-sign-in-hint"));
    let (_, html) = server
        .get_page_as("/mesas/local-07", &crate::common::coordination("local-07"))
        .await;
    assert!(
        html.contains("Programar sesión"),
        "the coordination schedules"
    );

    let (status, html) = server.get_text("/mesas/local-99").await;
    assert_eq!(status, 404);
    assert!(html.contains("No existe la Mesa «local-99»"), "{html}");
    assert!(!html.contains("<form"), "an unknown Mesa shows no forms");

    let (status, _) = server.get_text("/no/such/page").await;
    assert_eq!(status, 404);
    let response = server
        .client
        .get(server.url("/mesas/local-07"))
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(
            headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{name}"
        );
    }
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

#[tokio::test]
async fn api_schedules_sessions_and_reports_field_errors() {
    let server = TestServer::start().await;
    let coordination = crate::common::coordination("local-07");
    let anonymous = server.post_json("/api/v1/sessions", json!({"mesa": "local-07", "at": "2030-03-02T09:30", "confirmed": true, "place": "Casa de la Cultura", "mode": "mixta"})).await;
    assert_eq!(anonymous.status(), 401);
    let created = server.post_json_as("/api/v1/sessions", json!({"mesa": "local-07", "at": "2030-03-02T09:30", "confirmed": true, "place": "Casa de la Cultura", "mode": "mixta"}), &coordination).await;
    assert_eq!(created.status(), 201);
    let session: Value = created.json().await.unwrap();
    assert_eq!(session["seq"], 1);
    assert_eq!(session["status"], "programada");
    assert_eq!(session["scheduled_at"], "2030-03-02T14:30:00Z");

    let invalid = server
        .post_json_as(
            "/api/v1/sessions",
            json!({"mesa": "local-07", "at": "el martes", "place": "", "mode": "hibrida"}),
            &coordination,
        )
        .await;
    assert_eq!(invalid.status(), 422);
    let body: Value = invalid.json().await.unwrap();
    assert!(
        body["fields"]["at"]
            .as_str()
            .unwrap()
            .contains("Fecha no válida")
    );
    assert!(body["fields"]["mode"].is_string());

    // A date more than two years ahead (or past) is asked about before anything is stored.
    let far = server
        .post_json_as(
            "/api/v1/sessions",
            json!({"mesa": "local-07", "at": "2030-03-09T09:30", "place": "", "mode": "mixta"}),
            &coordination,
        )
        .await;
    assert_eq!(far.status(), 422);
    let body: Value = far.json().await.unwrap();
    let asked = body["fields"]["confirm"].as_str().unwrap();
    assert!(asked.contains("más de dos años"), "{asked}");
    assert!(asked.contains("Confirmo la fecha"), "{asked}");

    let unknown = server
        .client
        .post(server.url("/api/v1/sessions"))
        .json(
            &json!({"mesa": "local-99", "at": "2030-03-02T09:30", "confirmed": true, "place": "", "mode": "virtual"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    let malformed = server
        .client
        .post(server.url("/api/v1/sessions"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    let listed: Value = server
        .client
        .get(server.url("/api/v1/sessions?mesa=local-07"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "nothing invalid was stored"
    );

    let (status, html) = server.get_text("/mesas/local-07").await;
    assert_eq!(status, 200);
    assert!(html.contains("Casa de la Cultura"));
}

#[tokio::test]
async fn session_status_moves_forward_only() {
    let server = TestServer::start().await;
    let session: Value = server
        .post_json_as(
            "/api/v1/sessions",
            json!({"mesa": "zona-norte", "at": "2030-01-10T08:00", "confirmed": true, "place": "", "mode": "virtual"}),
            &crate::common::coordination("zona-norte"),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = session["id"].as_i64().unwrap();

    // The board is not public: a signed-out visitor is asked to sign in.
    let (status, html) = server.get_text(&format!("/sesiones/{id}")).await;
    assert_eq!(status, 401);
    assert!(html.contains("data-sign-in-link"), "{html}");
    let observer = crate::common::invitation(id, sala::auth::Role::Observador, 3600);
    let (status, html) = server
        .get_page_as(&format!("/sesiones/{id}"), &observer)
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Sesión 1 · Mesa de Coordinación Técnica Zona Norte"));
    // The meeting's buttons are for the coordination's invitation only.
    assert!(
        !html.contains("data-action=\"iniciar\""),
        "no invitation, no button"
    );
    let participant = crate::common::invitation(id, sala::auth::Role::Participante, 3600);
    let (_, html) = server
        .get_page_as(&format!("/sesiones/{id}"), &participant)
        .await;
    assert!(
        !html.contains("data-action=\"iniciar\""),
        "participants do not start it"
    );
    let coordinator = crate::common::invitation(id, sala::auth::Role::Coordinador, 3600);
    let (_, html) = server
        .get_page_as(&format!("/sesiones/{id}"), &coordinator)
        .await;
    assert!(html.contains("data-action=\"iniciar\""));
    assert!(html.contains("Iniciar reunión"));
    assert!(!html.contains("data-action=\"cerrar\""));

    // The page's button posts with the browser's credential; without the coordination's, it is
    // refused (401 with none at all).
    let page_action = |token: String| {
        let request = server
            .client
            .post(server.url("/api/change_session_status"))
            .header("accept", "application/json")
            .form(&[("id", id.to_string()), ("action", "iniciar".into())]);
        if token.is_empty() {
            request
        } else {
            request.bearer_auth(token)
        }
        .send()
    };
    assert_eq!(
        page_action(participant.clone()).await.unwrap().status(),
        403
    );
    assert_eq!(page_action(String::new()).await.unwrap().status(), 401);

    // The JSON API asks for the same invitation (query or bearer) and the same policy.
    let post = |action: &'static str, token: Option<&str>| {
        let request = server
            .client
            .post(server.url(&format!("/api/v1/sessions/{id}/{action}")));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    assert_eq!(post("iniciar", None).await.unwrap().status(), 401);
    assert_eq!(
        post("iniciar", Some(&participant)).await.unwrap().status(),
        403
    );
    assert_eq!(
        post("cerrar", Some(&coordinator)).await.unwrap().status(),
        409
    );
    assert_eq!(
        post("cancelar", Some(&coordinator)).await.unwrap().status(),
        409,
        "cancelling needs a reason, on the Mesa page"
    );
    let started: Value = post("iniciar", Some(&coordinator))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(started["status"], "en_curso");
    assert_eq!(
        post("iniciar", Some(&coordinator)).await.unwrap().status(),
        409
    );
    assert_eq!(
        post("volar", Some(&coordinator)).await.unwrap().status(),
        404
    );
    // A Mesa-wide invitation opens no session.
    let mesa_wide = sala::auth::Signer::new(crate::common::TEST_SECRET.as_bytes().to_vec()).sign(
        &sala::auth::Claims {
            session: 0,
            role: sala::auth::Role::Coordinador,
            exp: i64::MAX,
            nonce: "m".into(),
            name: None,
            mesa: Some("zona-norte".into()),
        },
    );
    assert_eq!(
        post("cerrar", Some(&mesa_wide)).await.unwrap().status(),
        403
    );

    let (_, html) = server
        .get_page_as(&format!("/sesiones/{id}"), &coordinator)
        .await;
    // Closing is the board's (it lists what is still open first), not a header button.
    assert!(!html.contains("data-action=\"cerrar\""));
    assert!(html.contains("data-close-hint"));
    assert!(html.contains("data-status=\"en_curso\""));

    let (status, _) = server.get_text("/sesiones/999999").await;
    assert_eq!(status, 404);
    let (status, _) = server.get_text("/sesiones/abc").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn server_functions_validate_like_the_api() {
    let server = TestServer::start().await;
    // What the browser's ActionForm posts (a browser also sends its cookie; a script, a bearer).
    let coordination = crate::common::coordination("local-11");
    let ok = server
        .client
        .post(server.url("/api/schedule_session"))
        .header("accept", "application/json")
        .bearer_auth(&coordination)
        .form(&[
            ("mesa", "local-11"),
            ("at", "2030-05-05T10:00"),
            ("place", "Suba"),
            ("mode", "presencial"),
            ("confirm", "si"),
        ])
        .send()
        .await
        .unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    let session: Value = ok.json().await.unwrap();
    assert_eq!(session["mesa_code"], "local-11");

    let bad = server
        .client
        .post(server.url("/api/schedule_session"))
        .header("accept", "application/json")
        .bearer_auth(&coordination)
        .form(&[
            ("mesa", "local-11"),
            ("at", ""),
            ("place", "Suba"),
            ("mode", "presencial"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let body = bad.text().await.unwrap();
    assert!(body.contains("Indique la fecha y hora"), "{body}");

    let member = server
        .client
        .post(server.url("/api/add_member"))
        .header("accept", "application/json")
        .bearer_auth(&coordination)
        .form(&[
            ("mesa", "local-11"),
            ("name", "Luis Rodríguez"),
            ("institution", "EPS Capital Salud"),
            ("sector", "Salud"),
            ("role", "Delegado EPS"),
            ("contact", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(member.status().is_success());
    let sessions = server.store.list_sessions(Some("local-11")).await.unwrap();
    assert_eq!(sessions.len(), 1);
    let (_, html) = server.get_text("/mesas/local-11").await;
    assert!(html.contains("Luis Rodríguez"));
}

#[tokio::test]
async fn health_and_missing_assets() {
    let server = TestServer::start().await;
    assert_eq!(server.get_text("/healthz").await, (200, "ok".to_owned()));
    let (status, _) = server.get_text("/pkg/nothing-here.wasm").await;
    assert_eq!(status, 404);
}

/// Officials' phones are personal data: the Mesa's page and API show them only to its
/// coordination's invitation, and a correction made without seeing them keeps them.
#[tokio::test]
async fn members_contacts_are_for_the_coordination_only() {
    let server = TestServer::start().await;
    let added = server
        .post_json_as(
            "/api/v1/mesas/local-13/members",
            json!({"name": "Marta Gil", "institution": "Subred Centro Oriente", "sector": "Salud",
                   "role": "Líder APS", "contact": "300 555 0199"}),
            &crate::common::coordination("local-13"),
        )
        .await;
    assert_eq!(added.status(), 201);
    let id = added.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let (_, public) = server.get_text("/mesas/local-13").await;
    assert!(public.contains("Marta Gil"));
    assert!(!public.contains("300 555 0199"), "no phone for visitors");
    assert!(public.contains("Solo para la coordinación"));
    let api = server.get_json("/api/v1/mesas/local-13").await;
    assert_eq!(api["members"][0]["contact"], Value::Null);
    assert_eq!(api["contacts_visible"], false);

    let mesa_token = |mesa: &str, role| {
        sala::auth::Signer::new(crate::common::TEST_SECRET.as_bytes().to_vec()).sign(
            &sala::auth::Claims {
                session: 0,
                role,
                exp: i64::MAX,
                nonce: "c".into(),
                name: None,
                mesa: Some(mesa.into()),
            },
        )
    };
    let coordination = mesa_token("local-13", sala::auth::Role::Coordinador);
    let (_, html) = server.get_page_as("/mesas/local-13", &coordination).await;
    assert!(html.contains("300 555 0199"), "the coordination sees it");
    for other in [
        mesa_token("local-14", sala::auth::Role::Coordinador),
        mesa_token("local-13", sala::auth::Role::Participante),
    ] {
        let (_, html) = server.get_page_as("/mesas/local-13", &other).await;
        assert!(!html.contains("300 555 0199"));
    }

    // A correction made without the contact field keeps the stored contact (a coordination
    // token without contacts would not exist; the form omits the field when it is not shown).
    let corrected = server
        .client
        .post(server.url("/api/update_member"))
        .header("accept", "application/json")
        .bearer_auth(&coordination)
        .form(&[
            ("id", id.to_string().as_str()),
            ("name", "Marta Lucía Gil"),
            ("institution", "Subred Centro Oriente"),
            ("sector", "Salud"),
            ("role", "Líder APS"),
            ("seat", "titular"),
            ("keep_contact", "si"),
        ])
        .send()
        .await
        .unwrap();
    assert!(corrected.status().is_success(), "{}", corrected.status());
    let body: Value = corrected.json().await.unwrap();
    assert_eq!(body["contact"], Value::Null, "not echoed back either");
    let stored = server.store.get_member(id).await.unwrap();
    assert_eq!(stored.name, "Marta Lucía Gil");
    assert_eq!(stored.contact.as_deref(), Some("300 555 0199"));
}

/// A page of another site cannot post to Sala nor open a board's socket in its visitor's name.
#[tokio::test]
async fn cross_site_requests_are_refused_before_anything_happens() {
    let server = TestServer::start().await;
    // The browser of the Mesa's coordination carries its credential as a cookie.
    let cookie = format!(
        "sala_invitacion={}",
        crate::common::coordination("local-15")
    );
    let schedule = |origin: Option<String>| {
        let request = server
            .client
            .post(server.url("/api/schedule_session"))
            .header("accept", "application/json")
            .header("cookie", cookie.clone())
            .form(&[
                ("mesa", "local-15"),
                ("at", "2027-05-05T10:00"),
                ("place", "Sede"),
                ("mode", "presencial"),
            ]);
        match origin {
            Some(origin) => request.header("origin", origin),
            None => request,
        }
        .send()
    };
    let foreign = schedule(Some("https://evil.example".into())).await.unwrap();
    assert_eq!(foreign.status(), 403);
    let body: Value = foreign.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("otro sitio"));
    assert!(
        server
            .store
            .list_sessions(Some("local-15"))
            .await
            .unwrap()
            .is_empty(),
        "nothing was scheduled"
    );
    let same = schedule(Some(format!("http://{}", server.addr)))
        .await
        .unwrap();
    assert!(same.status().is_success(), "{}", same.status());
    // Without `Origin` it is not a browser's page: cookies do not count, an explicit token does.
    let cookie_only = schedule(None).await.unwrap();
    assert_eq!(
        cookie_only.status(),
        401,
        "a cookie without Origin acts on nothing"
    );
    let script = server
        .client
        .post(server.url("/api/schedule_session"))
        .header("accept", "application/json")
        .bearer_auth(crate::common::coordination("local-15"))
        .form(&[
            ("mesa", "local-15"),
            ("at", "2027-05-06T10:00"),
            ("place", "Sede"),
            ("mode", "presencial"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        script.status().is_success(),
        "no Origin, a bearer: a script"
    );

    let session = server
        .schedule_session("local-15", "2027-06-01T09:00")
        .await;
    let token = crate::common::invitation(session, sala::auth::Role::Participante, 600);
    let upgrade = server
        .client
        .get(server.url(&format!("/sync/{session}?token={token}")))
        .header("origin", "https://evil.example")
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(upgrade.status(), 403);
}
