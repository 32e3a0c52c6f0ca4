//! The ports through which server functions reach the server. The UI crate defines what it needs;
//! the server crate implements it, so `app` never depends on a database driver. Every call
//! carries the [`RequestContext`] the server established (who is asking, from where), and the
//! implementation asks `domain::policy` before it acts.

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::assets::import::{RegisterImport, RegisterSummary};
use crate::domain::assets::{AssetDraft, RegisterView, TeamDraft};
use crate::domain::board::acta::Acta;
use crate::domain::board::acta::ActaSheet;
use crate::domain::board::approval::{Approval, ApprovalRequest, TextEdit};
use crate::domain::board::evidence::Evidence;
use crate::domain::board::review::BoardHistory;
use crate::domain::board::vote::{Choice, Closing, PollDesk, PollRequest};
use crate::domain::board::{BoardAccess, BoardView};
use crate::domain::dashboard::{Dashboard, DashboardQuery};
use crate::domain::escalation::{Escalation, EscalationRequest};
use crate::domain::identity::{
    Account, AccountRequest, Actor, AuditEntry, AuditQuery, Invitation, MesaRole,
};
use crate::domain::indicators::import::{ImportPreview, ImportSummary};
use crate::domain::indicators::{IndicatorCatalogue, IndicatorDetail};
use crate::domain::mail::{MailDesk, MailState, OutboxEntry};
use crate::domain::situation::{SituationQuery, SituationView};
use crate::domain::{
    Member, MemberRequest, MesaDetail, MesaSummary, NewMember, ScheduleRequest, Session,
    SessionAction, SessionDetail, SessionEdit,
};
use crate::error::AppError;

/// Who sent the request, as the server established it (cookie, bearer or invitation), and the
/// client's address (throttling). The server puts it in the request's extensions.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub actor: Actor,
    pub client: String,
    /// `https://sala.example` as the browser reached the server (links, QR codes).
    pub origin: String,
    /// The digest of this browser's web session, to end it at sign-out.
    pub web_session: Option<String>,
}

/// The request's context, as the server's middleware left it (anonymous if none).
pub fn request_context() -> RequestContext {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .unwrap_or_default()
}

/// A cookie the server function's response sets (`Set-Cookie` value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie(pub String);

/// Hands `cookie` to the current response.
pub fn set_cookie(cookie: &SetCookie) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = http::HeaderValue::from_str(&cookie.0)
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

#[async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn mesa_summaries(&self, cx: &RequestContext) -> Result<Vec<MesaSummary>, AppError>;
    /// A Mesa's page; members' contacts only for those the policy lets see them.
    async fn mesa_detail(&self, cx: &RequestContext, code: &str) -> Result<MesaDetail, AppError>;
    async fn add_member(&self, cx: &RequestContext, member: NewMember) -> Result<Member, AppError>;
    /// `keep_contact`: the form did not show the contact (the page may not read it), so the stored
    /// one stays.
    async fn update_member(
        &self,
        cx: &RequestContext,
        id: i64,
        member: MemberRequest,
        keep_contact: bool,
    ) -> Result<Member, AppError>;
    /// Soft removal as of today (Bogotá): past actas keep the name.
    async fn remove_member(&self, cx: &RequestContext, id: i64) -> Result<Member, AppError>;
    async fn schedule_session(
        &self,
        cx: &RequestContext,
        session: ScheduleRequest,
    ) -> Result<Session, AppError>;
    /// Schedules a recurring series of sessions, all or none, skipping festivos.
    async fn schedule_series(
        &self,
        cx: &RequestContext,
        series: crate::domain::series::SeriesRequest,
    ) -> Result<crate::domain::series::ScheduledSeries, AppError>;
    /// The Mesa's standing agenda (what new sessions start with), for its Mesa page.
    async fn agenda_template(
        &self,
        cx: &RequestContext,
        mesa: &str,
    ) -> Result<Vec<crate::domain::agenda_template::TemplatePoint>, AppError>;
    /// Replaces it (the Mesa's coordination); `text` is one point per line.
    async fn set_agenda_template(
        &self,
        cx: &RequestContext,
        mesa: &str,
        text: &str,
    ) -> Result<Vec<crate::domain::agenda_template::TemplatePoint>, AppError>;
    /// Corrects or reschedules a session that has not started.
    async fn edit_session(
        &self,
        cx: &RequestContext,
        id: i64,
        edit: SessionEdit,
    ) -> Result<Session, AppError>;
    async fn cancel_session(
        &self,
        cx: &RequestContext,
        id: i64,
        reason: String,
    ) -> Result<Session, AppError>;
    /// Starts or closes the meeting from its page.
    async fn meeting_action(
        &self,
        cx: &RequestContext,
        id: i64,
        action: SessionAction,
    ) -> Result<Session, AppError>;
    async fn session_detail(&self, cx: &RequestContext, id: i64)
    -> Result<SessionDetail, AppError>;
    /// What the asker is on the board, and the board.
    async fn board_access(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<BoardAccess, AppError>;
    /// Closes the session from its board: freezes the board and writes the acta. Returns the
    /// acta's number.
    async fn close_board(&self, cx: &RequestContext, session_id: i64) -> Result<i64, AppError>;
    async fn acta(&self, cx: &RequestContext, session_id: i64) -> Result<Acta, AppError>;
    async fn board_history(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<BoardHistory, AppError>;
    async fn board_at(
        &self,
        cx: &RequestContext,
        session_id: i64,
        step: usize,
    ) -> Result<BoardView, AppError>;
    async fn dashboard(
        &self,
        cx: &RequestContext,
        query: DashboardQuery,
    ) -> Result<Dashboard, AppError>;
    /// Sends a barrier of `request.session`'s board to the next level.
    async fn escalate_barrier(
        &self,
        cx: &RequestContext,
        request: EscalationRequest,
    ) -> Result<Escalation, AppError>;
    /// The receiving Mesa's coordination decides (`aceptar`, `devolver`, `responder`, `escalar`).
    async fn act_on_escalation(
        &self,
        cx: &RequestContext,
        id: i64,
        action: String,
        text: String,
        answer_by: String,
        by: String,
    ) -> Result<Escalation, AppError>;
    /// What a Mesa received and sent, and whether the asker may decide what it received.
    /// `session`: read from that session's board (its readers read the Mesa's escalations).
    async fn escalation_inbox(
        &self,
        cx: &RequestContext,
        mesa: String,
        session: Option<i64>,
    ) -> Result<crate::domain::escalation::EscalationInbox, AppError>;
    async fn barrier_chain(
        &self,
        cx: &RequestContext,
        session: i64,
        barrier: String,
    ) -> Result<Vec<Escalation>, AppError>;
    async fn commitment_history(
        &self,
        cx: &RequestContext,
        session: i64,
        commitment: String,
    ) -> Result<crate::domain::board::review::CommitmentHistory, AppError>;
}

/// People, sign-in, invitations and the audit log.
#[async_trait]
pub trait Accounts: Send + Sync + 'static {
    async fn sign_in(
        &self,
        cx: &RequestContext,
        email: String,
        password: String,
    ) -> Result<SetCookie, AppError>;
    /// The single sign-on button's text, when an identity provider is configured.
    async fn single_sign_on(&self) -> Option<String>;
    /// Ends this browser's web session (and its live boards); clears both cookies.
    async fn sign_out(&self, cx: &RequestContext) -> Result<Vec<SetCookie>, AppError>;
    /// Whose setup link this is (the page greets them), while it is valid.
    async fn setup_link_owner(&self, secret: String) -> Result<String, AppError>;
    async fn complete_setup(
        &self,
        secret: String,
        password: String,
        repeated: String,
    ) -> Result<SetCookie, AppError>;
    async fn my_account(&self, cx: &RequestContext) -> Result<Account, AppError>;
    async fn update_my_account(
        &self,
        cx: &RequestContext,
        request: AccountRequest,
    ) -> Result<Account, AppError>;
    async fn change_password(
        &self,
        cx: &RequestContext,
        current: String,
        password: String,
        repeated: String,
    ) -> Result<(), AppError>;
    async fn access_tokens(
        &self,
        cx: &RequestContext,
    ) -> Result<Vec<crate::domain::identity::AccessToken>, AppError>;
    /// A new personal access token for scripts, with the person's own rights: shown once.
    async fn mint_access_token(
        &self,
        cx: &RequestContext,
        label: String,
    ) -> Result<String, AppError>;
    async fn revoke_access_token(&self, cx: &RequestContext, id: i64) -> Result<(), AppError>;
    async fn calendar_feeds(
        &self,
        cx: &RequestContext,
    ) -> Result<Vec<crate::domain::identity::CalendarFeed>, AppError>;
    /// A private calendar URL: a Mesa's sessions, or (`None`) one's own sessions and
    /// commitments. Returns the URL, shown once.
    async fn create_calendar_feed(
        &self,
        cx: &RequestContext,
        mesa: Option<String>,
    ) -> Result<String, AppError>;
    async fn revoke_calendar_feed(&self, cx: &RequestContext, id: i64) -> Result<(), AppError>;
    async fn people(&self, cx: &RequestContext) -> Result<Vec<Account>, AppError>;
    /// Creates a person; returns the setup link to hand them.
    async fn create_person(
        &self,
        cx: &RequestContext,
        request: AccountRequest,
        admin: bool,
    ) -> Result<(Account, String), AppError>;
    async fn grant_role(
        &self,
        cx: &RequestContext,
        account: i64,
        mesa: String,
        role: Option<MesaRole>,
    ) -> Result<Account, AppError>;
    async fn set_active(
        &self,
        cx: &RequestContext,
        account: i64,
        active: bool,
    ) -> Result<Account, AppError>;
    /// A new setup link for a person who forgot their password.
    async fn reset_link(&self, cx: &RequestContext, account: i64) -> Result<String, AppError>;
    async fn invitations(
        &self,
        cx: &RequestContext,
        session: i64,
    ) -> Result<Vec<Invitation>, AppError>;
    /// A guest link for the session: `role` participante or observador, expiry in hours
    /// (default: when the session closes).
    async fn create_invitation(
        &self,
        cx: &RequestContext,
        session: i64,
        role: String,
        name: String,
        hours: Option<i64>,
    ) -> Result<Invitation, AppError>;
    async fn revoke_invitation(
        &self,
        cx: &RequestContext,
        session: i64,
        nonce: String,
    ) -> Result<(), AppError>;
    /// The projector's "join from your phone" link, as an SVG QR code and the link.
    async fn projector_join(
        &self,
        cx: &RequestContext,
        session: i64,
    ) -> Result<(String, String), AppError>;
    async fn audit(
        &self,
        cx: &RequestContext,
        query: AuditQuery,
    ) -> Result<Vec<AuditEntry>, AppError>;
    async fn set_publishes_actas(
        &self,
        cx: &RequestContext,
        mesa: String,
        publish: bool,
    ) -> Result<(), AppError>;
}

/// The territory's indicators: the catalogue, one indicator across the territories, and the
/// uploads (their preview, applying or discarding them). Uploading itself is a plain form post
/// to the server (`/indicadores/importar`), which then opens the preview.
#[async_trait]
pub trait Indicators: Send + Sync + 'static {
    async fn indicator_catalogue(
        &self,
        cx: &RequestContext,
    ) -> Result<IndicatorCatalogue, AppError>;
    /// `territory`: a localidad, UPZ, zona or `distrito` (the district if empty).
    async fn indicator_detail(
        &self,
        cx: &RequestContext,
        code: String,
        territory: String,
    ) -> Result<IndicatorDetail, AppError>;
    async fn import_preview(&self, cx: &RequestContext, id: i64)
    -> Result<ImportPreview, AppError>;
    /// Applies the upload if every row is right and the person may load every territory in it.
    async fn apply_import(&self, cx: &RequestContext, id: i64) -> Result<ImportSummary, AppError>;
    async fn discard_import(&self, cx: &RequestContext, id: i64) -> Result<(), AppError>;
    /// The catalogue's indicators as a board's card offers them, `(code, name)`.
    async fn indicator_choices(
        &self,
        cx: &RequestContext,
    ) -> Result<Vec<(String, String)>, AppError>;
    /// The latest figure of each of `codes` for `territory` (a localidad's code or name, as a
    /// barrier's card holds it), or for the Mesa's own territory when it names none.
    async fn indicator_figures(
        &self,
        cx: &RequestContext,
        mesa: String,
        territory: String,
        codes: Vec<String>,
    ) -> Result<Vec<crate::domain::situation::KeyIndicator>, AppError>;
    /// A Mesa's situation room.
    async fn situation(
        &self,
        cx: &RequestContext,
        mesa: String,
        query: SituationQuery,
    ) -> Result<SituationView, AppError>;
}

/// The register of social assets and territorial teams. Files are posted as multipart to the
/// server (`/activos/importar`), which then opens the import's result.
#[async_trait]
pub trait Register: Send + Sync + 'static {
    /// `territory`: a localidad, zona or `distrito` (the district if empty).
    async fn register(
        &self,
        cx: &RequestContext,
        territory: String,
    ) -> Result<RegisterView, AppError>;
    /// Adds the asset, or corrects the one with its code.
    async fn save_asset(
        &self,
        cx: &RequestContext,
        draft: AssetDraft,
    ) -> Result<RegisterSummary, AppError>;
    async fn save_team(
        &self,
        cx: &RequestContext,
        draft: TeamDraft,
    ) -> Result<RegisterSummary, AppError>;
    async fn remove_asset(&self, cx: &RequestContext, code: String) -> Result<(), AppError>;
    async fn remove_team(&self, cx: &RequestContext, code: String) -> Result<(), AppError>;
    /// Reads and checks a whole file; saves it only if every row is right and the person may
    /// write every localidad in it. Either way the outcome is recorded: returns its id.
    async fn import_register_file(
        &self,
        cx: &RequestContext,
        file_name: String,
        data: Vec<u8>,
    ) -> Result<i64, AppError>;
    async fn register_import(
        &self,
        cx: &RequestContext,
        id: i64,
    ) -> Result<RegisterImport, AppError>;
    /// The assets a board of this Mesa offers: its territory's (a zona's localidades', or all
    /// for the district), as `(code, label)`.
    async fn asset_choices(
        &self,
        cx: &RequestContext,
        mesa: String,
    ) -> Result<Vec<(String, String)>, AppError>;
}

/// An acta after closing: its draft, observations, corrections and approval.
#[async_trait]
pub trait Actas: Send + Sync + 'static {
    /// The acta with what the person may do on it today.
    async fn acta_sheet(&self, cx: &RequestContext, session_id: i64)
    -> Result<ActaSheet, AppError>;
    /// Returns the observation's number.
    async fn observe_acta(
        &self,
        cx: &RequestContext,
        session_id: i64,
        text: String,
    ) -> Result<i64, AppError>;
    async fn answer_observation(
        &self,
        cx: &RequestContext,
        session_id: i64,
        observation: i64,
        text: String,
    ) -> Result<(), AppError>;
    async fn correct_acta(
        &self,
        cx: &RequestContext,
        session_id: i64,
        edit: TextEdit,
    ) -> Result<(), AppError>;
    async fn approve_acta(
        &self,
        cx: &RequestContext,
        session_id: i64,
        request: ApprovalRequest,
    ) -> Result<Approval, AppError>;
}

/// Votes and consensus checks on the agreements of a running session.
#[async_trait]
pub trait Votes: Send + Sync + 'static {
    /// The session's polls and what this person may do with them.
    async fn poll_desk(&self, cx: &RequestContext, session_id: i64) -> Result<PollDesk, AppError>;
    /// Returns the poll's number.
    async fn open_poll(
        &self,
        cx: &RequestContext,
        session_id: i64,
        request: PollRequest,
    ) -> Result<i64, AppError>;
    /// One's own ballot, from one's device.
    async fn cast_ballot(
        &self,
        cx: &RequestContext,
        poll_id: i64,
        choice: Choice,
        reason: String,
    ) -> Result<(), AppError>;
    /// The coordination records the ballot of a member in the room.
    async fn record_ballot(
        &self,
        cx: &RequestContext,
        poll_id: i64,
        attendee_id: String,
        choice: Choice,
        reason: String,
    ) -> Result<(), AppError>;
    /// Writes the result into the agreement.
    async fn close_poll(&self, cx: &RequestContext, poll_id: i64) -> Result<Closing, AppError>;
}

/// Evidence files on a board's commitments and follow-up reviews.
#[async_trait]
pub trait EvidenceFiles: Send + Sync + 'static {
    /// The session's files (what its readers see).
    async fn evidence(
        &self,
        cx: &RequestContext,
        session_id: i64,
    ) -> Result<Vec<Evidence>, AppError>;
    /// Attaches `data` to record `record_id` of `record_root`, refusing what is not evidence
    /// (by content) or weighs more than `max_bytes`.
    async fn attach_evidence(
        &self,
        cx: &RequestContext,
        session_id: i64,
        upload: EvidenceUpload,
        max_bytes: usize,
    ) -> Result<Evidence, AppError>;
    /// A file and its bytes, for whoever may read the board.
    async fn evidence_file(
        &self,
        cx: &RequestContext,
        session_id: i64,
        id: i64,
    ) -> Result<(Evidence, Vec<u8>), AppError>;
    async fn remove_evidence(
        &self,
        cx: &RequestContext,
        session_id: i64,
        id: i64,
    ) -> Result<(), AppError>;
}

/// The mail queue, for the district's administration.
#[async_trait]
pub trait Mailroom: Send + Sync + 'static {
    /// Whether mail is configured, how many messages stand where, and the latest ones.
    async fn mail_desk(&self, cx: &RequestContext) -> Result<MailDesk, AppError>;
    /// Sends a stopped message again (`Pendiente`) or discards it (`Descartado`).
    async fn set_mail_state(
        &self,
        cx: &RequestContext,
        id: i64,
        to: MailState,
    ) -> Result<OutboxEntry, AppError>;
}

/// A file as it arrives to be attached.
#[derive(Debug, Clone)]
pub struct EvidenceUpload {
    pub record_root: String,
    pub record_id: String,
    pub file_name: String,
    pub data: Vec<u8>,
}

/// What the server puts in Leptos' context for every request.
pub type SharedBackend = Arc<dyn Backend>;
pub type SharedActas = Arc<dyn Actas>;
pub type SharedVotes = Arc<dyn Votes>;
pub type SharedEvidence = Arc<dyn EvidenceFiles>;
pub type SharedMailroom = Arc<dyn Mailroom>;
pub type SharedAccounts = Arc<dyn Accounts>;
pub type SharedIndicators = Arc<dyn Indicators>;
pub type SharedRegister = Arc<dyn Register>;

pub(crate) fn backend() -> Result<SharedBackend, AppError> {
    leptos::prelude::use_context::<SharedBackend>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró el almacenamiento".into()))
}

pub(crate) fn actas() -> Result<SharedActas, AppError> {
    leptos::prelude::use_context::<SharedActas>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró las actas".into()))
}

pub(crate) fn evidence_files() -> Result<SharedEvidence, AppError> {
    leptos::prelude::use_context::<SharedEvidence>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró las evidencias".into()))
}

pub(crate) fn mailroom() -> Result<SharedMailroom, AppError> {
    leptos::prelude::use_context::<SharedMailroom>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró el correo".into()))
}

pub(crate) fn votes() -> Result<SharedVotes, AppError> {
    leptos::prelude::use_context::<SharedVotes>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró las votaciones".into()))
}

pub(crate) fn indicators() -> Result<SharedIndicators, AppError> {
    leptos::prelude::use_context::<SharedIndicators>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró los indicadores".into()))
}

pub(crate) fn register() -> Result<SharedRegister, AppError> {
    leptos::prelude::use_context::<SharedRegister>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró el registro de activos".into()))
}

pub(crate) fn accounts() -> Result<SharedAccounts, AppError> {
    leptos::prelude::use_context::<SharedAccounts>()
        .ok_or_else(|| AppError::Internal("el servidor no configuró las cuentas".into()))
}
