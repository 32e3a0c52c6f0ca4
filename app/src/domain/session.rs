//! Sessions: their lifecycle and the validation of a scheduling request.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Lifecycle of a session: `programada → en_curso → cerrada`, or `programada → cancelada`
/// (a cancelled session stays in the Mesa's series with its number and the reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Programada,
    EnCurso,
    Cerrada,
    Cancelada,
}

/// What a person can do to a session's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionAction {
    Iniciar,
    Cerrar,
    Cancelar,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("no se puede {action} una sesión {from}", action = .action.verb(), from = .from.label().to_lowercase())]
pub struct TransitionError {
    pub from: SessionStatus,
    pub action: SessionAction,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 4] = [
        Self::Programada,
        Self::EnCurso,
        Self::Cerrada,
        Self::Cancelada,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Programada => "programada",
            Self::EnCurso => "en_curso",
            Self::Cerrada => "cerrada",
            Self::Cancelada => "cancelada",
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
            Self::Cancelada => "Cancelada",
        }
    }

    /// A board can be written while its session is scheduled or running, not once it is closed
    /// or cancelled.
    pub fn board_is_open(self) -> bool {
        matches!(self, Self::Programada | Self::EnCurso)
    }

    /// The actions this status allows, in the order the UI offers them.
    pub fn allowed_actions(self) -> &'static [SessionAction] {
        match self {
            Self::Programada => &[SessionAction::Iniciar, SessionAction::Cancelar],
            Self::EnCurso => &[SessionAction::Cerrar],
            Self::Cerrada | Self::Cancelada => &[],
        }
    }

    pub fn apply(self, action: SessionAction) -> Result<SessionStatus, TransitionError> {
        match (self, action) {
            (Self::Programada, SessionAction::Iniciar) => Ok(Self::EnCurso),
            (Self::EnCurso, SessionAction::Cerrar) => Ok(Self::Cerrada),
            (Self::Programada, SessionAction::Cancelar) => Ok(Self::Cancelada),
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
    pub const ALL: [SessionAction; 3] = [Self::Iniciar, Self::Cerrar, Self::Cancelar];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Iniciar => "iniciar",
            Self::Cerrar => "cerrar",
            Self::Cancelar => "cancelar",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn verb(self) -> &'static str {
        self.as_str()
    }

    /// Worded as a meeting's, not as signing in or out.
    pub fn label(self) -> &'static str {
        match self {
            Self::Iniciar => "Iniciar reunión",
            Self::Cerrar => "Cerrar reunión",
            Self::Cancelar => "Cancelar sesión",
        }
    }

    /// Cancelling needs a reason, so it has its own form instead of a one-click button.
    pub fn needs_reason(self) -> bool {
        self == Self::Cancelar
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

    /// `Ok` when nothing was added.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join("; "))
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
        assert_eq!(Programada.apply(Cancelar), Ok(Cancelada));
        for (from, action) in [
            (Programada, Cerrar),
            (EnCurso, Iniciar),
            (Cerrada, Iniciar),
            (Cerrada, Cerrar),
            (Cerrada, Cancelar),
            (EnCurso, Cancelar),
            (Cancelada, Iniciar),
            (Cancelada, Cancelar),
        ] {
            assert_eq!(from.apply(action), Err(TransitionError { from, action }));
        }
    }

    #[test]
    fn allowed_actions_are_exactly_the_valid_transitions() {
        for status in SessionStatus::ALL {
            for action in SessionAction::ALL {
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
}
