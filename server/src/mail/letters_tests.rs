use app::domain::{SessionMode, parse_when};

use super::*;
use crate::mail::reminders::{Item, OpenCommitment};

fn session(revision: i64) -> Session {
    Session {
        id: 12,
        mesa_code: "local-07".into(),
        seq: 3,
        scheduled_at: parse_when("2027-01-12T09:00").unwrap(),
        place: "Alcaldía Local, salón 2".into(),
        mode: SessionMode::Mixta,
        status: SessionStatus::Programada,
        started_at: None,
        closed_at: None,
        rescheduled_from: None,
        change_reason: None,
        cancelled_at: None,
        revision,
    }
}

fn one(session: &Session) -> MailAttachment {
    calendar(
        "sesion.ics",
        std::slice::from_ref(session),
        "Mesa Local de Bosa",
        "https://x",
    )
}

fn ana() -> Recipient {
    Recipient {
        name: "Ana Pérez".into(),
        email: "Ana@Subred.gov.co".into(),
    }
}

#[test]
fn a_convocatoria_says_when_where_and_links_back_with_its_calendar() {
    let mail = convocatoria(
        &session(0),
        "Mesa Local de Bosa",
        Convening::Scheduled,
        &ana(),
        "https://sala.example",
        &one(&session(0)),
    );
    assert_eq!(mail.replaces_for_session, Some(12));
    assert_eq!(
        mail.subject,
        "Convocatoria: Mesa Local de Bosa, sesión 3 · mar 12 ene 2027, 09:00"
    );
    assert!(
        mail.body
            .starts_with("Hola, Ana Pérez:\n\nSe convoca a la sesión 3 de la Mesa Local de Bosa.")
    );
    assert!(
        mail.body
            .contains("Fecha y hora: mar 12 ene 2027, 09:00 (hora de Bogotá)")
    );
    assert!(
        mail.body
            .contains("Lugar: Alcaldía Local, salón 2 · modalidad mixta")
    );
    assert!(mail.body.contains("https://sala.example/sesiones/12"));
    assert_eq!(mail.dedupe_key, "convocatoria:12:0:ana@subred.gov.co");
    let ics = String::from_utf8(mail.attachments[0].data.clone()).unwrap();
    let parsed: icalendar::Calendar = ics.parse().expect("valid iCalendar");
    assert_eq!(parsed.events().count(), 1);
    assert!(ics.contains("METHOD:PUBLISH"));
    assert!(ics.contains("SEQUENCE:0"));
}

#[test]
fn each_change_is_a_new_message_and_a_new_version_of_the_event() {
    let mut moved = session(1);
    moved.rescheduled_from = Some(parse_when("2027-01-05T09:00").unwrap());
    moved.change_reason = Some("Paro de transporte".into());
    let mail = convocatoria(
        &moved,
        "Mesa Local de Bosa",
        Convening::Changed {
            moved_from: moved.rescheduled_from,
        },
        &ana(),
        "https://x",
        &one(&moved),
    );
    assert!(mail.subject.starts_with("Cambio en la sesión 3"));
    assert!(mail.body.contains("Fecha anterior: mar 5 ene 2027, 09:00"));
    assert!(mail.body.contains("Motivo: Paro de transporte"));
    assert_eq!(mail.dedupe_key, "convocatoria:12:1:ana@subred.gov.co");
    assert!(String::from_utf8_lossy(&mail.attachments[0].data).contains("SEQUENCE:1"));

    let mut cancelled = moved.clone();
    cancelled.status = SessionStatus::Cancelada;
    cancelled.revision = 2;
    let mail = convocatoria(
        &cancelled,
        "Mesa Local de Bosa",
        Convening::Cancelled,
        &ana(),
        "https://x",
        &one(&cancelled),
    );
    assert!(mail.body.contains("Motivo: Paro de transporte"));
    assert!(mail.body.contains("bórrela"));
    assert!(mail.subject.starts_with("Sesión cancelada"));
    assert!(
        !mail.body.contains("Fecha y hora:"),
        "no time to attend: {}",
        mail.body
    );
    assert!(String::from_utf8_lossy(&mail.attachments[0].data).contains("STATUS:CANCELLED"));
}

#[test]
fn a_new_place_after_an_earlier_move_names_no_former_date_nor_its_reason() {
    let mut moved = session(2);
    moved.rescheduled_from = Some(parse_when("2027-01-05T09:00").unwrap());
    moved.change_reason = Some("Paro de transporte".into());
    moved.place = "Casa de la Cultura".into();
    let mail = convocatoria(
        &moved,
        "Mesa Local de Bosa",
        Convening::Changed { moved_from: None },
        &ana(),
        "https://x",
        &one(&moved),
    );
    assert!(mail.body.contains("Lugar: Casa de la Cultura"));
    assert!(!mail.body.contains("Fecha anterior"), "{}", mail.body);
    assert!(!mail.body.contains("Motivo"), "{}", mail.body);
}

#[test]
fn a_series_is_one_message_with_every_date() {
    let sessions: Vec<Session> = (0..3)
        .map(|n| Session {
            id: 20 + n,
            seq: 4 + n,
            scheduled_at: parse_when(&format!("2027-0{}-02T09:00", n + 2)).unwrap(),
            ..session(0)
        })
        .collect();
    let attached = calendar("sesiones.ics", &sessions, "Mesa Local de Bosa", "https://x");
    let mail = series_convocatoria(
        &sessions,
        "el primer martes de cada mes",
        "Mesa Local de Bosa",
        &ana(),
        "https://x",
        &attached,
    )
    .unwrap();
    assert_eq!(mail.attachments[0].file_name, "sesiones.ics");
    assert_eq!(
        mail.subject,
        "Convocatoria: Mesa Local de Bosa, 3 sesiones desde el mar 2 feb 2027, 09:00"
    );
    assert!(
        mail.body
            .contains("· Sesión 6: vie 2 abr 2027, 09:00 — https://x/sesiones/22")
    );
    let ics = String::from_utf8(mail.attachments[0].data.clone()).unwrap();
    let parsed: icalendar::Calendar = ics.parse().unwrap();
    assert_eq!(parsed.events().count(), 3);
    assert!(series_convocatoria(&[], "", "Mesa", &ana(), "https://x", &attached).is_none());
}

#[test]
fn a_reminder_lists_each_commitment_with_its_link() {
    let commitment = |id: &str, days| OpenCommitment {
        id: id.into(),
        description: format!(" Compromiso {id} "),
        responsible: "Ana Pérez".into(),
        due: NaiveDate::from_ymd_opt(2027, 3, 20).unwrap(),
        mesa_name: "Mesa Local de Bosa".into(),
        session_id: days,
    };
    let today = NaiveDate::from_ymd_opt(2027, 3, 21).unwrap();
    let one = Reminder {
        to: ana(),
        items: vec![Item {
            nudge: Nudge::Overdue,
            commitment: commitment("c1", 4),
        }],
    };
    let mail = reminder(&one, today, "https://x");
    assert_eq!(mail.subject, "Recordatorio: 1 compromiso · venció ayer");
    assert!(
        mail.body
            .contains("· Compromiso c1 — venció ayer (vence el 20/03/2027).")
    );
    assert!(mail.body.contains("https://x/compromisos/4/c1"));
    assert!(mail.body.contains("regístrelo con su evidencia"));
    assert_eq!(mail.dedupe_key, "recordatorio:ana@subred.gov.co:2027-03-21");
    let two = Reminder {
        to: ana(),
        items: vec![
            Item {
                nudge: Nudge::DueIn(1),
                commitment: commitment("c2", 4),
            },
            Item {
                nudge: Nudge::DueIn(7),
                commitment: commitment("c3", 4),
            },
        ],
    };
    let mail = reminder(&two, today, "https://x");
    assert_eq!(mail.subject, "Recordatorio: 2 compromisos a su cargo");
    assert!(!mail.body.contains("regístrelo"));
}

#[test]
fn the_approved_acta_carries_its_pdf_and_digest() {
    let acta = ApprovedActa {
        session_id: 9,
        number: 4,
        session_seq: 7,
        mesa_code: "local-07".into(),
        mesa_name: "Mesa Local de Bosa".into(),
        held_at: "mar 12 ene 2027, 09:00".into(),
        approval: "Aprobada por la coordinación".into(),
        digest: "ab".repeat(32),
    };
    let mail = approved_acta(&acta, b"%PDF-1.7", &ana(), "https://x");
    assert_eq!(
        mail.subject,
        "Acta n.º 4 aprobada · Mesa Local de Bosa, sesión 7"
    );
    assert!(mail.body.contains(&"ab".repeat(32)));
    assert!(mail.body.contains("https://x/sesiones/9/acta"));
    assert_eq!(mail.attachments[0].file_name, "acta-local-07-4.pdf");
    assert_eq!(mail.attachments[0].data, b"%PDF-1.7");
    assert_eq!(mail.dedupe_key, "acta:9:ana@subred.gov.co");
}
