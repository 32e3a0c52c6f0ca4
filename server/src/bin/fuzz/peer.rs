//! One client of a room case, as the room target models it: a document holding its own edits
//! and everything the room sent it, answering the room as y-websocket does.

use bytes::Bytes;
use sala::sync::protocol::{self, Incoming, precheck};
use yrs::updates::decoder::Decode;
use yrs::{Transact, Update};

use crate::craft::Writer;

pub struct Peer {
    /// The client's document: its own edits and everything the room sent it.
    pub writer: Writer,
    pub joined: bool,
    /// Holds something the room does not (an edit refused, an update the replica could not
    /// apply): not expected to converge.
    pub diverged: bool,
}

impl Peer {
    pub fn apply_own(&mut self, update: &[u8]) {
        let applied = Update::decode_v1(update)
            .ok()
            .and_then(|u| self.writer.doc.transact_mut().apply_update(u).ok());
        if applied.is_none() {
            self.diverged = true;
        }
    }

    /// A frame from the room: it must decode; updates are applied, presence must be JSON, and a
    /// SyncStep1 is answered (the reply is returned, to be sent after the current effects).
    pub fn hear(&mut self, frame: &Bytes) -> Result<Option<Bytes>, String> {
        let message = protocol::decode(frame).map_err(|e| match e {
            // yrs took a made-up struct far ahead of its client's clock behind a Skip as long
            // as the gap, and now writes those Skips in its diffs (see `known_issue`).
            protocol::DecodeError::BadUpdate(precheck::Refusal::Clock { .. }) => {
                format!("the room sent clocks past 2^32 ({e}): {frame:x?}")
            }
            e => format!("the room sent a frame that does not decode ({e}): {frame:x?}"),
        })?;
        match message {
            Incoming::SyncStep1(sv) => {
                return Ok(Some(protocol::sync_step2(&self.writer.diff(&sv))));
            }
            Incoming::SyncStep2(update) | Incoming::Update(update) => {
                let decoded = Update::decode_v1(&update)
                    .map_err(|e| format!("the room sent an update yrs cannot decode: {e}"))?;
                // A made-up update the room accepted may clash with what this client holds.
                if self
                    .writer
                    .doc
                    .transact_mut()
                    .apply_update(decoded)
                    .is_err()
                {
                    self.diverged = true;
                }
            }
            Incoming::Awareness(update) => {
                for entry in update.clients.values() {
                    serde_json::from_str::<serde_json::Value>(&entry.json)
                        .map_err(|e| format!("the room sent presence that is not JSON ({e})"))?;
                }
            }
            Incoming::Auth | Incoming::QueryAwareness | Incoming::Unknown(_) => {}
        }
        Ok(None)
    }
}
