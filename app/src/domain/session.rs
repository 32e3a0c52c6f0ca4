//! Sessions: their lifecycle and the validation of a scheduling request.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::time::parse_when;

/// Lifecycle of a session: `programada → en_curso → cerrada`, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Programada,
    EnCurso,
    Cerrada,
}

/// What a person can do to a session's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionAction {
    Iniciar,
    Cerrar,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("no se puede {action} una sesión {from}", action = .action.verb(), from = .from.label().to_lowercase())]
pub struct TransitionError {
    pub from: SessionStatus,
    pub action: SessionAction,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 3] = [Self::Programada, Self::EnCurso, Self::Cerrada];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Programada => "programada",
            Self::EnCurso => "en_curso",
            Self::Cerrada => "cerrada",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Programada => "Programada",
            Self::EnCurso => "En curso",
            Self::Cerrada => "Cerrada",
        }
    }

    /// The actions this status allows, in the order the UI offers them.
    pub fn allowed_actions(self) -> &'static [SessionAction] {
        match self {
            Self::Programada => &[SessionAction::Iniciar],
            Self::EnCurso => &[SessionAction::Cerrar],
            Self::Cerrada => &[],
        }
    }

    pub fn apply(self, action: SessionAction) -> Result<SessionStatus, TransitionError> {
        match (self, action) {
            (Self::Programada, SessionAction::Iniciar) => Ok(Self::EnCurso),
            (Self::EnCurso, SessionAction::Cerrar) => Ok(Self::Cerrada),
            (from, action) => Err(TransitionError { from, action }),
        }
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl SessionAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Iniciar => "iniciar",
            Self::Cerrar => "cerrar",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Iniciar, Self::Cerrar]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    pub fn verb(self) -> &'static str {
        self.as_str()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Iniciar => "Iniciar sesión",
            Self::Cerrar => "Cerrar sesión",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    Presencial,
    Virtual,
    Mixta,
}

impl SessionMode {
    pub const ALL: [SessionMode; 3] = [Self::Presencial, Self::Virtual, Self::Mixta];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Presencial => "presencial",
            Self::Virtual => "virtual",
            Self::Mixta => "mixta",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Presencial => "Presencial",
            Self::Virtual => "Virtual",
            Self::Mixta => "Mixta",
        }
    }
}

/// Validation messages keyed by form field, so each can be shown next to its input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join("; "))
    }
}

pub const MAX_PLACE_LEN: usize = 200;

/// A scheduling request as typed by a person (form or CLI), before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRequest {
    pub mesa: String,
    pub at: String,
    pub place: String,
    pub mode: String,
}

/// A validated session to create. Only [`ScheduleRequest::validate`] builds one, so the store never
/// sees unchecked input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    mesa_code: String,
    scheduled_at: DateTime<Utc>,
    place: String,
    mode: SessionMode,
}

impl NewSession {
    pub fn mesa_code(&self) -> &str {
        &self.mesa_code
    }
    pub fn scheduled_at(&self) -> DateTime<Utc> {
        self.scheduled_at
    }
    pub fn place(&self) -> &str {
        &self.place
    }
    pub fn mode(&self) -> SessionMode {
        self.mode
    }
}

impl ScheduleRequest {
    pub fn validate(&self) -> Result<NewSession, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mesa_code = self.mesa.trim();
        if mesa_code.is_empty() {
            errors.add("mesa", "Indique la Mesa.");
        }
        let scheduled_at = match parse_when(&self.at) {
            Ok(at) => Some(at),
            Err(message) => {
                errors.add("at", message);
                None
            }
        };
        let place = self.place.trim();
        if place.chars().count() > MAX_PLACE_LEN {
            errors.add(
                "place",
                format!("El lugar admite máximo {MAX_PLACE_LEN} caracteres."),
            );
        }
        let mode = SessionMode::parse(self.mode.trim());
        if mode.is_none() {
            errors.add(
                "mode",
                "Modalidad no válida: use presencial, virtual o mixta.",
            );
        }
        match (scheduled_at, mode) {
            (Some(scheduled_at), Some(mode)) if errors.is_empty() => Ok(NewSession {
                mesa_code: mesa_code.to_owned(),
                scheduled_at,
                place: place.to_owned(),
                mode,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_move_forward_only() {
        use SessionAction::*;
        use SessionStatus::*;
        assert_eq!(Programada.apply(Iniciar), Ok(EnCurso));
        assert_eq!(EnCurso.apply(Cerrar), Ok(Cerrada));
        for (from, action) in [
            (Programada, Cerrar),
            (EnCurso, Iniciar),
            (Cerrada, Iniciar),
            (Cerrada, Cerrar),
        ] {
            assert_eq!(from.apply(action), Err(TransitionError { from, action }));
        }
    }

    #[test]
    fn allowed_actions_are_exactly_the_valid_transitions() {
        for status in SessionStatus::ALL {
            for action in [SessionAction::Iniciar, SessionAction::Cerrar] {
                assert_eq!(
                    status.allowed_actions().contains(&action),
                    status.apply(action).is_ok(),
                    "{status:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn transition_error_reads_as_spanish() {
        let err = SessionStatus::Cerrada
            .apply(SessionAction::Iniciar)
            .unwrap_err();
        assert_eq!(err.to_string(), "no se puede iniciar una sesión cerrada");
    }

    #[test]
    fn codes_round_trip() {
        for s in SessionStatus::ALL {
            assert_eq!(SessionStatus::parse(s.as_str()), Some(s));
        }
        for m in SessionMode::ALL {
            assert_eq!(SessionMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(SessionMode::parse("hibrida"), None);
    }

    fn request(at: &str, mode: &str) -> ScheduleRequest {
        ScheduleRequest {
            mesa: "local-07".into(),
            at: at.into(),
            place: "  Salón comunal Bosa Centro ".into(),
            mode: mode.into(),
        }
    }

    #[test]
    fn a_valid_request_is_trimmed_and_normalised_to_utc() {
        let new = request("2026-12-01T09:00", "mixta").validate().unwrap();
        assert_eq!(new.mesa_code(), "local-07");
        assert_eq!(new.place(), "Salón comunal Bosa Centro");
        assert_eq!(new.mode(), SessionMode::Mixta);
        assert_eq!(new.scheduled_at().to_rfc3339(), "2026-12-01T14:00:00+00:00");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut bad = request("mañana", "hibrida");
        bad.place = "x".repeat(MAX_PLACE_LEN + 1);
        bad.mesa = " ".into();
        let errors = bad.validate().unwrap_err();
        for field in ["mesa", "at", "place", "mode"] {
            assert!(
                errors.get(field).is_some(),
                "missing error for {field}: {errors}"
            );
        }
    }
}
