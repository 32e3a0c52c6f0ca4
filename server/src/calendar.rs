//! Calendars (RFC 5545, built by the `icalendar` crate): a session as a download, a Mesa's
//! sessions and a person's sessions and commitments as subscription feeds. Each event links
//! back to its page; a moved session keeps its UID so calendars update it in place, and a
//! cancelled one stays, marked cancelled, so nobody goes to a meeting that will not happen.

use app::domain::{Session, SessionStatus};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// How long a session lasts in a calendar (the sessions record no end).
pub const SESSION_HOURS: i64 = 2;

/// A commitment with a due date, as a person's feed lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DueCommitment {
    pub id: String,
    pub description: String,
    pub due: NaiveDate,
    pub mesa_name: String,
    /// The session where it was agreed (its page follows the commitment).
    pub session_id: i64,
}

/// The event of one session of `mesa_name`; `origin` is `scheme://host` for its link.
pub fn session_event(
    session: &Session,
    mesa_name: &str,
    origin: &str,
    now: DateTime<Utc>,
) -> Event {
    let url = format!("{origin}/sesiones/{}", session.id);
    let place = if session.place.trim().is_empty() {
        session.mode.label().to_owned()
    } else {
        format!(
            "{} ({})",
            session.place.trim(),
            session.mode.label().to_lowercase()
        )
    };
    let mut description = format!(
        "Sesión {} de la {mesa_name}. Modalidad: {}.",
        session.seq,
        session.mode.label()
    );
    let why = session
        .change_reason
        .as_deref()
        .filter(|r| !r.trim().is_empty());
    let what = if session.status == SessionStatus::Cancelada {
        Some("Cancelada")
    } else if session.rescheduled_from.is_some() {
        Some("Reprogramada")
    } else {
        // a correction of its place or mode: the event shows the new ones
        None
    };
    if let (Some(what), Some(why)) = (what, why) {
        description.push_str(&format!("\n{what}: {why}"));
    }
    description.push_str(&format!("\n{url}"));
    let mut event = Event::new();
    event
        .uid(&format!("sesion-{}@sala-situacional", session.id))
        .timestamp(now)
        .summary(&format!("{mesa_name} · sesión {}", session.seq))
        .starts(session.scheduled_at)
        .ends(session.scheduled_at + Duration::hours(SESSION_HOURS))
        .location(&place)
        .url(&url)
        .description(&description)
        .status(if session.status == SessionStatus::Cancelada {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    // each correction or the cancellation is a new version of the same event
    event.sequence(u32::try_from(session.revision).unwrap_or(u32::MAX));
    event.done()
}

/// An all-day event on a commitment's due date.
pub fn commitment_event(commitment: &DueCommitment, origin: &str, now: DateTime<Utc>) -> Event {
    let url = format!(
        "{origin}/compromisos/{}/{}",
        commitment.session_id, commitment.id
    );
    Event::new()
        .uid(&format!("compromiso-{}@sala-situacional", commitment.id))
        .timestamp(now)
        .all_day(commitment.due)
        .summary(&format!("Vence: {}", commitment.description.trim()))
        .description(&format!(
            "Compromiso de la {}.\n{url}",
            commitment.mesa_name
        ))
        .url(&url)
        .done()
}

/// A calendar named `name` holding `events`, as the bytes of an `.ics` file.
pub fn calendar(name: &str, events: Vec<Event>) -> String {
    build(name, events, None)
}

/// The same, attached to a convocatoria: `METHOD:PUBLISH` is what lets mail programs offer to
/// add it (RFC 5546; there is no organiser to reply to).
pub fn publication(name: &str, events: Vec<Event>) -> String {
    build(name, events, Some("PUBLISH"))
}

fn build(name: &str, events: Vec<Event>, method: Option<&str>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name).timezone("America/Bogota");
    if let Some(method) = method {
        calendar.append_property(icalendar::Property::new("METHOD", method));
    }
    for event in events {
        calendar.push(event);
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use app::domain::{SessionMode, parse_when};

    use super::*;

    fn session(status: SessionStatus) -> Session {
        Session {
            id: 12,
            mesa_code: "local-07".into(),
            seq: 3,
            scheduled_at: parse_when("2027-01-12T09:00").unwrap(),
            place: "Alcaldía Local, salón 2".into(),
            mode: SessionMode::Mixta,
            status,
            started_at: None,
            closed_at: None,
            rescheduled_from: None,
            change_reason: Some("Paro de transporte".into()),
            cancelled_at: None,
            revision: 0,
        }
    }

    #[test]
    fn a_session_reads_back_with_its_time_place_link_and_status() {
        let now = Utc::now();
        let text = calendar(
            "Mesa Local de Bosa",
            vec![
                session_event(
                    &session(SessionStatus::Programada),
                    "Mesa Local de Bosa",
                    "https://sala.example",
                    now,
                ),
                commitment_event(
                    &DueCommitment {
                        id: "c1".into(),
                        description: "Brigada, en Bosa; con la EPS".into(),
                        due: NaiveDate::from_ymd_opt(2027, 1, 20).unwrap(),
                        mesa_name: "Mesa Local de Bosa".into(),
                        session_id: 12,
                    },
                    "https://sala.example",
                    now,
                ),
            ],
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        let parsed: Calendar = text.parse().expect("valid iCalendar");
        let events: Vec<&Event> = parsed.events().collect();
        assert_eq!(events.len(), 2);
        let first = events[0];
        assert_eq!(first.get_uid(), Some("sesion-12@sala-situacional"));
        assert_eq!(first.get_summary(), Some("Mesa Local de Bosa · sesión 3"));
        assert_eq!(
            first.get_location(),
            Some("Alcaldía Local, salón 2 (mixta)")
        );
        assert_eq!(first.get_url(), Some("https://sala.example/sesiones/12"));
        assert_eq!(
            first.get_start(),
            Some(parse_when("2027-01-12T09:00").unwrap().into())
        );
        assert_eq!(first.get_status(), Some(EventStatus::Confirmed));
        let due = events[1];
        assert_eq!(
            due.get_summary(),
            Some("Vence: Brigada, en Bosa; con la EPS")
        );
        assert_eq!(
            due.get_start(),
            Some(NaiveDate::from_ymd_opt(2027, 1, 20).unwrap().into())
        );

        let cancelled = session_event(&session(SessionStatus::Cancelada), "Mesa", "http://x", now);
        assert_eq!(cancelled.get_status(), Some(EventStatus::Cancelled));
        assert!(
            cancelled
                .get_description()
                .unwrap()
                .contains("Cancelada: Paro de transporte")
        );
    }
}
