//! The pages' side of the cluster: what dashboards and session streams hear from the other
//! servers, and what changes made here they are told.

use tokio::sync::broadcast::error::RecvError;

use super::SessionChanges;
use crate::cluster::{Cluster, Event, Heard};
use crate::projection::{Changed, EVERY_MESA, Projections};
use crate::sync::SyncHub;

pub(super) fn connect(
    cluster: &Cluster,
    projections: &Projections,
    session_changes: &SessionChanges,
    sync: &SyncHub,
) {
    let out = cluster.clone();
    projections.relay_to(Box::new(move |change| {
        out.publish(&match change {
            Some(change) => Event::Projected {
                session_id: change.session_id,
                mesa_code: change.mesa_code.clone(),
            },
            None => Event::Invalidated { mesa_code: None },
        })
    }));
    let out = cluster.clone();
    session_changes.relay_to(Box::new(move |session_id, topic| {
        out.publish(&Event::Session {
            session_id,
            topic: topic.event().to_owned(),
        })
    }));
    let mut heard = cluster.subscribe();
    let (projections, session_changes, sync) =
        (projections.clone(), session_changes.clone(), sync.clone());
    tokio::spawn(async move {
        loop {
            match heard.recv().await {
                Ok(Heard::Event(event)) => {
                    apply(event, &projections, &session_changes, &sync).await
                }
                // Missed some (or the listener reconnected): every page reads again.
                Ok(Heard::Reconnected) | Err(RecvError::Lagged(_)) => {
                    projections.announce_here(Changed::everywhere())
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}

async fn apply(
    event: Event,
    projections: &Projections,
    session_changes: &SessionChanges,
    sync: &SyncHub,
) {
    match event {
        Event::Projected {
            session_id,
            mesa_code,
        } => projections.announce_here(Changed {
            session_id,
            mesa_code,
        }),
        Event::Invalidated { mesa_code } => match mesa_code.as_deref() {
            Some(EVERY_MESA) => projections.announce_here(Changed::everywhere()),
            _ => projections.invalidate_here(),
        },
        Event::Session { session_id, topic } => {
            if let Some(topic) = super::Topic::from_event(&topic) {
                session_changes.announce_here(session_id, topic);
            }
        }
        Event::Frozen { session_id } => sync.freeze_here(session_id).await,
    }
}
