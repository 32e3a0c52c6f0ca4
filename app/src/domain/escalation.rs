//! Escalation of barriers up the levels (local → zonal → district) and answers back down: the
//! records, the rules of their lifecycle and the validation of requests. Pure; the store keeps
//! them and the server checks who may act.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::MesaRef;

/// Where an escalation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EscalationStatus {
    /// Sent; the receiving Mesa has not decided yet.
    Pendiente,
    /// The receiving Mesa took it on.
    Aceptada,
    /// The receiving Mesa returned it, with a reason (it belongs back at the sender's level).
    Devuelta,
    /// Answered: the answer is visible to the sender.
    Respondida,
    /// Passed on to the next level up (zonal → district); its answer will come back down.
    Escalada,
}

impl EscalationStatus {
    pub const ALL: [Self; 5] = [
        Self::Pendiente,
        Self::Aceptada,
        Self::Devuelta,
        Self::Respondida,
        Self::Escalada,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Pendiente => "pendiente",
            Self::Aceptada => "aceptada",
            Self::Devuelta => "devuelta",
            Self::Respondida => "respondida",
            Self::Escalada => "escalada",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pendiente => "Pendiente de decisión",
            Self::Aceptada => "Aceptada",
            Self::Devuelta => "Devuelta",
            Self::Respondida => "Respondida",
            Self::Escalada => "Escalada al nivel superior",
        }
    }

    /// Still waiting for an answer.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pendiente | Self::Aceptada | Self::Escalada)
    }

    /// The status after `action`, if the action is allowed now.
    pub fn after(self, action: &EscalationAction) -> Result<Self, String> {
        use EscalationAction as A;
        match (self, action) {
            (Self::Pendiente, A::Aceptar) => Ok(Self::Aceptada),
            (Self::Pendiente, A::Devolver { .. }) => Ok(Self::Devuelta),
            // Answering implies taking it on.
            (Self::Pendiente | Self::Aceptada, A::Responder { .. }) => Ok(Self::Respondida),
            (Self::Pendiente | Self::Aceptada, A::Escalar { .. }) => Ok(Self::Escalada),
            (from, action) => Err(format!(
                "No se puede {} un escalamiento {}: recargue la lista para ver en qué va.",
                action.verb(),
                from.label().to_lowercase()
            )),
        }
    }

    /// The decisions the receiving Mesa can still take, as (code, button label): the page shows
    /// only these.
    pub fn actions(self) -> &'static [(&'static str, &'static str)] {
        const ACCEPT: (&str, &str) = ("aceptar", "Aceptar");
        const ANSWER: (&str, &str) = ("responder", "Responder");
        const RETURN: (&str, &str) = ("devolver", "Devolver");
        const PASS_ON: (&str, &str) = ("escalar", "Escalar al nivel superior");
        match self {
            Self::Pendiente => &[ACCEPT, ANSWER, RETURN, PASS_ON],
            Self::Aceptada => &[ANSWER, PASS_ON],
            Self::Devuelta | Self::Respondida | Self::Escalada => &[],
        }
    }
}

/// The open escalation of a barrier, if it has one: a barrier goes up once at a time. `chain`
/// holds every escalation of the barrier (its first links and their continuations).
pub fn open_escalation(chain: &[Escalation]) -> Option<&Escalation> {
    chain
        .iter()
        .find(|e| e.parent_id.is_none() && e.status.is_open())
}

/// Where the open escalation of a barrier stands, for whoever tries to send it up again.
pub fn already_escalated(chain: &[Escalation], open: &Escalation) -> String {
    // The furthest link of its chain says who has it now.
    let mut last = open;
    while let Some(next) = chain.iter().find(|e| e.parent_id == Some(last.id)) {
        last = next;
    }
    format!(
        "Esta barrera ya fue escalada a la {} el {}; hoy está en la {}: {}. Siga su estado en «Enviados» en vez de escalarla otra vez.",
        open.to_mesa.name,
        crate::domain::format_day(
            open.escalated_at
                .with_timezone(&crate::domain::bogota())
                .date_naive()
        ),
        last.to_mesa.name,
        last.status.label().to_lowercase()
    )
}

/// What the receiving Mesa does with an escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EscalationAction {
    Aceptar,
    Devolver {
        reason: String,
    },
    Responder {
        response: String,
    },
    Escalar {
        reason: String,
        answer_by: NaiveDate,
    },
}

impl EscalationAction {
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Aceptar => "aceptar",
            Self::Devolver { .. } => "devolver",
            Self::Responder { .. } => "responder",
            Self::Escalar { .. } => "escalar",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub id: i64,
    /// The escalation this one continues (zonal → district continues local → zonal).
    pub parent_id: Option<i64>,
    /// The session whose board holds the barrier, and the barrier's id there.
    pub session_id: i64,
    pub barrier_id: String,
    /// The barrier's description when it was escalated.
    pub barrier: String,
    pub from_mesa: MesaRef,
    pub to_mesa: MesaRef,
    pub reason: String,
    pub answer_by: NaiveDate,
    pub escalated_by: String,
    pub escalated_at: DateTime<Utc>,
    pub status: EscalationStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub response: Option<String>,
    pub responded_by: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

impl Escalation {
    /// Days since it was sent (until answered, or until `today`).
    pub fn days_waiting(&self, today: NaiveDate) -> i64 {
        // Days as Bogotá counts them: an escalation sent at 20:00 is still today's there.
        let day = |at: DateTime<Utc>| at.with_timezone(&crate::domain::bogota()).date_naive();
        let end = self.responded_at.map(day).unwrap_or(today);
        (end - day(self.escalated_at)).num_days().max(0)
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && today > self.answer_by
    }
}

/// A Mesa's escalations as its pages show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationInbox {
    pub received: Vec<Escalation>,
    pub sent: Vec<Escalation>,
    /// The invitation the page came with lets its holder decide what was received.
    pub can_decide: bool,
}

/// A request to escalate a barrier, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EscalationRequest {
    pub session: i64,
    pub barrier: String,
    pub reason: String,
    pub answer_by: String,
    pub by: String,
}

pub const MAX_NOTE_LEN: usize = 2000;

/// A non-empty text of at most [`MAX_NOTE_LEN`] characters.
pub fn note(text: &str, what: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("Escriba {what}."));
    }
    if text.chars().count() > MAX_NOTE_LEN {
        return Err(format!(
            "Acorte {what}: admite máximo {MAX_NOTE_LEN} caracteres."
        ));
    }
    Ok(text.to_owned())
}

/// A requested answer date: a real date, not in the past.
pub fn answer_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "Elija la fecha de respuesta: «{}» no es una fecha (use AAAA-MM-DD).",
            raw.trim()
        )
    })?;
    if date < today {
        return Err(
            "La fecha de respuesta solicitada ya pasó: elija hoy o una fecha posterior.".into(),
        );
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_allows_only_what_makes_sense() {
        use EscalationStatus::*;
        let answer = EscalationAction::Responder {
            response: "ok".into(),
        };
        assert_eq!(Pendiente.after(&EscalationAction::Aceptar), Ok(Aceptada));
        assert_eq!(Pendiente.after(&answer), Ok(Respondida));
        assert_eq!(
            Aceptada.after(&EscalationAction::Escalar {
                reason: "r".into(),
                answer_by: NaiveDate::MAX
            }),
            Ok(Escalada)
        );
        assert!(Aceptada.after(&EscalationAction::Aceptar).is_err());
        let err = Respondida.after(&answer).unwrap_err();
        assert_eq!(
            err,
            "No se puede responder un escalamiento respondida: recargue la lista para ver en qué va."
        );
        for status in EscalationStatus::ALL {
            for (code, _) in status.actions() {
                let action = match *code {
                    "aceptar" => EscalationAction::Aceptar,
                    "devolver" => EscalationAction::Devolver { reason: "r".into() },
                    "responder" => answer.clone(),
                    _ => EscalationAction::Escalar {
                        reason: "r".into(),
                        answer_by: NaiveDate::MAX,
                    },
                };
                assert!(status.after(&action).is_ok(), "{status:?} offers {code}");
            }
        }
        assert_eq!(Aceptada.actions().len(), 2, "accepted: answer or pass on");
        assert!(Devuelta.after(&EscalationAction::Aceptar).is_err());
        assert!(Escalada.is_open() && !Devuelta.is_open());
    }

    #[test]
    fn requests_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(answer_date("2026-11-22", today).is_err());
        assert_eq!(
            answer_date(" 2026-12-01 ", today).unwrap().to_string(),
            "2026-12-01"
        );
        assert!(
            answer_date("mañana", today)
                .unwrap_err()
                .contains("AAAA-MM-DD")
        );
        assert!(note("  ", "el motivo").is_err());
        assert!(note(&"x".repeat(2001), "el motivo").is_err());
        assert_eq!(note(" falta red ", "el motivo").unwrap(), "falta red");
    }

    #[test]
    fn days_waiting_are_counted_in_bogota() {
        use crate::domain::Level;
        let mesa = |code: &str| MesaRef {
            code: code.into(),
            name: code.into(),
            level: Level::Local,
        };
        let at = |rfc: &str| {
            DateTime::parse_from_rfc3339(rfc)
                .unwrap()
                .with_timezone(&Utc)
        };
        // Sent at 20:00 in Bogotá on 1 December, which is already 2 December in UTC.
        let sent = Escalation {
            id: 1,
            parent_id: None,
            session_id: 1,
            barrier_id: "b1".into(),
            barrier: "Sin transporte".into(),
            from_mesa: mesa("local-07"),
            to_mesa: mesa("zona-sur-occidente"),
            reason: "No se resuelve localmente".into(),
            answer_by: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            escalated_by: "Ana".into(),
            escalated_at: at("2026-12-01T20:00:00-05:00"),
            status: EscalationStatus::Pendiente,
            decided_by: None,
            decided_at: None,
            decision_note: None,
            response: None,
            responded_by: None,
            responded_at: None,
        };
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(sent.days_waiting(day(1)), 0);
        assert_eq!(sent.days_waiting(day(3)), 2);
        let answered = Escalation {
            responded_at: Some(at("2026-12-02T21:30:00-05:00")),
            ..sent
        };
        assert_eq!(answered.days_waiting(day(9)), 1);
    }
}
