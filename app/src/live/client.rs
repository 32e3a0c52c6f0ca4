//! The browser side of a live board: a yrs document kept in sync with the session's room over a
//! WebSocket, speaking the same Yjs sync + awareness protocol as any Yjs client.
//!
//! - Local edits are applied to the document, sent as one update each, and saved to
//!   `localStorage`, so an edit made offline survives a reload and merges when the connection
//!   returns (the room's SyncStep1 asks for everything it lacks).
//! - Remote updates are applied with a "remote" origin and never echoed back.
//! - The connection status is always visible; the socket reconnects with backoff, and the
//!   browser's `offline`/`online` events close and reopen it at once.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
use yrs::sync::{Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact, TransactionMut, Update};

use super::state::{BoardCtx, ConnStatus, Identity, Presence};
use crate::domain::board::BoardView;
use crate::domain::board::edit::browser_doc;

const REMOTE: &str = "remote";

thread_local! {
    /// The page's live board (a page shows at most one).
    static LIVE: RefCell<Option<Rc<Live>>> = const { RefCell::new(None) };
    /// Timers and network listeners are installed once per page and act on whichever board is
    /// live (a page re-rendered after a status change starts a new one).
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

struct Live {
    sync_url: String,
    storage_key: String,
    doc: Doc,
    ctx: BoardCtx,
    ws: RefCell<Option<WebSocket>>,
    /// Keeps the current socket's callbacks alive (dropped with the socket).
    callbacks: RefCell<Vec<Box<dyn std::any::Any>>>,
    synced_once: Cell<bool>,
    failures: Cell<u32>,
    awareness_clock: Cell<u32>,
    others: RefCell<HashMap<u64, (u32, String)>>,
    /// Runs once after the first full sync (checks the participant in).
    on_first_sync: RefCell<Option<Box<dyn FnOnce()>>>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn online() -> bool {
    window().navigator().on_line()
}

/// Runs `f` on the page's live board, if one is running.
fn with_live<R>(f: impl FnOnce(&Rc<Live>) -> R) -> Option<R> {
    LIVE.with(|live| live.borrow().as_ref().map(f))
}

/// Starts syncing the board of this page. `on_first_sync` runs after the first full sync.
pub fn start(ctx: BoardCtx, sync_path: &str, session_id: i64, on_first_sync: Box<dyn FnOnce()>) {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    // A random 32-bit client id, as Yjs does: unique among the board's writers.
    let client_id = (js_sys::Math::random() * u32::MAX as f64) as u64;
    let live = Rc::new(Live {
        sync_url: format!("{scheme}://{host}{sync_path}"),
        storage_key: format!("sala:tablero:{session_id}"),
        doc: browser_doc(client_id),
        ctx,
        ws: RefCell::new(None),
        callbacks: RefCell::new(Vec::new()),
        synced_once: Cell::new(false),
        failures: Cell::new(0),
        awareness_clock: Cell::new(0),
        others: RefCell::new(HashMap::new()),
        on_first_sync: RefCell::new(Some(on_first_sync)),
    });
    live.restore();
    if let Some(previous) = LIVE.with(|slot| slot.borrow_mut().replace(live.clone())) {
        previous.drop_socket();
    }
    if !LISTENING.replace(true) {
        listen_network();
    }
    live.connect();
}

fn listen_network() {
    // The timer on the projector and board ticks here; presence is renewed before the room's
    // 30 s expiry.
    let tick = Closure::<dyn FnMut()>::new(|| {
        with_live(|live| live.ctx.now_ms.try_set(now_ms()));
    });
    let renew = Closure::<dyn FnMut()>::new(|| {
        with_live(|live| live.send_presence());
    });
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        1000,
    );
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
        renew.as_ref().unchecked_ref(),
        12_000,
    );
    tick.forget();
    renew.forget();
    let offline = Closure::<dyn FnMut()>::new(|| {
        with_live(|live| {
            if live.ctx.status.get_untracked() != ConnStatus::AccesoTerminado {
                live.ctx.status.set(ConnStatus::SinConexion);
            }
            live.drop_socket();
        });
    });
    let back = Closure::<dyn FnMut()>::new(|| {
        with_live(|live| {
            live.failures.set(0);
            live.connect();
        });
    });
    let _ = window().add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    let _ = window().add_event_listener_with_callback("online", back.as_ref().unchecked_ref());
    offline.forget();
    back.forget();
}

impl BoardCtx {
    /// Applies an edit to the shared document, stamped with this participant's name and the
    /// time: to the document, to the room (if connected) and to this device.
    pub fn edit(&self, f: impl FnOnce(&mut TransactionMut, &str, f64)) {
        let author = self
            .me
            .get_untracked()
            .map(|m| m.display())
            .unwrap_or_default();
        let now = now_ms();
        with_live(|live| live.edit(|txn| f(txn, &author, now)));
    }
}

/// Updates what this participant is editing (shown to others as a marker).
pub fn set_editing(target: Option<String>) {
    with_live(|live| {
        live.ctx.editing.set(target);
        live.send_presence();
    });
}

/// Sets this participant's identity (after the join form).
pub fn announce() {
    with_live(|live| live.send_presence());
}

impl Live {
    fn restore(&self) {
        let Some(saved) = storage().and_then(|s| s.get_item(&self.storage_key).ok().flatten())
        else {
            return;
        };
        let Ok(bytes) = BASE64.decode(saved) else {
            return;
        };
        if let Ok(update) = Update::decode_v1(&bytes) {
            let applied = self
                .doc
                .transact_mut_with(REMOTE)
                .apply_update(update)
                .is_ok();
            if applied {
                self.refresh();
            }
        }
    }

    fn persist(&self) {
        let state = self
            .doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        if let Some(storage) = storage() {
            let _ = storage.set_item(&self.storage_key, &BASE64.encode(state));
        }
    }

    fn refresh(&self) {
        let view = BoardView::read(&self.doc.transact());
        self.ctx.view.set(view);
    }

    fn edit(&self, f: impl FnOnce(&mut TransactionMut)) {
        let update = {
            let mut txn = self.doc.transact_mut();
            f(&mut txn);
            txn.encode_update_v1()
        };
        // An empty update is two zero bytes (no structs, no deletions).
        if update.len() > 2 {
            self.send(Message::Sync(SyncMessage::Update(update)));
        }
        self.persist();
        self.refresh();
    }

    fn send(&self, message: Message) {
        if let Some(ws) = self.ws.borrow().as_ref()
            && ws.ready_state() == WebSocket::OPEN
        {
            let _ = ws.send_with_u8_array(&message.encode_v1());
        }
    }

    fn presence_json(&self) -> Option<String> {
        let me = self.ctx.me.get_untracked()?;
        Some(
            serde_json::json!({
                "user": {
                    "name": me.name,
                    "institution": me.institution,
                    "role": me.role,
                    "color": me.color,
                },
                "editing": self.ctx.editing.get_untracked(),
            })
            .to_string(),
        )
    }

    fn send_presence(&self) {
        let Some(json) = self.presence_json() else {
            return;
        };
        let clock = self.awareness_clock.get() + 1;
        self.awareness_clock.set(clock);
        let mut clients = HashMap::new();
        clients.insert(
            self.doc.client_id(),
            AwarenessUpdateEntry {
                clock,
                json: Arc::from(json),
            },
        );
        self.send(Message::Awareness(AwarenessUpdate { clients }));
    }

    fn drop_socket(&self) {
        if let Some(ws) = self.ws.borrow_mut().take() {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close();
        }
        self.callbacks.borrow_mut().clear();
    }

    fn connect(self: &Rc<Self>) {
        // An ended access stays ended: coming back online does not knock again.
        if self.ctx.status.get_untracked() == ConnStatus::AccesoTerminado {
            return;
        }
        self.drop_socket();
        // Whoever left while we were away would linger: the room sends everyone present on join.
        self.others.borrow_mut().clear();
        self.ctx.presence.set(Vec::new());
        if !online() {
            self.ctx.status.set(ConnStatus::SinConexion);
            return;
        }
        if self.ctx.status.get_untracked() != ConnStatus::Conectado {
            self.ctx.status.set(if self.synced_once.get() {
                ConnStatus::Reconectando
            } else {
                ConnStatus::Conectando
            });
        }
        let Ok(ws) = WebSocket::new(&self.sync_url) else {
            self.retry_later();
            return;
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_open = Closure::<dyn FnMut()>::new(|| {
            with_live(|live| {
                let sv = live.doc.transact().state_vector();
                live.send(Message::Sync(SyncMessage::SyncStep1(sv)));
                live.send_presence();
            });
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
            if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                with_live(|live| live.receive(&bytes));
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(|event: CloseEvent| {
            with_live(|live| {
                leptos::logging::log!(
                    "tablero: conexión cerrada ({}) {}",
                    event.code(),
                    event.reason()
                );
                live.ws.borrow_mut().take();
                if event.code() == CREDENTIAL_ENDED {
                    // Revoked, signed out or deactivated: reconnecting would be refused. What
                    // this device kept unsent is not theirs to send any more.
                    if let Some(storage) = storage() {
                        let _ = storage.remove_item(&live.storage_key);
                    }
                    live.ctx
                        .read_only_reason
                        .set(Some(format!("Solo lectura: {}.", event.reason())));
                    live.ctx.status.set(ConnStatus::AccesoTerminado);
                    return;
                }
                if matches!(event.code(), BOARD_FULL | BOARD_BUSY | STORAGE_FULL) {
                    live.ctx.server_notice.set(Some(format!(
                        "El servidor no aceptó sus últimos cambios: {}. Se conservan en este dispositivo y se enviarán de nuevo.",
                        event.reason()
                    )));
                    // A full board stays full until someone acts: no point in knocking often.
                    if event.code() == BOARD_FULL {
                        live.failures.set(live.failures.get().max(8));
                    }
                }
                live.retry_later();
            });
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *self.ws.borrow_mut() = Some(ws);
        let mut callbacks = self.callbacks.borrow_mut();
        callbacks.push(Box::new(on_open));
        callbacks.push(Box::new(on_message));
        callbacks.push(Box::new(on_close));
    }

    fn retry_later(self: &Rc<Self>) {
        if !online() {
            self.ctx.status.set(ConnStatus::SinConexion);
            return;
        }
        self.ctx.status.set(ConnStatus::Reconectando);
        let failures = self.failures.get() + 1;
        self.failures.set(failures);
        // 0.5 s, 1 s, 2 s … capped at 10 s (60 s after a full board), with jitter so a room's clients do not return in step.
        let base = if failures > 8 {
            60_000.0
        } else {
            (500.0 * 2f64.powi(failures.min(5) as i32 - 1)).min(10_000.0)
        };
        let delay = base * (0.75 + js_sys::Math::random() * 0.5);
        let again = Closure::once_into_js(|| {
            with_live(|live| {
                if live.ws.borrow().is_none() {
                    live.connect();
                }
            });
        });
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
            again.unchecked_ref(),
            delay as i32,
        );
    }

    fn receive(self: &Rc<Self>, bytes: &[u8]) {
        let Ok(message) = Message::decode_v1(bytes) else {
            leptos::logging::warn!("tablero: mensaje no válido del servidor");
            return;
        };
        match message {
            Message::Sync(SyncMessage::SyncStep1(sv)) => {
                let diff = self.doc.transact().encode_diff_v1(&sv);
                self.send(Message::Sync(SyncMessage::SyncStep2(diff)));
            }
            Message::Sync(SyncMessage::SyncStep2(update)) => {
                self.apply_remote(&update);
                self.failures.set(0);
                self.ctx.status.set(ConnStatus::Conectado);
                // Synced again: if the server still refuses what this device holds, it says so
                // again at once.
                self.ctx.server_notice.set(None);
                if !self.synced_once.replace(true)
                    && let Some(first) = self.on_first_sync.borrow_mut().take()
                {
                    first();
                }
            }
            Message::Sync(SyncMessage::Update(update)) => self.apply_remote(&update),
            Message::Awareness(update) => self.merge_presence(update),
            Message::AwarenessQuery => self.send_presence(),
            Message::Auth(reason) => {
                // Edits this device kept that the room refused must not come back on reload.
                if let Some(storage) = storage() {
                    let _ = storage.remove_item(&self.storage_key);
                }
                // The room refused our writes (observer, or the session was closed).
                self.ctx.read_only_reason.set(Some(
                    reason.unwrap_or_else(|| "El tablero es de solo lectura.".to_owned()),
                ));
            }
            Message::Custom(..) => {}
        }
    }

    fn apply_remote(&self, update: &[u8]) {
        let Ok(update) = Update::decode_v1(update) else {
            leptos::logging::warn!("tablero: actualización no válida del servidor");
            return;
        };
        if self
            .doc
            .transact_mut_with(REMOTE)
            .apply_update(update)
            .is_ok()
        {
            self.persist();
            self.refresh();
        }
    }

    fn merge_presence(&self, update: AwarenessUpdate) {
        let mine = self.doc.client_id();
        {
            let mut others = self.others.borrow_mut();
            for (client, entry) in update.clients {
                if client == mine {
                    continue;
                }
                let id: u64 = client.get();
                let newer = others
                    .get(&id)
                    .is_none_or(|(clock, _)| entry.clock >= *clock);
                if newer {
                    others.insert(id, (entry.clock, entry.json.to_string()));
                }
            }
        }
        let presence: Vec<Presence> = self
            .others
            .borrow()
            .iter()
            .filter_map(|(client, (_, json))| parse_presence(*client, json))
            .collect();
        self.ctx.presence.set(sorted(presence));
    }
}

/// The server's close code when the socket's credential ended (`docs/protocol.md`).
const CREDENTIAL_ENDED: u16 = 4401;
/// The board reached its stored size, or grew too fast (`docs/protocol.md`).
const BOARD_FULL: u16 = 4413;
const BOARD_BUSY: u16 = 4429;
/// The server's disk is full: nothing is stored until an operator makes room.
const STORAGE_FULL: u16 = 4507;

fn sorted(mut presence: Vec<Presence>) -> Vec<Presence> {
    presence.sort_by(|a, b| a.name.cmp(&b.name).then(a.client.cmp(&b.client)));
    presence
}

/// A peer's presence as Yjs clients send it (`null` means it left). Clients that are not Sala
/// (e.g. a script with y-websocket) show with whatever name they give.
fn parse_presence(client: u64, json: &str) -> Option<Presence> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let user = value.get("user")?;
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).unwrap_or("").to_owned();
    Some(Presence {
        client,
        name: text(user.get("name")),
        institution: text(user.get("institution")),
        role: text(user.get("role")),
        color: text(user.get("color")),
        editing: value
            .get("editing")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
    })
}

/// The identity remembered on this device (name and institution, from the join form).
/// (name, institution, sector) as given on this device; older devices kept no sector.
pub fn remembered_identity() -> Option<(String, String, String)> {
    let raw = storage()?.get_item("sala:identidad").ok().flatten()?;
    let value: serde_json::Value = serde_json::from_str(&raw).ok()?;
    let name = value.get("name")?.as_str()?.trim().to_owned();
    let institution = value.get("institution")?.as_str()?.trim().to_owned();
    let sector = value
        .get("sector")
        .and_then(|s| s.as_str())
        .unwrap_or_default()
        .trim()
        .to_owned();
    (!name.is_empty()).then_some((name, institution, sector))
}

pub fn remember_identity(identity: &Identity) {
    if let Some(storage) = storage() {
        let json = serde_json::json!({
            "name": identity.name,
            "institution": identity.institution,
            "sector": identity.sector,
        });
        let _ = storage.set_item("sala:identidad", &json.to_string());
    }
}
