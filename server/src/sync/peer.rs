//! How a room and its sockets know each other.

use bytes::Bytes;
use tokio::sync::mpsc;

use super::CloseReason;

/// A socket's id, unique in the process (rooms key their peers by it).
pub type ConnId = u64;

/// How the room task reaches one socket.
pub struct PeerLink {
    pub outbound: mpsc::Sender<Bytes>,
    pub control: mpsc::UnboundedSender<CloseReason>,
}
