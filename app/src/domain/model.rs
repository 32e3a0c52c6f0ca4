//! Records as the pages, the API and the CLI exchange them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::member::Member;
use super::session::{SessionMode, SessionStatus};

/// The three levels of territorial management.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Distrital,
    Zonal,
    Local,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Distrital => "distrital",
            Self::Zonal => "zonal",
            Self::Local => "local",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Distrital, Self::Zonal, Self::Local]
            .into_iter()
            .find(|l| l.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Distrital => "Nivel distrital (macro)",
            Self::Zonal => "Nivel zonal (meso)",
            Self::Local => "Nivel local (micro)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mesa {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub zona: Option<String>,
    pub localidad_code: Option<String>,
    pub localidad_name: Option<String>,
}

/// A short reference to a Mesa (breadcrumbs, the chain of Mesas above a local one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MesaRef {
    pub code: String,
    pub name: String,
    pub level: Level,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: i64,
    pub mesa_code: String,
    /// Number in the Mesa's series: sesión 1, 2, 3 …
    pub seq: i64,
    pub scheduled_at: DateTime<Utc>,
    pub place: String,
    pub mode: SessionMode,
    pub status: SessionStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The date it had before its last rescheduling.
    pub rescheduled_from: Option<DateTime<Utc>>,
    /// Why it was last rescheduled or why it was cancelled.
    pub change_reason: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// How many times its date, place, mode or standing changed after it was scheduled: the
    /// calendar event's SEQUENCE and the version of its convocatoria.
    #[serde(default)]
    pub revision: i64,
}

/// A Mesa on the home page with the sessions people look for first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MesaSummary {
    pub mesa: Mesa,
    pub next_session: Option<Session>,
    pub last_session: Option<Session>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MesaDetail {
    pub mesa: Mesa,
    /// The Mesas above this one, nearest first (zonal, then district).
    pub parents: Vec<MesaRef>,
    /// The Mesas right below this one (a zone's localidades; the district's zones).
    pub children: Vec<MesaRef>,
    /// Members sitting on the Mesa today.
    pub members: Vec<Member>,
    /// Members removed from it (their names stay in past actas).
    pub former_members: Vec<Member>,
    /// The members' contacts are included: the page came with the coordination's invitation.
    /// Otherwise every `contact` is `None` (personal data is not public).
    #[serde(default)]
    pub contacts_visible: bool,
    /// What the person reading the page may do here (the policy's answers, so the page shows
    /// only the controls that will work).
    #[serde(default)]
    pub powers: MesaPowers,
    /// Closed actas are public (a setting of the Mesa's coordination).
    #[serde(default)]
    pub publishes_actas: bool,
    /// The server sends mail (convocatorias, reminders, approved actas); the scheduling form
    /// says when it does not.
    #[serde(default)]
    pub mail_enabled: bool,
    /// Sessions still ahead (or running now), soonest first.
    pub upcoming: Vec<Session>,
    /// Sessions behind us, most recent first.
    pub past: Vec<Session>,
}

/// The Mesa page's controls the reader may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MesaPowers {
    pub schedule: bool,
    pub manage_members: bool,
    pub decide_escalations: bool,
    pub read_boards: bool,
    pub signed_in: bool,
}

/// Splits a Mesa's sessions into what is ahead and what is behind `now`. A session in progress is
/// ahead whatever its scheduled time; a scheduled session whose time passed without starting is
/// behind (it shows as "Programada" in the past list, which is what leaders need to notice). A
/// cancelled session stays where its date puts it, struck through.
pub fn split_by_time(sessions: Vec<Session>, now: DateTime<Utc>) -> (Vec<Session>, Vec<Session>) {
    let (mut upcoming, mut past): (Vec<Session>, Vec<Session>) =
        sessions.into_iter().partition(|s| match s.status {
            SessionStatus::EnCurso => true,
            SessionStatus::Programada | SessionStatus::Cancelada => s.scheduled_at >= now,
            SessionStatus::Cerrada => false,
        });
    upcoming.sort_by_key(|s| (s.scheduled_at, s.seq));
    past.sort_by_key(|s| std::cmp::Reverse((s.scheduled_at, s.seq)));
    (upcoming, past)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub session: Session,
    pub mesa: Mesa,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(seq: i64, at: &str, status: SessionStatus) -> Session {
        Session {
            id: seq,
            mesa_code: "local-01".into(),
            seq,
            scheduled_at: crate::domain::parse_when(at).unwrap(),
            place: String::new(),
            mode: SessionMode::Presencial,
            status,
            started_at: None,
            closed_at: None,
            rescheduled_from: None,
            change_reason: None,
            cancelled_at: None,
            revision: 0,
        }
    }

    #[test]
    fn sessions_split_into_ahead_and_behind() {
        use SessionStatus::*;
        let now = crate::domain::parse_when("2026-11-23T10:00").unwrap();
        let (upcoming, past) = split_by_time(
            vec![
                session(1, "2026-10-01T09:00", Cerrada),
                session(2, "2026-11-01T09:00", Programada),
                session(3, "2026-11-23T08:00", EnCurso),
                session(4, "2027-01-10T09:00", Programada),
                session(5, "2026-12-10T09:00", Programada),
            ],
            now,
        );
        let seqs = |v: &[Session]| v.iter().map(|s| s.seq).collect::<Vec<_>>();
        assert_eq!(seqs(&upcoming), [3, 5, 4]);
        assert_eq!(seqs(&past), [2, 1]);
    }

    #[test]
    fn levels_round_trip() {
        for level in [Level::Distrital, Level::Zonal, Level::Local] {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
    }
}
