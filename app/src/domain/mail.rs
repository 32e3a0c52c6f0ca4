//! The mail queue as people see it: what kind of message, where each one stands, and the rules
//! for trying again. The server's courier (`server/src/mail`) moves messages through these
//! states; the administrator's page lists them. Pure, so the rules are tested with plain values.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// Why a message is sent.
    MailKind {
        Convocatoria = "convocatoria" / "Convocatoria",
        Recordatorio = "recordatorio" / "Recordatorio de compromisos",
        Acta = "acta" / "Acta aprobada",
    }
}

code_enum! {
    /// Where a message stands. Only `Pendiente` is picked up by the courier; `Incierto` is a
    /// message whose sending was interrupted (the process died while the SMTP server had it), so
    /// it may have arrived: it is never retried on its own, only by the administrator.
    MailState {
        Pendiente = "pendiente" / "Pendiente",
        Enviando = "enviando" / "Enviando",
        Enviado = "enviado" / "Enviado",
        Incierto = "incierto" / "Envío interrumpido (quizá llegó)",
        Fallido = "fallido" / "Falló",
        Descartado = "descartado" / "Descartado",
    }
}

impl MailState {
    /// What the administrator may do with a message in this state: send it again (a failure, or
    /// an interrupted sending once they have checked it did not arrive), or drop it.
    pub fn may_retry(self) -> bool {
        matches!(self, Self::Fallido | Self::Incierto | Self::Descartado)
    }

    pub fn may_discard(self) -> bool {
        matches!(self, Self::Pendiente | Self::Fallido | Self::Incierto)
    }
}

/// Attempts before a message that keeps failing for a passing reason is given up as failed: the
/// nine waits between ten tries (1, 2, 4 … 256 minutes) span about eight and a half hours, a
/// working day of the mail server being down.
pub const MAX_ATTEMPTS: i64 = 10;

/// How long sent and discarded messages stay listed before they are forgotten.
pub const RETENTION_DAYS: i64 = 180;

/// An address as the administrator's queue shows it: its first letter and its domain
/// (`ana.perez@subred.gov.co` → `a•••@subred.gov.co`), enough to tell two people apart
/// without publishing a contact.
pub fn masked_address(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

/// When to try again after `attempts` failed tries: one minute, then doubling, at most six
/// hours.
pub fn retry_at(now: DateTime<Utc>, attempts: i64) -> DateTime<Utc> {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let minutes = 1_i64.checked_shl(exponent).unwrap_or(i64::MAX).min(360);
    now + Duration::minutes(minutes)
}

/// One message of the queue, as the administrator's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub state: MailState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    /// When it was last handed to the SMTP server (or began to be).
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attachments: Vec<String>,
}

/// The administrator's view of the mail: whether it is configured, how many messages stand
/// where, and the latest ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MailDesk {
    /// Who the mail comes from, when an SMTP server is configured; `None` sends nothing.
    pub sender: Option<String>,
    pub counts: Vec<(MailState, i64)>,
    pub entries: Vec<OutboxEntry>,
    /// Something is about to change without anyone acting (a message being sent, or due
    /// within a minute): the page looks again shortly.
    pub changing_soon: bool,
}

impl MailDesk {
    /// Whether any of `entries` is being sent or falls due by `now` plus a minute.
    pub fn changing_soon(entries: &[OutboxEntry], now: DateTime<Utc>) -> bool {
        entries.iter().any(|entry| {
            entry.state == MailState::Enviando
                || (entry.state == MailState::Pendiente
                    && entry.next_attempt_at <= now + Duration::minutes(1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_minute_to_six_hours() {
        let now = Utc::now();
        // the waits after each try but the last, which gives up
        let waits: Vec<i64> = (1..MAX_ATTEMPTS)
            .map(|n| (retry_at(now, n) - now).num_minutes())
            .collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 64, 128, 256]);
        assert_eq!(
            waits.iter().sum::<i64>(),
            511,
            "about eight and a half hours"
        );
        assert_eq!((retry_at(now, 12) - now).num_minutes(), 360);
        assert_eq!((retry_at(now, 0) - now).num_minutes(), 1);
        assert_eq!((retry_at(now, i64::MAX) - now).num_minutes(), 360);
    }

    #[test]
    fn only_stopped_messages_may_be_sent_again() {
        assert!(!MailState::Enviado.may_retry());
        assert!(!MailState::Enviando.may_retry());
        assert!(!MailState::Pendiente.may_retry());
        assert!(MailState::Incierto.may_retry());
        assert!(MailState::Fallido.may_retry());
        assert!(!MailState::Enviado.may_discard());
        assert!(!MailState::Enviando.may_discard());
        assert!(MailState::Incierto.may_discard());
        assert_eq!(
            masked_address("ana.perez@subred.gov.co"),
            "a•••@subred.gov.co"
        );
        assert_eq!(masked_address("ñ@x.co"), "ñ•••@x.co");
        assert_eq!(masked_address("sin arroba"), "•••");
    }

    #[test]
    fn the_page_looks_again_only_while_something_is_about_to_change() {
        let now = Utc::now();
        let entry = |state, due_in: i64| OutboxEntry {
            id: 1,
            kind: MailKind::Convocatoria,
            recipient: "Ana <a•••@x.co>".into(),
            subject: String::new(),
            state,
            attempts: 1,
            last_error: None,
            created_at: now,
            next_attempt_at: now + Duration::minutes(due_in),
            last_attempt_at: None,
            sent_at: None,
            attachments: Vec::new(),
        };
        assert!(MailDesk::changing_soon(
            &[entry(MailState::Enviando, 90)],
            now
        ));
        assert!(MailDesk::changing_soon(
            &[entry(MailState::Pendiente, 0)],
            now
        ));
        assert!(
            !MailDesk::changing_soon(&[entry(MailState::Pendiente, 30)], now),
            "a retry in half an hour"
        );
        assert!(!MailDesk::changing_soon(
            &[entry(MailState::Fallido, 0)],
            now
        ));
        assert!(!MailDesk::changing_soon(&[], now));
    }

    #[test]
    fn codes_round_trip() {
        for state in MailState::ALL {
            assert_eq!(MailState::parse(state.code()), Some(*state));
        }
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.code()), Some(*kind));
        }
    }
}
