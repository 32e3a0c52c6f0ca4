//! Mesas, the chain of Mesas above each one, and their members.

use app::domain::{Member, Mesa, MesaDetail, MesaRef, MesaSummary, NewMember, split_by_time};
use chrono::{DateTime, NaiveDate, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{
    MEMBER_COLUMNS, MemberRow, MesaRefRow, MesaRow, SESSION_COLUMNS, SessionRow, sessions,
    timestamp,
};

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
        let rows: Vec<SessionRow> = sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE mesa_code = $1"
        ))
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        let (upcoming, past) = split_by_time(sessions(rows)?, now);
        let (members, former_members) = self
            .all_members_of(code)
            .await?
            .into_iter()
            .partition(|m| m.removed_on.is_none());
        Ok(MesaDetail {
            parents: self.parents_of(code).await?,
            children: self.children_of(code).await?,
            members,
            former_members,
            contacts_visible: true,
            powers: Default::default(),
            publishes_actas: false,
            mail_enabled: false,
            mesa,
            upcoming,
            past,
        })
    }

    /// Everyone who sits or sat on the Mesa, in the order they were added.
    pub async fn all_members_of(&self, code: &str) -> Result<Vec<Member>> {
        let rows: Vec<MemberRow> = sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE mesa_code = $1 ORDER BY id"
        ))
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Member::try_from).collect()
    }

    /// The members sitting on the Mesa today (quorum counts these).
    pub async fn members_of(&self, code: &str) -> Result<Vec<Member>> {
        let mut members = self.all_members_of(code).await?;
        members.retain(|m| m.removed_on.is_none());
        Ok(members)
    }

    pub async fn get_member(&self, id: i64) -> Result<Member> {
        let row: Option<MemberRow> = sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::UnknownMember(id))?.try_into()
    }

    /// Adds a member unless one with the same name and institution already sits on the Mesa.
    pub async fn add_member(&self, member: &NewMember, now: DateTime<Utc>) -> Result<Member> {
        self.get_mesa(member.mesa_code()).await?;
        member.check_unique(&self.members_of(member.mesa_code()).await?, None)?;
        let row: MemberRow = sqlx::query_as(&format!(
            "INSERT INTO members (mesa_code, name, institution, sector, role, seat, contact, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             RETURNING {MEMBER_COLUMNS}"
        ))
        .bind(member.mesa_code())
        .bind(member.name())
        .bind(member.institution())
        .bind(member.sector())
        .bind(member.role())
        .bind(member.seat().as_str())
        .bind(member.contact())
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// Corrects a sitting member (its Mesa does not change).
    pub async fn update_member(&self, id: i64, member: &NewMember) -> Result<Member> {
        let current = self.get_member(id).await?;
        if current.removed_on.is_some() {
            return Err(StoreError::RemovedMember(current.name));
        }
        member.check_unique(&self.members_of(&current.mesa_code).await?, Some(id))?;
        sqlx::query(
            "UPDATE members SET name = $1, institution = $2, sector = $3, role = $4, seat = $5,
                    contact = $6
             WHERE id = $7 AND removed_on IS NULL",
        )
        .bind(member.name())
        .bind(member.institution())
        .bind(member.sector())
        .bind(member.role())
        .bind(member.seat().as_str())
        .bind(member.contact())
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.get_member(id).await
    }

    /// Removes a member from the Mesa as of `on`; the record stays, so past actas keep the name.
    pub async fn remove_member(&self, id: i64, on: NaiveDate) -> Result<Member> {
        let current = self.get_member(id).await?;
        if current.removed_on.is_some() {
            return Err(StoreError::RemovedMember(current.name));
        }
        sqlx::query("UPDATE members SET removed_on = $1 WHERE id = $2 AND removed_on IS NULL")
            .bind(on.format("%Y-%m-%d").to_string())
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.get_member(id).await
    }
}
