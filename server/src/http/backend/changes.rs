//! What changed on a session outside its board's document (its polls, its evidence files), for
//! the event streams of the boards and projectors open on it (`/sesiones/{id}/eventos`).

use tokio::sync::broadcast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Votes,
    Evidence,
}

impl Topic {
    pub const ALL: [Topic; 2] = [Topic::Votes, Topic::Evidence];

    /// The stream's `event:` name, which the page listens for.
    pub fn event(self) -> &'static str {
        match self {
            Topic::Votes => "votaciones",
            Topic::Evidence => "evidencias",
        }
    }
}

#[derive(Clone)]
pub struct SessionChanges(broadcast::Sender<(i64, Topic)>);

impl Default for SessionChanges {
    fn default() -> Self {
        Self(broadcast::channel(256).0)
    }
}

impl SessionChanges {
    pub fn subscribe(&self) -> broadcast::Receiver<(i64, Topic)> {
        self.0.subscribe()
    }

    pub(super) fn announce(&self, session_id: i64, topic: Topic) {
        // Nobody listening is fine: the next page load reads the store.
        let _ = self.0.send((session_id, topic));
    }
}
