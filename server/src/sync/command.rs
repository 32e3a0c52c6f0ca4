//! What the registry and the sockets ask of a room task, and its answer to a join.

use bytes::Bytes;
use tokio::sync::oneshot;

use super::error::HubError;
use super::peer::{ConnId, Credential, PeerLink};

/// Edits the room's document and returns the update it made, or `None` when nothing changed.
/// Shared because a room that was evicting itself gets the same edit again.
pub type ServerEdit = std::sync::Arc<dyn Fn(&yrs::Doc) -> Option<Vec<u8>> + Send + Sync>;

pub(super) enum JoinReply {
    Joined,
    Refused(HubError),
    /// The room was evicting itself: try a fresh one with the same link.
    Evicted(PeerLink),
}

pub(super) enum Command {
    Join {
        conn: ConnId,
        credential: Credential,
        link: PeerLink,
        reply: oneshot::Sender<JoinReply>,
    },
    Frame {
        conn: ConnId,
        frame: Bytes,
    },
    Leave {
        conn: ConnId,
    },
    Freeze,
    /// The server's own edit of the board (the follow-up brought up to date, a vote's result):
    /// stored, then sent to everyone, as any client's.
    Edit {
        edit: ServerEdit,
        done: oneshot::Sender<()>,
    },
    /// Presence another server's sockets announced (an encoded awareness update).
    RelayedPresence {
        origin: i64,
        presence: bytes::Bytes,
    },
    /// The board's full state as one update. `durable`: only once everything applied so far is
    /// stored (use on a frozen room, whose in-flight commits then drain).
    State {
        durable: bool,
        reply: oneshot::Sender<Vec<u8>>,
    },
}
