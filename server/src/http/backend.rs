//! The store seen through the UI's [`Backend`] port: adds the clock and maps storage errors.

use app::domain::{
    Member, MesaDetail, MesaSummary, NewMember, NewSession, Session, SessionAction, SessionDetail,
    SessionStatus,
};
use app::error::AppError;
use app::ssr::Backend;
use async_trait::async_trait;
use chrono::Utc;

use crate::store::Store;
use crate::sync::SyncHub;

pub struct StoreBackend {
    store: Store,
    sync: SyncHub,
}

impl StoreBackend {
    pub fn new(store: Store, sync: SyncHub) -> Self {
        Self { store, sync }
    }
}

#[async_trait]
impl Backend for StoreBackend {
    async fn mesa_summaries(&self) -> Result<Vec<MesaSummary>, AppError> {
        Ok(self.store.mesa_summaries(Utc::now()).await?)
    }

    async fn mesa_detail(&self, code: &str) -> Result<MesaDetail, AppError> {
        Ok(self.store.mesa_detail(code, Utc::now()).await?)
    }

    async fn add_member(&self, member: NewMember) -> Result<Member, AppError> {
        Ok(self.store.add_member(&member, Utc::now()).await?)
    }

    async fn schedule_session(&self, session: NewSession) -> Result<Session, AppError> {
        Ok(self.store.create_session(&session, Utc::now()).await?)
    }

    async fn session_detail(&self, id: i64) -> Result<SessionDetail, AppError> {
        Ok(self.store.session_detail(id).await?)
    }

    async fn change_session_status(
        &self,
        id: i64,
        action: SessionAction,
    ) -> Result<Session, AppError> {
        let session = self
            .store
            .change_session_status(id, action, Utc::now())
            .await?;
        if session.status == SessionStatus::Cerrada {
            // A closed session's board is read-only for everyone, including those already in it.
            self.sync.freeze(id).await;
        }
        Ok(session)
    }
}
