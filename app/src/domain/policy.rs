//! Who may do what on a session, decided in one place: the pages ask it to show or hide a control,
//! the server asks it before doing the thing. The page's role comes from its invitation (no
//! invitation reads as an observer).
//!
//! The Mesa page's forms (scheduling and correcting sessions, members) have no sign-in yet and stay
//! open to whoever reaches the page; the identity issue brings people and roles per Mesa.

use super::board::BoardRole;
use super::{SessionAction, SessionStatus};

/// Something a person does to a session or its board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
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
}

impl Act {
    pub const ALL: [Act; 7] = [
        Self::StartMeeting,
        Self::CloseMeeting,
        Self::EditBoard,
        Self::LeadAgenda,
        Self::Escalate,
        Self::DecideEscalation,
        Self::SeeContacts,
    ];
}

impl Act {
    /// The act a session page's button performs; cancelling (which needs a reason) is done from
    /// the Mesa page.
    pub fn of_meeting(action: SessionAction) -> Option<Act> {
        match action {
            SessionAction::Iniciar => Some(Act::StartMeeting),
            SessionAction::Cerrar => Some(Act::CloseMeeting),
            SessionAction::Cancelar => None,
        }
    }
}

/// Whether `role` may write the board of a session in `status` (scheduled or running only).
pub fn writes_board(role: BoardRole, status: SessionStatus) -> bool {
    allows(role, Act::EditBoard) && status.board_is_open()
}

/// Whether `role` may do `act`.
pub fn allows(role: BoardRole, act: Act) -> bool {
    use Act::*;
    use BoardRole::*;
    match (role, act) {
        (Coordinador, _) => true,
        (Participante, EditBoard | Escalate) => true,
        (
            Participante,
            StartMeeting | CloseMeeting | LeadAgenda | DecideEscalation | SeeContacts,
        ) => false,
        (Observador, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out: a change of policy is a change of this table.
    #[test]
    fn the_policy_matrix() {
        use Act::*;
        use BoardRole::*;
        let expected = [
            (Coordinador, [true, true, true, true, true, true, true]),
            (
                Participante,
                [false, false, true, false, true, false, false],
            ),
            (
                Observador,
                [false, false, false, false, false, false, false],
            ),
        ];
        for (role, row) in expected {
            for (act, allowed) in Act::ALL.into_iter().zip(row) {
                assert_eq!(allows(role, act), allowed, "{role:?} {act:?}");
            }
        }
        assert_eq!(Act::ALL[0], StartMeeting);
    }

    #[test]
    fn a_board_is_written_by_writers_while_its_session_is_open() {
        use BoardRole::*;
        use SessionStatus::*;
        for status in SessionStatus::ALL {
            let open = matches!(status, Programada | EnCurso);
            assert_eq!(writes_board(Coordinador, status), open, "{status:?}");
            assert_eq!(writes_board(Participante, status), open, "{status:?}");
            assert!(!writes_board(Observador, status));
        }
    }
}
