//! Barriers sent up the levels and decided by the Mesa that receives them: the backend's part
//! (the policy first, then the store's conditional updates; the lifecycle is
//! `app::domain::escalation`).

use app::domain::bogota;
use app::domain::escalation::{
    Escalation, EscalationAction, EscalationInbox, EscalationRequest, answer_date, note,
};
use app::domain::policy::Act;
use app::error::AppError;
use app::ssr::RequestContext;
use chrono::Utc;

use super::StoreBackend;
use super::access::{may, require};
use crate::store::NewEscalation;

impl StoreBackend {
    pub(super) async fn send_up(
        &self,
        cx: &RequestContext,
        request: EscalationRequest,
    ) -> Result<Escalation, AppError> {
        let (session, place) = self.session_place(request.session).await?;
        require(cx, Act::Escalate, &place.session(session.id))?;
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        let reason =
            note(&request.reason, "el motivo del escalamiento").map_err(AppError::Conflict)?;
        let answer_by = answer_date(&request.answer_by, today).map_err(AppError::Conflict)?;
        let by = note(&request.by, "quién escala").map_err(AppError::Conflict)?;
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
        self.audit(
            cx,
            "barrera escalada",
            &format!("escalamiento {} → {}", created.id, created.to_mesa.code),
            &created.barrier,
        )
        .await;
        Ok(created)
    }

    pub(super) async fn decide_escalation(
        &self,
        cx: &RequestContext,
        id: i64,
        action: String,
        text: String,
        answer_by: String,
        by: String,
    ) -> Result<Escalation, AppError> {
        let escalation = self.store.escalation(id).await?;
        require(
            cx,
            Act::DecideEscalation,
            &self.place_of(&escalation.to_mesa.code).await?.mesa(),
        )?;
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        let decision = match action.as_str() {
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
            .act_on_escalation(id, &decision, &by, Utc::now())
            .await?;
        self.projections.invalidate();
        self.audit(
            cx,
            &format!("escalamiento: {action}"),
            &format!("escalamiento {id}"),
            &text,
        )
        .await;
        Ok(decided)
    }

    pub(super) async fn inbox_of(
        &self,
        cx: &RequestContext,
        mesa: String,
        session: Option<i64>,
    ) -> Result<EscalationInbox, AppError> {
        let place = self.place_of(&mesa).await?;
        match session {
            Some(id) if self.store.get_session(id).await?.mesa_code == mesa => {
                require(cx, Act::ReadBoard, &place.session(id))?
            }
            _ => require(cx, Act::ReadBoard, &place.mesa())?,
        }
        let can_decide = may(cx, Act::DecideEscalation, &place.mesa());
        let (received, sent) = self.store.escalations_of(&mesa).await?;
        Ok(EscalationInbox {
            received,
            sent,
            can_decide,
        })
    }
}
