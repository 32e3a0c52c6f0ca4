//! The port through which server functions reach storage. The UI crate defines what it needs; the
//! server crate implements it (its store), so `app` never depends on a database driver.

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::board::acta::Acta;
use crate::domain::board::review::BoardHistory;
use crate::domain::board::{BoardAccess, BoardView};
use crate::domain::dashboard::{Dashboard, DashboardQuery};
use crate::domain::escalation::{Escalation, EscalationRequest};
use crate::domain::{
    Member, MemberRequest, MesaDetail, MesaSummary, NewMember, ScheduleRequest, Session,
    SessionAction, SessionDetail, SessionEdit,
};
use crate::error::AppError;

#[async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn mesa_summaries(&self) -> Result<Vec<MesaSummary>, AppError>;
    /// A Mesa's page; members' contacts only for `token`s that may see them.
    async fn mesa_detail(&self, code: &str, token: Option<String>) -> Result<MesaDetail, AppError>;
    async fn add_member(&self, member: NewMember) -> Result<Member, AppError>;
    /// `keep_contact`: the form did not show the contact (the page may not read it), so the stored
    /// one stays.
    async fn update_member(
        &self,
        id: i64,
        member: MemberRequest,
        keep_contact: bool,
    ) -> Result<Member, AppError>;
    /// Soft removal as of today (Bogotá): past actas keep the name.
    async fn remove_member(&self, id: i64) -> Result<Member, AppError>;
    async fn schedule_session(&self, session: ScheduleRequest) -> Result<Session, AppError>;
    /// Corrects or reschedules a session that has not started.
    async fn edit_session(&self, id: i64, edit: SessionEdit) -> Result<Session, AppError>;
    async fn cancel_session(&self, id: i64, reason: String) -> Result<Session, AppError>;
    /// Starts or closes the meeting from its page: the invitation must allow it.
    async fn meeting_action(
        &self,
        id: i64,
        action: SessionAction,
        token: String,
    ) -> Result<Session, AppError>;
    async fn session_detail(&self, id: i64) -> Result<SessionDetail, AppError>;
    async fn change_session_status(
        &self,
        id: i64,
        action: SessionAction,
    ) -> Result<Session, AppError>;
    /// Checks the invitation (or, without one, grants read-only access) and reads the board.
    async fn board_access(
        &self,
        session_id: i64,
        token: Option<String>,
    ) -> Result<BoardAccess, AppError>;
    /// Closes the session from its board (coordinators only): freezes the board and writes the
    /// acta. Returns the acta's number.
    async fn close_board(&self, session_id: i64, token: String) -> Result<i64, AppError>;
    async fn acta(&self, session_id: i64) -> Result<Acta, AppError>;
    async fn board_history(&self, session_id: i64) -> Result<BoardHistory, AppError>;
    async fn board_at(&self, session_id: i64, step: usize) -> Result<BoardView, AppError>;
    async fn dashboard(&self, query: DashboardQuery) -> Result<Dashboard, AppError>;
    /// Sends a barrier of `request.session`'s board to the next level (writers of that session).
    async fn escalate_barrier(
        &self,
        token: String,
        request: EscalationRequest,
    ) -> Result<Escalation, AppError>;
    /// The receiving Mesa's coordination decides (`aceptar`, `devolver`, `responder`, `escalar`).
    async fn act_on_escalation(
        &self,
        id: i64,
        token: String,
        action: String,
        text: String,
        answer_by: String,
        by: String,
    ) -> Result<Escalation, AppError>;
    /// What a Mesa received and sent, and whether `token` may decide what it received.
    async fn escalation_inbox(
        &self,
        mesa: String,
        token: String,
    ) -> Result<crate::domain::escalation::EscalationInbox, AppError>;
    /// (received, sent) escalations of a Mesa.
    async fn escalations(
        &self,
        mesa: String,
    ) -> Result<(Vec<Escalation>, Vec<Escalation>), AppError>;
    async fn barrier_chain(
        &self,
        session: i64,
        barrier: String,
    ) -> Result<Vec<Escalation>, AppError>;
    async fn commitment_history(
        &self,
        session: i64,
        commitment: String,
    ) -> Result<crate::domain::board::review::CommitmentHistory, AppError>;
}

/// What the server puts in Leptos' context for every request.
pub type SharedBackend = Arc<dyn Backend>;

pub(crate) fn backend() -> Result<SharedBackend, AppError> {
    leptos::prelude::use_context::<SharedBackend>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró el almacenamiento".into()))
}
