//! The mail queue in the store, on both engines (idempotent queueing, one sender per message,
//! retries, a dead sender's claim turning uncertain, the administrator's retry and discard);
//! then the whole cycle against a real SMTP server (Python's aiosmtpd, started here):
//! convocatorias with their calendar, the day's reminders, the approved acta with its PDF,
//! refusals visible to the administrator; and the real binary killed with SIGKILL while it
//! sends, with no message delivered twice.

use std::collections::HashMap;
use std::time::Duration;

use app::domain::board::acta::Acta;
use app::domain::board::approval::ActaCycle;
use app::domain::board::{BoardView, COMMITMENTS, Field, put_record};
use app::domain::identity::{AccountRequest, MesaRole};
use app::domain::mail::{MailKind, MailState};
use app::domain::{MemberRequest, ScheduleRequest, SessionAction, bogota, parse_when};
use chrono::{Duration as Days, NaiveDate, Utc};
use sala::store::{MailAttachment, NewMail, Store};
use serde_json::{Value, json};

use crate::common::binary::{free_port, sala, serve_with, wait_healthy};
use crate::common::smtp::{SinkOptions, SmtpSink};
use crate::common::{TestServer, sqlite_store};

fn mail(key: &str, email: &str) -> NewMail {
    NewMail {
        dedupe_key: key.into(),
        kind: MailKind::Convocatoria,
        recipient_name: "Ana Pérez".into(),
        recipient_email: email.into(),
        subject: format!("Convocatoria {key}"),
        body: "Hola".into(),
        attachments: vec![MailAttachment {
            file_name: "sesion.ics".into(),
            content_type: "text/calendar".into(),
            data: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
        }],
    }
}

async fn queueing_is_idempotent_and_keeps_attachments_whole(store: Store) {
    let now = Utc::now();
    assert!(
        store
            .enqueue_mail(&mail("k1", "ana@x.co"), now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .enqueue_mail(&mail("k1", "ana@x.co"), now)
            .await
            .unwrap()
    );
    let mut pdf = mail("k2", "luis@x.co");
    pdf.attachments[0].data = (0..=255u8).cycle().take(300_000).collect();
    assert!(store.enqueue_mail(&pdf, now).await.unwrap());
    let first = store.claim_mail("a", now).await.unwrap().unwrap();
    assert_eq!(first.recipient_email, "ana@x.co");
    assert_eq!(first.attempts, 1);
    assert!(first.message_id.ends_with("@sala-situacional>"));
    let second = store.claim_mail("a", now).await.unwrap().unwrap();
    assert_eq!(second.attachments[0].data, pdf.attachments[0].data);
    assert!(store.claim_mail("a", now).await.unwrap().is_none());
    let counts = store.mail_counts().await.unwrap();
    assert_eq!(counts, vec![(MailState::Enviando, 2)]);
}

async fn each_message_is_claimed_by_one_sender(store: Store) {
    let now = Utc::now();
    for n in 0..30 {
        store
            .enqueue_mail(&mail(&format!("k{n}"), "ana@x.co"), now)
            .await
            .unwrap();
    }
    let senders = (0..3).map(|s| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(m) = store
                .claim_mail(&format!("s{s}"), Utc::now())
                .await
                .unwrap()
            {
                mine.push(m.id);
            }
            mine
        })
    });
    let mut all: Vec<i64> = Vec::new();
    for sender in senders {
        all.extend(sender.await.unwrap());
    }
    all.sort();
    let len = all.len();
    all.dedup();
    assert_eq!(len, 30, "every message claimed");
    assert_eq!(all.len(), 30, "no message claimed twice");
}

async fn failures_wait_their_turn_and_dead_claims_turn_uncertain(store: Store) {
    let now = Utc::now();
    store
        .enqueue_mail(&mail("k1", "ana@x.co"), now)
        .await
        .unwrap();
    let claimed = store.claim_mail("a", now).await.unwrap().unwrap();
    store
        .mark_mail_unsent(
            claimed.id,
            "451 intente más tarde",
            Some(now + Days::minutes(1)),
        )
        .await
        .unwrap();
    assert!(
        store.claim_mail("a", now).await.unwrap().is_none(),
        "not before its time"
    );
    let again = store
        .claim_mail("a", now + Days::minutes(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempts, 2);
    // The process holding it dies: a live process's own claims are left alone, another's
    // old ones turn uncertain and are never picked up again on their own.
    assert_eq!(
        store
            .abandon_stale_claims("a", now + Days::hours(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .abandon_stale_claims("b", now + Days::hours(1))
            .await
            .unwrap(),
        1
    );
    let entry = store.mail_entry(claimed.id).await.unwrap().unwrap();
    assert_eq!(entry.state, MailState::Incierto);
    assert!(
        store
            .claim_mail("b", now + Days::hours(2))
            .await
            .unwrap()
            .is_none()
    );
    // marking it sent now changes nothing: its sender is gone
    store.mark_mail_sent(claimed.id, now).await.unwrap();
    assert_eq!(
        store.mail_entry(claimed.id).await.unwrap().unwrap().state,
        MailState::Incierto
    );
    // The administrator checked it did not arrive: a full new round of tries.
    assert!(
        store
            .set_mail_by_admin(claimed.id, MailState::Pendiente, now)
            .await
            .unwrap()
    );
    let resent = store.claim_mail("b", now).await.unwrap().unwrap();
    assert_eq!(resent.attempts, 1);
    store
        .mark_mail_unsent(resent.id, "550 no existe", None)
        .await
        .unwrap();
    let failed = store.mail_entry(resent.id).await.unwrap().unwrap();
    assert_eq!(failed.state, MailState::Fallido);
    assert_eq!(failed.last_error.as_deref(), Some("550 no existe"));
    assert!(
        store
            .set_mail_by_admin(resent.id, MailState::Descartado, now)
            .await
            .unwrap()
    );
    // a sent message is neither resent nor discarded
    store
        .enqueue_mail(&mail("k2", "ana@x.co"), now)
        .await
        .unwrap();
    let sent = store.claim_mail("b", now).await.unwrap().unwrap();
    store.mark_mail_sent(sent.id, now).await.unwrap();
    assert!(
        !store
            .set_mail_by_admin(sent.id, MailState::Pendiente, now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_mail_by_admin(sent.id, MailState::Descartado, now)
            .await
            .unwrap()
    );
}

async fn a_session_counts_its_revisions(store: Store) {
    let now = Utc::now();
    let request = ScheduleRequest {
        mesa: "local-05".into(),
        at: "2030-03-04T09:00".into(),
        place: "Alcaldía".into(),
        mode: "presencial".into(),
        confirmed: true,
    };
    let session = store
        .create_session(&request.validate(now).unwrap(), now)
        .await
        .unwrap();
    assert_eq!(session.revision, 0);
    let edit = app::domain::SessionEdit {
        at: "2030-03-05T09:00".into(),
        place: "Alcaldía".into(),
        mode: "presencial".into(),
        reason: "Paro".into(),
        confirmed: true,
    };
    let moved = store
        .update_session(session.id, &edit.validate(&session, now).unwrap())
        .await
        .unwrap();
    assert_eq!(moved.revision, 1);
    let cancelled = store
        .cancel_session(session.id, "Lluvias", now)
        .await
        .unwrap();
    assert_eq!(cancelled.revision, 2);
}

crate::on_both_engines!(
    queueing_is_idempotent_and_keeps_attachments_whole,
    each_message_is_claimed_by_one_sender,
    failures_wait_their_turn_and_dead_claims_turn_uncertain,
    a_session_counts_its_revisions,
);

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
    let admin = admin_token(&server).await;
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
    assert_eq!(counts.get("Fallido"), Some(&4), "{counts:?}");
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
            .contains("rechazado@eps.co")
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

/// A server function called as the browser's forms call it (form fields, JSON back).
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
    server
        .client
        .post(server.url(path))
        .header("accept", "application/json")
        .bearer_auth(token)
        .form(&fields)
        .send()
        .await
        .expect("POST")
}

async fn admin_token(server: &TestServer) -> String {
    let account = server
        .identity
        .create_account(
            &AccountRequest {
                email: "admin@sala.test".into(),
                name: "Administración".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
            true,
        )
        .await
        .unwrap();
    server
        .identity
        .mint_access_token(account.id, "pruebas")
        .await
        .unwrap()
        .1
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

/// The real binary sends 120 queued messages through a slow relay and is killed with SIGKILL
/// three times while it does. Every message arrives once at most; every one marked sent
/// arrived exactly once; the few a kill caught mid-sending are `incierto`, never resent.
#[tokio::test]
async fn sigkill_while_sending_never_delivers_a_message_twice() {
    const MAILS: usize = 120;
    let Some(sink) = SmtpSink::start(SinkOptions {
        delay_ms: 25,
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let target = sala::store::DatabaseTarget::resolve(None, dir.path()).unwrap();
    let store = Store::open(&target).await.unwrap();
    let now = Utc::now();
    for n in 0..MAILS {
        store
            .enqueue_mail(&mail(&format!("k{n}"), &format!("persona{n}@x.co")), now)
            .await
            .unwrap();
    }
    store.close().await;
    let start = || {
        let port = free_port();
        let smtp = sink.url();
        // a one-second SMTP timeout, so a dead run's claims turn uncertain in 2 s
        let options = [
            "--smtp-url",
            smtp.as_str(),
            "--mail-from",
            "Sala <sala@sala.test>",
            "--mail-send-timeout-secs",
            "1",
        ];
        (serve_with(sala(dir.path()), port, &options), port)
    };
    for kill in 1..=3 {
        let (mut server, port) = start();
        wait_healthy(port).await;
        let goal = kill * MAILS / 4;
        sink.wait_for(goal, Duration::from_secs(60)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
    }
    let (mut server, port) = start();
    wait_healthy(port).await;
    // The last run sends the rest; claims left by the killed runs turn uncertain after twice
    // the send timeout (2 s here).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let store = loop {
        let store = Store::connect(&target).await.unwrap();
        let counts = store.mail_counts().await.unwrap();
        let open = counts
            .iter()
            .any(|(s, _)| matches!(s, MailState::Pendiente | MailState::Enviando));
        if !open {
            break store;
        }
        store.close().await;
        assert!(
            std::time::Instant::now() < deadline,
            "queue not drained: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().unwrap();
    server.wait().unwrap();

    let mut arrived: HashMap<String, usize> = HashMap::new();
    for m in sink.mails() {
        *arrived
            .entry(m["rcpt_tos"][0].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let entries = store.mail_entries(1000).await.unwrap();
    assert_eq!(entries.len(), MAILS);
    let mut uncertain = 0;
    for entry in &entries {
        let email = entry
            .recipient
            .split('<')
            .nth(1)
            .unwrap()
            .trim_end_matches('>');
        let times = arrived.get(email).copied().unwrap_or(0);
        match entry.state {
            MailState::Enviado => assert_eq!(times, 1, "{email} marked sent"),
            MailState::Incierto => {
                uncertain += 1;
                assert!(times <= 1, "{email} uncertain but delivered {times} times");
            }
            other => panic!("{email} ended {other:?}"),
        }
    }
    assert!(
        uncertain <= 3,
        "at most one in flight per kill: {uncertain}"
    );
    assert!(
        arrived.values().all(|&n| n == 1),
        "no message twice: {arrived:?}"
    );
    store.close().await;
}
