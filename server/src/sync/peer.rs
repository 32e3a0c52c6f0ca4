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
    /// A signed-in person joining a board they write: the room records their (remote)
    /// attendance when they join, so the attendance list is the server's word.
    pub check_in: Option<std::sync::Arc<CheckIn>>,
}

/// Who is checked in on joining, and against whom (the Mesa's sitting members, for quorum).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub name: String,
    pub institution: String,
    pub sector: String,
    pub roster: Vec<app::domain::Member>,
    /// When they joined (ms since the Unix epoch): the room stays free of clocks.
    pub at_ms: i64,
}

impl Credential {
    /// A writer with no name of its own (tests, benchmarks).
    pub fn writer() -> Self {
        Self {
            writable: true,
            role: "participante",
            name: None,
            author: None,
            check_in: None,
        }
    }
}

/// How the room task reaches one socket.
pub struct PeerLink {
    pub outbound: mpsc::Sender<Bytes>,
    pub control: mpsc::UnboundedSender<CloseReason>,
}
