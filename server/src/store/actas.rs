//! A closed session's official record (its acta and its board's records; the acta's draft and
//! approval are in `acta_cycle.rs`), the open commitments a
//! Mesa carries into its next session, and the board's history for review.

use app::domain::agenda_template::TemplatePoint;
use app::domain::board::acta::Acta;
use app::domain::board::review::CommitmentHistory;
use app::domain::board::{Commitment, CommitmentStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::{Result, StoreError};
use super::rows::timestamp;
use super::{Engine, Store};

/// One stored board update, oldest first: the raw material of the review timeline.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: String,
    pub data: Vec<u8>,
    /// Who sent it, as the server recorded it (`None`: written by Sala, or before authors were
    /// recorded).
    pub author: Option<String>,
}

/// An open commitment of an earlier session, as the next session's follow-up lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct CarriedCommitment {
    /// The session where it was agreed.
    pub session_id: i64,
    pub session_seq: i64,
    pub commitment: Commitment,
}

/// The Mesa's latest acta, when it is still a draft: the next board puts its approval first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftActa {
    pub session_id: i64,
    pub session_seq: i64,
    pub number: i64,
}

/// What a new board takes from its Mesa's earlier sessions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CarriedOver {
    pub commitments: Vec<CarriedCommitment>,
    pub draft_acta: Option<DraftActa>,
    /// The Mesa's standing agenda, which a new board starts with.
    pub agenda_template: Vec<TemplatePoint>,
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("JSON: {e}")))
}

impl Store {
    /// Writes the acta (numbered after the Mesa's highest) and the board's records, in one
    /// transaction. The number is assigned here; `acta.number` is ignored.
    pub async fn record_acta(&self, acta: &Acta, now: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        if self.engine == Engine::Postgres {
            // Two sessions of one Mesa closing at once take turns for the next number.
            sqlx::query("SELECT code FROM mesas WHERE code = $1 FOR UPDATE")
                .bind(&acta.mesa_code)
                .execute(&mut *tx)
                .await?;
        }
        // The content only: the cycle (state, period, observations, …) has its own columns.
        let content = Acta {
            cycle: Default::default(),
            ..acta.clone()
        };
        let number: (i64,) = sqlx::query_as(
            "INSERT INTO actas (session_id, mesa_code, number, data, created_at, observations_until)
             SELECT $1, $2, (SELECT COALESCE(MAX(number), 0) + 1 FROM actas WHERE mesa_code = $2), $3, $4, $5
             RETURNING number",
        )
        .bind(acta.session_id)
        .bind(&acta.mesa_code)
        .bind(json(&content)?)
        .bind(timestamp(now))
        .bind(
            acta.cycle
                .observations_until
                .map(|d| d.format("%Y-%m-%d").to_string()),
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM board_records WHERE session_id = $1")
            .bind(acta.session_id)
            .execute(&mut *tx)
            .await?;
        let b = &acta.board;
        let rows: Vec<(&str, &str, String)> = b
            .agenda
            .iter()
            .map(|r| Ok(("agenda", r.id.as_str(), json(r)?)))
            .chain(
                b.barriers
                    .iter()
                    .map(|r| Ok(("barriers", r.id.as_str(), json(r)?))),
            )
            .chain(
                b.agreements
                    .iter()
                    .map(|r| Ok(("agreements", r.id.as_str(), json(r)?))),
            )
            .chain(
                b.commitments
                    .iter()
                    .map(|r| Ok(("commitments", r.id.as_str(), json(r)?))),
            )
            .chain(
                b.attendance
                    .iter()
                    .map(|r| Ok(("attendance", r.id.as_str(), json(r)?))),
            )
            .collect::<Result<_>>()?;
        for (kind, id, data) in rows {
            sqlx::query(
                "INSERT INTO board_records (session_id, kind, record_id, data) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (session_id, kind, record_id) DO UPDATE SET data = excluded.data",
            )
            .bind(acta.session_id)
            .bind(kind)
            .bind(id)
            .bind(data)
            .execute(&mut *tx)
            .await?;
        }
        // Each follow-up reviewed in this session: its status as of this session, and the
        // dashboards' copy of the commitment takes that status.
        for f in &b.followups {
            sqlx::query(
                "INSERT INTO commitment_reviews (commitment_id, origin_session, session_id, status, note, reviewed_by)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (commitment_id, session_id) DO UPDATE SET status = excluded.status, note = excluded.note,
                    reviewed_by = excluded.reviewed_by",
            )
            .bind(&f.id)
            .bind(f.origin_session)
            .bind(acta.session_id)
            .bind(f.status.code())
            .bind(&f.note)
            .bind(&f.stamp.updated_by)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE proj_commitments SET status = $1 WHERE session_id = $2 AND record_id = $3",
            )
            .bind(f.status.code())
            .bind(f.origin_session)
            .bind(&f.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(number.0)
    }

    /// Commitments of the Mesa's closed sessions before `session_id` that are still open, oldest
    /// first: what the session's "Seguimiento de compromisos" lists.
    pub async fn open_commitments_before(&self, session_id: i64) -> Result<Vec<CarriedCommitment>> {
        let session = self.get_session(session_id).await?;
        self.open_commitments(&session.mesa_code, session.seq).await
    }

    /// What the board of `session_id` takes from its Mesa's earlier sessions.
    pub async fn carried_over_before(&self, session_id: i64) -> Result<CarriedOver> {
        let session = self.get_session(session_id).await?;
        self.carried_over(&session.mesa_code, session.seq).await
    }

    /// Open commitments and the draft acta of the Mesa's sessions numbered below `before_seq`.
    pub async fn carried_over(&self, mesa_code: &str, before_seq: i64) -> Result<CarriedOver> {
        Ok(CarriedOver {
            commitments: self.open_commitments(mesa_code, before_seq).await?,
            draft_acta: self.draft_acta_before(mesa_code, before_seq).await?,
            agenda_template: self.agenda_template(mesa_code).await?,
        })
    }

    /// The Mesa's latest acta before session number `before_seq`, if it is still a draft and
    /// that session is the next one after it (a cancelled one does not count): the approval is
    /// the business of the Mesa's next meeting, not of every later board.
    pub async fn draft_acta_before(
        &self,
        mesa_code: &str,
        before_seq: i64,
    ) -> Result<Option<DraftActa>> {
        let latest: Option<(i64, i64, i64, String)> = sqlx::query_as(
            "SELECT a.session_id, s.seq, a.number, a.state FROM actas a
             JOIN sessions s ON s.id = a.session_id
             WHERE a.mesa_code = $1 AND s.seq < $2
             ORDER BY s.seq DESC LIMIT 1",
        )
        .bind(mesa_code)
        .bind(before_seq)
        .fetch_optional(&self.pool)
        .await?;
        let Some((session_id, session_seq, number, state)) = latest else {
            return Ok(None);
        };
        if state != "borrador" {
            return Ok(None);
        }
        let (between,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM sessions
             WHERE mesa_code = $1 AND seq > $2 AND seq < $3 AND status <> 'cancelada'",
        )
        .bind(mesa_code)
        .bind(session_seq)
        .bind(before_seq)
        .fetch_one(&self.pool)
        .await?;
        Ok((between == 0).then_some(DraftActa {
            session_id,
            session_seq,
            number,
        }))
    }

    /// Commitments of the Mesa's closed sessions numbered below `before_seq` that are still
    /// open, oldest first (`i64::MAX`: all of them, for a session being scheduled).
    pub async fn open_commitments(
        &self,
        mesa_code: &str,
        before_seq: i64,
    ) -> Result<Vec<CarriedCommitment>> {
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT s.id, s.seq, r.data FROM board_records r
             JOIN sessions s ON s.id = r.session_id
             WHERE r.kind = 'commitments'
               AND s.status = 'cerrada'
               AND s.mesa_code = $1
               AND s.seq < $2
             ORDER BY s.seq, r.record_id",
        )
        .bind(mesa_code)
        .bind(before_seq)
        .fetch_all(&self.pool)
        .await?;
        // The latest review of each commitment (in a later closed session) is its status now.
        let reviews: Vec<(String, String)> = sqlx::query_as(
            "SELECT r.commitment_id, r.status FROM commitment_reviews r
             JOIN sessions s ON s.id = r.session_id
             WHERE s.mesa_code = $1 AND s.seq < $2
             ORDER BY s.seq",
        )
        .bind(mesa_code)
        .bind(before_seq)
        .fetch_all(&self.pool)
        .await?;
        let mut open = Vec::new();
        for (origin, seq, data) in rows {
            let mut commitment: Commitment = serde_json::from_str(&data)
                .map_err(|e| StoreError::Corrupt(format!("compromiso de la sesión {seq}: {e}")))?;
            if let Some(status) = reviews
                .iter()
                .rev()
                .find(|(id, _)| *id == commitment.id)
                .and_then(|(_, s)| CommitmentStatus::parse(s))
            {
                commitment.status = status;
            }
            if !matches!(
                commitment.status,
                CommitmentStatus::Cumplido | CommitmentStatus::Cancelado
            ) {
                open.push(CarriedCommitment {
                    session_id: origin,
                    session_seq: seq,
                    commitment,
                });
            }
        }
        open.sort_by(|a, b| {
            (a.session_seq, a.commitment.stamp.created_at)
                .partial_cmp(&(b.session_seq, b.commitment.stamp.created_at))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        Ok(open)
    }

    /// A commitment, where it was agreed, and each later session's review of it.
    pub async fn commitment_history(
        &self,
        origin_session: i64,
        id: &str,
    ) -> Result<CommitmentHistory> {
        let origin = self.get_session(origin_session).await?;
        let data: Option<(String,)> = sqlx::query_as(
            "SELECT data FROM board_records WHERE session_id = $1 AND kind = 'commitments' AND record_id = $2",
        )
        .bind(origin_session)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let (data,) = data.ok_or_else(|| StoreError::UnknownCommitment(id.to_owned()))?;
        let commitment: Commitment = serde_json::from_str(&data)
            .map_err(|e| StoreError::Corrupt(format!("compromiso {id}: {e}")))?;
        let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
            "SELECT s.id, s.seq, s.scheduled_at, r.status, r.note, r.reviewed_by
             FROM commitment_reviews r JOIN sessions s ON s.id = r.session_id
             WHERE r.commitment_id = $1 AND r.origin_session = $2 ORDER BY s.seq",
        )
        .bind(id)
        .bind(origin_session)
        .fetch_all(&self.pool)
        .await?;
        let reviews = rows
            .into_iter()
            .map(|(session_id, seq, at, status, note, by)| {
                Ok(app::domain::board::review::CommitmentReview {
                    session_id,
                    session_seq: seq,
                    held_at: super::rows::parse_timestamp(&at)?,
                    status: CommitmentStatus::parse(&status).unwrap_or(CommitmentStatus::Pendiente),
                    note,
                    reviewed_by: by,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CommitmentHistory {
            mesa_code: origin.mesa_code,
            origin_session,
            origin_seq: origin.seq,
            commitment,
            reviews,
        })
    }

    /// Every update the board ever persisted, oldest first. Compaction keeps these rows (it only
    /// moves the snapshot's watermark), so a closed board can be replayed step by step.
    /// The id of the board's latest stored update (0 for none): its history changes exactly
    /// when this does, so replays are kept per watermark.
    pub async fn room_log_watermark(&self, session_id: i64) -> Result<u64> {
        let (id,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM room_updates WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(id.max(0) as u64)
    }

    pub async fn room_history(&self, session_id: i64) -> Result<Vec<HistoryEntry>> {
        let rows: Vec<(i64, String, Vec<u8>, Option<String>)> = sqlx::query_as(
            "SELECT id, created_at, data, author FROM room_updates WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, at, data, author)| HistoryEntry {
                id,
                at,
                data,
                author,
            })
            .collect())
    }
}
