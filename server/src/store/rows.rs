//! Rows as the database returns them, and their conversion into domain records. Enumerations are
//! stored as their stable codes; a code the domain does not know is reported, not guessed.

use app::domain::{Level, Member, Mesa, MesaRef, Session, SessionMode, SessionStatus};
use chrono::{DateTime, SecondsFormat, Utc};

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
    contact: Option<String>,
}

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Self {
        Member {
            id: row.id,
            mesa_code: row.mesa_code,
            name: row.name,
            institution: row.institution,
            sector: row.sector,
            role: row.role,
            contact: row.contact,
        }
    }
}

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
            mesa_code: row.mesa_code,
            place: row.place,
        })
    }
}

pub(super) fn sessions(rows: Vec<SessionRow>) -> Result<Vec<Session>> {
    rows.into_iter().map(Session::try_from).collect()
}
