//! The group committer: one task for all rooms that appends, in one transaction, every update
//! handed in while the previous commit was being made. A room forwards a batch's frames only
//! once its commit is acknowledged (durable before delivered).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::metrics::SyncMetrics;
use crate::store::{LogRow, RoomLogWriter, StoreError};

/// Storage refused a batch: the updates in it are not durable.
#[derive(Debug, Clone, thiserror::Error)]
#[error("no se pudo guardar el tablero: {0}")]
pub struct CommitError(#[source] Arc<StoreError>);

/// One room's updates for the next commit, and where to say whether they are durable.
pub struct CommitRequest {
    pub session_id: i64,
    /// Each update with who sent it.
    pub updates: Vec<(Bytes, Option<Arc<str>>)>,
    pub ack: oneshot::Sender<Result<(), CommitError>>,
}

/// Starts the committer; requests sent to the returned channel are committed in order.
pub fn start(
    writer: RoomLogWriter,
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
    mut writer: RoomLogWriter,
    window: Duration,
    metrics: SyncMetrics,
    mut requests: mpsc::Receiver<CommitRequest>,
) {
    let mut batch = Vec::with_capacity(256);
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
            tracing::error!(%error, "could not persist board updates");
            CommitError(Arc::new(error))
        });
        metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        match &result {
            Ok(()) => {
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
            let _ = request.ack.send(result.clone());
        }
    }
}
