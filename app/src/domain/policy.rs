//! Who may do what, decided in one place: [`decide`]`(actor, act, target)`. Pages ask it to show
//! or hide a control; every server function, JSON handler and WebSocket upgrade asks it before
//! doing the thing.
//!
//! Roles are held per Mesa. A role on a Mesa also lets its holder *read* the Mesas below it
//! (a zonal Mesa's locals; the district's everything), as in health information systems with an
//! organisation-unit tree; writes never inherit. Invitations act on their own session (or, for a
//! coordination's invitation, their Mesa) with the role they carry.

use super::board::BoardRole;
use super::identity::{Actor, GuestScope, MesaRole};
use super::{SessionAction, SessionStatus};

/// Something a person does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    /// Read a session's board, its review, the Mesa's dashboards and commitments.
    ReadBoard,
    /// Read a closed session's acta (public when the Mesa publishes its actas).
    ReadActa,
    /// *Iniciar reunión*.
    StartMeeting,
    /// *Cerrar reunión* (writes the acta).
    CloseMeeting,
    /// Write on the live board.
    EditBoard,
    /// Mark the agenda item being discussed (and start its timer). Enforced by the page only:
    /// the board's document is shared by every writer, so a Yjs client of a participant could
    /// still set it (the server refuses writes by role, not by field).
    LeadAgenda,
    /// Send a barrier to the next level.
    Escalate,
    /// Accept, return, answer or escalate further what another Mesa sent.
    DecideEscalation,
    /// Read the members' contact data (personal data: the Mesa's coordination only).
    SeeContacts,
    /// Schedule, correct, reschedule or cancel the Mesa's sessions.
    ScheduleSession,
    /// Add, correct and remove the Mesa's members.
    ManageMembers,
    /// Create and revoke guest links and see who used them.
    InviteGuests,
    /// District administration: people, Mesas and role assignments.
    ManagePeople,
    /// Read the audit log.
    ReadAudit,
    /// Read the territory's indicators and the situation room's figures (aggregated data).
    ReadIndicators,
    /// Load the territory's indicators (definitions on the district; values on the Mesa that
    /// answers for their territory).
    ManageIndicators,
    /// Add, correct and remove the territory's social assets and teams (same rule as loading its
    /// indicators: the coordination of the localidad or of a Mesa above it).
    ManageAssets,
    /// Read the institutional contacts of the register (signed-in people, not a projector's
    /// invitation).
    SeeAssetContacts,
    /// Leave an observation on a session's draft acta (its participants and coordination:
    /// signed in with a role on the Mesa, or with the session's link).
    ObserveActa,
    /// Answer the observations, correct the draft's texts and approve the acta.
    ApproveActa,
    /// Have a private calendar URL (a Mesa's sessions, or one's own sessions and commitments):
    /// signed-in people, as a feed belongs to someone who can revoke it.
    SubscribeCalendar,
    /// Open and close a vote or consensus check on an agreement, and record the ballots of the
    /// members in the room: the session's coordination.
    ConductVote,
    /// Cast one's own ballot from one's device (the server also checks that one sits for a
    /// member on the board's attendance).
    CastVote,
    /// See the mail queue and send a stopped message again or discard it (the district's
    /// administration: the queue holds every Mesa's mail).
    ManageMail,
}

impl Act {
    pub const ALL: [Act; 24] = [
        Self::ReadBoard,
        Self::ReadActa,
        Self::StartMeeting,
        Self::CloseMeeting,
        Self::EditBoard,
        Self::LeadAgenda,
        Self::Escalate,
        Self::DecideEscalation,
        Self::SeeContacts,
        Self::ScheduleSession,
        Self::ManageMembers,
        Self::InviteGuests,
        Self::ManagePeople,
        Self::ReadAudit,
        Self::ReadIndicators,
        Self::ManageIndicators,
        Self::ManageAssets,
        Self::SeeAssetContacts,
        Self::ObserveActa,
        Self::ApproveActa,
        Self::SubscribeCalendar,
        Self::ConductVote,
        Self::CastVote,
        Self::ManageMail,
    ];

    /// The act a session page's button performs; cancelling (which needs a reason) is done from
    /// the Mesa page.
    pub fn of_meeting(action: SessionAction) -> Option<Act> {
        match action {
            SessionAction::Iniciar => Some(Act::StartMeeting),
            SessionAction::Cerrar => Some(Act::CloseMeeting),
            SessionAction::Cancelar => None,
        }
    }

    /// "No tiene permiso para …" completes with this.
    fn describe(self) -> &'static str {
        match self {
            Act::ReadBoard => "ver los tableros de esta Mesa",
            Act::ReadActa => "leer esta acta",
            Act::StartMeeting => "iniciar la reunión",
            Act::CloseMeeting => "cerrar la reunión",
            Act::EditBoard => "escribir en este tablero",
            Act::LeadAgenda => "marcar el punto de la agenda",
            Act::Escalate => "escalar barreras",
            Act::DecideEscalation => "decidir los escalamientos de esta Mesa",
            Act::SeeContacts => "ver los datos de contacto de los integrantes",
            Act::ScheduleSession => "programar o corregir las sesiones de esta Mesa",
            Act::ManageMembers => "gestionar los integrantes de esta Mesa",
            Act::InviteGuests => "crear o revocar invitaciones",
            Act::ManagePeople => "administrar personas y roles",
            Act::ReadAudit => "leer el registro de auditoría",
            Act::ReadIndicators => "ver los indicadores del territorio",
            Act::ManageIndicators => "cargar indicadores de este territorio",
            Act::ManageAssets => "registrar activos y equipos de este territorio",
            Act::SeeAssetContacts => "ver los contactos del registro de activos",
            Act::ObserveActa => "dejar observaciones en el borrador del acta",
            Act::ApproveActa => "responder observaciones, corregir y aprobar el acta",
            Act::SubscribeCalendar => "suscribirse a un calendario",
            Act::ConductVote => "abrir, cerrar o registrar votaciones en esta sesión",
            Act::CastVote => "votar en esta sesión",
            Act::ManageMail => "administrar el envío de correos",
        }
    }

    /// Acts on a Mesa as a whole: its coordination's (a person's direct role, or a
    /// coordination's invitation).
    fn is_coordination(self) -> bool {
        matches!(
            self,
            Act::DecideEscalation
                | Act::SeeContacts
                | Act::ScheduleSession
                | Act::ManageMembers
                | Act::InviteGuests
                | Act::ApproveActa
        )
    }
}

/// A Mesa as the policy needs to know it.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub mesa: &'a str,
    /// The Mesas above it, nearest first (a local's zone, then the district).
    pub ancestors: &'a [String],
    /// The Mesa publishes its closed actas to signed-out visitors.
    pub publishes_actas: bool,
}

/// What an act is done to.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Sala as a whole (people, roles, audit).
    District,
    Mesa(Place<'a>),
    Session {
        place: Place<'a>,
        id: i64,
    },
}

impl<'a> Target<'a> {
    fn place(&self) -> Option<&Place<'a>> {
        match self {
            Target::District => None,
            Target::Mesa(place) | Target::Session { place, .. } => Some(place),
        }
    }
}

/// Why not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Nobody is signed in and no invitation came with the request: 401.
    #[error("Inicie sesión (o abra su enlace de invitación) para {}.", .0.describe())]
    SignIn(Act),
    /// Someone known whose role does not allow it: 403.
    #[error("No tiene permiso para {}.", .0.describe())]
    NotAllowed(Act),
}

/// The one permission decision.
pub fn decide(actor: &Actor, act: Act, target: &Target) -> Result<(), Denied> {
    if granted(actor, act, target) {
        Ok(())
    } else if actor.is_anonymous() {
        Err(Denied::SignIn(act))
    } else {
        Err(Denied::NotAllowed(act))
    }
}

/// `decide` as a yes/no, for pages choosing what to show.
pub fn allowed(actor: &Actor, act: Act, target: &Target) -> bool {
    granted(actor, act, target)
}

fn granted(actor: &Actor, act: Act, target: &Target) -> bool {
    match act {
        Act::ManagePeople | Act::ReadAudit | Act::ManageMail => {
            actor.person.as_ref().is_some_and(|p| p.admin)
        }
        // Aggregated figures, no personal data: anyone Sala knows (a person, or an invitation's
        // holder on the projector) reads them.
        Act::ReadIndicators => !actor.is_anonymous(),
        Act::ManageIndicators | Act::ManageAssets => loads_indicators(actor, target),
        Act::SeeAssetContacts | Act::SubscribeCalendar => actor.person.is_some(),
        Act::ReadActa => {
            target.place().is_some_and(|place| place.publishes_actas)
                || granted(actor, Act::ReadBoard, target)
        }
        Act::ReadBoard => {
            reads_inherited(actor, target)
                || acting_role(actor, target).is_some()
                || reads_as_coordination(actor, target)
        }
        act if act.is_coordination() => {
            acting_role(actor, target).is_some_and(|role| role == BoardRole::Coordinador)
        }
        // What remains acts on one session's board.
        act => match target {
            Target::Session { .. } => {
                acting_role(actor, target).is_some_and(|role| allows(role, act))
            }
            _ => false,
        },
    }
}

/// The strongest role the actor holds *on this Mesa* (never inherited): a person's direct role,
/// or an invitation for this session (or a coordination's invitation for this Mesa).
fn acting_role(actor: &Actor, target: &Target) -> Option<BoardRole> {
    let place = target.place()?;
    let personal = actor
        .person
        .as_ref()
        .and_then(|person| person.role_on(place.mesa))
        .map(MesaRole::board_role);
    let invited = actor.guest.as_ref().and_then(|guest| {
        let covers = guest.mesa == place.mesa
            && match (target, &guest.scope) {
                (Target::Session { id, .. }, GuestScope::Session(session)) => id == session,
                (Target::Session { .. }, GuestScope::Mesa) => false,
                // A coordination's invitation speaks for its Mesa between sessions too; other
                // invitations open their session only.
                (Target::Mesa(_), _) => guest.role == BoardRole::Coordinador,
                (Target::District, _) => false,
            };
        covers.then_some(guest.role)
    });
    strongest(personal, invited)
}

/// Territorial figures come down from the observatory: the administration loads any; a Mesa's
/// coordination loads its territory's and those of the territories below it (a zonal
/// coordination its localidades'), unlike the boards, whose writes never inherit. Definitions
/// (`Target::District`) are the district's. Only signed-in people: an invitation opens a board.
fn loads_indicators(actor: &Actor, target: &Target) -> bool {
    let Some(person) = &actor.person else {
        return false;
    };
    let coordinates =
        |mesa: &str| person.role_on(mesa).map(MesaRole::board_role) == Some(BoardRole::Coordinador);
    person.admin
        || match target.place() {
            None => coordinates(super::DISTRICT_MESA_CODE),
            Some(place) => {
                coordinates(place.mesa) || place.ancestors.iter().any(|m| coordinates(m))
            }
        }
}

/// Reads that come down the hierarchy: the district administration, or any role on a Mesa above.
fn reads_inherited(actor: &Actor, target: &Target) -> bool {
    let (Some(person), Some(place)) = (&actor.person, target.place()) else {
        return false;
    };
    person.admin
        || place
            .ancestors
            .iter()
            .any(|ancestor| person.role_on(ancestor).is_some())
}

/// A coordination's invitation (for one of the Mesa's sessions, or the Mesa itself) reads every
/// board of its Mesa: the history a commitment carries, the sessions before. Other invitations
/// open their own session only.
fn reads_as_coordination(actor: &Actor, target: &Target) -> bool {
    let (Some(guest), Some(place)) = (&actor.guest, target.place()) else {
        return false;
    };
    guest.role == BoardRole::Coordinador && guest.mesa == place.mesa
}

fn strongest(a: Option<BoardRole>, b: Option<BoardRole>) -> Option<BoardRole> {
    let rank = |role: &BoardRole| match role {
        BoardRole::Coordinador => 2,
        BoardRole::Participante => 1,
        BoardRole::Observador => 0,
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if rank(&a) >= rank(&b) { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// What the actor is on this session's board: `None` when it may not even read it.
pub fn board_role(actor: &Actor, target: &Target) -> Option<BoardRole> {
    acting_role(actor, target)
        .or_else(|| granted(actor, Act::ReadBoard, target).then_some(BoardRole::Observador))
}

/// Whether the actor writes the board of a session in `status` (scheduled or running only).
pub fn writes_board(actor: &Actor, target: &Target, status: SessionStatus) -> bool {
    status.board_is_open() && allowed(actor, Act::EditBoard, target)
}

/// What each role does on a board (the board's part of the policy).
pub fn allows(role: BoardRole, act: Act) -> bool {
    use Act::*;
    use BoardRole::*;
    match (role, act) {
        (Coordinador, ManagePeople | ReadAudit | ManageMail) => false,
        (Coordinador, _) => true,
        (Participante, ReadBoard | ReadActa | EditBoard | Escalate | ObserveActa | CastVote) => {
            true
        }
        (Participante, _) => false,
        (Observador, ReadBoard | ReadActa) => true,
        (Observador, _) => false,
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
