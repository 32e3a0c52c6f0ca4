use yrs::{Doc, Transact};

use super::*;
use crate::domain::board::{
    AGENDA, AGREEMENTS, ATTENDANCE, BARRIERS, BoardView, COMMITMENTS, Field, put_record,
};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn board() -> BoardView {
    let doc = Doc::new();
    {
        let mut txn = doc.transact_mut();
        let text = |s: &str| Field::Text(s.into());
        put_record(
            &mut txn,
            AGENDA,
            "a1",
            &[
                ("title", text("Seguimiento")),
                ("notes", text("Sin novedad")),
            ],
            "Ana",
            1.0,
        );
        put_record(
            &mut txn,
            BARRIERS,
            "b1",
            &[
                ("description", text("Sin transporte a las citas")),
                ("institution", text("Subred Sur")),
            ],
            "Ana",
            2.0,
        );
        put_record(
            &mut txn,
            AGREEMENTS,
            "g1",
            &[("statement", text("Pedir una ruta a la EPS"))],
            "Ana",
            3.0,
        );
        put_record(
            &mut txn,
            COMMITMENTS,
            "c1",
            &[
                ("description", text("Oficio a la EPS")),
                ("responsible", text("Luis")),
            ],
            "Ana",
            4.0,
        );
        put_record(
            &mut txn,
            ATTENDANCE,
            "p1",
            &[
                ("name", text("Marta Ruíz")),
                ("institution", text("Subred")),
            ],
            "Ana",
            5.0,
        );
    }
    BoardView::read(&doc.transact())
}

fn approved() -> ActaCycle {
    ActaCycle {
        approval: Some(Approval {
            method: ApprovalMethod::Coordinacion,
            in_session: None,
            decided_by: None,
            by: "Ana".into(),
            at: "15 dic 2026, 9:00".into(),
            digest: "ab".into(),
        }),
        ..ActaCycle::draft(day("2026-12-04"))
    }
}

#[test]
fn a_draft_is_observed_for_five_working_days_counting_festivos() {
    // closed on Friday 4 December 2026; Tuesday 8 is the Inmaculada Concepción
    let draft = ActaCycle::draft(day("2026-12-04"));
    assert_eq!(draft.observations_until, Some(day("2026-12-14")));
    assert!(draft.check_observation(day("2026-12-14")).is_ok());
    assert!(draft.observations_open(day("2026-12-14")));
    let late = draft.check_observation(day("2026-12-15")).unwrap_err();
    assert!(matches!(late, CycleError::ObservationsClosed(_)));
    assert!(
        late.to_string()
            .starts_with("El plazo de observaciones terminó el")
    );
    // an acta closed before drafts existed has no period: observed until it is approved
    assert!(
        ActaCycle::default()
            .check_observation(day("2030-01-01"))
            .is_ok()
    );
}

#[test]
fn the_coordination_approves_after_the_period_and_the_mesa_in_its_next_session() {
    let draft = ActaCycle::draft(day("2026-12-04"));
    let coordination =
        |today| draft.check_approval(ApprovalMethod::Coordinacion, None, day(today), None);
    assert!(matches!(
        coordination("2026-12-14"),
        Err(CycleError::PeriodOpen(_))
    ));
    assert!(coordination("2026-12-15").is_ok());
    let in_session = |next: Option<NextSession>, decided| {
        draft.check_approval(ApprovalMethod::Sesion, decided, day("2026-12-10"), next)
    };
    let next = |status| Some(NextSession { seq: 8, status });
    assert_eq!(
        in_session(None, Some(DecisionMethod::Consenso)),
        Err(CycleError::NoNextSession)
    );
    assert_eq!(
        in_session(
            next(SessionStatus::Programada),
            Some(DecisionMethod::Consenso)
        ),
        Err(CycleError::NoNextSession)
    );
    assert_eq!(
        in_session(next(SessionStatus::EnCurso), None),
        Err(CycleError::DecisionMissing)
    );
    assert!(in_session(next(SessionStatus::EnCurso), Some(DecisionMethod::Votacion)).is_ok());
}

#[test]
fn an_approved_acta_takes_nothing_more() {
    let locked = approved();
    assert_eq!(locked.state(), ActaState::Aprobada);
    let refused = CycleError::Locked("15 dic 2026, 9:00".into());
    assert_eq!(locked.check_draft(), Err(refused.clone()));
    assert_eq!(
        locked.check_observation(day("2026-12-05")),
        Err(refused.clone())
    );
    assert_eq!(locked.check_answer(1), Err(refused.clone()));
    assert_eq!(
        locked.check_approval(ApprovalMethod::Coordinacion, None, day("2027-01-01"), None),
        Err(refused)
    );
    assert!(!locked.observations_open(day("2026-12-05")));
}

#[test]
fn every_typed_text_of_the_board_can_be_corrected_and_nothing_else_changes() {
    let original = board();
    let texts = correctable_texts(&original);
    for needed in [
        ("agenda", "title"),
        ("agenda", "notes"),
        ("barriers", "description"),
        ("barriers", "institution"),
        ("agreements", "statement"),
        ("commitments", "responsible"),
        ("attendance", "name"),
    ] {
        assert!(
            texts.iter().any(|t| (t.kind, t.field) == needed),
            "{needed:?} is correctable"
        );
    }
    for t in &texts {
        let mut board = original.clone();
        let corrected = format!("{} (corregido)", t.text);
        let (was, shown) = correct(&mut board, t.kind, &t.record, t.field, &corrected).unwrap();
        assert_eq!((&was, shown), (&t.text, t.field_label));
        let after = correctable_texts(&board);
        for (old, new) in texts.iter().zip(&after) {
            if old.target() == t.target() {
                assert_eq!(new.text, corrected);
            } else {
                // (a record's summary is one of its texts, so only the texts are compared)
                assert_eq!(
                    (old.target(), &old.text),
                    (new.target(), &new.text),
                    "only {} changed",
                    t.target()
                );
            }
        }
    }
}

#[test]
fn what_is_not_a_typed_text_is_not_corrected() {
    let mut board = board();
    assert_eq!(
        correct(&mut board, "barriers", "b1", "status", "resuelta"),
        Err(CycleError::NotCorrectable)
    );
    assert_eq!(
        correct(&mut board, "barriers", "zz", "description", "x"),
        Err(CycleError::UnknownRecord)
    );
    assert_eq!(
        correct(&mut board, "meta", "b1", "description", "x"),
        Err(CycleError::UnknownRecord)
    );
    assert_eq!(board, self::board(), "a refused correction changes nothing");
}

#[test]
fn texts_are_trimmed_and_bounded() {
    assert_eq!(checked_text("  bien  "), Ok("bien".into()));
    assert_eq!(checked_text("   "), Err(CycleError::Empty));
    assert_eq!(
        checked_text(&"x".repeat(MAX_TEXT + 1)),
        Err(CycleError::TooLong)
    );
    let approval = approved().approval.unwrap();
    assert_eq!(
        approval.describe(),
        "Aprobada por la coordinación, vencido el plazo de observaciones, el 15 dic 2026, 9:00, registrada por Ana."
    );
}
