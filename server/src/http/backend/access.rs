//! What an invitation allows the backend to do: the session it is for, and whether its holder
//! decides a Mesa's escalations (the policy in `app::domain::policy` says what each role may do).

use app::domain::policy::Act;
use app::error::AppError;
use chrono::Utc;

use super::StoreBackend;
use crate::auth::Claims;

impl StoreBackend {
    pub(super) fn claims(&self, session_id: i64, token: &str) -> Result<Claims, AppError> {
        let claims = self
            .signer
            .verify(token, Utc::now().timestamp())
            .map_err(|e| AppError::Forbidden(format!("Invitación no válida: {e}.")))?;
        // A Mesa-wide invitation opens no board.
        if claims.session != session_id || claims.mesa.is_some() {
            return Err(AppError::Forbidden(
                "Esta invitación es para otra sesión.".into(),
            ));
        }
        Ok(claims)
    }

    /// Whether `token` lets its holder decide the escalations `mesa` received: a coordination's
    /// invitation to one of the Mesa's sessions, or to the Mesa itself.
    pub(super) async fn decides_for(&self, mesa: &str, token: &str) -> Result<bool, AppError> {
        self.allows_for_mesa(mesa, token, Act::DecideEscalation)
            .await
    }

    /// Whether `token` (if any, and valid) lets its holder do `act` for `mesa`. A missing or
    /// expired invitation simply allows nothing.
    pub(super) async fn may(&self, mesa: &str, token: Option<&str>, act: Act) -> bool {
        match token.filter(|t| !t.trim().is_empty()) {
            Some(token) => self
                .allows_for_mesa(mesa, token, act)
                .await
                .unwrap_or(false),
            None => false,
        }
    }

    async fn allows_for_mesa(&self, mesa: &str, token: &str, act: Act) -> Result<bool, AppError> {
        let claims = self
            .signer
            .verify(token, Utc::now().timestamp())
            .map_err(|e| AppError::Forbidden(format!("Invitación no válida: {e}.")))?;
        let speaks_for = match claims.mesa {
            Some(code) => code,
            None => self.store.get_session(claims.session).await?.mesa_code,
        };
        Ok(speaks_for == mesa && claims.role.allows(act))
    }
}
