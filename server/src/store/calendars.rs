//! Calendar subscriptions: private feed URLs whose secret is kept only as a digest, listed and
//! revoked by their owner.

use app::domain::identity::CalendarFeed;
use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::timestamp;

/// What a live feed shows: its owner's sessions and commitments, or a Mesa's sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedTarget {
    pub account_id: i64,
    pub mesa_code: Option<String>,
}

impl Store {
    pub async fn create_calendar_feed(
        &self,
        token_hash: &str,
        account: i64,
        mesa_code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO calendar_feeds (token_hash, account_id, mesa_code, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token_hash)
        .bind(account)
        .bind(mesa_code)
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// The feed of a live token, noting its use (calendar applications poll it for hours).
    pub async fn use_calendar_feed(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<FeedTarget>> {
        let row: Option<(i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, account_id, mesa_code FROM calendar_feeds
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, account_id, mesa_code)) = row else {
            return Ok(None);
        };
        sqlx::query("UPDATE calendar_feeds SET last_used_at = $1 WHERE id = $2")
            .bind(timestamp(now))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(Some(FeedTarget {
            account_id,
            mesa_code,
        }))
    }

    pub async fn calendar_feeds_of(&self, account: i64) -> Result<Vec<CalendarFeed>> {
        type Row = (
            i64,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT f.id, f.mesa_code, m.name, f.created_at, f.last_used_at, f.revoked_at
             FROM calendar_feeds f LEFT JOIN mesas m ON m.code = f.mesa_code
             WHERE f.account_id = $1 ORDER BY f.id DESC",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, mesa, mesa_name, created_at, last_used_at, revoked_at)| CalendarFeed {
                    id,
                    mesa,
                    mesa_name,
                    created_at,
                    last_used_at,
                    revoked: revoked_at.is_some(),
                },
            )
            .collect())
    }

    /// Revokes one of `account`'s feeds; someone else's is "not found".
    pub async fn revoke_calendar_feed(
        &self,
        account: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE calendar_feeds SET revoked_at = $1
             WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(id)
        .bind(account)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::UnknownCalendarFeed(id));
        }
        Ok(())
    }
}
