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
        ],
        ..Default::default()
    }
}

#[test]
fn a_device_votes_as_the_attendance_record_with_its_name_folded() {
    let board = board();
    assert_eq!(own_attendance(&board, "ana maria perez").unwrap().id, "a");
    assert_eq!(own_attendance(&board, "Luis Gómez").unwrap().id, "b");
    assert_eq!(
        own_attendance(&board, "Pedro Páramo"),
        Err(BallotError::NotCheckedIn("Pedro Páramo".into()))
    );
    assert_eq!(
        own_attendance(&board, "Rosa Díaz"),
        Err(BallotError::NoVotingRole("Rosa Díaz".into()))
    );
    // Two records with one name: neither is taken for the device (the room sorts it out).
    assert_eq!(
        own_attendance(&board, "Juan Ruiz"),
        Err(BallotError::AmbiguousName("Juan Ruiz".into()))
    );
    assert!(matches!(
        own_attendance(&board, "  "),
        Err(BallotError::NotCheckedIn(_))
    ));
}

#[test]
fn the_coordination_records_only_members_in_the_room() {
    let board = board();
    assert_eq!(
        attendance_in_room(&board, "a").unwrap().name,
        "Ana María Pérez"
    );
    assert_eq!(
        attendance_in_room(&board, "b"),
        Err(BallotError::NotInRoom("Luis Gómez".into()))
    );
    assert_eq!(
        attendance_in_room(&board, "c"),
        Err(BallotError::NoVotingRole("Rosa Díaz".into()))
    );
    assert_eq!(
        attendance_in_room(&board, "zz"),
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
        Outcome::Bloqueado
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
