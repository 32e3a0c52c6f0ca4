//! Several Sala servers on one PostgreSQL database, with PostgreSQL as the only go-between (no
//! cluster protocol of Sala's own): any server serves any board, a load balancer may send each
//! connection anywhere.
//!
//! - Board updates: each server stores its sockets' updates before forwarding them, as a single
//!   server does; the append gives each row its board's next sequence and NOTIFYs once per batch
//!   (`store::board_sequence`). The [`listener`] wakes the rooms loaded here, which fetch what
//!   they lack and forward it ([`crate::sync`]'s `room_remote`).
//! - Shared work once per board: [`stewards`] (advisory locks) decide who compacts and projects.
//! - Presence and page events travel as notifications too ([`wire`]); presence relayed from a
//!   server that dies expires like any other that is not renewed.
//!
//! Depends on `sync` (the hub) and `store`, never the other way round.

pub mod listener;
pub mod stewards;
pub mod wire;

use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use tokio::sync::{broadcast, mpsc};
use yrs::sync::awareness::AwarenessUpdate;
use yrs::updates::decoder::Decode;

pub use listener::Heard;
pub use wire::Event;

use crate::store::Store;
use crate::sync::{ClusterLink, SyncHub};

/// Notifications waiting to be sent; presence beyond it is dropped (clients renew theirs).
const OUTBOX: usize = 4_096;

/// This server's part in the cluster. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    origin: i64,
    outbox: mpsc::Sender<Outgoing>,
    heard: broadcast::Sender<Heard>,
    stewards: stewards::Stewards,
}

struct Outgoing {
    channel: &'static str,
    payload: String,
}

impl Cluster {
    /// Joins `hub` to the servers on the same PostgreSQL database: `None` on SQLite (a single
    /// server). Must be called inside the Tokio runtime.
    pub fn join(store: &Store, hub: &SyncHub) -> Option<Self> {
        let url = store.postgres_url()?.to_owned();
        let origin = hub.origin();
        let (outbox, queued) = mpsc::channel(OUTBOX);
        let (heard, _) = broadcast::channel(1024);
        let cluster = Self {
            origin,
            outbox,
            heard: heard.clone(),
            stewards: stewards::Stewards::start(&url),
        };
        tokio::spawn(send(store.clone(), queued));
        tokio::spawn(listener::run(url, origin, hub.clone(), heard));
        hub.attach(Arc::new(cluster.clone()));
        tracing::info!(
            origin,
            "cluster mode: boards are shared with every server on this database"
        );
        Some(cluster)
    }

    /// What other servers said (and when the listener reconnected).
    pub fn subscribe(&self) -> broadcast::Receiver<Heard> {
        self.heard.subscribe()
    }

    /// Tells the other servers' pages about a change made here.
    pub fn publish(&self, event: &Event) {
        self.queue(wire::EVENT_CHANNEL, wire::event(self.origin, event));
    }

    fn queue(&self, channel: &'static str, payload: String) {
        if self.outbox.try_send(Outgoing { channel, payload }).is_err() {
            tracing::warn!(channel, "cluster outbox full: a notification was dropped");
        }
    }
}

impl ClusterLink for Cluster {
    fn relay_presence(&self, session_id: i64, presence: Bytes) {
        let Ok(update) = AwarenessUpdate::decode_v1(&presence) else {
            return;
        };
        for payload in wire::presence(self.origin, session_id, &update) {
            self.queue(wire::PRESENCE_CHANNEL, payload);
        }
    }

    fn board_frozen(&self, session_id: i64) {
        self.publish(&Event::Frozen { session_id });
    }

    fn steward(&self, session_id: i64) -> BoxFuture<'static, bool> {
        let stewards = self.stewards.clone();
        Box::pin(async move { stewards.hold(session_id).await })
    }

    fn release(&self, session_id: i64) {
        self.stewards.release(session_id);
    }
}

/// Sends what is queued, everything waiting at that moment in one statement.
async fn send(store: Store, mut queued: mpsc::Receiver<Outgoing>) {
    let mut batch = Vec::with_capacity(64);
    while queued.recv_many(&mut batch, 64).await > 0 {
        let notifications: Vec<(&str, &str)> = batch
            .iter()
            .map(|o| (o.channel, o.payload.as_str()))
            .collect();
        if let Err(error) = store.notify(&notifications).await {
            tracing::warn!(%error, lost = batch.len(), "could not notify the other servers");
        }
        batch.clear();
    }
}
