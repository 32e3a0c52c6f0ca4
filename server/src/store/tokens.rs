//! Personal access tokens (scripts) and single sign-ons in flight: secrets stored only as
//! digests, and state that lives for minutes.

use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::timestamp;

/// A personal access token as its owner sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccessTokenInfo {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

impl Store {
    pub async fn create_access_token(
        &self,
        token_hash: &str,
        account: i64,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO access_tokens (token_hash, account_id, label, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token_hash)
        .bind(account)
        .bind(label)
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// The account of a live token, noting its use.
    pub async fn use_access_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, account_id FROM access_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, account)) = row else {
            return Ok(None);
        };
        sqlx::query("UPDATE access_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(timestamp(now))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(Some(account))
    }

    pub async fn access_tokens_of(&self, account: i64) -> Result<Vec<AccessTokenInfo>> {
        type Row = (i64, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, label, created_at, last_used_at, revoked_at FROM access_tokens
             WHERE account_id = $1 ORDER BY id DESC",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, label, created_at, last_used_at, revoked_at)| AccessTokenInfo {
                    id,
                    label,
                    created_at,
                    last_used_at,
                    revoked: revoked_at.is_some(),
                },
            )
            .collect())
    }

    /// Revokes one of `account`'s tokens; someone else's token is "not found".
    pub async fn revoke_access_token(
        &self,
        account: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE access_tokens SET revoked_at = $1
             WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(id)
        .bind(account)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::UnknownAccessToken(id));
        }
        Ok(())
    }
}

impl Store {
    /// Keeps a sign-in in flight until its callback (older ones are dropped on the way).
    pub async fn put_oidc_pending(
        &self,
        state: &str,
        pending: &str,
        next: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query("DELETE FROM oidc_pending WHERE created_at < $1")
            .bind(now - 3600)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_pending (state, pending, next_path, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(state)
        .bind(pending)
        .bind(next)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes a sign-in in flight: it is used once, whatever the callback's outcome.
    pub async fn take_oidc_pending(&self, state: &str) -> Result<Option<(String, String)>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT pending, next_path FROM oidc_pending WHERE state = $1")
                .bind(state)
                .fetch_optional(&self.pool)
                .await?;
        let taken = sqlx::query("DELETE FROM oidc_pending WHERE state = $1")
            .bind(state)
            .execute(&self.pool)
            .await?;
        Ok(row.filter(|_| taken.rows_affected() == 1))
    }
}
