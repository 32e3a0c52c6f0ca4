//! Evidence files through the UI's port. Attaching and removing are writes on the board
//! (`Act::EditBoard`, while the board is open, on a commitment or review it holds); reading is
//! `Act::ReadBoard`. The type comes from the bytes (`crate::evidence::sniff`).

use app::domain::board::evidence::{Evidence, EvidenceError, check_upload, safe_file_name};
use app::domain::board::records::{commitment, followup};
use app::domain::policy::{Act, writes_board};
use app::error::AppError;
use app::ssr::{EvidenceFiles, EvidenceUpload, RequestContext};
use async_trait::async_trait;
use chrono::{Timelike, Utc};
use sha2::{Digest, Sha256};

use super::StoreBackend;
use super::access::{require, signature};
use super::changes::Topic;
use crate::store::NewEvidence;

fn refused(error: EvidenceError) -> AppError {
    AppError::Conflict(error.to_string())
}

impl StoreBackend {
    /// The board is open to this writer (a closed session's evidence is part of its acta).
    async fn require_open_board(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<(), AppError> {
        let (session, place) = self.session_place(session_id).await?;
        let target = place.session(session_id);
        require(cx, Act::EditBoard, &target)?;
        if !writes_board(&cx.actor, &target, session.status) {
            return Err(refused(EvidenceError::BoardClosed));
        }
        Ok(())
    }
}

#[async_trait]
impl EvidenceFiles for StoreBackend {
    async fn evidence(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<Vec<Evidence>, AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ReadBoard, &place.session(session_id))?;
        Ok(self.store.evidence_of_session(session_id).await?)
    }

    async fn attach_evidence(
        &self,
        cx: &RequestContext,
        session_id: i64,
        upload: EvidenceUpload,
        max_bytes: usize,
    ) -> Result<Evidence, AppError> {
        self.require_open_board(cx, session_id).await?;
        check_upload(&upload.record_root, upload.data.len(), max_bytes).map_err(refused)?;
        let board = self.sync.board_view(session_id, false).await?;
        let on_board = match upload.record_root.as_str() {
            commitment::ROOT => board.commitments.iter().any(|c| c.id == upload.record_id),
            followup::ROOT => board.followups.iter().any(|f| f.id == upload.record_id),
            _ => false,
        };
        if !on_board {
            return Err(refused(EvidenceError::UnknownRecord));
        }
        let file_type = crate::evidence::sniff(&upload.data)
            .ok_or_else(|| refused(EvidenceError::Unsupported))?;
        let file_name = safe_file_name(&upload.file_name);
        let sha256 = hex::encode(Sha256::digest(&upload.data));
        let uploaded_by = signature(cx);
        let new = NewEvidence {
            session_id,
            record_root: &upload.record_root,
            record_id: &upload.record_id,
            file_name: &file_name,
            content_type: file_type.mime,
            type_label: file_type.label,
            sha256: &sha256,
            data: &upload.data,
            uploaded_by: &uploaded_by,
        };
        let uploaded_at = Utc::now();
        let id = self.store.add_evidence(&new, uploaded_at).await?;
        self.changes.announce(session_id, Topic::Evidence);
        self.audit(
            cx,
            "evidencia adjuntada",
            &format!("sesión {session_id}"),
            &format!("{file_name} ({sha256})"),
        )
        .await;
        // As stored (the store keeps timestamps to the second).
        Ok(Evidence {
            id,
            session_id,
            record_root: upload.record_root,
            record_id: upload.record_id,
            file_name,
            content_type: file_type.mime.to_owned(),
            type_label: file_type.label.to_owned(),
            size: upload.data.len() as u64,
            sha256,
            uploaded_by,
            uploaded_at: uploaded_at.with_nanosecond(0).unwrap_or(uploaded_at),
        })
    }

    async fn evidence_file(
        &self,
        cx: &RequestContext,
        session_id: i64,
        id: i64,
    ) -> Result<(Evidence, Vec<u8>), AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ReadBoard, &place.session(session_id))?;
        Ok(self.store.evidence_file(session_id, id).await?)
    }

    async fn remove_evidence(
        &self,
        cx: &RequestContext,
        session_id: i64,
        id: i64,
    ) -> Result<(), AppError> {
        self.require_open_board(cx, session_id).await?;
        let removed = self.store.remove_evidence(session_id, id).await?;
        self.changes.announce(session_id, Topic::Evidence);
        self.audit(
            cx,
            "evidencia retirada",
            &format!("sesión {session_id}"),
            &format!("{} ({})", removed.file_name, removed.sha256),
        )
        .await;
        Ok(())
    }
}
