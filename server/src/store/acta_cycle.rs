//! An acta's draft, observations, corrections and approval (`app::domain::board::approval`
//! decides what is allowed; this writes it). Every write first takes the acta's row — on
//! PostgreSQL `FOR UPDATE`, on SQLite the write lock — so an observation and the approval take
//! turns and the digest covers every observation, and refuses an approved acta; the database's
//! triggers refuse it again.

use app::domain::board::acta::Acta;
use app::domain::board::approval::{
    ActaCycle, ActaState, Answer, Approval, Correction, CycleError, NextSession, Observation,
    correct,
};
use app::domain::{SessionStatus, format_bogota};
use chrono::{DateTime, NaiveDate, Utc};

use super::error::{Result, StoreError};
use super::rows::{parse_timestamp, timestamp};
use super::{Engine, Store};

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// The acta's own columns: its content and where it is in its cycle.
#[derive(sqlx::FromRow)]
struct ActaRow {
    number: i64,
    data: String,
    state: String,
    observations_until: Option<String>,
    approval: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ObservationRow {
    id: i64,
    author: String,
    body: String,
    created_at: String,
    answer: Option<String>,
    answered_by: Option<String>,
    answered_at: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CorrectionRow {
    kind: String,
    record_id: String,
    field: String,
    label: String,
    before_text: String,
    after_text: String,
    corrected_by: String,
    corrected_at: String,
}

fn shown_at(at: &str) -> String {
    parse_timestamp(at).map_or_else(|_| at.to_owned(), format_bogota)
}

fn corrupt(session_id: i64, what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("acta de la sesión {session_id}: {what}: {e}"))
}

impl ActaRow {
    fn content(&self, session_id: i64) -> Result<Acta> {
        let mut acta: Acta =
            serde_json::from_str(&self.data).map_err(|e| corrupt(session_id, "contenido", e))?;
        acta.number = self.number;
        Ok(acta)
    }

    /// The cycle as the row knows it (observations and corrections are read apart).
    fn cycle(&self, session_id: i64) -> Result<ActaCycle> {
        let state = ActaState::parse(&self.state)
            .ok_or_else(|| corrupt(session_id, "estado", &self.state))?;
        let observations_until = self
            .observations_until
            .as_deref()
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
            .transpose()
            .map_err(|e| corrupt(session_id, "plazo", e))?;
        let approval = self
            .approval
            .as_deref()
            .map(serde_json::from_str::<Approval>)
            .transpose()
            .map_err(|e| corrupt(session_id, "aprobación", e))?;
        let cycle = ActaCycle {
            observations_until,
            approval,
            ..ActaCycle::default()
        };
        // the column is what the database's lock reads; it must say what the approval says
        if cycle.state() != state {
            return Err(corrupt(session_id, "estado", &self.state));
        }
        Ok(cycle)
    }
}

impl Store {
    /// Reads the acta's row; for a write (`lock`), locked on PostgreSQL until the transaction
    /// ends.
    async fn acta_row(&self, tx: &mut Tx<'_>, session_id: i64, lock: bool) -> Result<ActaRow> {
        if lock && self.engine == Engine::Sqlite {
            // A write as the first statement takes SQLite's write lock at once: a read first
            // would end this transaction with SQLITE_BUSY when any other writer (the mail
            // courier, a board) commits before its own write. It changes no row, and skips an
            // approved acta, whose trigger refuses every update.
            sqlx::query(
                "UPDATE actas SET state = state WHERE session_id = $1 AND state <> 'aprobada'",
            )
            .bind(session_id)
            .execute(&mut **tx)
            .await?;
        }
        let lock = if lock && self.engine == Engine::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let row: Option<ActaRow> = sqlx::query_as(&format!(
            "SELECT number, data, state, observations_until, approval FROM actas
             WHERE session_id = $1{lock}"
        ))
        .bind(session_id)
        .fetch_optional(&mut **tx)
        .await?;
        row.ok_or(StoreError::NoActa(session_id))
    }

    /// The acta with its whole cycle, as the page, the downloads and the digest read it.
    async fn full_acta(
        &self,
        connection: &mut sqlx::AnyConnection,
        session_id: i64,
        row: &ActaRow,
    ) -> Result<Acta> {
        let mut acta = row.content(session_id)?;
        let mut cycle = row.cycle(session_id)?;
        let observations: Vec<ObservationRow> = sqlx::query_as(
            "SELECT id, author, body, created_at, answer, answered_by, answered_at
             FROM acta_observations WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&mut *connection)
        .await?;
        cycle.observations = observations
            .into_iter()
            .map(|o| Observation {
                id: o.id,
                author: o.author,
                text: o.body,
                at: shown_at(&o.created_at),
                answer: o.answer.map(|text| Answer {
                    text,
                    by: o.answered_by.unwrap_or_default(),
                    at: o.answered_at.as_deref().map(shown_at).unwrap_or_default(),
                }),
            })
            .collect();
        let corrections: Vec<CorrectionRow> = sqlx::query_as(
            "SELECT kind, record_id, field, label, before_text, after_text, corrected_by, corrected_at
             FROM acta_corrections WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&mut *connection)
        .await?;
        cycle.corrections = corrections
            .into_iter()
            .map(|c| Correction {
                kind: c.kind,
                record: c.record_id,
                field: c.field,
                label: c.label,
                before: c.before_text,
                after: c.after_text,
                by: c.corrected_by,
                at: shown_at(&c.corrected_at),
            })
            .collect();
        acta.cycle = cycle;
        Ok(acta)
    }

    /// The closed session's acta with its cycle; `None` while the session is not closed.
    pub async fn acta(&self, session_id: i64) -> Result<Option<Acta>> {
        let mut tx = self.pool.begin().await?;
        let row = match self.acta_row(&mut tx, session_id, false).await {
            Ok(row) => row,
            Err(StoreError::NoActa(_)) => return Ok(None),
            Err(other) => return Err(other),
        };
        let acta = self.full_acta(&mut tx, session_id, &row).await?;
        tx.commit().await?;
        Ok(Some(acta))
    }

    /// An attendee's observation on the draft, while the period is open.
    pub async fn observe_acta(
        &self,
        session_id: i64,
        author: &str,
        text: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let row = self.acta_row(&mut tx, session_id, true).await?;
        row.cycle(session_id)?.check_observation(today)?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO acta_observations (session_id, author, body, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(session_id)
        .bind(author)
        .bind(text)
        .bind(timestamp(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The coordination's answer to an observation (a second answer replaces the first while
    /// the acta is a draft).
    pub async fn answer_observation(
        &self,
        session_id: i64,
        observation: i64,
        text: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let row = self.acta_row(&mut tx, session_id, true).await?;
        row.cycle(session_id)?.check_draft()?;
        let done = sqlx::query(
            "UPDATE acta_observations SET answer = $1, answered_by = $2, answered_at = $3
             WHERE session_id = $4 AND id = $5",
        )
        .bind(text)
        .bind(by)
        .bind(timestamp(now))
        .bind(session_id)
        .bind(observation)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(CycleError::UnknownObservation(observation).into());
        }
        tx.commit().await?;
        Ok(())
    }

    /// Corrects one typed text of the draft; the correction is kept with what it said.
    #[allow(clippy::too_many_arguments)]
    pub async fn correct_acta(
        &self,
        session_id: i64,
        kind: &str,
        record: &str,
        field: &str,
        text: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let row = self.acta_row(&mut tx, session_id, true).await?;
        row.cycle(session_id)?.check_draft()?;
        let mut acta = row.content(session_id)?;
        let (before, label) = correct(&mut acta.board, kind, record, field, text)?;
        if before == text {
            return Ok(());
        }
        let data = serde_json::to_string(&acta).map_err(|e| corrupt(session_id, "contenido", e))?;
        sqlx::query("UPDATE actas SET data = $1 WHERE session_id = $2 AND state = 'borrador'")
            .bind(data)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO acta_corrections (session_id, kind, record_id, field, label, before_text, after_text, corrected_by, corrected_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(session_id)
        .bind(kind)
        .bind(record)
        .bind(field)
        .bind(label)
        .bind(&before)
        .bind(text)
        .bind(by)
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The Mesa's first session after the one numbered `seq` that was not cancelled (the one
    /// where the Mesa approves the acta).
    pub async fn next_session(&self, mesa_code: &str, seq: i64) -> Result<Option<NextSession>> {
        next_session(&mut *self.pool.acquire().await?, mesa_code, seq).await
    }

    /// Approves and locks the acta: `approval` (without its digest) is checked against the
    /// cycle, then `digest` is taken over the acta exactly as it is approved, in the same
    /// transaction. Returns the approval as written.
    pub async fn approve_acta(
        &self,
        session_id: i64,
        mut approval: Approval,
        today: NaiveDate,
        digest: impl Fn(&[u8]) -> String,
    ) -> Result<Approval> {
        let mut tx = self.pool.begin().await?;
        let row = self.acta_row(&mut tx, session_id, true).await?;
        let mut acta = self.full_acta(&mut tx, session_id, &row).await?;
        let next = next_session(&mut tx, &acta.mesa_code, acta.session_seq).await?;
        acta.cycle
            .check_approval(approval.method, approval.decided_by, today, next)?;
        if approval.method == app::domain::board::approval::ApprovalMethod::Sesion {
            approval.in_session = next.map(|n| n.seq);
        }
        approval.digest.clear();
        acta.cycle.approval = Some(approval.clone());
        approval.digest = digest(&acta.canonical_bytes());
        let stored =
            serde_json::to_string(&approval).map_err(|e| corrupt(session_id, "aprobación", e))?;
        let done = sqlx::query(
            "UPDATE actas SET state = 'aprobada', approval = $1 WHERE session_id = $2 AND state = 'borrador'",
        )
        .bind(stored)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::ConcurrentChange(session_id));
        }
        tx.commit().await?;
        Ok(approval)
    }
}

async fn next_session(
    connection: &mut sqlx::AnyConnection,
    mesa_code: &str,
    seq: i64,
) -> Result<Option<NextSession>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT seq, status FROM sessions
         WHERE mesa_code = $1 AND seq > $2 AND status <> 'cancelada'
         ORDER BY seq LIMIT 1",
    )
    .bind(mesa_code)
    .bind(seq)
    .fetch_optional(&mut *connection)
    .await?;
    row.map(|(seq, status)| {
        let status: SessionStatus = serde_json::from_value(serde_json::Value::String(status))
            .map_err(|e| StoreError::Corrupt(format!("estado de sesión «{e}»")))?;
        Ok(NextSession { seq, status })
    })
    .transpose()
}
