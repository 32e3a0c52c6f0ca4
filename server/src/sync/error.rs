//! What can go wrong when a board is served: loading it, reaching its room, reading its state.

use std::sync::Arc;

use app::domain::board::BoardDecodeError;

use super::room::ProtocolError;
use super::{CloseReason, close};
use crate::store::StoreError;

/// Why a room could not be loaded from storage.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("el registro guardado del tablero está dañado: {0}")]
    Corrupt(#[from] ProtocolError),
}

/// Why the hub could not serve a board.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HubError {
    #[error("la sala alcanzó el máximo de conexiones")]
    RoomFull,
    #[error("no se pudo abrir el tablero: {0}")]
    LoadFailed(#[source] Arc<LoadError>),
    /// The room stopped (evicted, reset or failed) while we were talking to it, more than once.
    #[error("el tablero no respondió; intente de nuevo")]
    NotResponding,
    #[error("el tablero guardado no se puede leer: {0}")]
    Unreadable(#[source] Arc<BoardDecodeError>),
    /// Closing the board in the database failed: nothing was frozen.
    #[error("no se pudo cerrar el tablero en la base de datos: {0}")]
    NotClosed(#[source] Arc<StoreError>),
}

impl HubError {
    pub fn close_reason(&self) -> CloseReason {
        match self {
            HubError::RoomFull => close::ROOM_FULL,
            _ => close::ROOM_UNAVAILABLE,
        }
    }
}

/// The room a socket was in is gone (it reset or failed); the socket closes and its client
/// reconnects.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("la sala del tablero se cerró")]
pub struct RoomGone;
