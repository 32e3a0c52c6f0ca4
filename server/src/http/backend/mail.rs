//! The mail seen from the backend: announcing what just happened (a failure to queue is
//! logged, never turned into a failure of the act itself, which is already stored) and the
//! administrator's queue (the policy's `ManageMail`).

use app::domain::Session;
use app::domain::mail::{MailDesk, MailState, OutboxEntry};
use app::domain::policy::{Act, Target};
use app::error::AppError;
use app::ssr::{Mailroom, RequestContext};
use async_trait::async_trait;
use chrono::Utc;

use super::StoreBackend;
use super::access::require;
use crate::mail::letters::Convening;

/// How many messages the administrator's page lists.
const LISTED: i64 = 200;

impl StoreBackend {
    pub(super) fn mail_configured(&self) -> bool {
        self.postman.sender().is_some()
    }

    pub(super) async fn announce_session(&self, session: &Session, change: Convening) {
        if let Err(error) = self.postman.convene(session, change).await {
            tracing::error!(%error, session = session.id, "could not queue the convocatoria");
        }
    }

    pub(super) async fn announce_series(&self, sessions: &[Session], description: &str) {
        if let Err(error) = self.postman.convene_series(sessions, description).await {
            tracing::error!(%error, "could not queue the series' convocatoria");
        }
    }

    pub(super) async fn announce_approved_acta(&self, session_id: i64) {
        if let Err(error) = self.postman.send_approved_acta(session_id).await {
            tracing::error!(%error, session_id, "could not queue the approved acta's mail");
        }
    }
}

#[async_trait]
impl Mailroom for StoreBackend {
    async fn mail_desk(&self, cx: &RequestContext) -> Result<MailDesk, AppError> {
        require(cx, Act::ManageMail, &Target::District)?;
        let entries = self.store.mail_entries(LISTED).await?;
        Ok(MailDesk {
            sender: self.postman.sender().map(str::to_owned),
            counts: self.store.mail_counts().await?,
            changing_soon: MailDesk::changing_soon(&entries, Utc::now()),
            entries,
        })
    }

    async fn set_mail_state(
        &self,
        cx: &RequestContext,
        id: i64,
        to: MailState,
    ) -> Result<OutboxEntry, AppError> {
        require(cx, Act::ManageMail, &Target::District)?;
        if !matches!(to, MailState::Pendiente | MailState::Descartado) {
            return Err(AppError::Conflict(
                "Un correo solo puede volver a enviarse o descartarse.".into(),
            ));
        }
        if to == MailState::Pendiente && !self.mail_configured() {
            return Err(AppError::Conflict(
                "El correo no está configurado en este servidor: no hay por dónde enviarlo.".into(),
            ));
        }
        if !self.store.set_mail_by_admin(id, to, Utc::now()).await? {
            return Err(AppError::Conflict(
                "Ese correo cambió de estado mientras tanto (quizá ya se envió): recargue la página."
                    .into(),
            ));
        }
        let entry = self
            .store
            .mail_entry(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("No existe el correo {id}.")))?;
        let what = if to == MailState::Pendiente {
            "correo reenviado"
        } else {
            "correo descartado"
        };
        self.audit(cx, what, &entry.recipient, &entry.subject).await;
        self.postman.wake();
        Ok(entry)
    }
}
