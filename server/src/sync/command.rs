//! What the registry and the sockets ask of a room task, and its answer to a join.

use bytes::Bytes;
use tokio::sync::oneshot;

use super::error::HubError;
use super::peer::{ConnId, Credential, PeerLink};

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
    /// Bring the board's follow-up item up to date with what the Mesa left open.
    FollowUp {
        carried: crate::store::CarriedOver,
        now: chrono::DateTime<chrono::Utc>,
        done: oneshot::Sender<()>,
    },
    /// The board's full state as one update. `durable`: only once everything applied so far is
    /// stored (use on a frozen room, whose in-flight commits then drain).
    State {
        durable: bool,
        reply: oneshot::Sender<Vec<u8>>,
    },
}
