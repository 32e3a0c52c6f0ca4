//! The durable state of live boards: an append-only update log per session, folded periodically
//! into a snapshot. Appends are batched by the caller (group commit); compaction replaces the
//! snapshot and moves its watermark in one transaction, keeping the log as the board's history.

use std::str::FromStr;
use std::time::Duration;

use chrono::Utc;
use sqlx::any::Any;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Database, Encode, Sqlite, Type};

use super::board_sequence::{Appended, ranges, sequenced_rows, sequenced_statement};
use super::error::Result;
use super::rows::timestamp;
use super::{Engine, Store};

/// One update to append: its session, its bytes, and who sent it (the server's word; `None` for
/// what Sala wrote itself, such as a new board's follow-up).
pub type LogRow<'a> = (i64, &'a [u8], Option<&'a str>);

/// What a room needs to rebuild itself.
#[derive(Debug, Default)]
pub struct StoredRoom {
    /// Snapshot first (if any), then every later update, oldest first.
    pub updates: Vec<Vec<u8>>,
    /// Updates in the log after the snapshot (drives compaction).
    pub log_len: usize,
    /// The board's highest sequence, read with the rest (PostgreSQL; 0 on SQLite).
    pub head: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compaction {
    pub folded: usize,
    pub snapshot_bytes: usize,
}

impl Store {
    /// Appends updates of any number of rooms in one transaction; returns once it is durable.
    /// (Live rooms append through their [`RoomLogWriter`]; this is for seeding and tests, and
    /// its rows belong to no room: every server's room applies them.)
    pub async fn append_room_updates(&self, updates: &[LogRow<'_>]) -> Result<Appended> {
        self.append_from(updates, NO_ROOM).await
    }

    async fn append_from(&self, updates: &[LogRow<'_>], origin: i64) -> Result<Appended> {
        let now = timestamp(Utc::now());
        let sequenced = self.engine == Engine::Postgres;
        let statement = |n| {
            if sequenced {
                sequenced_statement(n)
            } else {
                insert_statement(n)
            }
        };
        let mut appended = Appended::Unsequenced;
        match updates.len() {
            0 => {}
            // One statement is atomic on its own: no BEGIN/COMMIT round trips on the hot path.
            n if n <= ROWS_PER_STATEMENT => {
                let sql = statement(n);
                if sequenced {
                    let rows = sequenced_rows::<Any>(&sql, updates, origin, &now)
                        .fetch_all(&self.pool)
                        .await?;
                    appended.merge(ranges(rows));
                } else {
                    insert_rows::<Any>(&sql, updates, &now)
                        .execute(&self.pool)
                        .await?;
                }
            }
            _ => {
                let mut tx = self.pool.begin().await?;
                for chunk in updates.chunks(ROWS_PER_STATEMENT) {
                    let sql = statement(chunk.len());
                    if sequenced {
                        let rows = sequenced_rows::<Any>(&sql, chunk, origin, &now)
                            .fetch_all(&mut *tx)
                            .await?;
                        appended.merge(ranges(rows));
                    } else {
                        insert_rows::<Any>(&sql, chunk, &now)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                tx.commit().await?;
            }
        }
        if sequenced && matches!(appended, Appended::Unsequenced) {
            // Every board of the batch was closed.
            appended = Appended::Sequenced(Vec::new());
        }
        Ok(appended)
    }

    /// The writer the rooms' committer appends through.
    /// `origin`: this server process, as its rows name it (see [`NO_ROOM`]).
    pub fn room_log_writer(&self, origin: i64) -> RoomLogWriter {
        RoomLogWriter {
            store: self.clone(),
            sqlite: None,
            origin,
        }
    }

    /// Bytes of every update the board ever stored (its log is kept whole for the review page,
    /// so this is what the board costs the database): its storage budget starts here.
    pub async fn board_stored_bytes(&self, session_id: i64) -> Result<u64> {
        let (bytes,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(LENGTH(data)), 0) AS BIGINT) FROM room_updates WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(bytes.max(0) as u64)
    }

    /// One statement, so it reads one consistent state even if a compaction commits meanwhile.
    /// On PostgreSQL the board's head comes last, in the same snapshot: a server that loads
    /// the room catches up from exactly there.
    pub async fn load_room(&self, session_id: i64) -> Result<StoredRoom> {
        let head = match self.engine {
            Engine::Postgres => {
                "UNION ALL
                 SELECT CAST(2 AS BIGINT) AS kind, CAST(NULL AS BYTEA) AS data,
                        COALESCE(MAX(seq), 0) AS id FROM room_updates WHERE session_id = $1"
            }
            Engine::Sqlite => "",
        };
        let rows: Vec<(i64, Option<Vec<u8>>, i64)> = sqlx::query_as(&format!(
            "SELECT CAST(0 AS BIGINT) AS kind, data, CAST(0 AS BIGINT) AS id FROM room_snapshots WHERE session_id = $1
             UNION ALL
             SELECT CAST(1 AS BIGINT) AS kind, data, id FROM room_updates
             WHERE session_id = $1
               AND id > (SELECT COALESCE(MAX(upto), 0) FROM room_snapshots WHERE session_id = $1)
             {head}
             ORDER BY kind, id"
        ))
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        let mut stored = StoredRoom::default();
        for (kind, data, id) in rows {
            match (kind, data) {
                (2, _) => stored.head = id,
                (kind, Some(data)) => {
                    stored.log_len += usize::from(kind == 1);
                    stored.updates.push(data);
                }
                (_, None) => {}
            }
        }
        Ok(stored)
    }

    /// Folds the room's log into its snapshot. Updates appended meanwhile have higher ids and are
    /// left for next time, so compaction never blocks or loses a concurrent append.
    pub async fn compact_room(&self, session_id: i64) -> Result<Compaction> {
        let snapshot: Option<(Vec<u8>, i64)> =
            sqlx::query_as("SELECT data, upto FROM room_snapshots WHERE session_id = $1")
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
        let upto = snapshot.as_ref().map_or(0, |(_, upto)| *upto);
        let log: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT id, data FROM room_updates WHERE session_id = $1 AND id > $2 ORDER BY id",
        )
        .bind(session_id)
        .bind(upto)
        .fetch_all(&self.pool)
        .await?;
        let Some(&(last_id, _)) = log.last() else {
            return Ok(Compaction {
                folded: 0,
                snapshot_bytes: snapshot.map_or(0, |(d, _)| d.len()),
            });
        };
        let merged = yrs::merge_updates_v1(
            snapshot
                .iter()
                .map(|(d, _)| d.as_slice())
                .chain(log.iter().map(|(_, d)| d.as_slice())),
        )
        .map_err(|e| {
            super::StoreError::Corrupt(format!("registro del tablero {session_id}: {e}"))
        })?;
        let mut tx = self.pool.begin().await?;
        // Replace the snapshot only if it is still the one we merged from: a compaction that ran
        // meanwhile wins, and this one changes nothing (its updates are in the other's snapshot).
        let replaced = match &snapshot {
            Some(_) => {
                sqlx::query(
                    "UPDATE room_snapshots SET data = $1, upto = $2, updated_at = $3
                     WHERE session_id = $4 AND upto = $5",
                )
                .bind(&merged)
                .bind(last_id)
                .bind(timestamp(Utc::now()))
                .bind(session_id)
                .bind(upto)
                .execute(&mut *tx)
                .await?
            }
            None => {
                sqlx::query(
                    "INSERT INTO room_snapshots (session_id, data, upto, updated_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT (session_id) DO NOTHING",
                )
                .bind(session_id)
                .bind(&merged)
                .bind(last_id)
                .bind(timestamp(Utc::now()))
                .execute(&mut *tx)
                .await?
            }
        };
        if replaced.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Compaction {
                folded: 0,
                snapshot_bytes: 0,
            });
        }
        // The log rows stay: loading reads only those above the watermark, and review replays
        // them all to show the board at any earlier moment.
        tx.commit().await?;
        Ok(Compaction {
            folded: log.len(),
            snapshot_bytes: merged.len(),
        })
    }
}

const ROWS_PER_STATEMENT: usize = 200;

/// Appends rows no room wrote inside the caller's transaction (a new board's first content),
/// sequenced on PostgreSQL like every other row.
pub(super) async fn append_in(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    rows: &[LogRow<'_>],
    now: &str,
) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        match engine {
            Engine::Postgres => {
                let sql = sequenced_statement(chunk.len());
                sequenced_rows::<Any>(&sql, chunk, NO_ROOM, now)
                    .fetch_all(&mut *conn)
                    .await?;
            }
            Engine::Sqlite => {
                let sql = insert_statement(chunk.len());
                insert_rows::<Any>(&sql, chunk, now)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// A multi-row insert into the log (placeholders generated here, values always bound).
fn insert_statement(rows: usize) -> String {
    let mut sql =
        String::from("INSERT INTO room_updates (session_id, data, created_at, author) VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        let base = i * 4;
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${})",
            base + 1,
            base + 2,
            base + 3,
            base + 4
        ));
    }
    sql
}

fn insert_rows<'q, DB>(
    sql: &'q str,
    rows: &'q [LogRow<'q>],
    now: &'q str,
) -> Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    i64: Encode<'q, DB> + Type<DB>,
    &'q [u8]: Encode<'q, DB> + Type<DB>,
    &'q str: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
{
    let mut query = sqlx::query::<DB>(sql);
    for (session_id, data, author) in rows {
        query = query.bind(*session_id).bind(*data).bind(now).bind(*author);
    }
    query
}

/// Appends the live rooms' updates. On SQLite it owns a connection of its own: every forwarded
/// update waits for this commit, and a pooled connection would add a liveness ping per acquire,
/// the `Any` driver's conversions and a page cache that other writers keep invalidating. On
/// PostgreSQL it uses the pool (there the network round trip dominates).
pub struct RoomLogWriter {
    store: Store,
    sqlite: Option<SqliteConnection>,
    origin: i64,
}

/// The origin of rows no live room wrote (a new board's first content, a restored copy).
pub const NO_ROOM: i64 = 0;

impl RoomLogWriter {
    /// Appends `updates` in one transaction; returns once it is durable. After a failure the
    /// connection is dropped and the next call opens a fresh one.
    pub async fn append(&mut self, updates: &[LogRow<'_>]) -> Result<Appended> {
        // An in-memory SQLite database exists only inside its connection: use the pool's.
        let own_connection =
            self.store.engine == Engine::Sqlite && self.store.target.sqlite_file.is_some();
        if updates.is_empty() {
            return Ok(Appended::Unsequenced);
        }
        if !own_connection {
            return self.store.append_from(updates, self.origin).await;
        }
        let conn = match &mut self.sqlite {
            Some(conn) => conn,
            None => self.sqlite.insert(self.store.connect_log_writer().await?),
        };
        let result = append_sqlite(conn, updates).await;
        if result.is_err() {
            self.sqlite = None;
        }
        result.map(|()| Appended::Unsequenced)
    }
}

async fn append_sqlite(conn: &mut SqliteConnection, updates: &[LogRow<'_>]) -> Result<()> {
    let now = timestamp(Utc::now());
    if updates.len() <= ROWS_PER_STATEMENT {
        let sql = insert_statement(updates.len());
        insert_rows::<Sqlite>(&sql, updates, &now)
            .execute(&mut *conn)
            .await?;
        return Ok(());
    }
    let mut tx = conn.begin().await?;
    for chunk in updates.chunks(ROWS_PER_STATEMENT) {
        let sql = insert_statement(chunk.len());
        insert_rows::<Sqlite>(&sql, chunk, &now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

impl Store {
    async fn connect_log_writer(&self) -> Result<SqliteConnection> {
        let synchronous = if self.target.sqlite_synchronous_normal {
            SqliteSynchronous::Normal
        } else {
            SqliteSynchronous::Full
        };
        let options = SqliteConnectOptions::from_str(&self.target.url)?
            .synchronous(synchronous)
            .busy_timeout(Duration::from_secs(5));
        options
            .connect()
            .await
            .map_err(|source| super::StoreError::Connect {
                url: super::redact_url(&self.target.url),
                source,
            })
    }
}
