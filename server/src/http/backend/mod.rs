//! The store seen through the UI's [`Backend`] port: adds the clock and maps storage errors.
//! What an invitation allows is checked in `access.rs`; reading, freezing and replaying a board
//! in `board.rs`.

mod access;
mod board;

use app::domain::board::acta::Acta;
use app::domain::board::review::{BoardHistory, push_changes};
use app::domain::board::{BoardAccess, BoardView};
use app::domain::dashboard::{Dashboard, DashboardQuery};
use app::domain::escalation::{
    Escalation, EscalationAction, EscalationInbox, EscalationRequest, answer_date, note,
};
use app::domain::policy::{self, Act};
use app::domain::{
    Member, MemberRequest, MesaDetail, MesaSummary, NewMember, ScheduleRequest, Session,
    SessionAction, SessionDetail, SessionEdit, SessionStatus, bogota, validate_cancellation,
};
use app::error::AppError;
use app::ssr::Backend;
use async_trait::async_trait;
use chrono::Utc;

use crate::auth::{Claims, Role, Signer, new_nonce};
use crate::dashboards::Dashboards;
use crate::projection::Projections;
use crate::store::{NewEscalation, Store};
use crate::sync::SyncHub;

/// How long the read-only access granted to anyone opening a board page lasts.
const VIEWER_TTL_SECS: i64 = 12 * 3600;

pub struct StoreBackend {
    store: Store,
    sync: SyncHub,
    signer: Signer,
    projections: Projections,
    dashboards: Dashboards,
}

impl StoreBackend {
    pub fn new(
        store: Store,
        sync: SyncHub,
        signer: Signer,
        projections: Projections,
        dashboards: Dashboards,
    ) -> Self {
        Self {
            store,
            sync,
            signer,
            projections,
            dashboards,
        }
    }
}

#[async_trait]
impl Backend for StoreBackend {
    async fn mesa_summaries(&self) -> Result<Vec<MesaSummary>, AppError> {
        Ok(self.store.mesa_summaries(Utc::now()).await?)
    }

    async fn mesa_detail(&self, code: &str, token: Option<String>) -> Result<MesaDetail, AppError> {
        let mut detail = self.store.mesa_detail(code, Utc::now()).await?;
        if !self.may(code, token.as_deref(), Act::SeeContacts).await {
            // Officials' phones and e-mails are personal data, not public.
            for member in detail.members.iter_mut().chain(&mut detail.former_members) {
                member.contact = None;
            }
            detail.contacts_visible = false;
        }
        Ok(detail)
    }

    async fn add_member(&self, member: NewMember) -> Result<Member, AppError> {
        Ok(self.store.add_member(&member, Utc::now()).await?)
    }

    async fn update_member(
        &self,
        id: i64,
        mut member: MemberRequest,
        keep_contact: bool,
    ) -> Result<Member, AppError> {
        let current = self.store.get_member(id).await?;
        member.mesa = current.mesa_code.clone();
        if keep_contact {
            // The form could not show the contact, so it did not send it: it stays as it was.
            member.contact = current.contact.unwrap_or_default();
        }
        let mut updated = self.store.update_member(id, &member.validate()?).await?;
        if keep_contact {
            updated.contact = None;
        }
        Ok(updated)
    }

    async fn remove_member(&self, id: i64) -> Result<Member, AppError> {
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        Ok(self.store.remove_member(id, today).await?)
    }

    async fn schedule_session(&self, request: ScheduleRequest) -> Result<Session, AppError> {
        let session = request.validate(Utc::now())?;
        Ok(self.store.create_session(&session, Utc::now()).await?)
    }

    async fn edit_session(&self, id: i64, edit: SessionEdit) -> Result<Session, AppError> {
        let current = self.store.get_session(id).await?;
        let changes = edit.validate(&current, Utc::now())?;
        Ok(self.store.update_session(id, &changes).await?)
    }

    async fn cancel_session(&self, id: i64, reason: String) -> Result<Session, AppError> {
        let current = self.store.get_session(id).await?;
        let reason = validate_cancellation(&current, &reason)?;
        let cancelled = self.store.cancel_session(id, &reason, Utc::now()).await?;
        // Whoever has its board open sees it turn read-only, and what its board held leaves the
        // dashboards.
        self.sync.freeze(id).await;
        self.projections.invalidate();
        Ok(cancelled)
    }

    async fn meeting_action(
        &self,
        id: i64,
        action: SessionAction,
        token: String,
    ) -> Result<Session, AppError> {
        let claims = self.claims(id, &token)?;
        let act = Act::of_meeting(action).ok_or_else(|| {
            AppError::Conflict(
                "Para cancelar una sesión indique el motivo en la página de la Mesa.".into(),
            )
        })?;
        if !claims.role.allows(act) {
            return Err(AppError::Forbidden(format!(
                "Su invitación no permite «{}»: pídala a la coordinación de la Mesa.",
                action.label()
            )));
        }
        self.change_session_status(id, action).await
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
            // A closed session's board is read-only for everyone, including those already in it,
            // and what it holds becomes the session's official record.
            self.record_acta(&session).await?;
        }
        Ok(session)
    }

    async fn board_access(
        &self,
        session_id: i64,
        token: Option<String>,
    ) -> Result<BoardAccess, AppError> {
        let detail = self.store.session_detail(session_id).await?;
        let (role, invited_name, token) = match token.filter(|t| !t.trim().is_empty()) {
            Some(token) => {
                let claims = self.claims(session_id, &token)?;
                (claims.role, claims.name, token)
            }
            None => {
                // Boards are as public as the pages around them; writing needs an invitation.
                let claims = Claims {
                    session: session_id,
                    role: Role::Observador,
                    exp: Utc::now().timestamp() + VIEWER_TTL_SECS,
                    nonce: new_nonce(),
                    name: None,
                    mesa: None,
                };
                (Role::Observador, None, self.signer.sign(&claims))
            }
        };
        let role = role.board_role();
        let closed = detail.session.status == SessionStatus::Cerrada;
        let board = match (closed, self.store.acta(session_id).await?) {
            (true, Some(acta)) => (acta.board, Some(acta.number)),
            _ => (self.live_board(session_id, false).await?, None),
        };
        // Contacts are not the board's business: it only needs to recognise members.
        let roster = self
            .store
            .members_of(&detail.mesa.code)
            .await?
            .into_iter()
            .map(|m| Member { contact: None, ..m })
            .collect();
        Ok(BoardAccess {
            writable: policy::writes_board(role, detail.session.status),
            role,
            invited_name,
            sync_path: format!("/sync/{session_id}?token={token}"),
            roster,
            board: board.0,
            acta_number: board.1,
            detail,
        })
    }

    async fn close_board(&self, session_id: i64, token: String) -> Result<i64, AppError> {
        let claims = self.claims(session_id, &token)?;
        if !claims.role.allows(Act::CloseMeeting) {
            return Err(AppError::Forbidden(
                "Solo la coordinación puede cerrar la reunión.".into(),
            ));
        }
        let session = self.store.get_session(session_id).await?;
        if session.status == SessionStatus::Cerrada && self.store.acta(session_id).await?.is_none()
        {
            // Closed, but writing its acta failed last time: write it now.
            self.record_acta(&session).await?;
        } else {
            self.change_session_status(session_id, SessionAction::Cerrar)
                .await?;
        }
        self.store
            .acta(session_id)
            .await?
            .map(|acta| acta.number)
            .ok_or_else(|| AppError::Internal("el acta no quedó registrada".into()))
    }

    async fn acta(&self, session_id: i64) -> Result<Acta, AppError> {
        self.store.get_session(session_id).await?;
        self.store.acta(session_id).await?.ok_or_else(|| {
            AppError::NotFound("El acta estará disponible cuando se cierre la sesión.".into())
        })
    }

    async fn board_history(&self, session_id: i64) -> Result<BoardHistory, AppError> {
        let mut timeline = Vec::new();
        let mut before = BoardView::default();
        let (steps, _) = self
            .replay(session_id, None, |step, at, after| {
                push_changes(&mut timeline, step, at, &before, after);
                before = after.clone();
            })
            .await?;
        let members = match self.store.acta(session_id).await? {
            Some(acta) => acta.members,
            None => {
                let session = self.store.get_session(session_id).await?;
                self.store.members_of(&session.mesa_code).await?.len()
            }
        };
        Ok(BoardHistory {
            steps,
            timeline,
            members,
        })
    }

    async fn dashboard(&self, query: DashboardQuery) -> Result<Dashboard, AppError> {
        Ok((*self.dashboards.get(query).await?).clone())
    }

    async fn escalate_barrier(
        &self,
        token: String,
        request: EscalationRequest,
    ) -> Result<Escalation, AppError> {
        let claims = self.claims(request.session, &token)?;
        if !claims.role.allows(Act::Escalate) {
            return Err(AppError::Forbidden(
                "Un observador no puede escalar barreras: pida una invitación de participante."
                    .into(),
            ));
        }
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        let reason =
            note(&request.reason, "el motivo del escalamiento").map_err(AppError::Conflict)?;
        let answer_by = answer_date(&request.answer_by, today).map_err(AppError::Conflict)?;
        let by = note(&request.by, "quién escala").map_err(AppError::Conflict)?;
        let session = self.store.get_session(request.session).await?;
        let board = self.live_board(session.id, false).await?;
        let barrier = board
            .barriers
            .iter()
            .find(|b| b.id == request.barrier)
            .ok_or_else(|| {
                AppError::NotFound("Esa barrera no está en el tablero de la sesión.".into())
            })?;
        let created = self
            .store
            .create_escalation(
                NewEscalation {
                    parent_id: None,
                    session_id: session.id,
                    barrier_id: &barrier.id,
                    barrier: &barrier.description,
                    from_mesa: &session.mesa_code,
                    reason: &reason,
                    answer_by,
                    by: &by,
                },
                Utc::now(),
            )
            .await?;
        // Dashboards list open escalations.
        self.projections.invalidate();
        Ok(created)
    }

    async fn act_on_escalation(
        &self,
        id: i64,
        token: String,
        action: String,
        text: String,
        answer_by: String,
        by: String,
    ) -> Result<Escalation, AppError> {
        let escalation = self.store.escalation(id).await?;
        if !self.decides_for(&escalation.to_mesa.code, &token).await? {
            return Err(AppError::Forbidden(format!(
                "Solo la coordinación de la {} puede decidir este escalamiento: use su invitación.",
                escalation.to_mesa.name
            )));
        }
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        let action = match action.as_str() {
            "aceptar" => EscalationAction::Aceptar,
            "devolver" => EscalationAction::Devolver {
                reason: note(&text, "el motivo de la devolución").map_err(AppError::Conflict)?,
            },
            "responder" => EscalationAction::Responder {
                response: note(&text, "la respuesta").map_err(AppError::Conflict)?,
            },
            "escalar" => EscalationAction::Escalar {
                reason: note(&text, "el motivo del escalamiento").map_err(AppError::Conflict)?,
                answer_by: answer_date(&answer_by, today).map_err(AppError::Conflict)?,
            },
            other => return Err(AppError::Conflict(format!("acción desconocida «{other}»"))),
        };
        let by = note(&by, "quién decide").map_err(AppError::Conflict)?;
        let decided = self
            .store
            .act_on_escalation(id, &action, &by, Utc::now())
            .await?;
        self.projections.invalidate();
        Ok(decided)
    }

    async fn escalations(
        &self,
        mesa: String,
    ) -> Result<(Vec<Escalation>, Vec<Escalation>), AppError> {
        Ok(self.store.escalations_of(&mesa).await?)
    }

    async fn escalation_inbox(
        &self,
        mesa: String,
        token: String,
    ) -> Result<EscalationInbox, AppError> {
        // An expired or foreign invitation still shows the lists, only without decisions.
        let can_decide = self.may(&mesa, Some(&token), Act::DecideEscalation).await;
        let (received, sent) = self.store.escalations_of(&mesa).await?;
        Ok(EscalationInbox {
            received,
            sent,
            can_decide,
        })
    }

    async fn barrier_chain(
        &self,
        session: i64,
        barrier: String,
    ) -> Result<Vec<Escalation>, AppError> {
        self.store.get_session(session).await?;
        Ok(self.store.barrier_chain(session, &barrier).await?)
    }

    async fn commitment_history(
        &self,
        session: i64,
        commitment: String,
    ) -> Result<app::domain::board::review::CommitmentHistory, AppError> {
        Ok(self.store.commitment_history(session, &commitment).await?)
    }

    async fn board_at(&self, session_id: i64, step: usize) -> Result<BoardView, AppError> {
        Ok(self.replay(session_id, Some(step), |_, _, _| {}).await?.1)
    }
}
