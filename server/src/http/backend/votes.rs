//! Votes and consensus checks on agreements through the UI's port. The policy says who
//! (`Act::ConductVote`, `Act::CastVote`); the board's attendance says as whom (a device votes
//! as the attendance record bearing its account's or named invitation's name); the store's keys
//! make each ballot land once. Every change is announced on the session's event stream
//! ([`super::changes`]), which the board and the projector follow.

use std::sync::Arc;

use app::domain::board::vote::{
    BallotError, Choice, Closing, PollDesk, PollKind, PollRequest, attendance_in_room,
    check_choice, members_in_room, own_attendance, result_update,
};
use app::domain::board::{BoardView, Quorum, quorum};
use app::domain::policy::{Act, allowed};
use app::domain::{Member, Session, SessionStatus};
use app::error::AppError;
use app::ssr::{RequestContext, Votes};
use async_trait::async_trait;
use chrono::Utc;

use super::StoreBackend;
use super::access::{MesaPlace, require, signature};
use super::changes::Topic;
use crate::store::NewBallot;

/// Who closed a poll the meeting's close found open.
const CLOSED_WITH_MEETING: &str = "Sala (al cerrar la reunión)";

fn refused(error: BallotError) -> AppError {
    AppError::Conflict(error.to_string())
}

impl StoreBackend {
    /// The board as its room holds it now, the Mesa's sitting members, and the quorum.
    async fn board_and_quorum(
        &self,
        session: &Session,
    ) -> Result<(BoardView, Vec<Member>, Quorum), AppError> {
        let board = self.sync.board_view(session.id, false).await?;
        let roster = self.store.members_of(&session.mesa_code).await?;
        let quorum = quorum(board.written_members_present(), roster.len());
        Ok((board, roster, quorum))
    }

    /// Closes every open poll of the session (the meeting is closing), writing their results.
    pub(super) async fn close_open_polls(&self, session_id: i64) -> Result<(), AppError> {
        let session = self.store.get_session(session_id).await?;
        let (_, _, quorum) = self.board_and_quorum(&session).await?;
        let open: Vec<i64> = self
            .store
            .polls_of_session(session_id, &quorum)
            .await?
            .into_iter()
            .filter(|p| p.is_open())
            .map(|p| p.id)
            .collect();
        for poll_id in open {
            match self
                .settle(&session, poll_id, CLOSED_WITH_MEETING, &quorum)
                .await
            {
                // the coordination closed it a moment earlier: its result is written
                Ok(_) | Err(AppError::Conflict(_)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Closes the poll and writes its result into its agreement, where the board, the projector
    /// and the acta read it (the store keeps the ballots it came from).
    async fn settle(
        &self,
        session: &Session,
        poll_id: i64,
        by: &str,
        quorum: &Quorum,
    ) -> Result<Closing, AppError> {
        let now = Utc::now();
        let (closing, agreement, kind) = self.store.close_poll(poll_id, by, quorum, now).await?;
        let line = closing.result.clone();
        let now_ms = now.timestamp_millis() as f64;
        self.sync
            .edit(
                session.id,
                Arc::new(move |doc| result_update(doc, &agreement, kind, &line, now_ms)),
            )
            .await?;
        self.changes.announce(session.id, Topic::Votes);
        Ok(closing)
    }

    /// The poll's session, where it sits, and the poll's kind, refusing a closed poll early.
    async fn poll_place(&self, poll_id: i64) -> Result<(Session, MesaPlace, PollKind), AppError> {
        let (session_id, kind, closed) = self.store.poll_of(poll_id).await?;
        if closed {
            return Err(crate::store::StoreError::PollClosed.into());
        }
        let (session, place) = self.session_place(session_id).await?;
        Ok((session, place, kind))
    }
}

fn running(session: &Session) -> Result<(), AppError> {
    if session.status == SessionStatus::EnCurso {
        Ok(())
    } else {
        Err(refused(BallotError::NotRunning))
    }
}

#[async_trait]
impl Votes for StoreBackend {
    async fn poll_desk(&self, cx: &RequestContext, session_id: i64) -> Result<PollDesk, AppError> {
        let (session, place) = self.session_place(session_id).await?;
        let target = place.session(session_id);
        require(cx, Act::ReadBoard, &target)?;
        let (board, roster, quorum) = self.board_and_quorum(&session).await?;
        let polls = self.store.polls_of_session(session_id, &quorum).await?;
        let conducts = allowed(&cx.actor, Act::ConductVote, &target);
        let voter = if !allowed(&cx.actor, Act::CastVote, &target) {
            Err("Con su acceso puede seguir las votaciones, no votar.".to_owned())
        } else {
            self.voter_name(cx)
                .and_then(|name| own_attendance(&board, &roster, &name).map(|a| a.id.clone()))
                .map_err(|e| e.to_string())
        };
        Ok(PollDesk {
            polls,
            running: session.status == SessionStatus::EnCurso,
            conducts,
            voter,
            in_room: if conducts {
                members_in_room(&board, &roster)
            } else {
                Vec::new()
            },
        })
    }

    async fn open_poll(
        &self,
        cx: &RequestContext,
        session_id: i64,
        request: PollRequest,
    ) -> Result<i64, AppError> {
        let (session, place) = self.session_place(session_id).await?;
        require(cx, Act::ConductVote, &place.session(session_id))?;
        running(&session)?;
        request.validate().map_err(refused)?;
        let board = self.sync.board_view(session_id, false).await?;
        if !board
            .agreements
            .iter()
            .any(|a| a.id == request.agreement_id)
        {
            return Err(refused(BallotError::UnknownAgreement));
        }
        let id = self
            .store
            .open_poll(session_id, &request, &signature(cx), Utc::now())
            .await?;
        self.changes.announce(session_id, Topic::Votes);
        Ok(id)
    }

    async fn cast_ballot(
        &self,
        cx: &RequestContext,
        poll_id: i64,
        choice: Choice,
        reason: String,
    ) -> Result<(), AppError> {
        let (session, place, kind) = self.poll_place(poll_id).await?;
        require(cx, Act::CastVote, &place.session(session.id))?;
        running(&session)?;
        let reason = check_choice(kind, choice, &reason).map_err(refused)?;
        let name = self.voter_name(cx).map_err(refused)?;
        let (board, roster, _) = self.board_and_quorum(&session).await?;
        let attendee = own_attendance(&board, &roster, &name).map_err(refused)?;
        let ballot = NewBallot {
            poll_id,
            attendee_id: &attendee.id,
            voter_key: &cx.actor.principal(),
            voter_name: &attendee.name,
            choice,
            reason: &reason,
            recorded_by: None,
        };
        self.store.cast_ballot(&ballot, Utc::now()).await?;
        self.changes.announce(session.id, Topic::Votes);
        Ok(())
    }

    async fn record_ballot(
        &self,
        cx: &RequestContext,
        poll_id: i64,
        attendee_id: String,
        choice: Choice,
        reason: String,
    ) -> Result<(), AppError> {
        let (session, place, kind) = self.poll_place(poll_id).await?;
        require(cx, Act::ConductVote, &place.session(session.id))?;
        running(&session)?;
        let reason = check_choice(kind, choice, &reason).map_err(refused)?;
        let (board, roster, _) = self.board_and_quorum(&session).await?;
        let attendee = attendance_in_room(&board, &roster, &attendee_id).map_err(refused)?;
        let recorder = signature(cx);
        let ballot = NewBallot {
            poll_id,
            attendee_id: &attendee.id,
            voter_key: &format!("asistente:{}", attendee.id),
            voter_name: &attendee.name,
            choice,
            reason: &reason,
            recorded_by: Some(&recorder),
        };
        self.store.cast_ballot(&ballot, Utc::now()).await?;
        self.changes.announce(session.id, Topic::Votes);
        Ok(())
    }

    async fn close_poll(&self, cx: &RequestContext, poll_id: i64) -> Result<Closing, AppError> {
        let (session, place, _) = self.poll_place(poll_id).await?;
        require(cx, Act::ConductVote, &place.session(session.id))?;
        running(&session)?;
        let (_, _, quorum) = self.board_and_quorum(&session).await?;
        let closing = self
            .settle(&session, poll_id, &signature(cx), &quorum)
            .await?;
        self.audit(
            cx,
            "votación cerrada",
            &format!("sesión {}", session.id),
            &closing.result,
        )
        .await;
        Ok(closing)
    }
}

impl StoreBackend {
    /// Whose ballot a device casts: the account's name, or a named invitation's. An unnamed
    /// invitation could claim anyone's seat, so the secretary records those.
    fn voter_name(&self, cx: &RequestContext) -> Result<String, BallotError> {
        match (&cx.actor.person, &cx.actor.guest) {
            (Some(person), _) => Ok(person.name.clone()),
            (None, Some(guest)) => guest
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .ok_or(BallotError::UnnamedInvitation),
            (None, None) => Err(BallotError::UnnamedInvitation),
        }
    }
}
