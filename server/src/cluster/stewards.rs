//! Which server does a board's shared work (compaction, projection): the one holding the board's
//! PostgreSQL advisory lock, taken on a connection of its own. PostgreSQL releases every lock of a
//! connection that ends, so a server that dies (or loses that connection) stops being steward
//! and another takes over when it next asks.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use tokio::sync::{mpsc, oneshot};

/// Advisory locks are one key space per database: Sala's stewards use the two-key form with
/// this first key, so they meet no other lock taken on the same database.
const STEWARD_KEY: i32 = 0x5a1a;

/// Held locks are trusted this long without asking the connection whether it still lives (a
/// terminated connection loses them silently; others may take them meanwhile).
const TRUST_FOR: Duration = Duration::from_secs(1);

/// How this connection shows in `pg_stat_activity`: `sala steward PID` (PID: this process).
pub fn application_name() -> String {
    format!("sala steward {}", std::process::id())
}

enum Request {
    Hold {
        session_id: i64,
        reply: oneshot::Sender<bool>,
    },
    Release {
        session_id: i64,
    },
}

/// The stewardships this server holds. Cheap to clone.
#[derive(Clone)]
pub struct Stewards {
    requests: mpsc::UnboundedSender<Request>,
}

impl Stewards {
    pub fn start(url: &str) -> Self {
        let (requests, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(url.to_owned(), rx));
        Self { requests }
    }

    /// Whether this server is (now) the board's steward. `false` when another server is, or when
    /// the database cannot be asked.
    pub async fn hold(&self, session_id: i64) -> bool {
        let (reply, answer) = oneshot::channel();
        if self
            .requests
            .send(Request::Hold { session_id, reply })
            .is_err()
        {
            return false;
        }
        answer.await.unwrap_or(false)
    }

    pub fn release(&self, session_id: i64) {
        let _ = self.requests.send(Request::Release { session_id });
    }
}

/// Board ids beyond the lock's 32-bit key fold into it: two boards that share a key share a
/// steward, which is still one server per board.
fn key(session_id: i64) -> i32 {
    (session_id % i64::from(i32::MAX)) as i32
}

struct LockConnection {
    conn: PgConnection,
    held: HashSet<i64>,
    checked: Instant,
}

async fn run(url: String, mut requests: mpsc::UnboundedReceiver<Request>) {
    let mut current: Option<LockConnection> = None;
    while let Some(request) = requests.recv().await {
        match request {
            Request::Hold { session_id, reply } => {
                let held = hold(&url, &mut current, session_id).await;
                let _ = reply.send(held);
            }
            Request::Release { session_id } => {
                if let Some(open) = current.as_mut()
                    && open.held.remove(&session_id)
                    && let Err(error) = sqlx::query("SELECT pg_advisory_unlock($1, $2)")
                        .bind(STEWARD_KEY)
                        .bind(key(session_id))
                        .execute(&mut open.conn)
                        .await
                {
                    // Its locks went with the connection.
                    tracing::warn!(%error, "steward connection lost");
                    current = None;
                }
            }
        }
    }
}

async fn hold(url: &str, current: &mut Option<LockConnection>, session_id: i64) -> bool {
    for _ in 0..2 {
        let open = match current {
            Some(open) => open,
            None => match connect(url).await {
                Ok(conn) => current.insert(LockConnection {
                    conn,
                    held: HashSet::new(),
                    checked: Instant::now(),
                }),
                Err(error) => {
                    tracing::warn!(%error, "cannot reach the database for stewardship");
                    return false;
                }
            },
        };
        if open.held.contains(&session_id) && open.checked.elapsed() < TRUST_FOR {
            return true;
        }
        let answer: Result<(bool,), sqlx::Error> = if open.held.contains(&session_id) {
            // Still ours if the connection still lives.
            sqlx::query_as("SELECT true")
                .fetch_one(&mut open.conn)
                .await
        } else {
            sqlx::query_as("SELECT pg_try_advisory_lock($1, $2)")
                .bind(STEWARD_KEY)
                .bind(key(session_id))
                .fetch_one(&mut open.conn)
                .await
        };
        match answer {
            Ok((held,)) => {
                open.checked = Instant::now();
                if held {
                    open.held.insert(session_id);
                }
                return held;
            }
            Err(error) => {
                // Every lock it held is gone: start again on a new connection.
                tracing::warn!(%error, held = open.held.len(), "steward connection lost; its boards are released");
                *current = None;
            }
        }
    }
    false
}

async fn connect(url: &str) -> Result<PgConnection, sqlx::Error> {
    PgConnectOptions::from_str(url)?
        .application_name(&application_name())
        .connect()
        .await
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn board_ids_fold_into_the_lock_key() {
        assert_eq!(key(7), 7);
        assert_eq!(key(i64::from(i32::MAX) + 7), 7);
    }
}
