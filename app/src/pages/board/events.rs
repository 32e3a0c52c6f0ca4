//! The session's event stream (`/sesiones/{id}/eventos`): one per page, telling the board or
//! the projector that its polls or its evidence files changed, so they read them again.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct SessionEvents {
    /// Moves on whenever a poll opens, gets a ballot or closes.
    pub votes: RwSignal<u64>,
    /// Moves on whenever a file is attached or removed.
    pub evidence: RwSignal<u64>,
}

impl SessionEvents {
    /// Listens while `live` (an open board): a closed board changes no more.
    pub fn provide(session: i64, live: bool) -> Self {
        let events = Self {
            votes: RwSignal::new(0),
            evidence: RwSignal::new(0),
        };
        provide_context(events);
        #[cfg(feature = "hydrate")]
        if live {
            events.listen(session);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (session, live);
        events
    }

    #[cfg(feature = "hydrate")]
    fn listen(self, session: i64) {
        crate::pages::event_stream::follow(
            &format!("/sesiones/{session}/eventos"),
            &[("votaciones", self.votes), ("evidencias", self.evidence)],
        );
    }
}
