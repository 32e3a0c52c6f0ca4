use super::*;
use crate::domain::board::quorum;
use crate::domain::board::records::AttendanceRole;

fn attendee(id: &str, name: &str, role: AttendanceRole, mode: AttendanceMode) -> Attendee {
    Attendee {
        id: id.into(),
        name: name.into(),
        institution: String::new(),
        sector: String::new(),
        role,
        mode,
        arrived_at: 0.0,
        stamp: Default::default(),
    }
}

/// The Mesa's sitting members (Pedro is not one, whatever his attendance record says).
fn roster() -> Vec<crate::domain::Member> {
    ["Ana María Pérez", "Luis Gómez", "Juan Ruiz", "Rosa Díaz"]
        .iter()
        .enumerate()
        .map(|(id, name)| crate::domain::Member {
            id: id as i64,
            mesa_code: "local-05".into(),
            name: (*name).into(),
            institution: String::new(),
            sector: String::new(),
            role: String::new(),
            seat: crate::domain::Seat::Titular,
            contact: None,
            removed_on: None,
        })
        .collect()
}

fn board() -> BoardView {
    use AttendanceMode::*;
    use AttendanceRole::*;
    BoardView {
        attendance: vec![
            attendee("a", "Ana María Pérez", Titular, Presencial),
            attendee("b", "Luis Gómez", Delegado, Virtual),
            attendee("c", "Rosa Díaz", Invitado, Presencial),
            attendee("d", "Juan Ruiz", Titular, Presencial),
            attendee("e", "Juan Ruiz", Delegado, Virtual),
            // Set to titular by someone writing on the board: not on the roster.
            attendee("f", "Pedro Páramo", Titular, Presencial),
        ],
        ..Default::default()
    }
}

#[test]
fn a_device_votes_as_the_attendance_record_with_its_name_folded() {
    let (board, roster) = (board(), roster());
    assert_eq!(
        own_attendance(&board, &roster, "ana maria perez")
            .unwrap()
            .id,
        "a"
    );
    assert_eq!(
        own_attendance(&board, &roster, "Luis Gómez").unwrap().id,
        "b"
    );
    assert_eq!(
        own_attendance(&board, &roster, "María Nadie"),
        Err(BallotError::NotCheckedIn("María Nadie".into()))
    );
    assert_eq!(
        own_attendance(&board, &roster, "Rosa Díaz"),
        Err(BallotError::NoVotingRole("Rosa Díaz".into()))
    );
    // Two records with one name: neither is taken for the device (the room sorts it out).
    assert_eq!(
        own_attendance(&board, &roster, "Juan Ruiz"),
        Err(BallotError::AmbiguousName("Juan Ruiz".into()))
    );
    assert!(matches!(
        own_attendance(&board, &roster, "  "),
        Err(BallotError::NotCheckedIn(_))
    ));
    // A titular role typed on the board does not make someone a member.
    assert_eq!(
        own_attendance(&board, &roster, "Pedro Páramo"),
        Err(BallotError::NoVotingRole("Pedro Páramo".into()))
    );
    assert_eq!(
        members_in_room(&board, &roster),
        [
            ("a".to_owned(), "Ana María Pérez".to_owned()),
            ("d".to_owned(), "Juan Ruiz".to_owned())
        ]
    );
}

#[test]
fn the_coordination_records_only_members_in_the_room() {
    let (board, roster) = (board(), roster());
    assert_eq!(
        attendance_in_room(&board, &roster, "a").unwrap().name,
        "Ana María Pérez"
    );
    assert_eq!(
        attendance_in_room(&board, &roster, "b"),
        Err(BallotError::NotInRoom("Luis Gómez".into()))
    );
    assert_eq!(
        attendance_in_room(&board, &roster, "c"),
        Err(BallotError::NoVotingRole("Rosa Díaz".into()))
    );
    assert_eq!(
        attendance_in_room(&board, &roster, "zz"),
        Err(BallotError::UnknownAttendee)
    );
}

#[test]
fn choices_belong_to_their_kind_and_a_block_says_why() {
    assert_eq!(
        check_choice(PollKind::Votacion, Choice::AFavor, " x "),
        Ok("x".into())
    );
    assert!(matches!(
        check_choice(PollKind::Votacion, Choice::Bloqueo, "no"),
        Err(BallotError::WrongChoice(_))
    ));
    assert!(matches!(
        check_choice(PollKind::Consenso, Choice::Abstencion, ""),
        Err(BallotError::WrongChoice(_))
    ));
    assert_eq!(
        check_choice(PollKind::Consenso, Choice::Bloqueo, "   "),
        Err(BallotError::ReasonMissing)
    );
    assert_eq!(
        check_choice(
            PollKind::Consenso,
            Choice::Bloqueo,
            &"x".repeat(MAX_REASON_LEN + 1)
        ),
        Err(BallotError::ReasonTooLong)
    );
    for kind in PollKind::ALL {
        for choice in kind.choices() {
            assert_eq!(choice.kind(), *kind);
        }
    }
    let secret_consensus = PollRequest {
        agreement_id: "x".into(),
        kind: PollKind::Consenso,
        secret: true,
    };
    assert_eq!(
        secret_consensus.validate(),
        Err(BallotError::SecretConsensus)
    );
}

#[test]
fn outcomes_follow_majority_blocks_and_quorum() {
    use Choice::*;
    let with = quorum(6, 10);
    let without = quorum(5, 10);
    let vote = |f, c, a| {
        Tally::new(
            PollKind::Votacion,
            [(AFavor, f), (EnContra, c), (Abstencion, a)],
        )
    };
    assert_eq!(
        outcome(PollKind::Votacion, &vote(3, 2, 5), &with),
        Outcome::Aprobado
    );
    assert_eq!(
        outcome(PollKind::Votacion, &vote(2, 2, 0), &with),
        Outcome::NoAprobado
    );
    assert_eq!(
        outcome(PollKind::Votacion, &vote(0, 0, 6), &with),
        Outcome::NoAprobado
    );
    assert_eq!(
        outcome(PollKind::Votacion, &vote(9, 0, 0), &without),
        Outcome::SinQuorum
    );
    let check = |d, r, b| {
        Tally::new(
            PollKind::Consenso,
            [(DeAcuerdo, d), (ConReservas, r), (Bloqueo, b)],
        )
    };
    assert_eq!(
        outcome(PollKind::Consenso, &check(6, 0, 0), &with),
        Outcome::Consenso
    );
    assert_eq!(
        outcome(PollKind::Consenso, &check(5, 1, 0), &with),
        Outcome::ConReservas
    );
    assert_eq!(
        outcome(PollKind::Consenso, &check(9, 0, 1), &with),
        Outcome::Bloqueado
    );
    assert_eq!(
        outcome(PollKind::Consenso, &check(0, 0, 0), &with),
        Outcome::SinRespuestas
    );
    assert_eq!(
        outcome(PollKind::Votacion, &vote(0, 0, 0), &with),
        Outcome::SinRespuestas
    );
}

#[test]
fn the_result_line_reads_as_the_acta_prints_it() {
    use Choice::*;
    let tally = Tally::new(
        PollKind::Votacion,
        [(AFavor, 9), (EnContra, 2), (Abstencion, 1), (Bloqueo, 4)],
    );
    assert_eq!(tally.cast(), 12, "a choice of another kind is not counted");
    assert_eq!(
        result_line(PollKind::Votacion, true, &tally, &quorum(12, 15)),
        "Votación secreta: aprobado · 9 a favor, 2 en contra, 1 abstención · 12 de 15 integrantes · hay quórum"
    );
    let check = Tally::new(PollKind::Consenso, [(DeAcuerdo, 4), (ConReservas, 1)]);
    assert_eq!(
        result_line(PollKind::Consenso, false, &check, &quorum(5, 8)),
        "Verificación de consenso: consenso con reservas · 4 de acuerdo, 1 con reservas, 0 bloqueos · 5 de 8 integrantes · hay quórum"
    );
}

#[test]
fn the_acta_takes_results_from_the_closed_polls_not_from_the_document() {
    use crate::domain::board::records::{Agreement, DecisionMethod};
    let agreement = |id: &str, outcome: &str| Agreement {
        id: id.into(),
        statement: "x".into(),
        method: DecisionMethod::Consenso,
        barriers: Vec::new(),
        agenda_item: None,
        outcome: outcome.into(),
        stamp: Default::default(),
    };
    let poll = |id: i64, on: &str, kind: PollKind, result: Option<&str>| Poll {
        id,
        session_id: 1,
        agreement_id: on.into(),
        kind,
        secret: false,
        opened_by: "Ana".into(),
        opened_at: chrono::DateTime::UNIX_EPOCH,
        closing: result.map(|r| Closing {
            at: chrono::DateTime::UNIX_EPOCH,
            by: "Ana".into(),
            outcome: Outcome::Aprobado,
            result: r.into(),
        }),
        tally: Tally::new(kind, []),
        ballots: Vec::new(),
        quorum: quorum(3, 4),
    };
    let mut agreements = vec![
        agreement("a", "typed by someone: aprobado"),
        agreement("b", "typed by someone: aprobado"),
        agreement("c", ""),
    ];
    let polls = [
        poll(1, "a", PollKind::Consenso, Some("first")),
        poll(2, "a", PollKind::Votacion, Some("second")),
        poll(3, "a", PollKind::Votacion, None),
        poll(4, "c", PollKind::Votacion, None),
    ];
    settle_outcomes(&mut agreements, &polls);
    assert_eq!(agreements[0].outcome, "second");
    assert_eq!(agreements[0].method, DecisionMethod::Votacion);
    assert_eq!(agreements[1].outcome, "", "no poll backs it");
    assert_eq!(agreements[2].outcome, "", "an open poll decided nothing");
}
