//! What changed on a session outside its board's document (its polls, its evidence files), for
//! the event streams of the boards and projectors open on it (`/sesiones/{id}/eventos`).

use std::sync::{Arc, OnceLock};

use tokio::sync::broadcast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Votes,
    Evidence,
}

impl Topic {
    pub const ALL: [Topic; 2] = [Topic::Votes, Topic::Evidence];

    pub fn from_event(name: &str) -> Option<Topic> {
        Self::ALL.into_iter().find(|t| t.event() == name)
    }

    /// The stream's `event:` name, which the page listens for.
    pub fn event(self) -> &'static str {
        match self {
            Topic::Votes => "votaciones",
            Topic::Evidence => "evidencias",
        }
    }
}

/// Who else must hear of a change made here (the other servers, through the cluster).
pub type Relay = Box<dyn Fn(i64, Topic) + Send + Sync>;

#[derive(Clone)]
pub struct SessionChanges {
    sender: broadcast::Sender<(i64, Topic)>,
    relay: Arc<OnceLock<Relay>>,
}

impl Default for SessionChanges {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(256).0,
            relay: Arc::default(),
        }
    }
}

impl SessionChanges {
    pub fn subscribe(&self) -> broadcast::Receiver<(i64, Topic)> {
        self.sender.subscribe()
    }

    /// Passes every change made here on to `relay` too (once; the cluster sets it).
    pub fn relay_to(&self, relay: Relay) {
        let _ = self.relay.set(relay);
    }

    pub(super) fn announce(&self, session_id: i64, topic: Topic) {
        if let Some(relay) = self.relay.get() {
            relay(session_id, topic);
        }
        self.announce_here(session_id, topic);
    }

    /// For the streams open on this server only (a change another server made).
    pub fn announce_here(&self, session_id: i64, topic: Topic) {
        // Nobody listening is fine: the next page load reads the store.
        let _ = self.sender.send((session_id, topic));
    }
}
