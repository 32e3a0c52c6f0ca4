//! The whole cycle against a real SMTP server (aiosmtpd): convocatorias with their calendar
//! when a session is scheduled, moved or cancelled and when a series is scheduled; the day's
//! reminders; the approved acta with its PDF; a refused address visible to the administrator,
//! who may send it again; nothing queued without an SMTP server.

use std::collections::HashMap;
use std::time::Duration;

use app::domain::board::acta::Acta;
use app::domain::board::approval::ActaCycle;
use app::domain::board::{BoardView, COMMITMENTS, Field, put_record};
use app::domain::identity::{AccountRequest, MesaRole};
use app::domain::{MemberRequest, ScheduleRequest, SessionAction, bogota, parse_when};
use chrono::{Datelike, Duration as Days, NaiveDate, Utc};
use sala::store::Store;
use serde_json::{Value, json};

use crate::common::smtp::{SinkOptions, SmtpSink};
use crate::common::{TestServer, sqlite_store};

fn today() -> NaiveDate {
    Utc::now().with_timezone(&bogota()).date_naive()
}

/// A closed session of `local-05` long ago whose acta is a draft past its observation period,
/// with four commitments: due in 7 days, tomorrow, yesterday and in 3 days.
async fn closed_session_with_commitments(store: &Store) -> i64 {
    let long_ago = parse_when("2026-10-01T09:00").unwrap();
    let request = ScheduleRequest {
        mesa: "local-05".into(),
        at: "2026-10-01T09:00".into(),
        place: "Alcaldía Local".into(),
        mode: "presencial".into(),
        confirmed: true,
    };
    let session = store
        .create_session(&request.validate(long_ago).unwrap(), long_ago)
        .await
        .unwrap();
    for action in [SessionAction::Iniciar, SessionAction::Cerrar] {
        store
            .change_session_status(session.id, action, long_ago)
            .await
            .unwrap();
    }
    let doc = yrs::Doc::new();
    {
        use yrs::Transact;
        let mut txn = doc.transact_mut();
        let t = |s: &str| Field::Text(s.into());
        for (id, what, who, days) in [
            (
                "c7",
                "Brigada de vacunación en el colegio",
                "Ana María Pérez",
                7,
            ),
            (
                "c1",
                "Informe de barreras de acceso",
                "Ana Pérez y Luis Gómez",
                1,
            ),
            ("cv", "Visita al hogar comunitario", "Luis Gómez", -1),
            ("c3", "Mapa de actores", "Ana Pérez", 3),
        ] {
            let due = (today() + Days::days(days)).to_string();
            put_record(
                &mut txn,
                COMMITMENTS,
                id,
                &[
                    ("description", t(what)),
                    ("responsible", t(who)),
                    ("due", t(&due)),
                    ("status", t("pendiente")),
                ],
                "Secretaría",
                1.0,
            );
        }
    }
    let board = BoardView::read(&yrs::Transact::transact(&doc));
    let closed_on = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let acta = Acta {
        number: 0,
        session_id: session.id,
        session_seq: session.seq,
        mesa_code: "local-05".into(),
        mesa_name: "Mesa Local de Usme".into(),
        held_at: "1 oct 2026".into(),
        closed_at: "1 oct 2026".into(),
        closed_on,
        place: "Alcaldía Local".into(),
        mode: "Presencial".into(),
        members: 3,
        board,
        assets: Default::default(),
        cycle: ActaCycle::draft(closed_on),
        evidence: Vec::new(),
    };
    store.record_acta(&acta, long_ago).await.unwrap();
    session.id
}

/// The mails to `email` among `mails`.
fn to<'a>(mails: &'a [Value], email: &str) -> Vec<&'a Value> {
    mails
        .iter()
        .filter(|m| m["rcpt_tos"].as_array().unwrap().iter().any(|r| r == email))
        .collect()
}

fn ics(mail: &Value) -> String {
    let attachment = &mail["attachments"][0];
    assert_eq!(attachment["content_type"], "text/calendar");
    assert_eq!(attachment["method"], "PUBLISH");
    attachment["text"].as_str().unwrap().replace("\r\n ", "")
}

#[tokio::test]
async fn the_mesa_hears_of_its_sessions_commitments_and_actas_by_mail() {
    let Some(sink) = SmtpSink::start(SinkOptions {
        reject_rcpt: "rechazado",
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let (store, dir) = sqlite_store().await;
    let acta_session = closed_session_with_commitments(&store).await;
    // The people exist before the server starts: its first round queues the day's reminders.
    let ana = store
        .create_account(
            &AccountRequest {
                email: "ana.perez@subredsur.gov.co".into(),
                name: "Ana María Pérez".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
            false,
            Utc::now(),
        )
        .await
        .unwrap();
    store
        .grant_role(ana.id, "local-05", MesaRole::Integrante)
        .await
        .unwrap();
    for (name, contact) in [
        ("Luis Gómez", "luis.gomez@eps.co"),
        ("Marta Ruiz", "300 123 4567"),
        ("Pedro Rechazado", "rechazado@eps.co"),
    ] {
        let member = MemberRequest {
            mesa: "local-05".into(),
            name: name.into(),
            institution: "EPS Sur".into(),
            sector: "Salud".into(),
            role: "Delegado".into(),
            seat: "titular".into(),
            contact: contact.into(),
        };
        store
            .add_member(&member.validate().unwrap(), Utc::now())
            .await
            .unwrap();
    }
    let server = TestServer::start_with_smtp(store, dir, &sink.url()).await;
    let coordination = server
        .coordinator("coordinacion@usme.gov.co", "local-05")
        .await;

    // The day's reminders went out as the server started (reminder hour 0), one per person.
    let mails = sink.wait_for(2, Duration::from_secs(20)).await;
    let for_ana = to(&mails, "ana.perez@subredsur.gov.co");
    assert_eq!(for_ana.len(), 1, "{mails:#?}");
    assert_eq!(
        for_ana[0]["subject"],
        "Recordatorio: 2 compromisos a su cargo"
    );
    let body = for_ana[0]["body"].as_str().unwrap();
    assert!(body.starts_with("Hola, Ana María Pérez:"), "{body}");
    let tomorrow = body
        .find("Informe de barreras de acceso — vence mañana")
        .unwrap();
    let in_seven = body
        .find("Brigada de vacunación en el colegio — vence en 7 días")
        .unwrap();
    assert!(tomorrow < in_seven, "soonest first: {body}");
    assert!(
        !body.contains("Mapa de actores"),
        "not due in a reminder day: {body}"
    );
    assert!(body.contains(&format!("/compromisos/{acta_session}/c7")));
    let for_luis = to(&mails, "luis.gomez@eps.co");
    assert_eq!(for_luis.len(), 1);
    let body = for_luis[0]["body"].as_str().unwrap();
    assert!(
        body.contains("Visita al hogar comunitario — venció ayer"),
        "{body}"
    );
    assert!(
        body.contains("Informe de barreras de acceso — vence mañana"),
        "{body}"
    );
    assert_eq!(mails.len(), 2, "nobody else: {mails:#?}");
    assert_eq!(for_luis[0]["from"], "Sala situacional <sala@sala.test>");

    // A session scheduled: its convocatoria, with the calendar, to everyone with an address.
    let scheduled = post_form(
        &server,
        "/api/schedule_session",
        json!({"mesa": "local-05", "at": "2030-03-04T09:00", "place": "Salón comunal",
                   "mode": "presencial", "confirm": "si"}),
        &coordination,
    )
    .await;
    assert!(scheduled.status().is_success());
    let session: Value = scheduled.json().await.unwrap();
    let id = session["id"].as_i64().unwrap();
    let mails = sink.wait_for(2 + 3, Duration::from_secs(20)).await;
    let convocatorias = &mails[2..];
    let mut recipients: Vec<&str> = convocatorias
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap())
        .collect();
    recipients.sort();
    assert_eq!(
        recipients,
        [
            "ana.perez@subredsur.gov.co",
            "coordinacion@usme.gov.co",
            "luis.gomez@eps.co"
        ],
        "one message each, the phone number skipped"
    );
    let first = to(convocatorias, "luis.gomez@eps.co")[0];
    let mesa = server.store.get_mesa("local-05").await.unwrap().name;
    let subject = first["subject"].as_str().unwrap();
    assert!(
        subject.starts_with(&format!("Convocatoria: {mesa}, sesión")),
        "{subject}"
    );
    let body = first["body"].as_str().unwrap();
    assert!(
        body.contains("Fecha y hora: lun 4 mar 2030, 09:00 (hora de Bogotá)"),
        "{body}"
    );
    assert!(body.contains("Lugar: Salón comunal"), "{body}");
    assert!(
        body.contains(&server.url(&format!("/sesiones/{id}"))),
        "{body}"
    );
    let calendar = ics(first);
    assert!(calendar.contains("METHOD:PUBLISH"));
    assert!(calendar.contains(&format!("UID:sesion-{id}@sala-situacional")));
    assert!(calendar.contains("SEQUENCE:0"));

    // Moved: a new version of the same event.
    let moved = post_form(
        &server,
        "/api/edit_session",
        json!({"id": id, "at": "2030-03-05T10:00", "place": "Salón comunal",
                   "mode": "presencial", "reason": "Jornada de vacunación", "confirm": "si"}),
        &coordination,
    )
    .await;
    assert!(
        moved.status().is_success(),
        "{}",
        moved.text().await.unwrap()
    );
    let mails = sink.wait_for(5 + 3, Duration::from_secs(20)).await;
    let change = to(&mails[5..], "ana.perez@subredsur.gov.co")[0];
    assert!(
        change["subject"]
            .as_str()
            .unwrap()
            .starts_with("Cambio en la sesión")
    );
    let body = change["body"].as_str().unwrap();
    assert!(
        body.contains("Fecha anterior: lun 4 mar 2030, 09:00"),
        "{body}"
    );
    assert!(body.contains("Motivo: Jornada de vacunación"), "{body}");
    let calendar = ics(change);
    assert!(calendar.contains("SEQUENCE:1") && calendar.contains(&format!("UID:sesion-{id}@")));

    // Cancelled.
    let cancelled = post_form(
        &server,
        "/api/cancel_session",
        json!({"id": id, "reason": "Emergencia sanitaria"}),
        &coordination,
    )
    .await;
    assert!(cancelled.status().is_success());
    let mails = sink.wait_for(8 + 3, Duration::from_secs(20)).await;
    let cancel = to(&mails[8..], "coordinacion@usme.gov.co")[0];
    assert!(
        cancel["subject"]
            .as_str()
            .unwrap()
            .starts_with("Sesión cancelada")
    );
    let calendar = ics(cancel);
    assert!(calendar.contains("STATUS:CANCELLED") && calendar.contains("SEQUENCE:2"));

    // The acta approved by the coordination: its PDF to everyone.
    let approved = post_form(
        &server,
        "/api/approve_acta",
        json!({"session": acta_session, "method": "coordinacion"}),
        &coordination,
    )
    .await;
    assert!(
        approved.status().is_success(),
        "{}",
        approved.text().await.unwrap()
    );
    let approval: Value = approved.json().await.unwrap();
    let mails = sink.wait_for(11 + 3, Duration::from_secs(20)).await;
    let acta = to(&mails[11..], "luis.gomez@eps.co")[0];
    assert!(
        acta["subject"]
            .as_str()
            .unwrap()
            .starts_with("Acta n.º 1 aprobada · Mesa Local de Usme")
    );
    assert!(
        acta["body"]
            .as_str()
            .unwrap()
            .contains(approval["digest"].as_str().unwrap())
    );
    let pdf = &acta["attachments"][0];
    assert_eq!(pdf["content_type"], "application/pdf");
    assert!(
        pdf["filename"]
            .as_str()
            .unwrap()
            .starts_with("acta-local-05-")
    );
    assert!(pdf["size"].as_u64().unwrap() > 5_000);

    // Every message once, and the refused address visible to the administrator.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 14, "{mails:#?}");
    let mut ids: Vec<&str> = mails
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 14, "no message twice");

    let forbidden = post_form(&server, "/api/mail_desk", json!({}), &coordination).await;
    assert_eq!(forbidden.status(), 403);
    let admin = server.district_admin("admin@sala.test").await;
    let desk: Value = post_form(&server, "/api/mail_desk", json!({}), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(desk["sender"], "Sala situacional <sala@sala.test>");
    let counts: HashMap<String, i64> = desk["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_str().unwrap().to_owned(), c[1].as_i64().unwrap()))
        .collect();
    assert_eq!(counts.get("Enviado"), Some(&14));
    // the refused address: each convocatoria replaced the one before it (scheduled → changed →
    // cancelled), so what stays failed is the cancellation and the acta
    assert_eq!(counts.get("Fallido"), Some(&2), "{counts:?}");
    assert_eq!(counts.get("Descartado"), Some(&2), "{counts:?}");
    let replaced = desk["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["state"] == "Descartado")
        .all(|e| {
            e["last_error"]
                .as_str()
                .is_some_and(|r| r.contains("más reciente"))
        });
    assert!(replaced, "{desk}");
    let failed = desk["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["state"] == "Fallido")
        .unwrap();
    assert!(
        failed["recipient"]
            .as_str()
            .unwrap()
            .contains("<r•••@eps.co>"),
        "the address masked: {failed}"
    );
    assert!(
        failed["last_error"].as_str().unwrap().contains("rechazó"),
        "{failed}"
    );
    let retried = post_form(
        &server,
        "/api/set_mail_state",
        json!({"id": failed["id"], "to": "pendiente"}),
        &admin,
    )
    .await;
    assert!(retried.status().is_success());
    let sent_one = desk["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["state"] == "Enviado")
        .unwrap();
    let refused = post_form(
        &server,
        "/api/set_mail_state",
        json!({"id": sent_one["id"], "to": "pendiente"}),
        &admin,
    )
    .await;
    assert_eq!(refused.status(), 409, "a sent message is not sent again");
}

/// `post_form_as` with the fields written as JSON (numbers and strings alike).
async fn post_form(
    server: &TestServer,
    path: &str,
    fields: Value,
    token: &str,
) -> reqwest::Response {
    let fields: Vec<(String, String)> = fields
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    server.post_form_as(path, &borrowed, token).await
}

#[tokio::test]
async fn mail_is_not_queued_without_an_smtp_server() {
    let server = TestServer::start().await;
    let coordination = server
        .coordinator("coordinacion@usme.gov.co", "local-05")
        .await;
    let scheduled = post_form(
        &server,
        "/api/schedule_session",
        json!({"mesa": "local-05", "at": "2030-03-04T09:00", "place": "Salón",
                   "mode": "presencial", "confirm": "si"}),
        &coordination,
    )
    .await;
    assert!(scheduled.status().is_success());
    assert!(server.store.mail_entries(10).await.unwrap().is_empty());
    let detail: Value = post_form(
        &server,
        "/api/mesa_detail",
        json!({"code": "local-05"}),
        &coordination,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(detail["mail_enabled"], false);
}

#[tokio::test]
async fn a_series_is_announced_in_one_message_per_person() {
    let Some(sink) = SmtpSink::start(SinkOptions::default()).await else {
        return;
    };
    let (store, dir) = sqlite_store().await;
    let server = TestServer::start_with_smtp(store, dir, &sink.url()).await;
    let coordination = server
        .coordinator("coordinacion@usme.gov.co", "local-05")
        .await;
    // the first Tuesdays of four months starting in two months' time
    let start = today() + Days::days(60);
    let from = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap();
    let until = from + Days::days(4 * 31 - 10);
    let scheduled = post_form(
        &server,
        "/api/schedule_series",
        json!({"mesa": "local-05", "repeat": "mensual", "ordinal": "1", "weekday": "martes",
               "time": "09:00", "from": from.to_string(), "until": until.to_string(),
               "place": "Salón comunal", "mode": "presencial"}),
        &coordination,
    )
    .await;
    assert!(
        scheduled.status().is_success(),
        "{}",
        scheduled.text().await.unwrap()
    );
    let series: Value = scheduled.json().await.unwrap();
    let count = series["sessions"].as_array().unwrap().len();
    // four, or three when a festivo (1 January, 1 May, 7 August) is a first Tuesday
    assert!((3..=4).contains(&count), "{series}");
    let mails = sink.wait_for(1, Duration::from_secs(20)).await;
    // the queue, not a wait: everything announced was queued before the reply
    assert_eq!(
        server.store.mail_entries(50).await.unwrap().len(),
        1,
        "one message, not one per session"
    );
    let subject = mails[0]["subject"].as_str().unwrap();
    assert!(
        subject.contains(&format!("{count} sesiones desde el mar ")),
        "{subject}"
    );
    let calendar = ics(&mails[0]);
    assert_eq!(calendar.matches("BEGIN:VEVENT").count(), count);
}
