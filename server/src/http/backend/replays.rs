//! The review page's history: the board replayed from its stored log, update by update. That is
//! CPU work that grows with the log (the board is re-read after every update), so it runs on the
//! blocking pool, a few at a time, and each result is kept until the board's log grows (a review
//! asks for the timeline, then for many steps of it).

use std::sync::Arc;

use app::domain::board::review::{BoardHistory, TimelineEntry, push_changes};
use app::domain::board::{BoardView, apply_update};
use app::error::AppError;
use tokio::sync::Semaphore;
use yrs::{Doc, Transact};

use super::StoreBackend;
use crate::cache::VersionedCache;
use crate::store::{HistoryEntry, Store};

/// Replays running at once (the machine's cores are for the live boards first).
const CONCURRENT_REPLAYS: usize = 2;
/// Results kept (timelines, and boards at a step).
const KEPT: usize = 128;

type Timeline = (usize, Vec<TimelineEntry>);

#[derive(Clone)]
pub(super) struct Replays {
    permits: Arc<Semaphore>,
    timelines: Arc<VersionedCache<i64, Arc<Timeline>>>,
    steps: Arc<VersionedCache<(i64, usize), Arc<BoardView>>>,
}

impl Default for Replays {
    fn default() -> Self {
        Self {
            permits: Arc::new(Semaphore::new(CONCURRENT_REPLAYS)),
            timelines: Arc::new(VersionedCache::new(KEPT)),
            steps: Arc::new(VersionedCache::new(KEPT)),
        }
    }
}

impl Replays {
    /// Runs `replay` over the board's history on the blocking pool, once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        store: &Store,
        session_id: i64,
        replay: impl FnOnce(&[HistoryEntry]) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal("el servidor se está deteniendo".into()))?;
        let history = store.room_history(session_id).await?;
        tokio::task::spawn_blocking(move || replay(&history))
            .await
            .map_err(|_| AppError::Internal("no se pudo reconstruir el historial".into()))?
    }
}

impl StoreBackend {
    /// Every change of the board, in order, with how many stored updates it has.
    pub(super) async fn timeline(&self, session_id: i64) -> Result<Arc<Timeline>, AppError> {
        let watermark = self.store.room_log_watermark(session_id).await?;
        let cell = self.replays.timelines.cell(session_id, watermark);
        let timeline = cell
            .get_or_try_init(|| async {
                self.replays
                    .run(&self.store, session_id, |history| {
                        timeline_of(history).map(Arc::new)
                    })
                    .await
            })
            .await?;
        Ok(timeline.clone())
    }

    /// The board as it was after its first `step` stored updates.
    pub(super) async fn board_at_step(
        &self,
        session_id: i64,
        step: usize,
    ) -> Result<Arc<BoardView>, AppError> {
        let watermark = self.store.room_log_watermark(session_id).await?;
        let cell = self.replays.steps.cell((session_id, step), watermark);
        let view = cell
            .get_or_try_init(|| async {
                self.replays
                    .run(&self.store, session_id, move |history| {
                        view_at(history, step).map(Arc::new)
                    })
                    .await
            })
            .await?;
        Ok(view.clone())
    }
}

fn damaged(error: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("historial dañado: {error}"))
}

/// The changes each stored update made, read by comparing the board before and after it.
fn timeline_of(history: &[HistoryEntry]) -> Result<Timeline, AppError> {
    let doc = Doc::new();
    let mut timeline = Vec::new();
    let mut before = BoardView::default();
    for (n, entry) in history.iter().enumerate() {
        apply_update(&doc, &entry.data).map_err(damaged)?;
        let after = BoardView::read(&doc.transact());
        push_changes(
            &mut timeline,
            n + 1,
            &entry.at,
            entry.author.as_deref(),
            &before,
            &after,
        );
        before = after;
    }
    Ok((history.len(), timeline))
}

fn view_at(history: &[HistoryEntry], step: usize) -> Result<BoardView, AppError> {
    let doc = Doc::new();
    for entry in history.iter().take(step) {
        apply_update(&doc, &entry.data).map_err(damaged)?;
    }
    Ok(BoardView::read(&doc.transact()))
}

/// What the review page receives.
pub(super) fn history(timeline: &Timeline, members: usize) -> BoardHistory {
    BoardHistory {
        steps: timeline.0,
        timeline: timeline.1.clone(),
        members,
    }
}
