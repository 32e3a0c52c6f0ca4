//! The durable state of live boards: an append-only update log per session, folded periodically
//! into a snapshot. Appends are batched by the caller (group commit); compaction replaces the
//! snapshot and moves its watermark in one transaction, keeping the log as the board's history.

use chrono::Utc;

use super::Store;
use super::error::Result;
use super::rows::timestamp;

/// What a room needs to rebuild itself.
#[derive(Debug, Default)]
pub struct StoredRoom {
    /// Snapshot first (if any), then every later update, oldest first.
    pub updates: Vec<Vec<u8>>,
    /// Updates in the log after the snapshot (drives compaction).
    pub log_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compaction {
    pub folded: usize,
    pub snapshot_bytes: usize,
}

impl Store {
    /// Appends updates of any number of rooms in one transaction; returns once it is durable.
    /// Rows go in multi-row inserts (placeholders generated here, values always bound).
    pub async fn append_room_updates(&self, updates: &[(i64, &[u8])]) -> Result<()> {
        const ROWS_PER_STATEMENT: usize = 200;
        let now = timestamp(Utc::now());
        let statement = |chunk: &[(i64, &[u8])]| {
            let mut sql =
                String::from("INSERT INTO room_updates (session_id, data, created_at) VALUES ");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                let base = i * 3;
                sql.push_str(&format!("(${}, ${}, ${})", base + 1, base + 2, base + 3));
            }
            sql
        };
        let chunks: Vec<&[(i64, &[u8])]> = updates.chunks(ROWS_PER_STATEMENT).collect();
        match chunks.as_slice() {
            [] => Ok(()),
            // One statement is atomic on its own: no BEGIN/COMMIT round trips on the hot path.
            [only] => {
                let sql = statement(only);
                let mut query = sqlx::query(&sql);
                for (session_id, data) in *only {
                    query = query.bind(*session_id).bind(*data).bind(&now);
                }
                query.execute(&self.pool).await?;
                Ok(())
            }
            many => {
                let mut tx = self.pool.begin().await?;
                for chunk in many {
                    let sql = statement(chunk);
                    let mut query = sqlx::query(&sql);
                    for (session_id, data) in *chunk {
                        query = query.bind(*session_id).bind(*data).bind(&now);
                    }
                    query.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    }

    /// One statement, so it reads one consistent state even if a compaction commits meanwhile.
    pub async fn load_room(&self, session_id: i64) -> Result<StoredRoom> {
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT CAST(0 AS BIGINT) AS kind, data, CAST(0 AS BIGINT) AS id FROM room_snapshots WHERE session_id = $1
             UNION ALL
             SELECT CAST(1 AS BIGINT) AS kind, data, id FROM room_updates
             WHERE session_id = $1
               AND id > (SELECT COALESCE(MAX(upto), 0) FROM room_snapshots WHERE session_id = $1)
             ORDER BY kind, id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        let log_len = rows.iter().filter(|(kind, _)| *kind == 1).count();
        Ok(StoredRoom {
            updates: rows.into_iter().map(|(_, data)| data).collect(),
            log_len,
        })
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
