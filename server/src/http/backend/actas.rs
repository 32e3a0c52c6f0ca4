//! An acta's draft, observations, corrections and approval through the UI's port. The policy
//! says who (`Act::ObserveActa`, `Act::ApproveActa`); the domain's cycle says when
//! (`app::domain::board::approval`), checked again by the store inside the write.

use app::domain::board::acta::ActaSheet;
use app::domain::board::approval::{Approval, ApprovalRequest, TextEdit, checked_text};
use app::domain::policy::{Act, allowed};
use app::domain::{bogota, format_bogota};
use app::error::AppError;
use app::ssr::{Actas, RequestContext};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};

use super::StoreBackend;
use super::access::{require, signature};

/// Bogotá's date now: the observation period and the approval are judged on it.
fn today() -> NaiveDate {
    Utc::now().with_timezone(&bogota()).date_naive()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn text(raw: &str) -> Result<String, AppError> {
    checked_text(raw).map_err(|e| AppError::Conflict(e.to_string()))
}

#[async_trait]
impl Actas for StoreBackend {
    async fn acta_sheet(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<ActaSheet, AppError> {
        let (session, place) = self.session_place(session_id).await?;
        let target = place.session(session_id);
        require(cx, Act::ReadActa, &target)?;
        let acta = self.store.acta(session_id).await?.ok_or_else(|| {
            AppError::NotFound("El acta estará disponible cuando se cierre la sesión.".into())
        })?;
        let today = today();
        let draft = acta.cycle.approval.is_none();
        Ok(ActaSheet {
            may_observe: acta.cycle.observations_open(today)
                && allowed(&cx.actor, Act::ObserveActa, &target),
            may_approve: draft && allowed(&cx.actor, Act::ApproveActa, &target),
            next_session: self
                .store
                .next_session(&session.mesa_code, session.seq)
                .await?,
            today,
            acta,
        })
    }

    async fn observe_acta(
        &self,
        cx: &RequestContext,
        session_id: i64,
        raw: String,
    ) -> Result<i64, AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ObserveActa, &place.session(session_id))?;
        let body = text(&raw)?;
        Ok(self
            .store
            .observe_acta(session_id, &signature(cx), &body, Utc::now(), today())
            .await?)
    }

    async fn answer_observation(
        &self,
        cx: &RequestContext,
        session_id: i64,
        observation: i64,
        raw: String,
    ) -> Result<(), AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ApproveActa, &place.session(session_id))?;
        let answer = text(&raw)?;
        self.store
            .answer_observation(session_id, observation, &answer, &signature(cx), Utc::now())
            .await?;
        Ok(())
    }

    async fn correct_acta(
        &self,
        cx: &RequestContext,
        session_id: i64,
        edit: TextEdit,
    ) -> Result<(), AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ApproveActa, &place.session(session_id))?;
        let corrected = text(&edit.text)?;
        self.store
            .correct_acta(
                session_id,
                &edit.kind,
                &edit.record,
                &edit.field,
                &corrected,
                &signature(cx),
                Utc::now(),
            )
            .await?;
        self.audit(
            cx,
            "corregir_acta",
            &format!("sesión {session_id}"),
            &format!("{}/{}/{}", edit.kind, edit.record, edit.field),
        )
        .await;
        Ok(())
    }

    async fn approve_acta(
        &self,
        cx: &RequestContext,
        session_id: i64,
        request: ApprovalRequest,
    ) -> Result<Approval, AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ApproveActa, &place.session(session_id))?;
        let approval = Approval {
            method: request.method,
            in_session: None,
            decided_by: request.decided_by,
            by: signature(cx),
            at: format_bogota(Utc::now()),
            digest: String::new(),
        };
        let approval = self
            .store
            .approve_acta(session_id, approval, today(), sha256_hex)
            .await?;
        self.audit(
            cx,
            "aprobar_acta",
            &format!("sesión {session_id}"),
            &format!("{} · SHA-256 {}", approval.describe(), approval.digest),
        )
        .await;
        self.announce_approved_acta(session_id).await;
        Ok(approval)
    }
}
