//! The escalation chain over HTTP: a barrier logged on a local board goes to its zonal Mesa, which
//! passes it to the district; the district's answer comes back down to the local Mesa. Only the
//! receiving Mesa's coordination decides; bad requests are refused with a reason.

use std::time::Duration;

use crate::common::TestServer;
use app::domain::board::{BARRIERS, Field, put_record};
use sala::auth::Role;
use sala::sync::protocol;
use serde_json::{Value, json};
use tokio::time::timeout;
use yrs::Transact;

fn token(session: i64, role: Role) -> String {
    crate::common::invitation(session, role, 3600)
}

async fn post(server: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let response = server.post_json(path, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn in_days(days: i64) -> String {
    // "Today" is Bogotá's, as the server reads it: between 19:00 and 24:00 there, UTC is a day ahead.
    let today = chrono::Utc::now()
        .with_timezone(&app::domain::bogota())
        .date_naive();
    (today + chrono::Duration::days(days)).to_string()
}

#[tokio::test]
async fn a_barrier_goes_up_to_the_district_and_the_answer_comes_back_down() {
    let server = TestServer::start().await;
    let local = server.started_session("local-07", "2026-11-20T09:00").await;
    let zonal = server
        .started_session("zona-sur-occidente", "2026-11-20T09:00")
        .await;
    let district = server.started_session("distrito", "2026-11-20T09:00").await;

    // A barrier logged on the local board, over the sync protocol.
    let mut client = server.board_client(local, Role::Participante).await;
    let update = {
        let mut txn = client.doc.transact_mut();
        put_record(
            &mut txn,
            BARRIERS,
            "b1",
            &[
                (
                    "description",
                    Field::Text("Sin transporte a citas desde Bosa rural".into()),
                ),
                ("type", Field::Text("geografica".into())),
            ],
            "Ana",
            1.0,
        );
        txn.encode_update_v1()
    };
    client.send(protocol::update(&update)).await.unwrap();
    // The escalation reads the barrier from the board: the room answers this sync round trip
    // only after the update before it is applied and stored.
    timeout(Duration::from_secs(10), client.sync())
        .await
        .unwrap()
        .unwrap();

    let escalate = |tok: String, reason: &str, answer_by: String| json!({"token": tok, "session": local, "barrier": "b1", "reason": reason, "answer_by": answer_by, "by": "Ana Pérez (Subred Sur Occidente)"});
    // Refused: observers, past answer dates, no reason, unknown barriers.
    let (status, _) = post(
        &server,
        "/api/v1/escalaciones",
        escalate(token(local, Role::Observador), "x", in_days(5)),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = post(
        &server,
        "/api/v1/escalaciones",
        escalate(token(local, Role::Participante), "x", in_days(-1)),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str().unwrap_or("")),
        (
            409,
            "La fecha de respuesta solicitada ya pasó: elija hoy o una fecha posterior."
        )
    );
    let (status, _) = post(
        &server,
        "/api/v1/escalaciones",
        escalate(token(local, Role::Participante), "  ", in_days(5)),
    )
    .await;
    assert_eq!(status, 409);
    let mut unknown = escalate(token(local, Role::Participante), "x", in_days(5));
    unknown["barrier"] = json!("no-existe");
    assert_eq!(post(&server, "/api/v1/escalaciones", unknown).await.0, 404);

    let (status, up) = post(
        &server,
        "/api/v1/escalaciones",
        escalate(
            token(local, Role::Participante),
            "Requiere rutas de transporte que la localidad no tiene",
            in_days(10),
        ),
    )
    .await;
    assert_eq!(status, 201, "{up}");
    assert_eq!(up["to_mesa"]["code"], "zona-sur-occidente");
    assert_eq!(up["status"], "Pendiente");
    let id = up["id"].as_i64().unwrap();
    // While it is open, sending the barrier up again says where the first one stands.
    let (status, twice) = post(
        &server,
        "/api/v1/escalaciones",
        escalate(token(local, Role::Coordinador), "Otra vez", in_days(10)),
    )
    .await;
    let message = twice["error"].as_str().unwrap_or("");
    assert_eq!(status, 409, "{twice}");
    assert!(
        message.starts_with("Esta barrera ya fue escalada a la Mesa de Coordinación Técnica"),
        "{message}"
    );
    assert!(message.contains("pendiente de decisión"), "{message}");

    // The zonal Mesa's inbox has it; only its coordination may decide.
    let inbox: Value = server
        .get_json_as(
            "/api/v1/mesas/zona-sur-occidente/escalaciones",
            &crate::common::coordination("zona-sur-occidente"),
        )
        .await;
    assert_eq!(
        inbox["received"][0]["barrier"],
        "Sin transporte a citas desde Bosa rural"
    );
    let act = |tok: String, text: &str| json!({"token": tok, "text": text, "answer_by": in_days(7), "by": "Coordinación zonal"});
    assert_eq!(
        post(
            &server,
            &format!("/api/v1/escalaciones/{id}/aceptar"),
            act(token(local, Role::Coordinador), "")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &server,
            &format!("/api/v1/escalaciones/{id}/aceptar"),
            act(token(zonal, Role::Participante), "")
        )
        .await
        .0,
        403
    );
    let (status, accepted) = post(
        &server,
        &format!("/api/v1/escalaciones/{id}/aceptar"),
        act(token(zonal, Role::Coordinador), ""),
    )
    .await;
    assert_eq!(
        (status, accepted["status"].as_str()),
        (200, Some("Aceptada"))
    );
    assert_eq!(
        post(
            &server,
            &format!("/api/v1/escalaciones/{id}/aceptar"),
            act(token(zonal, Role::Coordinador), "")
        )
        .await
        .0,
        409,
        "once"
    );
    let (status, passed) = post(
        &server,
        &format!("/api/v1/escalaciones/{id}/escalar"),
        act(
            token(zonal, Role::Coordinador),
            "Compete a la Secretaría Distrital de Movilidad",
        ),
    )
    .await;
    assert_eq!((status, passed["status"].as_str()), (200, Some("Escalada")));

    // The district answers; the answer flows back down to the local Mesa.
    let inbox: Value = server
        .get_json_as(
            "/api/v1/mesas/distrito/escalaciones",
            &crate::common::coordination("distrito"),
        )
        .await;
    let upper = inbox["received"][0]["id"].as_i64().unwrap();
    assert_eq!(
        inbox["received"][0]["from_mesa"]["code"],
        "zona-sur-occidente"
    );
    let (status, answered) = post(
        &server,
        &format!("/api/v1/escalaciones/{upper}/responder"),
        act(
            token(district, Role::Coordinador),
            "Ruta de transporte en salud habilitada desde el 1 de diciembre",
        ),
    )
    .await;
    assert_eq!(
        (status, answered["status"].as_str()),
        (200, Some("Respondida"))
    );
    let back: Value = server
        .get_json_as(
            "/api/v1/mesas/local-07/escalaciones",
            &crate::common::coordination("local-07"),
        )
        .await;
    assert_eq!(back["sent"][0]["status"], "Respondida");
    assert!(
        back["sent"][0]["response"]
            .as_str()
            .unwrap()
            .starts_with("Ruta de transporte en salud habilitada")
    );
    let chain = server
        .get_json_as(
            &format!("/api/v1/sessions/{local}/barreras/b1/escalaciones"),
            &token(local, Role::Observador),
        )
        .await;
    let links: Vec<(&str, &str)> = chain
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from_mesa"]["code"].as_str().unwrap(),
                e["to_mesa"]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("local-07", "zona-sur-occidente"),
            ("zona-sur-occidente", "distrito")
        ]
    );

    // A returned escalation says why, and is closed.
    let (_, again) = post(
        &server,
        "/api/v1/escalaciones",
        escalate(
            token(local, Role::Coordinador),
            "Segunda solicitud",
            in_days(3),
        ),
    )
    .await;
    let again = again["id"].as_i64().unwrap();
    assert_eq!(
        post(
            &server,
            &format!("/api/v1/escalaciones/{again}/devolver"),
            act(token(zonal, Role::Coordinador), "")
        )
        .await
        .0,
        409,
        "a reason is required"
    );
    let (status, returned) = post(
        &server,
        &format!("/api/v1/escalaciones/{again}/devolver"),
        act(token(zonal, Role::Coordinador), "Ya fue respondida"),
    )
    .await;
    assert_eq!(
        (status, returned["decision_note"].as_str()),
        (200, Some("Ya fue respondida"))
    );
    assert_eq!(
        post(
            &server,
            &format!("/api/v1/escalaciones/{again}/responder"),
            act(token(zonal, Role::Coordinador), "tarde")
        )
        .await
        .0,
        409
    );

    // Passed up again and returned by the district: the zonal Mesa has it back to decide, and the
    // district, having no level above, cannot pass it on.
    let (_, third) = post(
        &server,
        "/api/v1/escalaciones",
        escalate(
            token(local, Role::Coordinador),
            "Tercera solicitud",
            in_days(4),
        ),
    )
    .await;
    let third = third["id"].as_i64().unwrap();
    assert_eq!(
        post(
            &server,
            &format!("/api/v1/escalaciones/{third}/escalar"),
            act(token(zonal, Role::Coordinador), "Compete al distrito")
        )
        .await
        .0,
        200
    );
    let inbox: Value = server
        .get_json_as(
            "/api/v1/mesas/distrito/escalaciones",
            &crate::common::coordination("distrito"),
        )
        .await;
    let upper2 = inbox["received"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["parent_id"] == json!(third))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, body) = post(
        &server,
        &format!("/api/v1/escalaciones/{upper2}/escalar"),
        act(token(district, Role::Coordinador), "más arriba"),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("no tiene un nivel superior"),
        "{body}"
    );
    let (status, returned) = post(
        &server,
        &format!("/api/v1/escalaciones/{upper2}/devolver"),
        act(token(district, Role::Coordinador), "Lo resuelve la zona"),
    )
    .await;
    assert_eq!(
        (status, returned["status"].as_str()),
        (200, Some("Devuelta")),
        "still pendiente before, so it could be returned"
    );
    let zonal_inbox: Value = server
        .get_json_as(
            "/api/v1/mesas/zona-sur-occidente/escalaciones",
            &crate::common::coordination("zona-sur-occidente"),
        )
        .await;
    let back = zonal_inbox["received"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(third))
        .unwrap();
    assert_eq!(back["status"], "Aceptada", "{back}");
    assert!(
        back["decision_note"]
            .as_str()
            .unwrap()
            .contains("Lo resuelve la zona")
    );
    client.close().await;
}
