//! Board updates on PostgreSQL, where several servers may share one database: each board's rows
//! carry a gap-free sequence assigned under the lock of the board's head row (`room_heads`), and
//! every append announces the boards it advanced on the `sala_board` channel in the same
//! statement, so the notification is delivered exactly when the rows become visible (a server
//! killed after committing cannot leave a row unannounced).

use sqlx::any::Any;
use sqlx::query::QueryAs;
use sqlx::{Database, Encode, Type};

use super::Store;
use super::error::Result;
use super::rooms::LogRow;

/// The channel whose notifications say which boards advanced to which sequence.
pub const BOARD_CHANNEL: &str = "sala_board";

/// Boards named per notification: 150 × (two 19-digit numbers and two separators) stays under
/// PostgreSQL's 8,000-byte payload limit with room for the origin.
pub const BOARDS_PER_NOTIFICATION: usize = 150;

/// The rows one append stored for one board: sequences `first..=last`, all its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRange {
    pub session_id: i64,
    pub first: i64,
    pub last: i64,
}

/// What an append reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// SQLite: one server, no sequences (every row was stored).
    Unsequenced,
    /// PostgreSQL: each board's range. A board missing here is closed: it took none of its rows.
    Sequenced(Vec<StoredRange>),
}

impl Appended {
    /// Whether the rows of `session_id` were stored, and their range when sequenced.
    pub fn range_of(&self, session_id: i64) -> Option<Option<StoredRange>> {
        match self {
            Appended::Unsequenced => Some(None),
            Appended::Sequenced(ranges) => ranges
                .iter()
                .find(|r| r.session_id == session_id)
                .map(|r| Some(*r)),
        }
    }

    pub(super) fn merge(&mut self, more: Vec<StoredRange>) {
        let Appended::Sequenced(ranges) = self else {
            *self = Appended::Sequenced(more);
            return;
        };
        for range in more {
            match ranges.iter_mut().find(|r| r.session_id == range.session_id) {
                Some(known) => {
                    known.first = known.first.min(range.first);
                    known.last = known.last.max(range.last);
                }
                None => ranges.push(range),
            }
        }
    }
}

/// One stored row as a catching-up server reads it: its sequence, and its bytes unless the
/// reading server wrote it itself (it already holds it).
pub type SequencedRow = (i64, Option<Vec<u8>>);

/// Rows fetched per query while catching up (a board far behind takes several).
pub const FETCH_LIMIT: i64 = 2_000;

/// The append of `rows` rows: `$1` the origin, `$2` the time, then three values per row.
/// One statement: heads locked in session order (no deadlock between servers), rows numbered
/// from each head, and one notification per 150 boards, all atomic.
pub(super) fn sequenced_statement(rows: usize) -> String {
    let mut values = String::new();
    for i in 0..rows {
        if i > 0 {
            values.push_str(", ");
        }
        let base = 3 + i * 3;
        values.push_str(&format!(
            "(${}::bigint, {}, ${}::bytea, ${}::text)",
            base,
            i + 1,
            base + 1,
            base + 2
        ));
    }
    format!(
        "WITH input (session_id, ord, data, author) AS (VALUES {values}),
         counts AS (SELECT session_id, COUNT(*) AS n FROM input GROUP BY session_id),
         heads AS (
             INSERT INTO room_heads AS h (session_id, seq)
             SELECT session_id, n FROM counts ORDER BY session_id
             ON CONFLICT (session_id) DO UPDATE SET seq = h.seq + EXCLUDED.seq WHERE h.open = 1
             RETURNING h.session_id, h.seq
         ),
         stored AS (
             INSERT INTO room_updates (session_id, seq, origin, data, created_at, author)
             SELECT i.session_id,
                    heads.seq - counts.n + row_number() OVER (PARTITION BY i.session_id ORDER BY i.ord),
                    $1::bigint, i.data, $2::text, i.author
             FROM input AS i JOIN counts USING (session_id) JOIN heads USING (session_id)
             RETURNING 1
         ),
         announced AS (
             SELECT pg_notify('{BOARD_CHANNEL}',
                              $1::bigint::text || ' ' || string_agg(b.session_id || ':' || b.seq, ','))
             FROM (SELECT session_id, seq,
                          (row_number() OVER (ORDER BY session_id) - 1) / {BOARDS_PER_NOTIFICATION} AS chunk
                   FROM heads) AS b
             GROUP BY b.chunk
         )
         SELECT heads.session_id, heads.seq - counts.n + 1, heads.seq,
                (SELECT COUNT(*) FROM announced)
         FROM heads JOIN counts USING (session_id)"
    )
}

type RangeRow = (i64, i64, i64, i64);

pub(super) fn sequenced_rows<'q, DB>(
    sql: &'q str,
    rows: &'q [LogRow<'q>],
    origin: i64,
    now: &'q str,
) -> QueryAs<'q, DB, RangeRow, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    RangeRow: for<'r> sqlx::FromRow<'r, DB::Row>,
    i64: Encode<'q, DB> + Type<DB>,
    &'q [u8]: Encode<'q, DB> + Type<DB>,
    &'q str: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
{
    let mut query = sqlx::query_as::<DB, RangeRow>(sql).bind(origin).bind(now);
    for (session_id, data, author) in rows {
        query = query.bind(*session_id).bind(*data).bind(*author);
    }
    query
}

pub(super) fn ranges(rows: Vec<RangeRow>) -> Vec<StoredRange> {
    rows.into_iter()
        .map(|(session_id, first, last, _)| StoredRange {
            session_id,
            first,
            last,
        })
        .collect()
}

impl Store {
    /// The board's rows after `after`, oldest first, at most [`FETCH_LIMIT`]; the bytes of rows
    /// `origin` wrote are left out. PostgreSQL only (SQLite has no sequences: empty).
    pub async fn board_rows_after(
        &self,
        session_id: i64,
        after: i64,
        origin: i64,
    ) -> Result<Vec<SequencedRow>> {
        if self.engine != super::Engine::Postgres {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as::<Any, SequencedRow>(
            "SELECT seq, CASE WHEN origin = $3 THEN NULL ELSE data END
             FROM room_updates WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $4",
        )
        .bind(session_id)
        .bind(after)
        .bind(origin)
        .bind(FETCH_LIMIT)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The board takes no more updates, on any server: appends under way finish first (they hold
    /// its head), later ones store nothing for it. Idempotent; nothing to do on SQLite, where the
    /// one server's room is frozen in memory.
    pub async fn close_board(&self, session_id: i64) -> Result<()> {
        if self.engine != super::Engine::Postgres {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO room_heads (session_id, seq, open)
             VALUES ($1, (SELECT COALESCE(MAX(seq), 0) FROM room_updates WHERE session_id = $1), 0)
             ON CONFLICT (session_id) DO UPDATE SET open = 0",
        )
        .bind(session_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Sends notifications (channel, payload) in one statement, delivered to every listening
    /// server. PostgreSQL only; nothing to do on SQLite.
    pub async fn notify(&self, notifications: &[(&str, &str)]) -> Result<()> {
        if self.engine != super::Engine::Postgres || notifications.is_empty() {
            return Ok(());
        }
        let calls: Vec<String> = (0..notifications.len())
            .map(|i| format!("pg_notify(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!("SELECT {}", calls.join(", "));
        let mut query = sqlx::query::<Any>(&sql);
        for (channel, payload) in notifications {
            query = query.bind(*channel).bind(*payload);
        }
        query.execute(&self.pool).await?;
        Ok(())
    }

    /// The database URL when it is PostgreSQL (the cluster's listener connects on its own).
    pub fn postgres_url(&self) -> Option<&str> {
        (self.engine == super::Engine::Postgres).then_some(self.target.url.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_binds_every_value_and_numbers_rows_in_order() {
        let sql = sequenced_statement(2);
        assert!(sql.contains(
            "($3::bigint, 1, $4::bytea, $5::text), ($6::bigint, 2, $7::bytea, $8::text)"
        ));
        assert!(!sql.contains("$9"));
        assert!(sql.contains("ORDER BY session_id"), "heads locked in order");
    }

    #[test]
    fn ranges_of_one_commit_split_over_statements_merge() {
        let mut appended = Appended::Unsequenced;
        appended.merge(vec![StoredRange {
            session_id: 1,
            first: 5,
            last: 9,
        }]);
        appended.merge(vec![
            StoredRange {
                session_id: 1,
                first: 10,
                last: 12,
            },
            StoredRange {
                session_id: 2,
                first: 1,
                last: 1,
            },
        ]);
        assert_eq!(
            appended.range_of(1),
            Some(Some(StoredRange {
                session_id: 1,
                first: 5,
                last: 12
            }))
        );
        assert_eq!(appended.range_of(3), None, "a closed board took nothing");
        assert_eq!(Appended::Unsequenced.range_of(3), Some(None));
    }
}
