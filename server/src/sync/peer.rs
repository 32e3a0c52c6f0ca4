//! How a room and its sockets know each other.

use bytes::Bytes;
use tokio::sync::mpsc;

use super::CloseReason;

/// A socket's id, unique in the process (rooms key their peers by it).
pub type ConnId = u64;

/// Who a socket speaks for, from the credential it connected with: whether it may write, and
/// what its presence says about it whatever the client claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub writable: bool,
    /// The role's code (`coordinador`, `participante`, `observador`).
    pub role: &'static str,
    /// The name written into the invitation, if it names someone.
    pub name: Option<std::sync::Arc<str>>,
    /// Who the socket's updates are recorded as (`Carla Rojas (cuenta 7)`, `Delegada JAC
    /// (invitación)`): the server's word, whatever the document's `createdBy` says.
    pub author: Option<std::sync::Arc<str>>,
}

impl Credential {
    /// A writer with no name of its own (tests, benchmarks).
    pub fn writer() -> Self {
        Self {
            writable: true,
            role: "participante",
            name: None,
            author: None,
        }
    }
}

/// How the room task reaches one socket.
pub struct PeerLink {
    pub outbound: mpsc::Sender<Bytes>,
    pub control: mpsc::UnboundedSender<CloseReason>,
}
