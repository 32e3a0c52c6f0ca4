//! The first item of every new board: "Seguimiento de compromisos", listing the commitments the
//! Mesa left open in earlier sessions (from their official records in the store).

use app::domain::board::records::agenda;
use app::domain::board::{AGENDA, AgendaStatus, FOLLOWUPS, Field, FollowUp, put_record};
use chrono::{DateTime, Utc};
use yrs::{Doc, ReadTxn, StateVector, Transact};

use crate::store::CarriedCommitment;

pub const FOLLOW_UP_TITLE: &str = "Seguimiento de compromisos";
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

/// One update creating the follow-up item (written by the server as any client would).
pub fn seed_update(carried: &[CarriedCommitment], now: DateTime<Utc>) -> Vec<u8> {
    let doc = Doc::new();
    let now_ms = now.timestamp_millis() as f64;
    {
        let mut txn = doc.transact_mut();
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
        // Each one also as a record the session reviews (status and a note), keyed by the
        // commitment's own id so its history can be followed across sessions.
        for c in carried {
            let fields = FollowUp::seed(&c.commitment, c.session_id, c.session_seq);
            put_record(
                &mut txn,
                FOLLOWUPS,
                &c.commitment.id,
                &fields,
                AUTHOR,
                now_ms,
            );
        }
    }
    doc.transact()
        .encode_state_as_update_v1(&StateVector::default())
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
                stamp: Stamp::default(),
            },
        }];
        let doc = Doc::new();
        doc.transact_mut()
            .apply_update(Update::decode_v1(&seed_update(&carried, Utc::now())).unwrap())
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
}
