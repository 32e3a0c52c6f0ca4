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

/// Attempts before a message that keeps failing for a passing reason is given up as failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// When to try again after `attempts` failed tries: one minute, then doubling, at most six hours
/// (eight tries span about four hours).
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_minute_to_six_hours() {
        let now = Utc::now();
        let waits: Vec<i64> = (1..=MAX_ATTEMPTS)
            .map(|n| (retry_at(now, n) - now).num_minutes())
            .collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 64, 128]);
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
