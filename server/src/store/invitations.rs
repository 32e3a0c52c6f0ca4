//! Invitations are signed tokens (`auth`), and each one made by Sala is also a row here, so its
//! Mesa's coordination can list who used it and revoke it. A token with no row (made before this
//! table existed, or by a test's signer) stays valid until it expires.

use app::domain::board::BoardRole;
use app::domain::identity::{AuditEntry, AuditQuery, Invitation};
use app::domain::{bogota, format_bogota};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{parse_timestamp, timestamp};

/// A new invitation's row.
pub struct NewInvitation<'a> {
    pub nonce: &'a str,
    pub session: Option<i64>,
    pub mesa: &'a str,
    pub role: BoardRole,
    pub name: Option<&'a str>,
    pub expires_at: i64,
    pub created_by: &'a str,
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    nonce: String,
    session_id: Option<i64>,
    mesa_code: String,
    role: String,
    name: Option<String>,
    expires_at: i64,
    created_by: String,
    revoked_at: Option<String>,
    uses: i64,
    last_used_at: Option<String>,
    last_used_by: Option<String>,
}

const INVITATION_COLUMNS: &str = "nonce, session_id, mesa_code, role, name, expires_at, created_by,
     revoked_at, uses, last_used_at, last_used_by";

fn bogota_of_unix(seconds: i64) -> String {
    Utc.timestamp_opt(seconds, 0)
        .single()
        .map(format_bogota)
        .unwrap_or_default()
}

impl InvitationRow {
    fn into_invitation(self, now: i64) -> Result<Invitation> {
        let role = BoardRole::parse(&self.role)
            .ok_or_else(|| StoreError::Corrupt(format!("rol «{}»", self.role)))?;
        let last_used = self
            .last_used_at
            .as_deref()
            .map(parse_timestamp)
            .transpose()?
            .map(format_bogota);
        Ok(Invitation {
            nonce: self.nonce,
            session: self.session_id,
            mesa: self.mesa_code,
            role,
            name: self.name,
            expires: bogota_of_unix(self.expires_at),
            expired: self.expires_at <= now,
            created_by: self.created_by,
            revoked: self.revoked_at.is_some(),
            uses: self.uses,
            last_used,
            last_used_by: self.last_used_by,
            link: None,
        })
    }
}

impl Store {
    pub async fn record_invitation(
        &self,
        new: &NewInvitation<'_>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (nonce, session_id, mesa_code, role, name, expires_at,
                                      created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new.nonce)
        .bind(new.session)
        .bind(new.mesa)
        .bind(new.role.code())
        .bind(new.name)
        .bind(new.expires_at)
        .bind(new.created_by)
        .bind(timestamp(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn invitation(&self, nonce: &str, now: i64) -> Result<Option<Invitation>> {
        let row: Option<InvitationRow> = sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE nonce = $1"
        ))
        .bind(nonce)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| row.into_invitation(now)).transpose()
    }

    /// A session's invitations, newest first.
    pub async fn invitations_of_session(&self, session: i64, now: i64) -> Result<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE session_id = $1
             ORDER BY created_at DESC, nonce"
        ))
        .bind(session)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| row.into_invitation(now))
            .collect()
    }

    pub async fn revoke_invitation(&self, nonce: &str, now: DateTime<Utc>) -> Result<()> {
        let revoked = sqlx::query(
            "UPDATE invitations SET revoked_at = $1 WHERE nonce = $2 AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(nonce)
        .execute(&self.pool)
        .await?;
        if revoked.rows_affected() == 0 && self.invitation(nonce, 0).await?.is_none() {
            return Err(StoreError::UnknownInvitation);
        }
        Ok(())
    }

    pub async fn note_invitation_use(
        &self,
        nonce: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE invitations SET uses = uses + 1, last_used_at = $1, last_used_by = $2
             WHERE nonce = $3",
        )
        .bind(timestamp(now))
        .bind(by)
        .bind(nonce)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    // ---- audit log ----------------------------------------------------------------------------

    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(timestamp(now))
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Newest first, at most `limit`; dates are Bogotá days, inclusive.
    pub async fn audit_entries(&self, query: &AuditQuery, limit: i64) -> Result<Vec<AuditEntry>> {
        let day_start = |day: &str, next: bool| -> Result<Option<String>> {
            if day.trim().is_empty() {
                return Ok(None);
            }
            let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("fecha «{day}»")))?;
            let date = if next {
                date.succ_opt().unwrap_or(date)
            } else {
                date
            };
            let start = date
                .and_hms_opt(0, 0, 0)
                .and_then(|t| bogota().from_local_datetime(&t).single())
                .map(|t| timestamp(t.with_timezone(&Utc)));
            Ok(start)
        };
        let from = day_start(&query.from, false)?.unwrap_or_default();
        let to = day_start(&query.to, true)?.unwrap_or_else(|| "9999".into());
        let like = |text: &str| format!("%{}%", text.trim().to_lowercase());
        let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, at, actor, action, target, detail FROM audit_log
             WHERE at >= $1 AND at < $2 AND LOWER(actor) LIKE $3 AND LOWER(action) LIKE $4
             ORDER BY id DESC LIMIT $5",
        )
        .bind(from)
        .bind(to)
        .bind(like(&query.actor))
        .bind(like(&query.action))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, at, actor, action, target, detail)| AuditEntry {
                id,
                at,
                actor,
                action,
                target,
                detail,
            })
            .collect())
    }

    /// Whether the Mesa publishes its closed actas to signed-out visitors.
    pub async fn publishes_actas(&self, mesa: &str) -> Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT publishes_actas FROM mesas WHERE code = $1")
                .bind(mesa)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row
            .ok_or_else(|| StoreError::UnknownMesa(mesa.to_owned()))?
            .0
            != 0)
    }

    pub async fn set_publishes_actas(&self, mesa: &str, publish: bool) -> Result<()> {
        sqlx::query("UPDATE mesas SET publishes_actas = $1 WHERE code = $2")
            .bind(i64::from(publish))
            .bind(mesa)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The expiry (Unix seconds) an invitation was signed with.
    pub async fn invitation_expiry(&self, nonce: &str) -> Result<i64> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT expires_at FROM invitations WHERE nonce = $1")
                .bind(nonce)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.ok_or(StoreError::UnknownInvitation)?.0)
    }
}
