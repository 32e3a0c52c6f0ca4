//! Votes and consensus checks on agreements: one open poll per agreement, one ballot per
//! attendance record and per voter (enforced by the schema's keys, so two requests racing each
//! other cannot both land), counts kept beside the ballots so a secret vote need not keep who
//! chose what.

use app::domain::board::Quorum;
use app::domain::board::vote::{
    Ballot, Choice, Closing, Outcome, Poll, PollKind, PollRequest, Tally, outcome, result_line,
};
use chrono::{DateTime, Utc};

use super::Store;
use super::error::{Result, StoreError};
use super::rows::{parse_timestamp, timestamp};

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// A ballot as it is cast: from the voter's own device (`recorded_by` empty), or recorded by the
/// coordination for someone in the room.
#[derive(Debug, Clone)]
pub struct NewBallot<'a> {
    pub poll_id: i64,
    pub attendee_id: &'a str,
    /// Who is voting, whatever the attendance says: `cuenta:7`, `invitacion:…`, or, for a
    /// ballot the coordination records, `asistente:<attendance id>`.
    pub voter_key: &'a str,
    pub voter_name: &'a str,
    pub choice: Choice,
    pub reason: &'a str,
    pub recorded_by: Option<&'a str>,
}

#[derive(sqlx::FromRow)]
struct PollRow {
    id: i64,
    session_id: i64,
    agreement_id: String,
    kind: String,
    secret: i64,
    opened_by: String,
    opened_at: String,
    closed_at: Option<String>,
    closed_by: Option<String>,
    outcome: Option<String>,
    result: Option<String>,
    present: Option<i64>,
    members: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct BallotRow {
    attendee_id: String,
    voter_name: String,
    choice: Option<String>,
    reason: String,
    recorded_by: Option<String>,
}

const POLL_COLUMNS: &str = "id, session_id, agreement_id, kind, secret, opened_by, opened_at,
    closed_at, closed_by, outcome, result, present, members";

impl PollRow {
    fn kind(&self) -> Result<PollKind> {
        PollKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("tipo de votación «{}»", self.kind)))
    }

    fn closing(&self) -> Result<Option<(Closing, Quorum)>> {
        let (Some(at), Some(by), Some(code), Some(result)) = (
            &self.closed_at,
            &self.closed_by,
            &self.outcome,
            &self.result,
        ) else {
            return Ok(None);
        };
        let outcome = Outcome::parse(code)
            .ok_or_else(|| StoreError::Corrupt(format!("resultado de votación «{code}»")))?;
        let count = |n: Option<i64>| usize::try_from(n.unwrap_or(0)).unwrap_or(0);
        let quorum = app::domain::board::quorum(count(self.present), count(self.members));
        let closing = Closing {
            at: parse_timestamp(at)?,
            by: by.clone(),
            outcome,
            result: result.clone(),
        };
        Ok(Some((closing, quorum)))
    }
}

fn unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl Store {
    pub async fn open_poll(
        &self,
        session_id: i64,
        request: &PollRequest,
        opened_by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO polls (session_id, agreement_id, kind, secret, opened_by, opened_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(session_id)
        .bind(&request.agreement_id)
        .bind(request.kind.code())
        .bind(i64::from(request.secret))
        .bind(opened_by)
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok((id,)) => Ok(id),
            Err(error) if unique_violation(&error) => Err(StoreError::PollAlreadyOpen),
            Err(error) => Err(error.into()),
        }
    }

    async fn poll_row(&self, tx: &mut Tx<'_>, poll_id: i64) -> Result<PollRow> {
        let row: Option<PollRow> =
            sqlx::query_as(&format!("SELECT {POLL_COLUMNS} FROM polls WHERE id = $1"))
                .bind(poll_id)
                .fetch_optional(&mut **tx)
                .await?;
        row.ok_or(StoreError::UnknownPoll(poll_id))
    }

    /// The session and the kind of a poll (what a ballot is checked against before it is cast).
    pub async fn poll_of(&self, poll_id: i64) -> Result<(i64, PollKind, bool)> {
        let mut tx = self.pool.begin().await?;
        let row = self.poll_row(&mut tx, poll_id).await?;
        tx.commit().await?;
        Ok((row.session_id, row.kind()?, row.closed_at.is_some()))
    }

    /// Takes the poll for this transaction while it is open. The first statement is a write, so
    /// SQLite takes its write lock at once (a read first would make a concurrent writer's commit
    /// end this transaction with SQLITE_BUSY); on PostgreSQL the row stays locked until the end.
    async fn hold_open_poll(&self, tx: &mut Tx<'_>, poll_id: i64) -> Result<PollRow> {
        let held = sqlx::query(
            "UPDATE polls SET closed_at = closed_at WHERE id = $1 AND closed_at IS NULL",
        )
        .bind(poll_id)
        .execute(&mut **tx)
        .await?;
        let poll = self.poll_row(tx, poll_id).await?;
        if held.rows_affected() == 0 {
            return Err(StoreError::PollClosed);
        }
        Ok(poll)
    }

    pub async fn cast_ballot(&self, ballot: &NewBallot<'_>, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let poll = self.hold_open_poll(&mut tx, ballot.poll_id).await?;
        let kept_choice = (poll.secret == 0).then(|| ballot.choice.code());
        let inserted = sqlx::query(
            "INSERT INTO poll_ballots (poll_id, attendee_id, voter_key, voter_name, choice, reason,
                 recorded_by, cast_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(ballot.poll_id)
        .bind(ballot.attendee_id)
        .bind(ballot.voter_key)
        .bind(ballot.voter_name)
        .bind(kept_choice)
        .bind(ballot.reason)
        .bind(ballot.recorded_by)
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(error) if unique_violation(&error) => {
                return Err(StoreError::AlreadyVoted(ballot.voter_name.to_owned()));
            }
            Err(error) => return Err(error.into()),
        }
        sqlx::query(
            "INSERT INTO poll_tallies (poll_id, choice, votes) VALUES ($1, $2, 1)
             ON CONFLICT (poll_id, choice) DO UPDATE SET votes = poll_tallies.votes + 1",
        )
        .bind(ballot.poll_id)
        .bind(ballot.choice.code())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn tally(&self, connection: &mut sqlx::AnyConnection, poll: &PollRow) -> Result<Tally> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT choice, votes FROM poll_tallies WHERE poll_id = $1")
                .bind(poll.id)
                .fetch_all(&mut *connection)
                .await?;
        let mut counted = Vec::with_capacity(rows.len());
        for (code, votes) in rows {
            let choice = Choice::parse(&code)
                .ok_or_else(|| StoreError::Corrupt(format!("opción de voto «{code}»")))?;
            counted.push((choice, usize::try_from(votes).unwrap_or(0)));
        }
        Ok(Tally::new(poll.kind()?, counted))
    }

    /// Closes the poll with the quorum the board shows now; returns how it closed, the
    /// agreement it was on and its kind.
    pub async fn close_poll(
        &self,
        poll_id: i64,
        by: &str,
        quorum: &Quorum,
        now: DateTime<Utc>,
    ) -> Result<(Closing, String, PollKind)> {
        let mut tx = self.pool.begin().await?;
        let poll = self.hold_open_poll(&mut tx, poll_id).await?;
        let kind = poll.kind()?;
        let tally = self.tally(&mut tx, &poll).await?;
        let closing = Closing {
            at: now,
            by: by.to_owned(),
            outcome: outcome(kind, &tally, quorum),
            result: result_line(kind, poll.secret != 0, &tally, quorum),
        };
        sqlx::query(
            "UPDATE polls SET closed_at = $1, closed_by = $2, outcome = $3, result = $4,
                 present = $5, members = $6
             WHERE id = $7",
        )
        .bind(timestamp(now))
        .bind(by)
        .bind(closing.outcome.code())
        .bind(&closing.result)
        .bind(i64::try_from(quorum.present).unwrap_or(i64::MAX))
        .bind(i64::try_from(quorum.members).unwrap_or(i64::MAX))
        .bind(poll_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((closing, poll.agreement_id, kind))
    }

    /// The session's polls, newest first; open ones carry `live` (the board's quorum now).
    pub async fn polls_of_session(&self, session_id: i64, live: &Quorum) -> Result<Vec<Poll>> {
        let mut connection = self.pool.acquire().await?;
        let rows: Vec<PollRow> = sqlx::query_as(&format!(
            "SELECT {POLL_COLUMNS} FROM polls WHERE session_id = $1 ORDER BY id DESC"
        ))
        .bind(session_id)
        .fetch_all(&mut *connection)
        .await?;
        let mut polls = Vec::with_capacity(rows.len());
        for row in rows {
            // While a secret vote is open its counts would tell, ballot by ballot, who chose
            // what: nobody reads them before the close.
            let secret_and_open = row.secret != 0 && row.closed_at.is_none();
            let tally = if secret_and_open {
                Tally::new(row.kind()?, [])
            } else {
                self.tally(&mut connection, &row).await?
            };
            let ballots: Vec<BallotRow> = sqlx::query_as(
                "SELECT attendee_id, voter_name, choice, reason, recorded_by
                 FROM poll_ballots WHERE poll_id = $1 ORDER BY cast_at, attendee_id",
            )
            .bind(row.id)
            .fetch_all(&mut *connection)
            .await?;
            let mut ballots: Vec<Ballot> = ballots
                .into_iter()
                .map(|b| Ballot {
                    attendee_id: b.attendee_id,
                    name: b.voter_name,
                    choice: b.choice.as_deref().and_then(Choice::parse),
                    reason: b.reason,
                    recorded_by: b.recorded_by,
                })
                .collect();
            if row.secret != 0 {
                // the order of voting would pair names with the counts' steps
                ballots.sort_by(|a, b| a.name.cmp(&b.name));
            }
            let (closing, quorum) = match row.closing()? {
                Some((closing, quorum)) => (Some(closing), quorum),
                None => (None, *live),
            };
            polls.push(Poll {
                id: row.id,
                session_id: row.session_id,
                kind: row.kind()?,
                secret: row.secret != 0,
                opened_by: row.opened_by.clone(),
                opened_at: parse_timestamp(&row.opened_at)?,
                agreement_id: row.agreement_id,
                closing,
                tally,
                ballots,
                quorum,
            });
        }
        Ok(polls)
    }
}
