//! A signed-in person's attendance, written by the room when they join (remote), once per board:
//! a name already on the attendance list (folded: case, accents, spacing) is not added again.

use app::domain::board::edit::new_record_id;
use app::domain::board::records::attendance::Arrival;
use app::domain::board::{ATTENDANCE, Attendee, BoardView, put_record};
use app::domain::fold;
use yrs::{Doc, Transact};

use super::peer::CheckIn;

/// The update that checks `who` in, or `None` when they already are.
pub(super) fn record(doc: &Doc, who: &CheckIn) -> Option<Vec<u8>> {
    let present = BoardView::read(&doc.transact())
        .attendance
        .iter()
        .any(|a| fold(&a.name) == fold(&who.name));
    if present {
        return None;
    }
    let arrival = Arrival {
        name: &who.name,
        institution: &who.institution,
        sector: &who.sector,
    };
    let at = who.at_ms as f64;
    let fields = Attendee::check_in(&arrival, &who.roster, at);
    let mut txn = doc.transact_mut();
    put_record(
        &mut txn,
        ATTENDANCE,
        &new_record_id(),
        &fields,
        &who.name,
        at,
    );
    Some(txn.encode_update_v1())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{Member, Seat};

    fn marta() -> Member {
        Member {
            id: 1,
            mesa_code: "local-07".into(),
            name: "Marta Gil".into(),
            institution: "Subred Sur Occidente".into(),
            sector: "Salud".into(),
            role: "Líder APS".into(),
            seat: Seat::Titular,
            contact: None,
            removed_on: None,
        }
    }

    #[test]
    fn a_member_is_checked_in_once_as_that_member() {
        let doc = Doc::new();
        let who = CheckIn {
            name: "marta gil".into(),
            institution: String::new(),
            sector: String::new(),
            roster: vec![marta()],
            at_ms: 1_000,
        };
        let update = record(&doc, &who).expect("checked in");
        assert!(!update.is_empty());
        let view = BoardView::read(&doc.transact());
        assert_eq!(view.attendance.len(), 1);
        assert_eq!(view.attendance[0].name, "Marta Gil");
        assert_eq!(view.attendance[0].institution, "Subred Sur Occidente");
        assert_eq!(record(&doc, &who), None, "joining again adds nobody");
    }
}
