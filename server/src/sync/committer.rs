//! The group committer: one task for all rooms that appends, in one transaction, every update
//! handed in while the previous commit was being made. A room forwards a batch's frames only
//! once its commit is acknowledged (durable before delivered).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use super::metrics::SyncMetrics;
use crate::store::{Appended, LogRow, Outage, RoomLogWriter, StoreError, StoredRange};

/// Storage refused a batch: the updates in it are not durable.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CommitError {
    #[error("no se pudo guardar el tablero: {0}")]
    Store(#[source] Arc<StoreError>),
    /// The board's session was closed (on any server) before these updates reached it.
    #[error("la sesión se cerró: el tablero ya no acepta cambios")]
    Closed,
}

impl CommitError {
    pub fn outage(&self) -> Outage {
        match self {
            CommitError::Store(error) => error.outage(),
            CommitError::Closed => Outage::Other,
        }
    }
}

/// A request's updates are durable; on PostgreSQL, the sequences they got (with any other
/// request of the same board in that commit).
pub type Committed = Result<Option<StoredRange>, CommitError>;

/// While storage keeps failing, the error is logged once a minute (with how many failed since),
/// not once per batch: a full disk would otherwise fill what is left of it with the log.
const WARN_EVERY: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Failures {
    since_warning: u64,
    total: u64,
    warned_at: Option<std::time::Instant>,
}

impl Failures {
    fn failed(&mut self, error: &StoreError) {
        self.total += 1;
        self.since_warning += 1;
        let now = std::time::Instant::now();
        if self
            .warned_at
            .is_none_or(|at| now.duration_since(at) >= WARN_EVERY)
        {
            tracing::error!(
                %error,
                outage = ?error.outage(),
                failed_since_last_warning = self.since_warning,
                "could not persist board updates (told again in a minute if it goes on)"
            );
            self.warned_at = Some(now);
            self.since_warning = 0;
        }
    }

    fn succeeded(&mut self) {
        if self.total > 0 {
            tracing::warn!(failed = self.total, "board storage works again");
            *self = Self::default();
        }
    }
}

/// One room's updates for the next commit, and where to say whether they are durable.
pub struct CommitRequest {
    pub session_id: i64,
    /// Each update with who sent it.
    pub updates: Vec<(Bytes, Option<Arc<str>>)>,
    pub ack: oneshot::Sender<Committed>,
}

/// Where the committer appends: the store's [`RoomLogWriter`]; a test may wrap it (a slow
/// disk). Returns once the rows are durable.
pub trait LogSink: Send + 'static {
    fn append<'a>(
        &'a mut self,
        rows: &'a [LogRow<'a>],
    ) -> BoxFuture<'a, Result<Appended, StoreError>>;
}

impl LogSink for RoomLogWriter {
    fn append<'a>(
        &'a mut self,
        rows: &'a [LogRow<'a>],
    ) -> BoxFuture<'a, Result<Appended, StoreError>> {
        Box::pin(RoomLogWriter::append(self, rows))
    }
}

/// Starts the committer; requests sent to the returned channel are committed in order.
pub fn start(
    writer: impl LogSink,
    window: Duration,
    metrics: SyncMetrics,
) -> mpsc::Sender<CommitRequest> {
    let (tx, rx) = mpsc::channel(4096);
    tokio::spawn(run(writer, window, metrics, rx));
    tx
}

const MAX_COMMIT_BATCH: usize = 1024;

/// Group commit: every request queued while the previous commit was being made goes into the
/// next transaction, so batches grow with the load by themselves and a lone update is written at
/// once. An optional `window` also waits for more before committing (less CPU per update with
/// many quiet rooms, for up to that much more latency; off by default).
async fn run(
    mut writer: impl LogSink,
    window: Duration,
    metrics: SyncMetrics,
    mut requests: mpsc::Receiver<CommitRequest>,
) {
    let mut batch = Vec::with_capacity(256);
    let mut failures = Failures::default();
    while requests.recv_many(&mut batch, MAX_COMMIT_BATCH).await > 0 {
        // Let the sockets and rooms that are already runnable (frames read in the same wake-up)
        // hand in their updates first: a bigger batch for the same fsync, at no timer's cost.
        for _ in 0..2 {
            tokio::task::yield_now().await;
        }
        while batch.len() < MAX_COMMIT_BATCH {
            match requests.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        if !window.is_zero() {
            let deadline = tokio::time::Instant::now() + window;
            while batch.len() < MAX_COMMIT_BATCH {
                match tokio::time::timeout_at(deadline, requests.recv()).await {
                    Ok(Some(request)) => batch.push(request),
                    _ => break,
                }
            }
        }
        let rows: Vec<LogRow<'_>> = batch
            .iter()
            .flat_map(|r| {
                r.updates
                    .iter()
                    .map(|(update, author)| (r.session_id, update.as_ref(), author.as_deref()))
            })
            .collect();
        let started = std::time::Instant::now();
        let result = writer.append(&rows).await.map_err(|error| {
            failures.failed(&error);
            CommitError::Store(Arc::new(error))
        });
        metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        match &result {
            Ok(_) => {
                failures.succeeded();
                metrics.updates_stored.inc_by(rows.len() as u64);
                metrics
                    .bytes_stored
                    .inc_by(rows.iter().map(|(_, data, _)| data.len() as u64).sum());
            }
            Err(_) => {
                metrics.commits_failed.inc();
            }
        }
        for request in batch.drain(..) {
            let answer = match &result {
                Ok(appended) => appended
                    .range_of(request.session_id)
                    .ok_or(CommitError::Closed),
                Err(error) => Err(error.clone()),
            };
            let _ = request.ack.send(answer);
        }
    }
}
