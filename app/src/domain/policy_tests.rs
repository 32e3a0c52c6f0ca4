use super::*;
use crate::domain::identity::{Guest, Person, RoleGrant};

const LOCAL: &str = "local-01";
const OTHER_LOCAL: &str = "local-02";
const ZONE: &str = "zona-norte";
const DISTRICT: &str = "distrito";

fn person(admin: bool, roles: &[(&str, MesaRole)]) -> Actor {
    Actor {
        person: Some(Person {
            account: 1,
            name: "Ana".into(),
            email: "ana@example.org".into(),
            institution: "Subred Norte".into(),
            sector: "Salud".into(),
            admin,
            roles: roles
                .iter()
                .map(|(mesa, role)| RoleGrant {
                    mesa: (*mesa).into(),
                    role: *role,
                })
                .collect(),
        }),
        guest: None,
    }
}

fn guest(role: BoardRole, scope: GuestScope) -> Actor {
    Actor {
        person: None,
        guest: Some(Guest {
            nonce: "n".into(),
            mesa: LOCAL.into(),
            scope,
            role,
            name: None,
        }),
    }
}

fn actors() -> Vec<(&'static str, Actor)> {
    use MesaRole::*;
    vec![
        ("anónimo", Actor::anonymous()),
        (
            "invitado observador",
            guest(BoardRole::Observador, GuestScope::Session(1)),
        ),
        (
            "invitado participante",
            guest(BoardRole::Participante, GuestScope::Session(1)),
        ),
        (
            "integrante de otra Mesa",
            person(false, &[(OTHER_LOCAL, Integrante)]),
        ),
        ("integrante", person(false, &[(LOCAL, Integrante)])),
        ("coordinador", person(false, &[(LOCAL, Coordinador)])),
        ("coordinador zonal", person(false, &[(ZONE, Coordinador)])),
        ("administrador", person(true, &[])),
    ]
}

/// One row per actor, one column per [`Act::ALL`]:
/// lectura acta · iniciar cerrar escribir agenda · escalar decidir · contactos programar
/// integrantes invitar · personas auditoría · ver cargar indicadores · gestionar activos, ver sus
/// contactos · observar, aprobar el acta · suscribirse a un calendario · conducir una votación,
/// votar · administrar el correo.
fn check(target: &Target, rows: [&str; 8]) {
    for ((name, actor), row) in actors().into_iter().zip(rows) {
        let row: Vec<bool> = row
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c == 'y')
            .collect();
        assert_eq!(row.len(), Act::ALL.len(), "{name}");
        for (act, expected) in Act::ALL.into_iter().zip(row) {
            assert_eq!(
                allowed(&actor, act, target),
                expected,
                "{name} {act:?} {target:?}"
            );
            let decision = decide(&actor, act, target);
            match (expected, actor.is_anonymous()) {
                (true, _) => assert_eq!(decision, Ok(())),
                (false, true) => assert_eq!(decision, Err(Denied::SignIn(act))),
                (false, false) => assert_eq!(decision, Err(Denied::NotAllowed(act))),
            }
        }
    }
}

fn ancestors() -> Vec<String> {
    vec![ZONE.into(), DISTRICT.into()]
}

/// The whole matrix, written out: a change of policy is a change of these tables.
#[test]
fn a_session_of_a_local_mesa() {
    let ancestors = ancestors();
    let place = Place {
        mesa: LOCAL,
        ancestors: &ancestors,
        publishes_actas: false,
    };
    check(
        &Target::Session { place, id: 1 },
        [
            ".. .... .. .... .. .. .. .. . . . .",
            "yy .... .. .... .. y. .. .. . . . .",
            "yy ..y. y. .... .. y. .. y. . . y .",
            ".. .... .. .... .. y. .y .. y . . .",
            "yy ..y. y. .... .. y. .y y. y . y .",
            "yy yyyy yy yyyy .. yy yy yy y y y .",
            "yy .... .. .... .. yy yy .. y . . .",
            "yy .... .. .... yy yy yy .. y . . y",
        ],
    );
}

#[test]
fn a_local_mesa_between_sessions() {
    let ancestors = ancestors();
    let place = Place {
        mesa: LOCAL,
        ancestors: &ancestors,
        publishes_actas: false,
    };
    check(
        &Target::Mesa(place),
        [
            ".. .... .. .... .. .. .. .. . . . .",
            ".. .... .. .... .. y. .. .. . . . .",
            ".. .... .. .... .. y. .. .. . . . .",
            ".. .... .. .... .. y. .y .. y . . .",
            "yy .... .. .... .. y. .y .. y . . .",
            "yy .... .y yyyy .. yy yy .y y . . .",
            "yy .... .. .... .. yy yy .. y . . .",
            "yy .... .. .... yy yy yy .. y . . y",
        ],
    );
}

#[test]
fn the_district_as_a_whole() {
    check(
        &Target::District,
        [
            ".. .... .. .... .. .. .. .. . . . .",
            ".. .... .. .... .. y. .. .. . . . .",
            ".. .... .. .... .. y. .. .. . . . .",
            ".. .... .. .... .. y. .y .. y . . .",
            ".. .... .. .... .. y. .y .. y . . .",
            ".. .... .. .... .. y. .y .. y . . .",
            ".. .... .. .... .. y. .y .. y . . .",
            ".. .... .. .... yy yy yy .. y . . y",
        ],
    );
}

#[test]
fn published_actas_are_read_by_anyone_and_nothing_else_opens() {
    let ancestors = ancestors();
    let place = Place {
        mesa: LOCAL,
        ancestors: &ancestors,
        publishes_actas: true,
    };
    let target = Target::Session { place, id: 1 };
    let nobody = Actor::anonymous();
    assert_eq!(decide(&nobody, Act::ReadActa, &target), Ok(()));
    assert_eq!(
        decide(&nobody, Act::ReadBoard, &target),
        Err(Denied::SignIn(Act::ReadBoard))
    );
}

#[test]
fn an_invitation_opens_its_own_session_only() {
    let ancestors = ancestors();
    let place = Place {
        mesa: LOCAL,
        ancestors: &ancestors,
        publishes_actas: false,
    };
    let other_session = Target::Session { place, id: 2 };
    let participant = guest(BoardRole::Participante, GuestScope::Session(1));
    assert_eq!(board_role(&participant, &other_session), None);
    let coordination = guest(BoardRole::Coordinador, GuestScope::Mesa);
    assert!(allowed(
        &coordination,
        Act::DecideEscalation,
        &Target::Mesa(place)
    ));
    assert!(!allowed(&coordination, Act::EditBoard, &other_session));
    // A coordination's invitation reads its Mesa's other boards (never writes them).
    assert_eq!(
        board_role(&coordination, &other_session),
        Some(BoardRole::Observador)
    );
    let session_coordination = guest(BoardRole::Coordinador, GuestScope::Session(1));
    assert!(allowed(
        &session_coordination,
        Act::ReadBoard,
        &other_session
    ));
    assert!(!allowed(
        &session_coordination,
        Act::CloseMeeting,
        &other_session
    ));
}

#[test]
fn the_strongest_of_a_persons_role_and_an_invitation_wins() {
    let ancestors = ancestors();
    let place = Place {
        mesa: LOCAL,
        ancestors: &ancestors,
        publishes_actas: false,
    };
    let session = Target::Session { place, id: 1 };
    let mut both = person(false, &[(LOCAL, MesaRole::Observador)]);
    both.guest = guest(BoardRole::Participante, GuestScope::Session(1)).guest;
    assert_eq!(board_role(&both, &session), Some(BoardRole::Participante));
    let zonal = person(false, &[(ZONE, MesaRole::Coordinador)]);
    assert_eq!(board_role(&zonal, &session), Some(BoardRole::Observador));
    assert_eq!(board_role(&Actor::anonymous(), &session), None);
}

#[test]
fn a_board_is_written_by_writers_while_its_session_is_open() {
    use SessionStatus::*;
    let ancestors = ancestors();
    let place = Place {
        mesa: LOCAL,
        ancestors: &ancestors,
        publishes_actas: false,
    };
    let session = Target::Session { place, id: 1 };
    for status in SessionStatus::ALL {
        let open = matches!(status, Programada | EnCurso);
        for (name, actor) in actors() {
            let writer = allowed(&actor, Act::EditBoard, &session);
            assert_eq!(
                writes_board(&actor, &session, status),
                open && writer,
                "{name} {status:?}"
            );
        }
    }
}

#[test]
fn the_board_roles_table() {
    use Act::*;
    for role in BoardRole::ALL {
        assert!(allows(*role, ReadBoard));
        assert!(!allows(*role, ManagePeople));
    }
    assert!(allows(BoardRole::Participante, EditBoard));
    assert!(!allows(BoardRole::Participante, CloseMeeting));
    assert!(!allows(BoardRole::Observador, EditBoard));
}

#[test]
fn indicators_are_loaded_by_the_coordination_above_or_on_their_territory() {
    let district_coordinator = person(false, &[(DISTRICT, MesaRole::Coordinador)]);
    assert!(allowed(
        &district_coordinator,
        Act::ManageIndicators,
        &Target::District
    ));
    let local_coordinator = person(false, &[(LOCAL, MesaRole::Coordinador)]);
    assert!(!allowed(
        &local_coordinator,
        Act::ManageIndicators,
        &Target::District
    ));
    let zone = Place {
        mesa: ZONE,
        ancestors: &[DISTRICT.into()],
        publishes_actas: false,
    };
    // A local coordination does not load its zone's figures.
    assert!(!allowed(
        &local_coordinator,
        Act::ManageIndicators,
        &Target::Mesa(zone)
    ));
    assert!(allowed(
        &district_coordinator,
        Act::ManageIndicators,
        &Target::Mesa(zone)
    ));
    let coordination_link = guest(BoardRole::Coordinador, GuestScope::Mesa);
    let ancestors = ancestors();
    let local = Place {
        mesa: LOCAL,
        ancestors: &ancestors,
        publishes_actas: false,
    };
    assert!(!allowed(
        &coordination_link,
        Act::ManageIndicators,
        &Target::Mesa(local)
    ));
}
