//! Votes and consensus checks on an agreement: the choices, who may cast a ballot, and how a
//! closed poll reads as the agreement's result. Ballots live in the database, never in the
//! board's document (whose every writer could write anything in it): `docs/board-schema.md`,
//! «Votaciones», says how a ballot cannot be cast twice or for someone else.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use yrs::{Doc, ReadTxn, Transact};

use super::records::{AttendanceMode, Attendee, DecisionMethod, agreement};
use super::{BoardView, Field, Quorum, set_field};
use crate::domain::{Member, fold, member_named};

code_enum!(
    /// What the coordination asks the Mesa about an agreement.
    PollKind { Votacion = "votacion" / "Votación", Consenso = "consenso" / "Verificación de consenso" }
);

code_enum!(
    /// One answer. A vote's are the first three, a consensus check's the last three.
    Choice {
        AFavor = "a_favor" / "A favor",
        EnContra = "en_contra" / "En contra",
        Abstencion = "abstencion" / "Abstención",
        DeAcuerdo = "de_acuerdo" / "De acuerdo",
        ConReservas = "con_reservas" / "Con reservas",
        Bloqueo = "bloqueo" / "Bloqueo",
    }
);

code_enum!(
    /// What a closed poll decided.
    Outcome {
        Aprobado = "aprobado" / "aprobado",
        NoAprobado = "no_aprobado" / "no aprobado",
        Consenso = "consenso" / "hay consenso",
        ConReservas = "con_reservas" / "consenso con reservas",
        Bloqueado = "bloqueado" / "sin consenso (bloqueo)",
        SinQuorum = "sin_quorum" / "sin quórum: no hay decisión",
        SinRespuestas = "sin_respuestas" / "nadie respondió: no hay decisión",
    }
);

/// Longest reason a block or a reservation may carry.
pub const MAX_REASON_LEN: usize = 500;

impl PollKind {
    pub fn choices(self) -> &'static [Choice] {
        match self {
            PollKind::Votacion => &[Choice::AFavor, Choice::EnContra, Choice::Abstencion],
            PollKind::Consenso => &[Choice::DeAcuerdo, Choice::ConReservas, Choice::Bloqueo],
        }
    }

    /// How the agreement reads as decided once the poll closes.
    pub fn method(self) -> DecisionMethod {
        match self {
            PollKind::Votacion => DecisionMethod::Votacion,
            PollKind::Consenso => DecisionMethod::Consenso,
        }
    }
}

impl Choice {
    pub fn kind(self) -> PollKind {
        match self {
            Choice::AFavor | Choice::EnContra | Choice::Abstencion => PollKind::Votacion,
            Choice::DeAcuerdo | Choice::ConReservas | Choice::Bloqueo => PollKind::Consenso,
        }
    }

    /// A block must say why (the Mesa discusses it before deciding again).
    pub fn needs_reason(self) -> bool {
        self == Choice::Bloqueo
    }
}

/// Why a poll cannot be opened, or a ballot cast or recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    #[error("Una verificación de consenso no es secreta: quien bloquea explica por qué.")]
    SecretConsensus,
    #[error("Esa opción no corresponde a una {0}.")]
    WrongChoice(&'static str),
    #[error("Un bloqueo necesita su motivo.")]
    ReasonMissing,
    #[error("El motivo pasa de {MAX_REASON_LEN} caracteres.")]
    ReasonTooLong,
    #[error(
        "Para votar, registre primero su asistencia en el tablero con su nombre ({0}); luego vuelva a intentarlo."
    )]
    NotCheckedIn(String),
    #[error("Votan los integrantes presentes (titular o delegado); {0} figura como invitado(a).")]
    NoVotingRole(String),
    #[error(
        "{0} participa de forma virtual: vota desde su propio dispositivo; la secretaría registra solo a quienes están en la sala."
    )]
    NotInRoom(String),
    #[error("Esa persona no está en la asistencia del tablero.")]
    UnknownAttendee,
    #[error("Varias personas de la asistencia se llaman {0}: la secretaría registra su voto.")]
    AmbiguousName(String),
    #[error(
        "Su invitación no lleva su nombre: pida a la secretaría que registre su voto, o entre con su cuenta."
    )]
    UnnamedInvitation,
    #[error("La votación se abre con la reunión en curso.")]
    NotRunning,
    #[error("No existe ese acuerdo en el tablero.")]
    UnknownAgreement,
}

/// What opening a poll asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollRequest {
    pub agreement_id: String,
    pub kind: PollKind,
    pub secret: bool,
}

impl PollRequest {
    pub fn validate(&self) -> Result<(), BallotError> {
        if self.secret && self.kind == PollKind::Consenso {
            return Err(BallotError::SecretConsensus);
        }
        Ok(())
    }
}

/// A ballot as asked for: the choice and, for a block, its reason (trimmed).
pub fn check_choice(kind: PollKind, choice: Choice, reason: &str) -> Result<String, BallotError> {
    if choice.kind() != kind {
        return Err(BallotError::WrongChoice(match kind {
            PollKind::Votacion => "votación",
            PollKind::Consenso => "verificación de consenso",
        }));
    }
    let reason = reason.trim();
    if choice.needs_reason() && reason.is_empty() {
        return Err(BallotError::ReasonMissing);
    }
    if reason.chars().count() > MAX_REASON_LEN {
        return Err(BallotError::ReasonTooLong);
    }
    Ok(reason.to_owned())
}

/// The attendance record a person casting from their own device votes as: the one bearing their
/// name (as their account or named invitation carries it, not as they type it), which must sit
/// for a member of the Mesa's roster (`roster`: its sitting members).
pub fn own_attendance<'a>(
    board: &'a BoardView,
    roster: &[Member],
    name: &str,
) -> Result<&'a Attendee, BallotError> {
    let wanted = fold(name);
    let mut named = board
        .attendance
        .iter()
        .filter(|a| !wanted.is_empty() && fold(&a.name) == wanted);
    let Some(attendee) = named.next() else {
        return Err(BallotError::NotCheckedIn(name.to_owned()));
    };
    if named.next().is_some() {
        return Err(BallotError::AmbiguousName(name.to_owned()));
    }
    sits_for_a_member(attendee, roster)
}

/// The attendance record the coordination records a ballot for: someone in the room.
pub fn attendance_in_room<'a>(
    board: &'a BoardView,
    roster: &[Member],
    attendee_id: &str,
) -> Result<&'a Attendee, BallotError> {
    let attendee = board
        .attendance
        .iter()
        .find(|a| a.id == attendee_id)
        .ok_or(BallotError::UnknownAttendee)?;
    if attendee.mode != AttendanceMode::Presencial {
        return Err(BallotError::NotInRoom(attendee.name.clone()));
    }
    sits_for_a_member(attendee, roster)
}

/// The record's role says titular or delegado — which any writer of the board can set — and
/// its name is one of the Mesa's sitting members (which only the coordination can change).
fn sits_for_a_member<'a>(
    attendee: &'a Attendee,
    roster: &[Member],
) -> Result<&'a Attendee, BallotError> {
    if attendee.is_member() && member_named(roster, &attendee.name).is_some() {
        Ok(attendee)
    } else {
        Err(BallotError::NoVotingRole(attendee.name.clone()))
    }
}

/// One ballot as people see it. In a secret vote nobody sees the choice (it is not stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ballot {
    pub attendee_id: String,
    pub name: String,
    pub choice: Option<Choice>,
    pub reason: String,
    /// Who recorded it for someone in the room; `None` when cast from the voter's own device.
    pub recorded_by: Option<String>,
}

/// How many chose each of the poll's options, in the kind's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub counts: Vec<(Choice, usize)>,
}

impl Tally {
    pub fn new(kind: PollKind, counted: impl IntoIterator<Item = (Choice, usize)>) -> Self {
        let mut counts: Vec<(Choice, usize)> = kind.choices().iter().map(|c| (*c, 0)).collect();
        for (choice, n) in counted {
            if let Some(slot) = counts.iter_mut().find(|(c, _)| *c == choice) {
                slot.1 += n;
            }
        }
        Self { counts }
    }

    pub fn of(&self, choice: Choice) -> usize {
        self.counts
            .iter()
            .find(|(c, _)| *c == choice)
            .map_or(0, |(_, n)| *n)
    }

    pub fn cast(&self) -> usize {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// "9 a favor, 2 en contra, 1 abstención".
    pub fn describe(&self) -> String {
        self.counts
            .iter()
            .map(|(choice, n)| {
                let label = choice.label().to_lowercase();
                match (choice, n) {
                    (Choice::Abstencion, 1) => "1 abstención".to_owned(),
                    (Choice::Abstencion, n) => format!("{n} abstenciones"),
                    (Choice::Bloqueo, 1) => "1 bloqueo".to_owned(),
                    (Choice::Bloqueo, n) => format!("{n} bloqueos"),
                    (_, n) => format!("{n} {label}"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the poll decided: nothing without quorum; a vote passes with more in favour than
/// against (abstentions count for neither); one block stops a consensus, and a reservation
/// qualifies it.
pub fn outcome(kind: PollKind, tally: &Tally, quorum: &Quorum) -> Outcome {
    if !quorum.reached {
        return Outcome::SinQuorum;
    }
    if tally.cast() == 0 {
        return Outcome::SinRespuestas;
    }
    match kind {
        PollKind::Votacion if tally.of(Choice::AFavor) > tally.of(Choice::EnContra) => {
            Outcome::Aprobado
        }
        PollKind::Votacion => Outcome::NoAprobado,
        PollKind::Consenso if tally.of(Choice::Bloqueo) > 0 => Outcome::Bloqueado,
        PollKind::Consenso if tally.of(Choice::ConReservas) > 0 => Outcome::ConReservas,
        PollKind::Consenso => Outcome::Consenso,
    }
}

/// The line the agreement, the projector and the acta carry once the poll closes:
/// «Votación secreta: aprobado · 9 a favor, 2 en contra, 1 abstención · 12 de 15 integrantes ·
/// hay quórum».
pub fn result_line(kind: PollKind, secret: bool, tally: &Tally, quorum: &Quorum) -> String {
    let heading = match (kind, secret) {
        (PollKind::Votacion, true) => "Votación secreta",
        (kind, _) => kind.label(),
    };
    format!(
        "{heading}: {} · {} · {}",
        outcome(kind, tally, quorum).label(),
        tally.describe(),
        quorum.describe()
    )
}

/// A closed poll's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closing {
    pub at: DateTime<Utc>,
    pub by: String,
    pub outcome: Outcome,
    pub result: String,
}

/// A poll as the board and the projector show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Poll {
    pub id: i64,
    pub session_id: i64,
    pub agreement_id: String,
    pub kind: PollKind,
    pub secret: bool,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub closing: Option<Closing>,
    pub tally: Tally,
    /// Who has voted (with their choice unless the vote is secret), in the order they voted.
    pub ballots: Vec<Ballot>,
    /// Quorum as the board stands now (or as it stood at closing).
    pub quorum: Quorum,
}

impl Poll {
    pub fn is_open(&self) -> bool {
        self.closing.is_none()
    }

    pub fn has_voted(&self, attendee_id: &str) -> bool {
        self.ballots.iter().any(|b| b.attendee_id == attendee_id)
    }
}

/// Writes each agreement's result from the session's closed polls (the latest closed poll on
/// it wins) and clears any result the store does not back: what the acta keeps is the
/// store's word, not the document's, which every writer could have typed into.
pub fn settle_outcomes(agreements: &mut [super::records::Agreement], polls: &[Poll]) {
    for agreement in agreements {
        let latest = polls
            .iter()
            .filter(|p| p.agreement_id == agreement.id)
            .filter_map(|p| p.closing.as_ref().map(|closing| (p.id, p.kind, closing)))
            .max_by_key(|(id, _, _)| *id);
        match latest {
            Some((_, kind, closing)) => {
                agreement.outcome = closing.result.clone();
                agreement.method = kind.method();
            }
            None => agreement.outcome.clear(),
        }
    }
}

/// Who the board's history says wrote a poll's result.
pub const AUTHOR: &str = "Sala (votación)";

/// The server's edit writing a closed poll's result into its agreement: the method and the
/// result line. `None` when the agreement is gone from the board.
pub fn result_update(
    doc: &Doc,
    agreement_id: &str,
    kind: PollKind,
    line: &str,
    now_ms: f64,
) -> Option<Vec<u8>> {
    let before = doc.transact().state_vector();
    {
        let mut txn = doc.transact_mut();
        let record = super::edit::record(&txn, agreement::ROOT, agreement_id)?;
        let method = Field::Text(kind.method().code().to_owned());
        set_field(
            &mut txn,
            agreement::ROOT,
            &record,
            agreement::METHOD.name,
            method,
            AUTHOR,
            now_ms,
        );
        let outcome = Field::Text(line.to_owned());
        set_field(
            &mut txn,
            agreement::ROOT,
            &record,
            agreement::OUTCOME.name,
            outcome,
            AUTHOR,
            now_ms,
        );
    }
    Some(doc.transact().encode_diff_v1(&before))
}

/// What the board's voting panel shows one person: the session's polls and what they may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollDesk {
    pub polls: Vec<Poll>,
    /// The meeting is running (polls open, ballots land); before it starts and after it ends
    /// the board shows results only.
    pub running: bool,
    /// Opens and closes polls and records the ballots of people in the room.
    pub conducts: bool,
    /// The attendance record this person votes as, or why they cannot vote from here.
    pub voter: Result<String, String>,
    /// Members in the room the coordination may record a ballot for (id, name).
    pub in_room: Vec<(String, String)>,
}

impl PollDesk {
    pub fn open_on(&self, agreement_id: &str) -> Option<&Poll> {
        self.polls
            .iter()
            .find(|p| p.is_open() && p.agreement_id == agreement_id)
    }
}

/// Members present in the room (the coordination records their ballots).
pub fn members_in_room(board: &BoardView, roster: &[Member]) -> Vec<(String, String)> {
    board
        .attendance
        .iter()
        .filter(|a| a.mode == AttendanceMode::Presencial && sits_for_a_member(a, roster).is_ok())
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect()
}

#[cfg(test)]
#[path = "vote_tests.rs"]
mod tests;
