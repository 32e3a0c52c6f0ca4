//! Sessions: scheduling (with the Mesa's next sequence number) and status changes.

use app::domain::{
    NewSession, Session, SessionAction, SessionChanges, SessionDetail, SessionStatus,
};
use chrono::{DateTime, Utc};

use super::error::{Result, StoreError};
use super::rows::{SESSION_COLUMNS, SessionRow, sessions, timestamp};
use super::{Engine, Store};

impl Store {
    /// Creates a session numbered after the Mesa's highest. On SQLite the number is computed inside
    /// the insert itself (writers are serialised); on PostgreSQL the Mesa's row is locked first so
    /// concurrent schedulers of one Mesa take turns instead of colliding on the unique number.
    /// Schedules a session with its board's first content, `board(what the Mesa left open)`, in
    /// one transaction: the board is never seen without it, and no page read has to write it.
    pub async fn create_session_with_board(
        &self,
        new: &NewSession,
        now: DateTime<Utc>,
        board: impl FnOnce(&super::CarriedOver) -> Vec<u8>,
    ) -> Result<Session> {
        let carried = self.carried_over(new.mesa_code(), i64::MAX).await?;
        self.insert_session(new, now, Some(board(&carried))).await
    }

    /// Schedules a session with an empty board.
    pub async fn create_session(&self, new: &NewSession, now: DateTime<Utc>) -> Result<Session> {
        self.insert_session(new, now, None).await
    }

    async fn insert_session(
        &self,
        new: &NewSession,
        now: DateTime<Utc>,
        board: Option<Vec<u8>>,
    ) -> Result<Session> {
        self.insert_sessions(&[(new, board)], now)
            .await?
            .pop()
            .ok_or_else(|| StoreError::UnknownMesa(new.mesa_code().to_owned()))
    }

    /// Schedules a series of sessions of one Mesa, each with its board's first content, in one
    /// transaction: all of them or none.
    pub async fn create_series_with_board(
        &self,
        news: &[NewSession],
        now: DateTime<Utc>,
        board: impl Fn(&super::CarriedOver) -> Vec<u8>,
    ) -> Result<Vec<Session>> {
        let Some(first) = news.first() else {
            return Ok(Vec::new());
        };
        let carried = self.carried_over(first.mesa_code(), i64::MAX).await?;
        // only the first of them is the next meeting, where a draft acta is approved
        let later = super::CarriedOver {
            draft_acta: None,
            ..carried.clone()
        };
        let rows: Vec<(&NewSession, Option<Vec<u8>>)> = news
            .iter()
            .enumerate()
            .map(|(n, new)| (new, Some(board(if n == 0 { &carried } else { &later }))))
            .collect();
        self.insert_sessions(&rows, now).await
    }

    async fn insert_sessions(
        &self,
        news: &[(&NewSession, Option<Vec<u8>>)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Session>> {
        let mut tx = self.pool.begin().await?;
        let mut created = Vec::with_capacity(news.len());
        for (new, board) in news {
            let exists: Option<(String,)> = match self.engine {
                Engine::Postgres => {
                    sqlx::query_as("SELECT code FROM mesas WHERE code = $1 FOR UPDATE")
                        .bind(new.mesa_code())
                        .fetch_optional(&mut *tx)
                        .await?
                }
                // A read here would pin a snapshot that the insert then has to upgrade, which fails
                // under concurrent writers; the insert below is the first statement instead.
                Engine::Sqlite => Some((new.mesa_code().to_owned(),)),
            };
            if exists.is_none() {
                return Err(StoreError::UnknownMesa(new.mesa_code().to_owned()));
            }
            let row: Option<SessionRow> = sqlx::query_as(&format!(
                "INSERT INTO sessions (mesa_code, seq, scheduled_at, place, mode, status, created_at)
                 SELECT m.code, (SELECT COALESCE(MAX(s.seq), 0) + 1 FROM sessions s WHERE s.mesa_code = m.code),
                        $2, $3, $4, $5, $6
                 FROM mesas m WHERE m.code = $1
                 RETURNING {SESSION_COLUMNS}"
            ))
            .bind(new.mesa_code())
            .bind(timestamp(new.scheduled_at()))
            .bind(new.place())
            .bind(new.mode().as_str())
            .bind(SessionStatus::Programada.as_str())
            .bind(timestamp(now))
            .fetch_optional(&mut *tx)
            .await?;
            let row = row.ok_or_else(|| StoreError::UnknownMesa(new.mesa_code().to_owned()))?;
            let session: Session = row.try_into()?;
            if let Some(board) = &board {
                let rows = [(session.id, board.as_slice(), None)];
                super::rooms::append_in(&mut tx, self.engine, &rows, &timestamp(now)).await?;
            }
            created.push(session);
        }
        tx.commit().await?;
        Ok(created)
    }

    /// The Mesa's sessions after number `seq` whose boards are still open: a session closing
    /// late leaves them more to follow up.
    pub async fn later_open_sessions(&self, mesa_code: &str, seq: i64) -> Result<Vec<i64>> {
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM sessions WHERE mesa_code = $1 AND seq > $2 AND status IN ($3, $4) ORDER BY seq",
        )
        .bind(mesa_code)
        .bind(seq)
        .bind(SessionStatus::Programada.as_str())
        .bind(SessionStatus::EnCurso.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    pub async fn get_session(&self, id: i64) -> Result<Session> {
        let row: Option<SessionRow> = sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1"
        ))
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
                sqlx::query_as(&format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE mesa_code = $1 ORDER BY scheduled_at, seq"
                ))
                .bind(code)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(&format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions ORDER BY scheduled_at, mesa_code, seq"
                ))
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
        self.transition(id, action, now, None).await
    }

    /// Cancels a scheduled session, keeping it in the series with the reason.
    pub async fn cancel_session(
        &self,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        self.transition(id, SessionAction::Cancelar, now, Some(reason))
            .await
    }

    async fn transition(
        &self,
        id: i64,
        action: SessionAction,
        now: DateTime<Utc>,
        reason: Option<&str>,
    ) -> Result<Session> {
        let current = self.get_session(id).await?;
        let next = current.status.apply(action)?;
        let when = match next {
            SessionStatus::EnCurso => "started_at",
            SessionStatus::Cerrada => "closed_at",
            SessionStatus::Cancelada => "cancelled_at",
            SessionStatus::Programada => {
                return Err(StoreError::Corrupt("transición hacia «programada»".into()));
            }
        };
        let updated = sqlx::query(&format!(
            "UPDATE sessions SET status = $1, {when} = $2, change_reason = COALESCE($3, change_reason),
                 revision = revision + CASE WHEN $1 = 'cancelada' THEN 1 ELSE 0 END
             WHERE id = $4 AND status = $5"
        ))
        .bind(next.as_str())
        .bind(timestamp(now))
        .bind(reason)
        .bind(id)
        .bind(current.status.as_str())
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::ConcurrentChange(id));
        }
        self.get_session(id).await
    }

    /// Corrects a session that has not started; only while it is still *programada*, so a
    /// correction racing the start of the meeting changes nothing.
    pub async fn update_session(&self, id: i64, changes: &SessionChanges) -> Result<Session> {
        let updated = sqlx::query(
            "UPDATE sessions SET scheduled_at = $1, place = $2, mode = $3,
                    rescheduled_from = COALESCE($4, rescheduled_from),
                    change_reason = COALESCE($5, change_reason),
                    revision = revision + 1
             WHERE id = $6 AND status = $7",
        )
        .bind(timestamp(changes.scheduled_at))
        .bind(&changes.place)
        .bind(changes.mode.as_str())
        .bind(changes.rescheduled_from.map(timestamp))
        .bind(changes.reason.as_deref())
        .bind(id)
        .bind(SessionStatus::Programada.as_str())
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() != 1 {
            self.get_session(id).await?;
            return Err(StoreError::ConcurrentChange(id));
        }
        self.get_session(id).await
    }
}
