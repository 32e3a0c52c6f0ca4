//! How a hub works beside other servers on the same database, without knowing how: the
//! cluster (`crate::cluster`) implements [`ClusterLink`] and tells the hub what it hears
//! ([`super::SyncHub::heard`], [`super::SyncHub::catch_up_all`], …). A hub with no link is the
//! single server (SQLite): it does all shared work itself and tells nobody.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use futures_util::future::BoxFuture;
use tokio::sync::Notify;

/// What a hub asks of the other servers.
pub trait ClusterLink: Send + Sync + 'static {
    /// Presence of this server's sockets on `session_id`'s board changed (an encoded awareness
    /// update): pass it to the board's rooms on the other servers. Must return at once.
    fn relay_presence(&self, session_id: i64, presence: bytes::Bytes);
    /// The board was frozen here (its session closed): freeze its rooms on the other servers.
    fn board_frozen(&self, session_id: i64);
    /// Whether this server does the board's shared work now (compaction, projection): takes the
    /// board's stewardship if nobody holds it. Exactly one server holds it at a time, and a
    /// server that dies loses it with its database connection.
    fn steward(&self, session_id: i64) -> BoxFuture<'static, bool>;
    /// This server stops doing the board's shared work (its room unloaded here).
    fn release(&self, session_id: i64);
}

/// What the listener tells a loaded room without waiting for it: the highest sequence another
/// server announced, and whether to look for rows after its own head anyway (after the listener
/// reconnected, notifications may have been lost). The room task reads it when woken.
#[derive(Default)]
pub(super) struct RemoteSignal {
    heard: AtomicI64,
    catch_up: AtomicBool,
    pub wake: Notify,
}

impl RemoteSignal {
    pub fn heard(&self, seq: i64) {
        self.heard.fetch_max(seq, Ordering::AcqRel);
        self.wake.notify_one();
    }

    pub fn catch_up(&self) {
        self.catch_up.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Whether a room that has applied everything up to `applied` must fetch (clears the
    /// catch-up request it answers).
    pub fn must_fetch(&self, applied: i64) -> bool {
        let asked = self.catch_up.swap(false, Ordering::AcqRel);
        asked || self.heard.load(Ordering::Acquire) > applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_fetches_for_a_newer_head_or_once_per_catch_up() {
        let signal = RemoteSignal::default();
        assert!(!signal.must_fetch(0));
        signal.heard(5);
        signal.heard(3);
        assert!(signal.must_fetch(4));
        assert!(!signal.must_fetch(5), "already applied");
        signal.catch_up();
        assert!(signal.must_fetch(5));
        assert!(!signal.must_fetch(5), "one catch-up per request");
    }
}
