//! The one connection on which a server LISTENs. Notifications sent while it is disconnected
//! are lost, so after every (re)connect, once LISTEN is in place again, every loaded room
//! catches up from the last sequence it applied, and every page is told that anything may have
//! changed.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use tokio::sync::broadcast;

use super::wire::{self, BOARD_CHANNEL, EVENT_CHANNEL, Event, PRESENCE_CHANNEL};
use crate::sync::SyncHub;

/// How this connection shows in `pg_stat_activity`: `sala listener PID` (PID: this process).
pub fn application_name() -> String {
    format!("sala listener {}", std::process::id())
}

/// How long to wait before connecting again after the database refused.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// What the listener hands on besides the rooms' signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    Event(Event),
    /// The listener (re)connected: what was said meanwhile is lost, read everything again.
    Reconnected,
}

pub(super) async fn run(url: String, origin: i64, hub: SyncHub, heard: broadcast::Sender<Heard>) {
    loop {
        let mut listener = match connect(&url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cluster listener cannot connect; retrying");
                tokio::time::sleep(RECONNECT_AFTER).await;
                continue;
            }
        };
        caught_up(&hub, &heard);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    dispatch(
                        origin,
                        &hub,
                        &heard,
                        notification.channel(),
                        notification.payload(),
                    );
                }
                // Lost, and connected again (with LISTEN) before returning.
                Ok(None) => {
                    tracing::warn!("cluster listener reconnected: catching up every loaded board");
                    caught_up(&hub, &heard);
                }
                Err(error) => {
                    tracing::warn!(%error, "cluster listener lost its connection");
                    break;
                }
            }
        }
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

fn caught_up(hub: &SyncHub, heard: &broadcast::Sender<Heard>) {
    hub.catch_up_all();
    let _ = heard.send(Heard::Reconnected);
}

async fn connect(url: &str) -> Result<PgListener, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name(&application_name());
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener
        .listen_all([BOARD_CHANNEL, PRESENCE_CHANNEL, EVENT_CHANNEL])
        .await?;
    Ok(listener)
}

fn dispatch(
    origin: i64,
    hub: &SyncHub,
    heard: &broadcast::Sender<Heard>,
    channel: &str,
    payload: &str,
) {
    let parsed = wire::origin_of(payload).and_then(|(from, body)| {
        if from == origin {
            return Ok(());
        }
        match channel {
            BOARD_CHANNEL => {
                for (session_id, seq) in wire::boards(body)? {
                    hub.heard(session_id, seq);
                }
            }
            PRESENCE_CHANNEL => {
                let (session_id, presence) = wire::parse_presence(body)?;
                hub.relayed_presence(session_id, from, presence.into());
            }
            EVENT_CHANNEL => {
                let _ = heard.send(Heard::Event(wire::parse_event(body)?));
            }
            _ => {}
        }
        Ok(())
    });
    if let Err(error) = parsed {
        tracing::warn!(channel, %error, "notification ignored");
    }
}
