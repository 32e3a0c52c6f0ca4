//! What each message says: the convocatoria (a session scheduled, changed or cancelled, or a
//! whole series), the daily reminder of one person's commitments, and the approved acta. Pure:
//! the values in, the queued message out, so every text is tested without a server.

use app::domain::mail::MailKind;
use app::domain::{Session, SessionStatus, format_bogota};
use chrono::{DateTime, NaiveDate, Utc};

use super::recipient::Recipient;
use super::reminders::{Nudge, Reminder};
use crate::calendar::{publication, session_event};
use crate::store::{MailAttachment, NewMail};

/// Why a convocatoria is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convening {
    Scheduled,
    /// Its date, place or mode changed; `moved_from` is the date it had when this change moved
    /// it (a change of place alone after an earlier move names no "former date").
    Changed {
        moved_from: Option<DateTime<Utc>>,
    },
    Cancelled,
}

/// The address as a queue key: one message per person however they typed it.
fn key_of(to: &Recipient) -> String {
    to.email.to_lowercase()
}

fn place_line(session: &Session) -> String {
    let place = session.place.trim();
    if place.is_empty() {
        format!("Modalidad: {}", session.mode.label())
    } else {
        format!(
            "Lugar: {place} · modalidad {}",
            session.mode.label().to_lowercase()
        )
    }
}

fn signature(origin: &str) -> String {
    format!(
        "\n\n—\nSala situacional · {origin}\nRecibe este correo por su rol en la Mesa. \
         Si no debía recibirlo, avise a la secretaría técnica."
    )
}

/// The calendar attached to a convocatoria: built once per announcement (not per recipient), so
/// it is stored once by its digest.
pub fn calendar(name: &str, sessions: &[Session], mesa_name: &str, origin: &str) -> MailAttachment {
    let now = Utc::now();
    let events = sessions
        .iter()
        .map(|s| session_event(s, mesa_name, origin, now))
        .collect();
    MailAttachment {
        file_name: name.to_owned(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        data: publication(mesa_name, events).into_bytes(),
    }
}

/// The convocatoria of one session to one recipient, with the session's `.ics` (`calendar`).
/// Its dedupe key carries the session's revision: each change is announced once, and only once.
pub fn convocatoria(
    session: &Session,
    mesa_name: &str,
    change: Convening,
    to: &Recipient,
    origin: &str,
    calendar: &MailAttachment,
) -> NewMail {
    let when = format_bogota(session.scheduled_at);
    let url = format!("{origin}/sesiones/{}", session.id);
    let reason = session
        .change_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let (subject, opening) = match change {
        Convening::Scheduled => (
            format!("Convocatoria: {mesa_name}, sesión {} · {when}", session.seq),
            format!("Se convoca a la sesión {} de la {mesa_name}.", session.seq),
        ),
        Convening::Changed { .. } => (
            format!(
                "Cambio en la sesión {} de la {mesa_name} · {when}",
                session.seq
            ),
            format!(
                "La sesión {} de la {mesa_name} cambió. Estos son sus datos vigentes.",
                session.seq
            ),
        ),
        Convening::Cancelled => (
            format!("Sesión cancelada: {mesa_name}, sesión {}", session.seq),
            format!(
                "La sesión {} de la {mesa_name}, prevista para el {when}, fue cancelada.",
                session.seq
            ),
        ),
    };
    let mut body = format!("Hola, {}:\n\n{opening}\n\n", to.name);
    if session.status != SessionStatus::Cancelada {
        body.push_str(&format!(
            "Fecha y hora: {when} (hora de Bogotá)\n{}\n",
            place_line(session)
        ));
    }
    // the reason given is the reason for a new date or for the cancellation
    let reason = match change {
        Convening::Scheduled | Convening::Changed { moved_from: None } => None,
        Convening::Changed {
            moved_from: Some(previous),
        } => {
            body.push_str(&format!("Fecha anterior: {}\n", format_bogota(previous)));
            reason
        }
        Convening::Cancelled => reason,
    };
    if let Some(reason) = reason {
        body.push_str(&format!("Motivo: {reason}\n"));
    }
    body.push_str(&format!(
        "\nPágina de la sesión (orden del día, tablero y acta): {url}\n"
    ));
    body.push_str(if change == Convening::Cancelled {
        "Si la tenía en su calendario, bórrela: el archivo adjunto «sesion.ics» la marca \
         cancelada, pero no todos los programas de correo la quitan solos."
    } else {
        "El archivo adjunto «sesion.ics» la agrega (o la actualiza) en su calendario."
    });
    body.push_str(&signature(origin));
    NewMail {
        dedupe_key: format!(
            "convocatoria:{}:{}:{}",
            session.id,
            session.revision,
            key_of(to)
        ),
        kind: MailKind::Convocatoria,
        recipient_name: to.name.clone(),
        recipient_email: to.email.clone(),
        subject,
        body,
        attachments: vec![calendar.clone()],
        replaces_for_session: Some(session.id),
    }
}

/// One message for a whole series just scheduled (not one per date), with every session in
/// its `.ics` (`calendar`).
pub fn series_convocatoria(
    sessions: &[Session],
    description: &str,
    mesa_name: &str,
    to: &Recipient,
    origin: &str,
    calendar: &MailAttachment,
) -> Option<NewMail> {
    let (first, last) = (sessions.first()?, sessions.last()?);
    let mut body = format!(
        "Hola, {}:\n\nLa {mesa_name} programó {} sesiones ({description}):\n\n",
        to.name,
        sessions.len()
    );
    for session in sessions {
        body.push_str(&format!(
            "· Sesión {}: {} — {origin}/sesiones/{}\n",
            session.seq,
            format_bogota(session.scheduled_at),
            session.id
        ));
    }
    body.push_str(&format!(
        "\n{}\nEl archivo adjunto «sesiones.ics» las agrega todas a su calendario. Si alguna \
         cambia, recibirá un aviso de esa sesión.",
        place_line(first)
    ));
    body.push_str(&signature(origin));
    Some(NewMail {
        dedupe_key: format!("convocatoria-serie:{}-{}:{}", first.id, last.id, key_of(to)),
        kind: MailKind::Convocatoria,
        recipient_name: to.name.clone(),
        recipient_email: to.email.clone(),
        subject: format!(
            "Convocatoria: {mesa_name}, {} sesiones desde el {}",
            sessions.len(),
            format_bogota(first.scheduled_at)
        ),
        body,
        attachments: vec![calendar.clone()],
        replaces_for_session: None,
    })
}

/// The day's reminder to one person: everything of theirs due in the reminder days or that
/// became overdue, in one message (one per person per day: the date is in its key).
pub fn reminder(reminder: &Reminder, today: NaiveDate, origin: &str) -> NewMail {
    let to = &reminder.to;
    let count = reminder.items.len();
    let subject = if count == 1 {
        format!(
            "Recordatorio: 1 compromiso · {}",
            reminder.items[0].nudge.label()
        )
    } else {
        format!("Recordatorio: {count} compromisos a su cargo")
    };
    let mut body = format!(
        "Hola, {}:\n\n{}\n",
        to.name,
        if count == 1 {
            "Este compromiso está a su cargo:"
        } else {
            "Estos compromisos están a su cargo:"
        }
    );
    for item in &reminder.items {
        let c = &item.commitment;
        body.push_str(&format!(
            "\n· {} — {} (vence el {}).\n  {}. Ver y registrar el avance: {origin}/compromisos/{}/{}\n",
            c.description.trim(),
            item.nudge.label(),
            c.due.format("%d/%m/%Y"),
            c.mesa_name,
            c.session_id,
            c.id
        ));
    }
    if reminder.items.iter().any(|i| i.nudge == Nudge::Overdue) {
        body.push_str(
            "\nSi un compromiso vencido ya se cumplió, regístrelo con su evidencia; si no, \
             acuerde con la Mesa una nueva fecha.",
        );
    }
    body.push_str(&signature(origin));
    NewMail {
        dedupe_key: format!("recordatorio:{}:{today}", key_of(to)),
        kind: MailKind::Recordatorio,
        recipient_name: to.name.clone(),
        recipient_email: to.email.clone(),
        subject,
        body,
        attachments: Vec::new(),
        replaces_for_session: None,
    }
}

/// What the approved acta's message needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedActa {
    pub session_id: i64,
    pub number: i64,
    pub session_seq: i64,
    pub mesa_code: String,
    pub mesa_name: String,
    pub held_at: String,
    pub approval: String,
    pub digest: String,
}

/// The approved acta to one recipient, its PDF attached.
pub fn approved_acta(acta: &ApprovedActa, pdf: &[u8], to: &Recipient, origin: &str) -> NewMail {
    let url = format!("{origin}/sesiones/{}/acta", acta.session_id);
    let mut body = format!(
        "Hola, {}:\n\nEl acta n.º {} de la {} (sesión {}, {}) fue aprobada: {}.\n\n\
         Adjuntamos el PDF. Su contenido quedó cerrado; la huella SHA-256 impresa en él es\n{}\n\
         y permite comprobar que una copia es la aprobada.\n\nEn Sala: {url}",
        to.name,
        acta.number,
        acta.mesa_name,
        acta.session_seq,
        acta.held_at,
        acta.approval,
        acta.digest
    );
    body.push_str(&signature(origin));
    NewMail {
        dedupe_key: format!("acta:{}:{}", acta.session_id, key_of(to)),
        kind: MailKind::Acta,
        recipient_name: to.name.clone(),
        recipient_email: to.email.clone(),
        subject: format!(
            "Acta n.º {} aprobada · {}, sesión {}",
            acta.number, acta.mesa_name, acta.session_seq
        ),
        body,
        attachments: vec![MailAttachment {
            file_name: format!("acta-{}-{}.pdf", acta.mesa_code, acta.number),
            content_type: "application/pdf".into(),
            data: pdf.to_vec(),
        }],
        replaces_for_session: None,
    }
}

#[cfg(test)]
#[path = "letters_tests.rs"]
mod tests;
