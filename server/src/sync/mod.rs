//! Live boards: every session's board is a yrs document served as a room over WebSocket, speaking
//! the standard Yjs sync + awareness protocol so any Yjs client can join.
//!
//! Dependencies run one way, with no cycle between files: `room` uses `protocol`, `awareness` and
//! `peer`; `error` uses `room`; `command` uses `error`; `shared` uses `command`, `committer` and
//! `limits`; `room_storage` uses `shared`; `in_flight` (batches waiting for storage) uses
//! `committer` and `room`; `room_task` uses all of these; `hub` uses `room_task`.
//! Nothing here knows HTTP (the WebSocket endpoint is `crate::http::sync_socket`).
//!
//! - [`protocol`]: the wire format (sans I/O);
//! - [`room`], [`awareness`], [`limits`]: the room logic, pure and unit-tested;
//! - [`hub`]: the registry of loaded rooms, and the board's state for pages and projections;
//! - [`room_task`] (with [`room_storage`]): one task per loaded room, eviction, compaction;
//! - [`committer`]: the group commit that makes updates durable before they are forwarded;
//! - [`followup`]: the server-written first item of a new board;
//! - [`client`]: a tokio-tungstenite Yjs client for tests and the load tool.

pub mod awareness;
mod check_in;
pub mod client;
pub mod cluster_link;
mod command;
pub mod committer;
pub mod error;
pub mod followup;
pub mod hub;
mod in_flight;
pub mod limits;
pub mod metrics;
pub mod peer;
pub mod protocol;
pub mod room;
mod room_storage;
pub mod room_task;
mod shared;
pub mod standing_agenda;

use std::borrow::Cow;

pub use cluster_link::ClusterLink;
pub use command::ServerEdit;
pub use error::{HubError, RoomGone};
pub use hub::SyncHub;
pub use limits::SyncLimits;
pub use metrics::SyncMetrics;
pub use peer::Credential;

/// Why the server closes a socket: a WebSocket close code and a reason a person can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseReason {
    pub code: u16,
    pub reason: Cow<'static, str>,
}

impl CloseReason {
    pub const fn new(code: u16, reason: &'static str) -> Self {
        Self {
            code,
            reason: Cow::Borrowed(reason),
        }
    }
}

/// Close codes (also in `docs/protocol.md`).
pub mod close {
    use super::CloseReason;

    pub const UNSUPPORTED_TEXT: CloseReason =
        CloseReason::new(1003, "solo se aceptan mensajes binarios (protocolo Yjs)");
    pub const MALFORMED: u16 = 1007;
    pub const RATE_LIMITED: CloseReason = CloseReason::new(1008, "demasiados mensajes por segundo");
    pub const TOO_BIG: CloseReason = CloseReason::new(1009, "mensaje demasiado grande");
    pub const STORAGE_FAILED: CloseReason =
        CloseReason::new(1011, "no se pudo guardar el tablero; reconecte");
    /// The database does not answer: nothing more is acknowledged until it does.
    pub const STORAGE_UNREACHABLE: CloseReason = CloseReason::new(
        1011,
        "la base de datos no responde: sus cambios se conservan en este dispositivo y se guardarán al reconectar",
    );
    /// The server's disk is full (like HTTP's 507).
    pub const STORAGE_FULL: CloseReason = CloseReason::new(
        4507,
        "el servidor no tiene espacio para guardar el tablero: sus cambios se conservan en este dispositivo",
    );
    pub const ROOM_FULL: CloseReason =
        CloseReason::new(1013, "la sala alcanzó el máximo de conexiones");
    /// A frame broke the CRDT engine; the room reloads from storage and clients resync.
    pub const ROOM_RESET: CloseReason = CloseReason::new(1011, "el tablero se reinició; reconecte");
    pub const ROOM_UNAVAILABLE: CloseReason = CloseReason::new(1011, "no se pudo abrir el tablero");
    pub const IDLE: CloseReason = CloseReason::new(1001, "sin actividad: reconecte");
    /// The credential the socket joined with ended (a guest link revoked, a person signed out
    /// or was deactivated): the client must not reconnect with it.
    pub const CREDENTIAL_ENDED: CloseReason = CloseReason::new(
        4401,
        "su acceso a este tablero terminó (invitación revocada o sesión cerrada)",
    );
    /// The board reached its stored-bytes cap (`SyncLimits::max_board_bytes`).
    pub const BOARD_FULL: u16 = 4413;
    /// The board grew faster than `SyncLimits::max_board_bytes_per_minute`.
    pub const BOARD_BUSY: u16 = 4429;
    /// The session was closed on another server while this socket's last change was on its way
    /// to storage: it was not stored; the board is read-only from now on.
    pub const BOARD_CLOSED: CloseReason = CloseReason::new(
        4409,
        "la sesión se cerró mientras se guardaba su último cambio: el tablero queda de solo lectura",
    );
    /// The socket fell behind; its client reconnects and resyncs by state vector.
    pub const LAGGING: CloseReason =
        CloseReason::new(4000, "conexión demasiado lenta: reconecte para sincronizar");
}
