//! An acta's cycle in the store, on both engines: a draft is observed, answered and corrected;
//! the coordination approves it only after the period, the Mesa in its next session; once
//! approved nothing changes — neither through the store nor by SQL under it — and its digest is
//! the SHA-256 of the acta as approved.

use app::domain::board::acta::Acta;
use app::domain::board::approval::{ActaState, Approval, ApprovalMethod, CycleError};
use app::domain::board::{BARRIERS, BoardView, DecisionMethod, Field, put_record};
use app::domain::{ScheduleRequest, SessionAction, parse_when};
use chrono::NaiveDate;
use sala::store::{DraftActa, Store, StoreError};
use sha2::{Digest, Sha256};

fn now() -> chrono::DateTime<chrono::Utc> {
    parse_when("2026-12-04T10:00").unwrap()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Two sessions of one Mesa; the first closed with a board of one barrier, recorded as a draft
/// closed on Friday 4 December 2026 (observations until Monday 14: Tuesday 8 is a festivo).
async fn closed_session(store: &Store) -> (i64, i64) {
    let mut ids = Vec::new();
    for at in ["2026-12-04T09:00", "2026-12-18T09:00"] {
        let request = ScheduleRequest {
            mesa: "local-05".into(),
            at: at.into(),
            place: "Alcaldía Local".into(),
            mode: "presencial".into(),
            confirmed: true,
        };
        let session = store
            .create_session(&request.validate(now()).unwrap(), now())
            .await
            .unwrap();
        ids.push(session);
    }
    let first = &ids[0];
    for action in [SessionAction::Iniciar, SessionAction::Cerrar] {
        store
            .change_session_status(first.id, action, now())
            .await
            .unwrap();
    }
    let doc = yrs::Doc::new();
    {
        use yrs::Transact;
        let text = |s: &str| Field::Text(s.into());
        put_record(
            &mut doc.transact_mut(),
            BARRIERS,
            "b1",
            &[
                ("description", text("Sin transporte a las citas")),
                ("institution", text("Subred Sur")),
            ],
            "Ana",
            1.0,
        );
    }
    let board = BoardView::read(&yrs::Transact::transact(&doc));
    let acta = Acta {
        number: 0,
        session_id: first.id,
        session_seq: first.seq,
        mesa_code: first.mesa_code.clone(),
        mesa_name: "Mesa Local de Usme".into(),
        held_at: "4 dic 2026".into(),
        closed_at: "4 dic 2026".into(),
        closed_on: day("2026-12-04"),
        place: String::new(),
        mode: "Presencial".into(),
        members: 3,
        board,
        assets: Default::default(),
        cycle: app::domain::board::approval::ActaCycle::draft(day("2026-12-04")),
        evidence: Vec::new(),
    };
    store.record_acta(&acta, now()).await.unwrap();
    (first.id, ids[1].id)
}

fn by_coordination() -> Approval {
    Approval {
        method: ApprovalMethod::Coordinacion,
        in_session: None,
        decided_by: None,
        by: "Ana Coordinadora".into(),
        at: "15 dic 2026, 9:00".into(),
        digest: String::new(),
    }
}

fn refused(result: Result<impl std::fmt::Debug, StoreError>) -> CycleError {
    match result {
        Err(StoreError::Cycle(reason)) => reason,
        other => panic!("expected a refusal of the cycle, got {other:?}"),
    }
}

async fn a_draft_is_observed_answered_corrected_then_approved_and_locked(store: Store) {
    let (id, _) = closed_session(&store).await;
    let draft = store.acta(id).await.unwrap().unwrap();
    assert_eq!(draft.cycle.state(), ActaState::Borrador);
    assert_eq!(draft.cycle.observations_until, Some(day("2026-12-14")));

    let first = store
        .observe_acta(
            id,
            "Luis (EPS)",
            "Falta la EPS en la barrera",
            now(),
            day("2026-12-14"),
        )
        .await
        .unwrap();
    assert!(matches!(
        refused(
            store
                .observe_acta(id, "Luis", "tarde", now(), day("2026-12-15"))
                .await
        ),
        CycleError::ObservationsClosed(_)
    ));
    store
        .answer_observation(id, first, "Se agrega la EPS.", "Ana", now())
        .await
        .unwrap();
    assert_eq!(
        refused(store.answer_observation(id, 999, "x", "Ana", now()).await),
        CycleError::UnknownObservation(999)
    );
    store
        .correct_acta(
            id,
            "barriers",
            "b1",
            "institution",
            "Subred Sur y EPS Capital",
            "Ana",
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        refused(
            store
                .correct_acta(id, "barriers", "b1", "status", "resuelta", "Ana", now())
                .await
        ),
        CycleError::NotCorrectable
    );
    let corrected = store.acta(id).await.unwrap().unwrap();
    assert_eq!(
        corrected.board.barriers[0].institution,
        "Subred Sur y EPS Capital"
    );
    let correction = &corrected.cycle.corrections[0];
    assert_eq!(
        (
            correction.before.as_str(),
            correction.after.as_str(),
            correction.label.as_str()
        ),
        (
            "Subred Sur",
            "Subred Sur y EPS Capital",
            "Institución responsable"
        )
    );
    let observation = &corrected.cycle.observations[0];
    assert_eq!(
        observation.answer.as_ref().unwrap().text,
        "Se agrega la EPS."
    );

    // The coordination waits for the period to end.
    assert!(matches!(
        refused(
            store
                .approve_acta(id, by_coordination(), day("2026-12-14"), sha256)
                .await
        ),
        CycleError::PeriodOpen(_)
    ));
    let approval = store
        .approve_acta(id, by_coordination(), day("2026-12-15"), sha256)
        .await
        .unwrap();
    let approved = store.acta(id).await.unwrap().unwrap();
    assert_eq!(approved.cycle.state(), ActaState::Aprobada);
    assert_eq!(approved.cycle.approval.as_ref(), Some(&approval));
    assert_eq!(approval.digest.len(), 64);
    assert_eq!(
        sha256(&approved.canonical_bytes()),
        approval.digest,
        "the digest is the acta's as it is read back"
    );

    // Locked: the store refuses every change.
    let locked = CycleError::Locked("15 dic 2026, 9:00".into());
    assert_eq!(
        refused(
            store
                .observe_acta(id, "Luis", "otra", now(), day("2026-12-15"))
                .await
        ),
        locked
    );
    assert_eq!(
        refused(store.answer_observation(id, first, "x", "Ana", now()).await),
        locked
    );
    assert_eq!(
        refused(
            store
                .correct_acta(id, "barriers", "b1", "institution", "x", "Ana", now())
                .await
        ),
        locked
    );
    assert_eq!(
        refused(
            store
                .approve_acta(id, by_coordination(), day("2026-12-20"), sha256)
                .await
        ),
        locked
    );
    // And so does the database itself, under the application.
    for statement in [
        format!("UPDATE actas SET data = '{{}}' WHERE session_id = {id}"),
        format!("UPDATE acta_observations SET body = 'x' WHERE session_id = {id}"),
        format!(
            "INSERT INTO acta_observations (session_id, author, body, created_at) VALUES ({id}, 'a', 'b', 'c')"
        ),
        format!("DELETE FROM actas WHERE session_id = {id}"),
    ] {
        let result = sqlx::query(&statement).execute(store.pool()).await;
        assert!(result.is_err(), "{statement} must be refused");
    }
    assert_eq!(
        store.acta(id).await.unwrap().unwrap(),
        approved,
        "unchanged"
    );
}

async fn the_mesa_approves_in_its_next_session(store: Store) {
    let (id, next) = closed_session(&store).await;
    let in_session = |decided_by| Approval {
        method: ApprovalMethod::Sesion,
        decided_by,
        ..by_coordination()
    };
    // The next session's board is told the draft waits for its approval.
    let draft = store.carried_over_before(next).await.unwrap().draft_acta;
    assert_eq!(
        draft,
        Some(DraftActa {
            session_id: id,
            session_seq: 1,
            number: 1
        })
    );
    // Before the next session starts there is no session to approve it in.
    assert_eq!(
        refused(
            store
                .approve_acta(
                    id,
                    in_session(Some(DecisionMethod::Consenso)),
                    day("2026-12-10"),
                    sha256
                )
                .await
        ),
        CycleError::NoNextSession
    );
    store
        .change_session_status(next, SessionAction::Iniciar, now())
        .await
        .unwrap();
    assert_eq!(
        refused(
            store
                .approve_acta(id, in_session(None), day("2026-12-10"), sha256)
                .await
        ),
        CycleError::DecisionMissing
    );
    // Within the observation period too: the Mesa decides.
    let approval = store
        .approve_acta(
            id,
            in_session(Some(DecisionMethod::Votacion)),
            day("2026-12-10"),
            sha256,
        )
        .await
        .unwrap();
    assert_eq!(approval.in_session, Some(2));
    assert_eq!(
        store.carried_over_before(next).await.unwrap().draft_acta,
        None,
        "approved: nothing left to approve"
    );
    assert_eq!(
        approval.describe(),
        "Aprobada por la Mesa en la sesión 2 (votación), el 15 dic 2026, 9:00, registrada por Ana Coordinadora."
    );
}

async fn a_session_without_acta_has_nothing_to_observe(store: Store) {
    let request = ScheduleRequest {
        mesa: "local-06".into(),
        at: "2026-12-20T09:00".into(),
        place: String::new(),
        mode: "virtual".into(),
        confirmed: true,
    };
    let session = store
        .create_session(&request.validate(now()).unwrap(), now())
        .await
        .unwrap();
    assert!(store.acta(session.id).await.unwrap().is_none());
    assert!(matches!(
        store
            .observe_acta(session.id, "Luis", "x", now(), day("2026-12-20"))
            .await,
        Err(StoreError::NoActa(_))
    ));
}

crate::on_both_engines!(
    a_draft_is_observed_answered_corrected_then_approved_and_locked,
    the_mesa_approves_in_its_next_session,
    a_session_without_acta_has_nothing_to_observe,
);
