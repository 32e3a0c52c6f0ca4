//! A session's lifecycle as the backend carries it out (the caller asked the policy): starting
//! refreshes its follow-up, closing writes the acta and refreshes the follow-up of the Mesa's
//! later sessions; and what a board's storage cap tells its Mesa's coordination.

use app::domain::{Session, SessionAction, SessionStatus};
use app::error::AppError;
use chrono::Utc;

use super::StoreBackend;

impl StoreBackend {
    /// Moves a session along its lifecycle (the caller asked the policy); closing writes the acta.
    pub(super) async fn change_session_status(
        &self,
        id: i64,
        action: SessionAction,
    ) -> Result<Session, AppError> {
        if action == SessionAction::Cerrar {
            // A poll left open is closed with the meeting, its result written before the freeze.
            self.close_open_polls(id).await?;
        }
        let session = self
            .store
            .change_session_status(id, action, Utc::now())
            .await?;
        match session.status {
            // A closed session's board is read-only for everyone, including those already in it,
            // and what it holds becomes the session's official record. What it left open is
            // followed up by the Mesa's later sessions, even those scheduled before it closed.
            SessionStatus::Cerrada => {
                self.record_acta(&session).await?;
                for later in self
                    .store
                    .later_open_sessions(&session.mesa_code, session.seq)
                    .await?
                {
                    self.refresh_follow_up(later).await?;
                }
            }
            SessionStatus::EnCurso => self.refresh_follow_up(id).await?,
            _ => {}
        }
        // Boards opened before the start offer votes from now on; after the close, no more.
        self.changes.announce(id, super::changes::Topic::Votes);
        Ok(session)
    }

    /// What the Mesa's coordination is told when a board nears its storage cap.
    pub(super) async fn storage_notice(&self, session_id: i64) -> Result<Option<String>, AppError> {
        let max = self.sync.limits().max_board_bytes;
        let stored = self.store.board_stored_bytes(session_id).await?;
        let mib = |bytes: u64| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",");
        Ok(
            if self.sync.refused_for_size(session_id) || stored >= max.saturating_sub(64 * 1024) {
                Some(format!(
                    "Este tablero alcanzó su tamaño máximo ({} de {} MiB): el servidor ya no acepta más cambios en él. Registre lo que falta en una sesión nueva o pida a la administración que amplíe el límite (--max-board-mib).",
                    mib(stored),
                    mib(max)
                ))
            } else if stored.saturating_mul(10) >= max.saturating_mul(8) {
                Some(format!(
                    "Este tablero ocupa {} de los {} MiB permitidos; al llegar al máximo el servidor dejará de aceptar cambios en él.",
                    mib(stored),
                    mib(max)
                ))
            } else {
                None
            },
        )
    }

    /// Brings a session's follow-up item up to date with what its Mesa left open.
    async fn refresh_follow_up(&self, session_id: i64) -> Result<(), AppError> {
        let carried = self.store.carried_over_before(session_id).await?;
        Ok(self.sync.refresh_follow_up(session_id, carried).await?)
    }
}
