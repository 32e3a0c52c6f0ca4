//! Mesas, the chain of Mesas above each one, and their members.

use app::domain::{Member, Mesa, MesaDetail, MesaRef, MesaSummary, NewMember, split_by_time};
use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{MemberRow, MesaRefRow, MesaRow, SessionRow, sessions, timestamp};

impl Store {
    pub async fn list_mesas(&self) -> Result<Vec<Mesa>> {
        let rows: Vec<MesaRow> = sqlx::query_as(
            "SELECT m.code, m.name, m.level, m.parent_code, m.zona, m.localidad_code,
                    l.name AS localidad_name
             FROM mesas m LEFT JOIN localidades l ON l.code = m.localidad_code
             ORDER BY m.position",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Mesa::try_from).collect()
    }

    pub async fn get_mesa(&self, code: &str) -> Result<Mesa> {
        let row: Option<MesaRow> = sqlx::query_as(
            "SELECT m.code, m.name, m.level, m.parent_code, m.zona, m.localidad_code,
                    l.name AS localidad_name
             FROM mesas m LEFT JOIN localidades l ON l.code = m.localidad_code
             WHERE m.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or_else(|| StoreError::UnknownMesa(code.to_owned()))?
            .try_into()
    }

    /// The Mesas a barrier escalates through from `code`, nearest first (zonal, then district).
    pub async fn parents_of(&self, code: &str) -> Result<Vec<MesaRef>> {
        let rows: Vec<MesaRefRow> = sqlx::query_as(
            "WITH RECURSIVE chain (code, name, level, parent_code, depth) AS (
                 SELECT code, name, level, parent_code, 0 FROM mesas WHERE code = $1
                 UNION ALL
                 SELECT m.code, m.name, m.level, m.parent_code, chain.depth + 1
                 FROM mesas m JOIN chain ON m.code = chain.parent_code
             )
             SELECT code, name, level FROM chain WHERE depth > 0 ORDER BY depth",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(MesaRef::try_from).collect()
    }

    pub async fn children_of(&self, code: &str) -> Result<Vec<MesaRef>> {
        let rows: Vec<MesaRefRow> = sqlx::query_as(
            "SELECT code, name, level FROM mesas WHERE parent_code = $1 ORDER BY position",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(MesaRef::try_from).collect()
    }

    /// Every Mesa with its next and last session as of `now`.
    pub async fn mesa_summaries(&self, now: DateTime<Utc>) -> Result<Vec<MesaSummary>> {
        let mesas = self.list_mesas().await?;
        let all = self.list_sessions(None).await?;
        Ok(mesas
            .into_iter()
            .map(|mesa| {
                let own = all
                    .iter()
                    .filter(|s| s.mesa_code == mesa.code)
                    .cloned()
                    .collect();
                let (upcoming, past) = split_by_time(own, now);
                MesaSummary {
                    mesa,
                    next_session: upcoming.into_iter().next(),
                    last_session: past.into_iter().next(),
                }
            })
            .collect())
    }

    pub async fn mesa_detail(&self, code: &str, now: DateTime<Utc>) -> Result<MesaDetail> {
        let mesa = self.get_mesa(code).await?;
        let rows: Vec<SessionRow> = sqlx::query_as(
            "SELECT id, mesa_code, seq, scheduled_at, place, mode, status, started_at, closed_at
             FROM sessions WHERE mesa_code = $1",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        let (upcoming, past) = split_by_time(sessions(rows)?, now);
        Ok(MesaDetail {
            parents: self.parents_of(code).await?,
            children: self.children_of(code).await?,
            members: self.members_of(code).await?,
            mesa,
            upcoming,
            past,
        })
    }

    pub async fn members_of(&self, code: &str) -> Result<Vec<Member>> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT id, mesa_code, name, institution, sector, role, contact
             FROM members WHERE mesa_code = $1 ORDER BY id",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Member::from).collect())
    }

    pub async fn add_member(&self, member: &NewMember, now: DateTime<Utc>) -> Result<Member> {
        self.get_mesa(member.mesa_code()).await?;
        let row: MemberRow = sqlx::query_as(
            "INSERT INTO members (mesa_code, name, institution, sector, role, contact, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING id, mesa_code, name, institution, sector, role, contact",
        )
        .bind(member.mesa_code())
        .bind(member.name())
        .bind(member.institution())
        .bind(member.sector())
        .bind(member.role())
        .bind(member.contact())
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.into())
    }
}
