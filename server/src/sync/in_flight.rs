//! A room's batches on their way to storage: each waits for its commit (and every earlier one's)
//! before its frames are forwarded, so nothing reaches a socket before it is durable.

use std::collections::VecDeque;

use tokio::sync::oneshot;

use super::committer::{CommitError, Committed};
use super::peer::ConnId;
use super::room::Effect;
use super::{CloseReason, close};
use crate::store::Outage;
use crate::store::StoredRange;

/// Batches a room may have waiting for storage before it stops taking new frames (backpressure
/// on its sockets' readers rather than unbounded memory).
pub(super) const MAX_IN_FLIGHT: usize = 4;

pub(super) struct InFlight {
    /// `None` for a batch with nothing to persist, waiting only for the batches before it.
    pub(super) ack: Option<oneshot::Receiver<Committed>>,
    pub(super) persisted: usize,
    pub(super) board_changed: bool,
    pub(super) effects: Vec<Effect>,
    pub(super) kicks: Vec<(ConnId, CloseReason)>,
}

/// The committer stopped before answering (the server is shutting down or broke).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("el guardado del tablero se detuvo")]
pub(super) struct CommitterGone;

/// Why a batch's frames cannot be forwarded: they are not (known to be) durable.
#[derive(Debug, Clone, thiserror::Error)]
pub(super) enum NotDurable {
    #[error(transparent)]
    Refused(#[from] CommitError),
    #[error(transparent)]
    Gone(#[from] CommitterGone),
}

impl NotDurable {
    /// What the room's sockets are told: their clients keep their changes and reconnect.
    pub(super) fn close_reason(&self) -> CloseReason {
        match self {
            NotDurable::Refused(CommitError::Closed) => close::BOARD_CLOSED,
            NotDurable::Refused(error) if error.outage() == Outage::DiskFull => close::STORAGE_FULL,
            NotDurable::Refused(error) if error.outage() == Outage::Unreachable => {
                close::STORAGE_UNREACHABLE
            }
            _ => close::STORAGE_FAILED,
        }
    }
}

pub(super) async fn front_ack(
    in_flight: &mut VecDeque<InFlight>,
) -> Result<Option<StoredRange>, NotDurable> {
    match in_flight.front_mut().and_then(|f| f.ack.as_mut()) {
        Some(ack) => Ok(ack.await.map_err(|_| CommitterGone)??),
        None => std::future::pending().await,
    }
}
