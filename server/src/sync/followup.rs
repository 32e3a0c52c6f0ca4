//! The first items of every new board: "Aprobación del acta anterior" while the Mesa's latest
//! acta is a draft, and "Seguimiento de compromisos", listing the commitments the Mesa left open
//! in earlier sessions (from their official records in the store). Written when a session is
//! scheduled (never when a page is read), and refreshed when it starts and whenever an earlier
//! session of its Mesa closes later, leaving a new draft and more commitments open.

use app::domain::board::edit::{record, remove_record, write_text};
use app::domain::board::records::agenda;
use app::domain::board::{
    AGENDA, AgendaStatus, BoardView, FOLLOWUPS, Field, FollowUp, put_record, records,
};
use chrono::{DateTime, Utc};
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, StateVector, Transact};

use crate::store::{CarriedCommitment, CarriedOver, DraftActa};

pub const FOLLOW_UP_TITLE: &str = "Seguimiento de compromisos";
pub const ACTA_APPROVAL_TITLE: &str = "Aprobación del acta anterior";
/// Who the board says wrote the seeded item.
pub const AUTHOR: &str = "Sala (seguimiento automático)";

/// The notes of the follow-up item: one line per open commitment.
pub fn follow_up_notes(carried: &[CarriedCommitment]) -> String {
    if carried.is_empty() {
        return "No hay compromisos pendientes de sesiones anteriores.".into();
    }
    carried
        .iter()
        .map(|c| {
            let x = &c.commitment;
            let who = [x.responsible.trim(), x.institutions.trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "• {} — {} — vence {} — {} (sesión {})",
                x.description.trim(),
                if who.is_empty() {
                    "sin responsable"
                } else {
                    &who
                },
                x.due.map_or("sin fecha".to_owned(), |d| d.to_string()),
                x.status.label(),
                c.session_seq
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The approval item's id: one per draft, so two servers (or two refreshes) write it once.
fn acta_approval_id(draft: &DraftActa) -> String {
    agenda::acta_approval_id(draft.session_id)
}

/// The item where the Mesa approves its previous acta, first on the agenda.
fn put_acta_approval(txn: &mut yrs::TransactionMut, draft: &DraftActa, now_ms: f64) {
    let notes = format!(
        "Acta n.º {} de la sesión {}, en borrador. Se lee y se aprueba en /sesiones/{}/acta \
         (opción «La Mesa la aprobó en su sesión»), con las observaciones y sus respuestas.",
        draft.number, draft.session_seq, draft.session_id
    );
    put_record(
        txn,
        AGENDA,
        &acta_approval_id(draft),
        &[
            (agenda::TITLE.name, Field::Text(ACTA_APPROVAL_TITLE.into())),
            (agenda::NOTES.name, Field::Text(notes)),
            (agenda::PRESENTER.name, Field::Text(String::new())),
            (agenda::MINUTES.name, Field::Number(10.0)),
            (
                agenda::STATUS.name,
                Field::Text(AgendaStatus::Pendiente.code().into()),
            ),
            (agenda::POSITION.name, Field::Number(0.5)),
        ],
        AUTHOR,
        now_ms,
    );
}

/// Approval items this board no longer needs (their acta was approved, or is no longer the
/// previous one) that nobody has touched: the server wrote them and takes them back; an item
/// someone moved along or wrote in stays, as the meeting left it.
fn stale_approvals(doc: &Doc, draft: Option<&DraftActa>) -> Vec<String> {
    let wanted = draft.map(acta_approval_id);
    BoardView::read(&doc.transact())
        .agenda
        .into_iter()
        .filter(|item| agenda::approves_acta(&item.id).is_some())
        .filter(|item| Some(&item.id) != wanted.as_ref())
        .filter(|item| {
            item.status == AgendaStatus::Pendiente
                && item.stamp.created_by == AUTHOR
                && item.stamp.updated_by == AUTHOR
        })
        .map(|item| item.id)
        .collect()
}

/// One update creating the first items (written by the server as any client would).
pub fn seed_update(carried_over: &CarriedOver, now: DateTime<Utc>) -> Vec<u8> {
    let carried = carried_over.commitments.as_slice();
    let doc = Doc::new();
    let now_ms = now.timestamp_millis() as f64;
    {
        let mut txn = doc.transact_mut();
        if let Some(draft) = &carried_over.draft_acta {
            put_acta_approval(&mut txn, draft, now_ms);
        }
        let id = yrs::uuid_v4().to_string();
        put_record(
            &mut txn,
            AGENDA,
            &id,
            &[
                (agenda::TITLE.name, Field::Text(FOLLOW_UP_TITLE.into())),
                (agenda::NOTES.name, Field::Text(follow_up_notes(carried))),
                (agenda::PRESENTER.name, Field::Text(String::new())),
                (agenda::MINUTES.name, Field::Number(15.0)),
                (
                    agenda::STATUS.name,
                    Field::Text(AgendaStatus::Pendiente.code().into()),
                ),
                (agenda::POSITION.name, Field::Number(1.0)),
                (agenda::FOLLOW_UP.name, Field::Bool(true)),
            ],
            AUTHOR,
            now_ms,
        );
        put_follow_ups(&mut txn, carried, now_ms);
        super::standing_agenda::put_standing_agenda(
            &mut txn,
            &carried_over.agenda_template,
            now_ms,
        );
    }
    doc.transact()
        .encode_state_as_update_v1(&StateVector::default())
}

/// Each carried commitment as a record the session reviews (status and a note), keyed by the
/// commitment's own id so its history can be followed across sessions.
fn put_follow_ups(txn: &mut yrs::TransactionMut, carried: &[CarriedCommitment], now_ms: f64) {
    for c in carried {
        let fields = FollowUp::seed(&c.commitment, c.session_id, c.session_seq);
        put_record(txn, FOLLOWUPS, &c.commitment.id, &fields, AUTHOR, now_ms);
    }
}

/// Brings a board's follow-up up to date with what is open now, editing `doc` (the room's) and
/// returning the update, or `None` when nothing changed. A board without the item gets the
/// whole seed; one with it gets the commitments it does not list yet, appended to its notes
/// (what people wrote there and their reviews stay as they are).
pub fn refresh(doc: &Doc, carried_over: &CarriedOver, now: DateTime<Utc>) -> Option<Vec<u8>> {
    let carried = carried_over.commitments.as_slice();
    let now_ms = now.timestamp_millis() as f64;
    let approval_missing = carried_over
        .draft_acta
        .filter(|draft| record(&doc.transact(), AGENDA, &acta_approval_id(draft)).is_none());
    let stale = stale_approvals(doc, carried_over.draft_acta.as_ref());
    let (item, listed) = {
        let txn = doc.transact();
        let item = records(&txn, AGENDA).into_iter().find_map(|r| {
            let follow_up = matches!(r.get(agenda::FOLLOW_UP.name), Some(Field::Bool(true)));
            match (follow_up, r.get("id")) {
                (true, Some(Field::Text(id))) => Some(id.clone()),
                _ => None,
            }
        });
        let listed: Vec<String> = BoardView::read(&txn)
            .followups
            .into_iter()
            .map(|f| f.id)
            .collect();
        (item, listed)
    };
    let Some(item) = item else {
        // The follow-up item again, not the standing agenda: its points were written when the
        // board was seeded (and may have been removed on purpose since).
        let without_template = CarriedOver {
            agenda_template: Vec::new(),
            ..carried_over.clone()
        };
        let seed = seed_update(&without_template, now);
        let update = yrs::Update::decode_v1(&seed).ok()?;
        let before = doc.transact().state_vector();
        doc.transact_mut().apply_update(update).ok()?;
        return Some(doc.transact().encode_diff_v1(&before));
    };
    let missing: Vec<CarriedCommitment> = carried
        .iter()
        .filter(|c| !listed.contains(&c.commitment.id))
        .cloned()
        .collect();
    if missing.is_empty() && approval_missing.is_none() && stale.is_empty() {
        return None;
    }
    let mut txn = doc.transact_mut();
    if let Some(draft) = &approval_missing {
        put_acta_approval(&mut txn, draft, now_ms);
    }
    for id in &stale {
        remove_record(&mut txn, AGENDA, id);
    }
    if missing.is_empty() {
        return Some(txn.encode_update_v1());
    }
    put_follow_ups(&mut txn, &missing, now_ms);
    if let Some(agenda_item) = record(&txn, AGENDA, &item) {
        let notes = BoardView::read(&txn)
            .agenda
            .into_iter()
            .find(|a| a.id == item)
            .map(|a| a.notes)
            .unwrap_or_default();
        let wanted = if notes.trim().is_empty() || notes.trim() == follow_up_notes(&[]) {
            follow_up_notes(&missing)
        } else {
            format!("{}\n{}", notes.trim_end(), follow_up_notes(&missing))
        };
        write_text(
            &mut txn,
            &agenda_item,
            agenda::NOTES,
            &wanted,
            AUTHOR,
            now_ms,
        );
    }
    Some(txn.encode_update_v1())
}

#[cfg(test)]
mod tests {
    use app::domain::board::{BoardView, Commitment, CommitmentStatus, Stamp};
    use chrono::NaiveDate;
    use yrs::Update;
    use yrs::updates::decoder::Decode;

    use super::*;

    #[test]
    fn the_seed_lists_open_commitments_as_the_first_item() {
        let carried = vec![CarriedCommitment {
            session_id: 9,
            session_seq: 3,
            commitment: Commitment {
                id: "c1".into(),
                description: "Jornada de vacunación en Bosa".into(),
                institutions: "Subred Sur".into(),
                responsible: "Ana Pérez".into(),
                due: NaiveDate::from_ymd_opt(2026, 12, 1),
                status: CommitmentStatus::EnProgreso,
                agreement: None,
                barrier: None,
                evidence: String::new(),
                asset: None,
                stamp: Stamp::default(),
            },
        }];
        let doc = Doc::new();
        doc.transact_mut()
            .apply_update(Update::decode_v1(&seed_update(&over(carried), Utc::now())).unwrap())
            .unwrap();
        let view = BoardView::read(&doc.transact());
        assert_eq!(view.agenda.len(), 1);
        assert_eq!(view.agenda[0].title, FOLLOW_UP_TITLE);
        assert_eq!(
            view.agenda[0].notes,
            "• Jornada de vacunación en Bosa — Ana Pérez, Subred Sur — vence 2026-12-01 — En progreso (sesión 3)"
        );
        assert_eq!(view.agenda[0].stamp.created_by, AUTHOR);
        let f = &view.followups[0];
        assert_eq!(
            (f.id.as_str(), f.origin_session, f.origin_seq),
            ("c1", 9, 3)
        );
        assert_eq!(f.status, CommitmentStatus::EnProgreso);
        assert!(follow_up_notes(&[]).starts_with("No hay compromisos"));
    }

    fn over(commitments: Vec<CarriedCommitment>) -> CarriedOver {
        CarriedOver {
            commitments,
            ..Default::default()
        }
    }

    fn carried(id: &str, seq: i64, description: &str) -> CarriedCommitment {
        CarriedCommitment {
            session_id: seq * 10,
            session_seq: seq,
            commitment: Commitment {
                id: id.into(),
                description: description.into(),
                institutions: String::new(),
                responsible: "Luis".into(),
                due: None,
                status: CommitmentStatus::Pendiente,
                agreement: None,
                barrier: None,
                evidence: String::new(),
                asset: None,
                stamp: Stamp::default(),
            },
        }
    }

    #[test]
    fn a_refresh_adds_what_an_earlier_session_left_open_later_and_only_that() {
        let doc = app::domain::board::edit::browser_doc(1);
        let now = Utc::now();
        // Never seeded (a board from before seeding moved to scheduling): the whole seed.
        refresh(&doc, &CarriedOver::default(), now).expect("seeded");
        let view = BoardView::read(&doc.transact());
        assert_eq!(view.agenda[0].title, FOLLOW_UP_TITLE);
        assert!(view.agenda[0].notes.starts_with("No hay compromisos"));
        assert_eq!(
            refresh(&doc, &CarriedOver::default(), now),
            None,
            "nothing new: no update"
        );

        // The previous session closes with one commitment open: the placeholder gives way.
        let first = carried("c1", 4, "Visita a la IPS");
        assert!(refresh(&doc, &over(vec![first.clone()]), now).is_some());
        let view = BoardView::read(&doc.transact());
        assert_eq!(view.agenda.len(), 1);
        assert_eq!(view.followups.len(), 1);
        assert!(
            view.agenda[0].notes.starts_with("• Visita a la IPS"),
            "{}",
            view.agenda[0].notes
        );

        // Someone wrote in the notes; another commitment appears: appended, nothing lost.
        {
            let mut txn = doc.transact_mut();
            let item = record(&txn, AGENDA, &view.agenda[0].id).unwrap();
            let notes = format!("{}\nRevisado con la Subred.", view.agenda[0].notes);
            write_text(&mut txn, &item, agenda::NOTES, &notes, "Ana", 1.0);
        }
        let second = carried("c2", 5, "Brigada en Kennedy");
        assert!(refresh(&doc, &over(vec![first.clone(), second]), now).is_some());
        let view = BoardView::read(&doc.transact());
        assert_eq!(view.followups.len(), 2);
        let notes = &view.agenda[0].notes;
        assert!(
            notes.contains("Revisado con la Subred.") && notes.ends_with("(sesión 5)"),
            "{notes}"
        );
        assert_eq!(refresh(&doc, &over(vec![first]), now), None);
    }

    #[test]
    fn a_draft_acta_puts_its_approval_first_once() {
        let draft = DraftActa {
            session_id: 41,
            session_seq: 6,
            number: 5,
        };
        let with_draft = CarriedOver {
            commitments: vec![carried("c1", 6, "Visita a la IPS")],
            draft_acta: Some(draft),
            ..Default::default()
        };
        let doc = Doc::new();
        doc.transact_mut()
            .apply_update(Update::decode_v1(&seed_update(&with_draft, Utc::now())).unwrap())
            .unwrap();
        let view = BoardView::read(&doc.transact());
        let titles: Vec<&str> = view.agenda.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, [ACTA_APPROVAL_TITLE, FOLLOW_UP_TITLE]);
        assert!(view.agenda[0].notes.contains("Acta n.º 5 de la sesión 6"));
        assert!(view.agenda[0].notes.contains("/sesiones/41/acta"));
        assert_eq!(refresh(&doc, &with_draft, Utc::now()), None, "written once");

        // A board seeded before the previous session closed gets the item when it does.
        let doc = app::domain::board::edit::browser_doc(1);
        refresh(&doc, &over(vec![]), Utc::now()).expect("seeded");
        assert!(refresh(&doc, &with_draft, Utc::now()).is_some());
        let view = BoardView::read(&doc.transact());
        assert_eq!(view.agenda[0].title, ACTA_APPROVAL_TITLE);
        assert_eq!(view.agenda[1].title, FOLLOW_UP_TITLE);
        assert_eq!(view.followups.len(), 1);

        // Approved before the meeting: the untouched item goes; one the Mesa worked on stays.
        let approved = CarriedOver {
            draft_acta: None,
            ..with_draft.clone()
        };
        assert!(refresh(&doc, &approved, Utc::now()).is_some());
        let view = BoardView::read(&doc.transact());
        assert_eq!(
            view.agenda[0].title, FOLLOW_UP_TITLE,
            "the approval item is gone"
        );
        assert!(
            refresh(&doc, &with_draft, Utc::now()).is_some(),
            "back with a draft"
        );
        {
            let mut txn = doc.transact_mut();
            let item = record(&txn, AGENDA, &agenda::acta_approval_id(41)).unwrap();
            write_text(
                &mut txn,
                &item,
                agenda::NOTES,
                "Aprobada por consenso.",
                "Ana",
                2.0,
            );
        }
        assert_eq!(refresh(&doc, &approved, Utc::now()), None, "touched: kept");
    }
}
