//! An acta after its session closes: a draft (*borrador*) that the attendees observe for a
//! period of working days, that the coordination answers and may correct, then approved — by the
//! coordination once the period is over, or by the Mesa in its next session — and locked: its
//! content frozen and a SHA-256 digest of its canonical form printed on it. The rules are here,
//! pure; the store enforces the lock again where it writes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::DecisionMethod;
pub use super::acta_texts::{CorrectableText, correct, correctable_texts};
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActaCycle {
    /// Last day (Bogotá) to observe the draft; `None` for actas closed before drafts existed,
    /// whose observations stay open until they are approved.
    pub observations_until: Option<NaiveDate>,
    pub observations: Vec<Observation>,
    pub corrections: Vec<Correction>,
    pub approval: Option<Approval>,
}

/// The Mesa's next session, as approving in it needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextSession {
    pub seq: i64,
    pub status: SessionStatus,
}

/// What the coordination asks when it approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub method: ApprovalMethod,
    /// For [`ApprovalMethod::Sesion`]: how the Mesa decided.
    pub decided_by: Option<DecisionMethod>,
}

/// A text of the draft to correct: a record's field, as [`correctable_texts`] lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextEdit {
    pub kind: String,
    pub record: String,
    pub field: String,
    pub text: String,
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
            observations_until: Some(crate::domain::add_working_days(closed_on, OBSERVATION_DAYS)),
            ..Self::default()
        }
    }

    /// Approved once it has an approval: the one fact, not a second field that could disagree.
    pub fn state(&self) -> ActaState {
        if self.approval.is_some() {
            ActaState::Aprobada
        } else {
            ActaState::Borrador
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
        self.check_observation(today).is_ok()
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

impl ActaCycle {
    /// Where the acta stands, in one line.
    pub fn status_line(&self) -> String {
        match (&self.approval, self.observations_until) {
            (Some(approval), _) => approval.describe(),
            (None, Some(until)) => format!(
                "Borrador: observaciones hasta el {}.",
                crate::domain::format_day(until)
            ),
            (None, None) => "Borrador.".to_owned(),
        }
    }

    /// The observations with their answers, the corrections and the approval with its digest:
    /// the end of the acta's Markdown.
    pub fn write_markdown(&self, md: &mut String) {
        use std::fmt::Write;

        use super::markdown::{cell, one_line, plain};
        if !self.observations.is_empty() {
            let _ = writeln!(
                md,
                "\n## Observaciones al borrador ({})\n",
                self.observations.len()
            );
            for o in &self.observations {
                let _ = writeln!(
                    md,
                    "{}. **{}** ({}): {}",
                    o.id,
                    plain(&o.author),
                    o.at,
                    one_line(&o.text)
                );
                if let Some(answer) = &o.answer {
                    let _ = writeln!(
                        md,
                        "   - Respuesta de {} ({}): {}",
                        plain(&answer.by),
                        answer.at,
                        one_line(&answer.text)
                    );
                }
            }
        }
        if !self.corrections.is_empty() {
            let _ = writeln!(
                md,
                "\n## Correcciones al borrador ({})\n",
                self.corrections.len()
            );
            let _ = writeln!(md, "| Campo | Decía | Dice | Quién | Cuándo |");
            let _ = writeln!(md, "|---|---|---|---|---|");
            for c in &self.corrections {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} |",
                    c.label,
                    cell(&c.before),
                    cell(&c.after),
                    cell(&c.by),
                    c.at
                );
            }
        }
        let _ = writeln!(md, "\n## Aprobación\n");
        match &self.approval {
            Some(approval) => {
                let _ = writeln!(md, "{}\n", plain(&approval.describe()));
                let _ = writeln!(
                    md,
                    "Huella SHA-256 del acta aprobada: `{}`",
                    approval.digest
                );
            }
            None => {
                let _ = writeln!(md, "{}", self.status_line());
            }
        }
    }
}

#[cfg(test)]
#[path = "approval_tests.rs"]
mod tests;
