//! An acta after its session closes: a draft (*borrador*) that the attendees observe for a
//! period of working days, that the coordination answers and may correct, then approved — by the
//! coordination once the period is over, or by the Mesa in its next session — and locked: its
//! content frozen and a SHA-256 digest of its canonical form printed on it. The rules are here,
//! pure; the store enforces the lock again where it writes.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::records::{agenda, agreement, attendance, barrier, commitment, followup};
use super::{BoardRecord, BoardView, DecisionMethod};
use crate::domain::SessionStatus;

/// Working days the attendees have to observe a draft (Colombian festivos do not count).
pub const OBSERVATION_DAYS: u32 = 5;

/// Longest observation, answer or corrected text.
pub const MAX_TEXT: usize = 4000;

code_enum!(
    /// Where an acta is in its life.
    ActaState {
        Borrador = "borrador" / "Borrador",
        Aprobada = "aprobada" / "Aprobada",
    }
);

code_enum!(
    /// Who approved it, and when in the Mesa's cycle.
    ApprovalMethod {
        Coordinacion = "coordinacion" / "Aprobada por la coordinación, vencido el plazo de observaciones",
        Sesion = "sesion" / "Aprobada por la Mesa en su sesión siguiente",
    }
);

/// The approval, written once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub method: ApprovalMethod,
    /// The number in the series of the session where the Mesa approved it.
    pub in_session: Option<i64>,
    /// How the Mesa decided it in that session.
    pub decided_by: Option<DecisionMethod>,
    pub by: String,
    /// Bogotá local date and time, formatted.
    pub at: String,
    /// SHA-256 (hex) of [`super::acta::Acta::canonical_bytes`] as approved.
    pub digest: String,
}

impl Approval {
    /// One sentence for the acta's header and its downloads.
    pub fn describe(&self) -> String {
        let how = match (self.method, self.in_session, self.decided_by) {
            (ApprovalMethod::Sesion, Some(seq), Some(decided)) => format!(
                "Aprobada por la Mesa en la sesión {seq} ({})",
                decided.label().to_lowercase()
            ),
            (ApprovalMethod::Sesion, Some(seq), None) => {
                format!("Aprobada por la Mesa en la sesión {seq}")
            }
            (method, _, _) => method.label().to_owned(),
        };
        format!("{how}, el {}, registrada por {}.", self.at, self.by)
    }
}

/// An attendee's observation on the draft, and the coordination's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub id: i64,
    pub author: String,
    pub text: String,
    pub at: String,
    pub answer: Option<Answer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    pub by: String,
    pub at: String,
}

/// A text of the draft the coordination corrected: what it said, what it says now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// The record kind's root (`barriers`) and the record's id.
    pub kind: String,
    pub record: String,
    /// The field's name and its label as the forms show it.
    pub field: String,
    pub label: String,
    pub before: String,
    pub after: String,
    pub by: String,
    pub at: String,
}

/// Everything about an acta that is not the session's own record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActaCycle {
    pub state: ActaState,
    /// Last day (Bogotá) to observe the draft; `None` for actas closed before drafts existed,
    /// whose observations stay open until they are approved.
    pub observations_until: Option<NaiveDate>,
    pub observations: Vec<Observation>,
    pub corrections: Vec<Correction>,
    pub approval: Option<Approval>,
}

impl Default for ActaCycle {
    fn default() -> Self {
        Self {
            state: ActaState::Borrador,
            observations_until: None,
            observations: Vec::new(),
            corrections: Vec::new(),
            approval: None,
        }
    }
}

/// The Mesa's next session, as approving in it needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextSession {
    pub seq: i64,
    pub status: SessionStatus,
}

/// Why an acta's draft cannot take what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CycleError {
    #[error("El acta fue aprobada el {0}: su contenido está cerrado y no se puede modificar.")]
    Locked(String),
    #[error("El plazo de observaciones terminó el {0}.")]
    ObservationsClosed(String),
    #[error(
        "El plazo de observaciones va hasta el {0}: la coordinación puede aprobarla después, o la Mesa en su próxima sesión."
    )]
    PeriodOpen(String),
    #[error(
        "La Mesa no ha iniciado su siguiente sesión: el acta se aprueba en ella (punto «Aprobación del acta anterior») o por la coordinación al vencer el plazo."
    )]
    NoNextSession,
    #[error("Indique cómo decidió la Mesa la aprobación (consenso o votación).")]
    DecisionMissing,
    #[error("Escriba el texto.")]
    Empty,
    #[error("El texto es demasiado largo (máximo {MAX_TEXT} caracteres).")]
    TooLong,
    #[error("La observación n.º {0} no existe.")]
    UnknownObservation(i64),
    #[error("El acta no tiene ese registro.")]
    UnknownRecord,
    #[error("Ese campo no es un texto que se pueda corregir.")]
    NotCorrectable,
}

/// A text as it may be stored: trimmed, not empty, not too long.
pub fn checked_text(text: &str) -> Result<String, CycleError> {
    let text = text.trim();
    if text.is_empty() {
        Err(CycleError::Empty)
    } else if text.chars().count() > MAX_TEXT {
        Err(CycleError::TooLong)
    } else {
        Ok(text.to_owned())
    }
}

impl ActaCycle {
    /// A new draft closed on `closed_on`.
    pub fn draft(closed_on: NaiveDate) -> Self {
        Self {
            observations_until: Some(crate::domain::add_working_days(
                closed_on,
                OBSERVATION_DAYS,
            )),
            ..Self::default()
        }
    }

    /// Anything that changes the acta needs it not approved.
    pub fn check_draft(&self) -> Result<(), CycleError> {
        match &self.approval {
            Some(approval) => Err(CycleError::Locked(approval.at.clone())),
            None => Ok(()),
        }
    }

    /// Whether the observation period is still open on `today`.
    pub fn observations_open(&self, today: NaiveDate) -> bool {
        self.approval.is_none() && self.observations_until.is_none_or(|until| today <= until)
    }

    pub fn check_observation(&self, today: NaiveDate) -> Result<(), CycleError> {
        self.check_draft()?;
        match self.observations_until {
            Some(until) if today > until => Err(CycleError::ObservationsClosed(
                crate::domain::format_day(until),
            )),
            _ => Ok(()),
        }
    }

    pub fn check_answer(&self, observation: i64) -> Result<(), CycleError> {
        self.check_draft()?;
        if self.observations.iter().any(|o| o.id == observation) {
            Ok(())
        } else {
            Err(CycleError::UnknownObservation(observation))
        }
    }

    /// Approval by the coordination once the period is over; by the Mesa in its next session
    /// (started or held) at any time, with how it decided.
    pub fn check_approval(
        &self,
        method: ApprovalMethod,
        decided_by: Option<DecisionMethod>,
        today: NaiveDate,
        next: Option<NextSession>,
    ) -> Result<(), CycleError> {
        self.check_draft()?;
        match method {
            ApprovalMethod::Coordinacion => match self.observations_until {
                Some(until) if today <= until => {
                    Err(CycleError::PeriodOpen(crate::domain::format_day(until)))
                }
                _ => Ok(()),
            },
            ApprovalMethod::Sesion => {
                let held = next.is_some_and(|n| {
                    matches!(n.status, SessionStatus::EnCurso | SessionStatus::Cerrada)
                });
                if !held {
                    Err(CycleError::NoNextSession)
                } else if decided_by.is_none() {
                    Err(CycleError::DecisionMissing)
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// A text a draft's record holds: `(kind, record id, field, label, text)`, every one the
/// coordination may correct (the texts people typed, as each record kind defines them).
pub fn correctable_texts(board: &BoardView) -> Vec<(String, String, String, &'static str, String)> {
    fn of<R: BoardRecord + Serialize>(
        list: &[R],
        out: &mut Vec<(String, String, String, &'static str, String)>,
    ) {
        for record in list {
            let Ok(value) = serde_json::to_value(record) else {
                continue;
            };
            for key in R::FIELDS.iter().filter(|k| k.is_shared_text()) {
                if let Some(text) = value.get(key.name).and_then(serde_json::Value::as_str) {
                    out.push((
                        R::ROOT.to_owned(),
                        record.id().to_owned(),
                        key.name.to_owned(),
                        key.label,
                        text.to_owned(),
                    ));
                }
            }
        }
    }
    let mut out = Vec::new();
    of(&board.agenda, &mut out);
    of(&board.barriers, &mut out);
    of(&board.agreements, &mut out);
    of(&board.commitments, &mut out);
    of(&board.attendance, &mut out);
    of(&board.followups, &mut out);
    out
}

/// Puts `text` in the field of one record of the acta's board; returns what it said and the
/// field's label. Only the texts each kind defines as typed by people can be corrected.
pub fn correct(
    board: &mut BoardView,
    kind: &str,
    record: &str,
    field: &str,
    text: &str,
) -> Result<(String, &'static str), CycleError> {
    fn in_list<R: BoardRecord + Serialize + DeserializeOwned>(
        list: &mut [R],
        record: &str,
        field: &str,
        text: &str,
    ) -> Result<(String, &'static str), CycleError> {
        let key = R::FIELDS
            .iter()
            .find(|k| k.name == field && k.is_shared_text())
            .ok_or(CycleError::NotCorrectable)?;
        let slot = list
            .iter_mut()
            .find(|r| r.id() == record)
            .ok_or(CycleError::UnknownRecord)?;
        let mut value = serde_json::to_value(&*slot).map_err(|_| CycleError::NotCorrectable)?;
        let before = value
            .get(key.name)
            .and_then(serde_json::Value::as_str)
            .ok_or(CycleError::NotCorrectable)?
            .to_owned();
        value[key.name] = serde_json::Value::String(text.to_owned());
        *slot = serde_json::from_value(value).map_err(|_| CycleError::NotCorrectable)?;
        Ok((before, key.label))
    }
    match kind {
        agenda::ROOT => in_list(&mut board.agenda, record, field, text),
        barrier::ROOT => in_list(&mut board.barriers, record, field, text),
        agreement::ROOT => in_list(&mut board.agreements, record, field, text),
        commitment::ROOT => in_list(&mut board.commitments, record, field, text),
        attendance::ROOT => in_list(&mut board.attendance, record, field, text),
        followup::ROOT => in_list(&mut board.followups, record, field, text),
        _ => Err(CycleError::UnknownRecord),
    }
}

#[cfg(test)]
#[path = "approval_tests.rs"]
mod tests;
