//! Sessions: scheduling (with the Mesa's next sequence number) and status changes.

use app::domain::{NewSession, Session, SessionAction, SessionDetail, SessionStatus};
use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{SessionRow, sessions, timestamp};

/// Concurrent schedulers of one Mesa on PostgreSQL can compute the same next number; the unique
/// constraint refuses one of them, which simply tries again.
const SCHEDULE_ATTEMPTS: usize = 5;

impl Store {
    /// Creates a session numbered after the Mesa's highest. The number is computed inside the
    /// insert itself so no other writer can slip between reading it and using it on SQLite.
    pub async fn create_session(&self, new: &NewSession, now: DateTime<Utc>) -> Result<Session> {
        self.get_mesa(new.mesa_code()).await?;
        let mut last_error = None;
        for _ in 0..SCHEDULE_ATTEMPTS {
            let inserted: std::result::Result<SessionRow, sqlx::Error> = sqlx::query_as(
                "INSERT INTO sessions (mesa_code, seq, scheduled_at, place, mode, status, created_at)
                 SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6
                 FROM sessions WHERE mesa_code = $1
                 RETURNING id, mesa_code, seq, scheduled_at, place, mode, status, started_at, closed_at",
            )
            .bind(new.mesa_code())
            .bind(timestamp(new.scheduled_at()))
            .bind(new.place())
            .bind(new.mode().as_str())
            .bind(SessionStatus::Programada.as_str())
            .bind(timestamp(now))
            .fetch_one(&self.pool)
            .await;
            match inserted {
                Ok(row) => return row.try_into(),
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    last_error = Some(sqlx::Error::Database(db));
                }
                Err(other) => return Err(other.into()),
            }
        }
        Err(last_error.map_or_else(|| StoreError::Corrupt("sin intentos".into()), Into::into))
    }

    pub async fn get_session(&self, id: i64) -> Result<Session> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT id, mesa_code, seq, scheduled_at, place, mode, status, started_at, closed_at
             FROM sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::UnknownSession(id))?.try_into()
    }

    pub async fn session_detail(&self, id: i64) -> Result<SessionDetail> {
        let session = self.get_session(id).await?;
        let mesa = self.get_mesa(&session.mesa_code).await?;
        Ok(SessionDetail { session, mesa })
    }

    /// Sessions of one Mesa (or of all), in chronological order.
    pub async fn list_sessions(&self, mesa: Option<&str>) -> Result<Vec<Session>> {
        let rows: Vec<SessionRow> = match mesa {
            Some(code) => {
                self.get_mesa(code).await?;
                sqlx::query_as(
                    "SELECT id, mesa_code, seq, scheduled_at, place, mode, status, started_at, closed_at
                     FROM sessions WHERE mesa_code = $1 ORDER BY scheduled_at, seq",
                )
                .bind(code)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(
                    "SELECT id, mesa_code, seq, scheduled_at, place, mode, status, started_at, closed_at
                     FROM sessions ORDER BY scheduled_at, mesa_code, seq",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        sessions(rows)
    }

    /// Applies `action` if the domain allows it from the session's current status. The update is
    /// conditional on that status, so two people pressing "Cerrar" at once close it once.
    pub async fn change_session_status(
        &self,
        id: i64,
        action: SessionAction,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let current = self.get_session(id).await?;
        let next = current.status.apply(action)?;
        let sql = match next {
            SessionStatus::EnCurso => {
                "UPDATE sessions SET status = $1, started_at = $2 WHERE id = $3 AND status = $4"
            }
            SessionStatus::Cerrada => {
                "UPDATE sessions SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4"
            }
            SessionStatus::Programada => {
                return Err(StoreError::Corrupt("transición hacia «programada»".into()));
            }
        };
        let updated = sqlx::query(sql)
            .bind(next.as_str())
            .bind(timestamp(now))
            .bind(id)
            .bind(current.status.as_str())
            .execute(&self.pool)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::ConcurrentChange(id));
        }
        self.get_session(id).await
    }
}
