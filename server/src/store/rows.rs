//! Rows as the database returns them, and their conversion into domain records. Enumerations are
//! stored as their stable codes; a code the domain does not know is reported, not guessed.

use app::domain::{Level, Member, Mesa, MesaRef, Seat, Session, SessionMode, SessionStatus};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::error::{Result, StoreError};

pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn parse_timestamp(value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("fecha «{value}»")))
}

fn parse_level(value: &str) -> Result<Level> {
    Level::parse(value).ok_or_else(|| StoreError::Corrupt(format!("nivel «{value}»")))
}

#[derive(sqlx::FromRow)]
pub(super) struct MesaRow {
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    zona: Option<String>,
    localidad_code: Option<String>,
    localidad_name: Option<String>,
}

impl TryFrom<MesaRow> for Mesa {
    type Error = StoreError;
    fn try_from(row: MesaRow) -> Result<Self> {
        Ok(Mesa {
            level: parse_level(&row.level)?,
            code: row.code,
            name: row.name,
            parent_code: row.parent_code,
            zona: row.zona,
            localidad_code: row.localidad_code,
            localidad_name: row.localidad_name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MesaRefRow {
    code: String,
    name: String,
    level: String,
}

impl TryFrom<MesaRefRow> for MesaRef {
    type Error = StoreError;
    fn try_from(row: MesaRefRow) -> Result<Self> {
        Ok(MesaRef {
            level: parse_level(&row.level)?,
            code: row.code,
            name: row.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MemberRow {
    id: i64,
    mesa_code: String,
    name: String,
    institution: String,
    sector: String,
    role: String,
    seat: String,
    contact: Option<String>,
    removed_on: Option<String>,
}

/// The columns [`MemberRow`] reads.
pub(super) const MEMBER_COLUMNS: &str =
    "id, mesa_code, name, institution, sector, role, seat, contact, removed_on";

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(row: MemberRow) -> Result<Self> {
        Ok(Member {
            id: row.id,
            seat: Seat::parse(&row.seat)
                .ok_or_else(|| StoreError::Corrupt(format!("participación «{}»", row.seat)))?,
            removed_on: row
                .removed_on
                .as_deref()
                .map(|d| {
                    NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| StoreError::Corrupt(format!("fecha «{d}»")))
                })
                .transpose()?,
            mesa_code: row.mesa_code,
            name: row.name,
            institution: row.institution,
            sector: row.sector,
            role: row.role,
            contact: row.contact,
        })
    }
}

/// The columns [`SessionRow`] reads, in every query that returns sessions.
pub(super) const SESSION_COLUMNS: &str = "id, mesa_code, seq, scheduled_at, place, mode, status, \
     started_at, closed_at, rescheduled_from, change_reason, cancelled_at, revision";

#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    id: i64,
    mesa_code: String,
    seq: i64,
    scheduled_at: String,
    place: String,
    mode: String,
    status: String,
    started_at: Option<String>,
    closed_at: Option<String>,
    rescheduled_from: Option<String>,
    change_reason: Option<String>,
    cancelled_at: Option<String>,
    revision: i64,
}

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;
    fn try_from(row: SessionRow) -> Result<Self> {
        Ok(Session {
            id: row.id,
            seq: row.seq,
            scheduled_at: parse_timestamp(&row.scheduled_at)?,
            mode: SessionMode::parse(&row.mode)
                .ok_or_else(|| StoreError::Corrupt(format!("modalidad «{}»", row.mode)))?,
            status: SessionStatus::parse(&row.status)
                .ok_or_else(|| StoreError::Corrupt(format!("estado «{}»", row.status)))?,
            started_at: row.started_at.as_deref().map(parse_timestamp).transpose()?,
            closed_at: row.closed_at.as_deref().map(parse_timestamp).transpose()?,
            rescheduled_from: row
                .rescheduled_from
                .as_deref()
                .map(parse_timestamp)
                .transpose()?,
            cancelled_at: row
                .cancelled_at
                .as_deref()
                .map(parse_timestamp)
                .transpose()?,
            change_reason: row.change_reason,
            revision: row.revision,
            mesa_code: row.mesa_code,
            place: row.place,
        })
    }
}

pub(super) fn sessions(rows: Vec<SessionRow>) -> Result<Vec<Session>> {
    rows.into_iter().map(Session::try_from).collect()
}
