//! The store seen through the UI's [`Backend`] port: adds the clock, asks the policy before
//! every act (`access.rs`), records administrative acts in the audit log and maps storage errors.
//! Reading, freezing and replaying a board is in `board.rs`; escalations in `escalations.rs`;
//! people in `accounts.rs`, guest links in `guests.rs`.

mod access;
mod accounts;
mod actas;
mod board;
mod calendars;
mod changes;
mod escalations;
mod evidence;
mod guests;
mod indicators;
mod lifecycle;
mod mail;
mod register;
mod replays;
mod series;
mod situation;
mod votes;

use app::domain::agenda_template::{TemplatePoint, parse_template};
use app::domain::board::BoardRole;
use app::domain::board::acta::Acta;
use app::domain::board::review::BoardHistory;
use app::domain::board::{BoardAccess, BoardView};
use app::domain::dashboard::{Dashboard, DashboardQuery};
use app::domain::escalation::{Escalation, EscalationInbox, EscalationRequest};
use app::domain::policy::{self, Act};
use app::domain::series::{ScheduledSeries, SeriesRequest};
use app::domain::{
    Member, MemberRequest, MesaDetail, MesaPowers, MesaSummary, NewMember, ScheduleRequest,
    Session, SessionAction, SessionDetail, SessionEdit, SessionStatus, bogota, format_bogota,
    validate_cancellation,
};
use app::error::AppError;
use app::ssr::{Backend, RequestContext};
use async_trait::async_trait;
use chrono::Utc;

use access::may;
pub(crate) use access::{place_of, require, require_dashboard};
pub(crate) use calendars::feed_calendar;
pub use changes::{SessionChanges, Topic};
pub(crate) use indicators::may_import_somewhere;

use super::sockets::Sockets;
use crate::dashboards::Dashboards;
use crate::identity::Identity;
use crate::indicators::Imports;
use crate::indicators::cache::IndicatorCache;
use crate::mail::Postman;
use crate::mail::letters::Convening;
use crate::projection::Projections;
use crate::store::Store;
use crate::sync::SyncHub;

pub struct StoreBackend {
    store: Store,
    sync: SyncHub,
    identity: Identity,
    sockets: Sockets,
    projections: Projections,
    dashboards: Dashboards,
    replays: replays::Replays,
    imports: Imports,
    indicator_data: IndicatorCache,
    changes: SessionChanges,
    postman: Postman,
}

impl StoreBackend {
    pub fn new(
        store: Store,
        sync: SyncHub,
        identity: Identity,
        sockets: Sockets,
        projections: Projections,
        dashboards: Dashboards,
        imports: Imports,
    ) -> Self {
        Self {
            indicator_data: IndicatorCache::new(store.clone()),
            store,
            sync,
            identity,
            sockets,
            projections,
            dashboards,
            replays: replays::Replays::default(),
            imports,
            changes: SessionChanges::default(),
            postman: Postman::default(),
        }
    }

    /// The same backend sending mail through `postman`.
    pub fn with_postman(mut self, postman: Postman) -> Self {
        self.postman = postman;
        self
    }

    /// Where the session event streams of boards and projectors hear of changes.
    pub fn session_changes(&self) -> SessionChanges {
        self.changes.clone()
    }

    /// Records an administrative act. A failure to record is logged, not shown: the act itself
    /// already happened.
    async fn audit(&self, cx: &RequestContext, action: &str, target: &str, detail: &str) {
        let actor = match cx.actor.display_name() {
            Some(name) => format!("{} ({name})", cx.actor.principal()),
            None => cx.actor.principal(),
        };
        if let Err(error) = self
            .store
            .audit(&actor, action, target, detail, Utc::now())
            .await
        {
            tracing::error!(%error, action, "could not write the audit log");
        }
    }
}

#[async_trait]
impl Backend for StoreBackend {
    async fn mesa_summaries(&self, _cx: &RequestContext) -> Result<Vec<MesaSummary>, AppError> {
        Ok(self.store.mesa_summaries(Utc::now()).await?)
    }

    async fn mesa_detail(&self, cx: &RequestContext, code: &str) -> Result<MesaDetail, AppError> {
        let mut detail = self.store.mesa_detail(code, Utc::now()).await?;
        let place = self.place_of(code).await?;
        let target = place.mesa();
        if !may(cx, Act::SeeContacts, &target) {
            // Officials' phones and e-mails are personal data, not public.
            for member in detail.members.iter_mut().chain(&mut detail.former_members) {
                member.contact = None;
            }
            detail.contacts_visible = false;
        }
        detail.powers = MesaPowers {
            schedule: may(cx, Act::ScheduleSession, &target),
            manage_members: may(cx, Act::ManageMembers, &target),
            decide_escalations: may(cx, Act::DecideEscalation, &target),
            read_boards: may(cx, Act::ReadBoard, &target),
            signed_in: cx.actor.person.is_some(),
        };
        detail.publishes_actas = place.publishes_actas;
        detail.mail_enabled = self.mail_configured();
        Ok(detail)
    }

    async fn add_member(&self, cx: &RequestContext, member: NewMember) -> Result<Member, AppError> {
        require(
            cx,
            Act::ManageMembers,
            &self.place_of(member.mesa_code()).await?.mesa(),
        )?;
        let added = self.store.add_member(&member, Utc::now()).await?;
        self.audit(cx, "integrante agregado", &added.mesa_code, &added.name)
            .await;
        Ok(added)
    }

    async fn update_member(
        &self,
        cx: &RequestContext,
        id: i64,
        mut member: MemberRequest,
        keep_contact: bool,
    ) -> Result<Member, AppError> {
        let current = self.store.get_member(id).await?;
        require(
            cx,
            Act::ManageMembers,
            &self.place_of(&current.mesa_code).await?.mesa(),
        )?;
        member.mesa = current.mesa_code.clone();
        if keep_contact {
            // The form could not show the contact, so it did not send it: it stays as it was.
            member.contact = current.contact.unwrap_or_default();
        }
        let mut updated = self.store.update_member(id, &member.validate()?).await?;
        self.audit(
            cx,
            "integrante corregido",
            &updated.mesa_code,
            &updated.name,
        )
        .await;
        if keep_contact {
            updated.contact = None;
        }
        Ok(updated)
    }

    async fn remove_member(&self, cx: &RequestContext, id: i64) -> Result<Member, AppError> {
        let current = self.store.get_member(id).await?;
        require(
            cx,
            Act::ManageMembers,
            &self.place_of(&current.mesa_code).await?.mesa(),
        )?;
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        let removed = self.store.remove_member(id, today).await?;
        self.audit(cx, "integrante retirado", &removed.mesa_code, &removed.name)
            .await;
        Ok(removed)
    }

    async fn schedule_session(
        &self,
        cx: &RequestContext,
        request: ScheduleRequest,
    ) -> Result<Session, AppError> {
        self.require_on_mesa(cx, Act::ScheduleSession, &request.mesa)
            .await?;
        let session = request.validate(Utc::now())?;
        let now = Utc::now();
        let created = self
            .store
            .create_session_with_board(&session, now, |carried| {
                crate::sync::followup::seed_update(carried, now)
            })
            .await?;
        self.audit(
            cx,
            "sesión programada",
            &format!(
                "sesión {} ({} n.º {})",
                created.id, created.mesa_code, created.seq
            ),
            &format_bogota(created.scheduled_at),
        )
        .await;
        self.announce_session(&created, Convening::Scheduled).await;
        Ok(created)
    }

    async fn schedule_series(
        &self,
        cx: &RequestContext,
        request: SeriesRequest,
    ) -> Result<ScheduledSeries, AppError> {
        self.schedule_series_of(cx, request).await
    }

    async fn agenda_template(
        &self,
        cx: &RequestContext,
        mesa: &str,
    ) -> Result<Vec<TemplatePoint>, AppError> {
        self.require_on_mesa(cx, Act::ScheduleSession, mesa).await?;
        Ok(self.store.agenda_template(mesa).await?)
    }

    async fn set_agenda_template(
        &self,
        cx: &RequestContext,
        mesa: &str,
        text: &str,
    ) -> Result<Vec<TemplatePoint>, AppError> {
        self.require_on_mesa(cx, Act::ScheduleSession, mesa).await?;
        let points = parse_template(text)?;
        let by = cx
            .actor
            .display_name()
            .map_or_else(|| cx.actor.principal(), str::to_owned);
        self.store
            .set_agenda_template(mesa, &points, &by, Utc::now())
            .await?;
        self.audit(
            cx,
            "orden del día tipo",
            mesa,
            &format!("{} puntos", points.len()),
        )
        .await;
        Ok(points)
    }

    async fn edit_session(
        &self,
        cx: &RequestContext,
        id: i64,
        edit: SessionEdit,
    ) -> Result<Session, AppError> {
        let (current, place) = self.session_place(id).await?;
        require(cx, Act::ScheduleSession, &place.mesa())?;
        let changes = edit.validate(&current, Utc::now())?;
        let edited = self.store.update_session(id, &changes).await?;
        self.audit(
            cx,
            "sesión corregida",
            &format!("sesión {id}"),
            &format_bogota(edited.scheduled_at),
        )
        .await;
        // a change of what people need to attend, not of a typo nobody acts on
        if (edited.scheduled_at, &edited.place, edited.mode)
            != (current.scheduled_at, &current.place, current.mode)
        {
            let moved_from =
                (edited.scheduled_at != current.scheduled_at).then_some(current.scheduled_at);
            self.announce_session(&edited, Convening::Changed { moved_from })
                .await;
        }
        Ok(edited)
    }

    async fn cancel_session(
        &self,
        cx: &RequestContext,
        id: i64,
        reason: String,
    ) -> Result<Session, AppError> {
        let (current, place) = self.session_place(id).await?;
        require(cx, Act::ScheduleSession, &place.mesa())?;
        let reason = validate_cancellation(&current, &reason)?;
        let cancelled = self.store.cancel_session(id, &reason, Utc::now()).await?;
        // Whoever has its board open sees it turn read-only, and what its board held leaves the
        // dashboards.
        self.sync.freeze(id).await?;
        self.projections.invalidate();
        self.audit(cx, "sesión cancelada", &format!("sesión {id}"), &reason)
            .await;
        self.announce_session(&cancelled, Convening::Cancelled)
            .await;
        Ok(cancelled)
    }

    async fn meeting_action(
        &self,
        cx: &RequestContext,
        id: i64,
        action: SessionAction,
    ) -> Result<Session, AppError> {
        let (_, place) = self.session_place(id).await?;
        let act = Act::of_meeting(action).ok_or_else(|| {
            AppError::Conflict(
                "Para cancelar una sesión indique el motivo en la página de la Mesa.".into(),
            )
        })?;
        require(cx, act, &place.session(id))?;
        let changed = self.change_session_status(id, action).await?;
        let verb = match action {
            SessionAction::Iniciar => "sesión iniciada",
            _ => "sesión cerrada",
        };
        self.audit(cx, verb, &format!("sesión {id}"), "").await;
        Ok(changed)
    }

    async fn session_detail(
        &self,
        _cx: &RequestContext,
        id: i64,
    ) -> Result<SessionDetail, AppError> {
        // Dates and places are public; the board is not.
        Ok(self.store.session_detail(id).await?)
    }

    async fn board_access(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<BoardAccess, AppError> {
        let detail = self.store.session_detail(session_id).await?;
        let place = self.place_of(&detail.mesa.code).await?;
        let target = place.session(session_id);
        require(cx, Act::ReadBoard, &target)?;
        let role = policy::board_role(&cx.actor, &target).unwrap_or(BoardRole::Observador);
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
        let storage_notice = if may(cx, Act::ScheduleSession, &place.mesa()) {
            self.storage_notice(session_id).await?
        } else {
            None
        };
        Ok(BoardAccess {
            storage_notice,
            writable: policy::writes_board(&cx.actor, &target, detail.session.status),
            role,
            invited_name: cx.actor.display_name().map(str::to_owned),
            // The browser's socket authenticates with its cookie.
            sync_path: format!("/sync/{session_id}"),
            invite_guests: may(cx, Act::InviteGuests, &target),
            signed_in: cx
                .actor
                .person
                .as_ref()
                .map(|p| (p.name.clone(), p.institution.clone(), p.sector.clone())),
            roster,
            board: board.0,
            acta_number: board.1,
            detail,
        })
    }

    async fn close_board(&self, cx: &RequestContext, session_id: i64) -> Result<i64, AppError> {
        let (session, place) = self.session_place(session_id).await?;
        require(cx, Act::CloseMeeting, &place.session(session_id))?;
        if session.status == SessionStatus::Cerrada && self.store.acta(session_id).await?.is_none()
        {
            // Closed, but writing its acta failed last time: write it now.
            self.record_acta(&session).await?;
        } else {
            self.change_session_status(session_id, SessionAction::Cerrar)
                .await?;
            self.audit(cx, "sesión cerrada", &format!("sesión {session_id}"), "")
                .await;
        }
        self.store
            .acta(session_id)
            .await?
            .map(|acta| acta.number)
            .ok_or_else(|| AppError::Internal("el acta no quedó registrada".into()))
    }

    async fn acta(&self, cx: &RequestContext, session_id: i64) -> Result<Acta, AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ReadActa, &place.session(session_id))?;
        self.store.acta(session_id).await?.ok_or_else(|| {
            AppError::NotFound("El acta estará disponible cuando se cierre la sesión.".into())
        })
    }

    async fn board_history(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<BoardHistory, AppError> {
        let (session, place) = self.session_place(session_id).await?;
        require(cx, Act::ReadBoard, &place.session(session_id))?;
        let timeline = self.timeline(session_id).await?;
        let members = match self.store.acta(session_id).await? {
            Some(acta) => acta.members,
            None => self.store.members_of(&session.mesa_code).await?.len(),
        };
        Ok(replays::history(&timeline, members))
    }

    async fn dashboard(
        &self,
        cx: &RequestContext,
        query: DashboardQuery,
    ) -> Result<Dashboard, AppError> {
        require_dashboard(&self.store, cx, &query).await?;
        Ok((*self.dashboards.get(query).await?).clone())
    }

    async fn escalate_barrier(
        &self,
        cx: &RequestContext,
        request: EscalationRequest,
    ) -> Result<Escalation, AppError> {
        self.send_up(cx, request).await
    }

    async fn act_on_escalation(
        &self,
        cx: &RequestContext,
        id: i64,
        action: String,
        text: String,
        answer_by: String,
        by: String,
    ) -> Result<Escalation, AppError> {
        self.decide_escalation(cx, id, action, text, answer_by, by)
            .await
    }

    async fn escalation_inbox(
        &self,
        cx: &RequestContext,
        mesa: String,
        session: Option<i64>,
    ) -> Result<EscalationInbox, AppError> {
        self.inbox_of(cx, mesa, session).await
    }

    async fn barrier_chain(
        &self,
        cx: &RequestContext,
        session: i64,
        barrier: String,
    ) -> Result<Vec<Escalation>, AppError> {
        let (_, place) = self.session_place(session).await?;
        require(cx, Act::ReadBoard, &place.session(session))?;
        Ok(self.store.barrier_chain(session, &barrier).await?)
    }

    async fn commitment_history(
        &self,
        cx: &RequestContext,
        session: i64,
        commitment: String,
    ) -> Result<app::domain::board::review::CommitmentHistory, AppError> {
        let (_, place) = self.session_place(session).await?;
        require(cx, Act::ReadBoard, &place.session(session))?;
        Ok(self.store.commitment_history(session, &commitment).await?)
    }

    async fn board_at(
        &self,
        cx: &RequestContext,
        session_id: i64,
        step: usize,
    ) -> Result<BoardView, AppError> {
        let (_, place) = self.session_place(session_id).await?;
        require(cx, Act::ReadBoard, &place.session(session_id))?;
        Ok((*self.board_at_step(session_id, step).await?).clone())
    }
}
