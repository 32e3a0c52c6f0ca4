//! The live board sockets of each credential, so that ending a credential (sign-out,
//! deactivation, a revoked guest link) closes its sockets at once instead of at their next
//! reconnect. Keys are [`crate::identity`]'s `cuenta:…`, `sesion-web:…`, `invitacion:…`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::UnboundedSender;

use crate::sync::CloseReason;

#[derive(Clone, Default)]
pub struct Sockets {
    inner: Arc<Inner>,
}

/// Each key's sockets, by registration id.
type ByKey = HashMap<Arc<str>, HashMap<u64, UnboundedSender<CloseReason>>>;

#[derive(Default)]
struct Inner {
    by_key: Mutex<ByKey>,
    next: AtomicU64,
}

/// Unregisters its socket when dropped (the socket ended).
pub struct Registration {
    inner: Arc<Inner>,
    id: u64,
    keys: Vec<Arc<str>>,
}

impl Sockets {
    pub fn register(
        &self,
        keys: Vec<Arc<str>>,
        control: UnboundedSender<CloseReason>,
    ) -> Registration {
        let id = self.inner.next.fetch_add(1, Ordering::Relaxed);
        let mut by_key = self.inner.lock();
        for key in &keys {
            by_key
                .entry(key.clone())
                .or_default()
                .insert(id, control.clone());
        }
        Registration {
            inner: self.inner.clone(),
            id,
            keys,
        }
    }

    /// Closes every socket registered under `key` with `reason`; returns how many.
    pub fn close(&self, key: &str, reason: CloseReason) -> usize {
        let sockets = self.inner.lock().remove(key).unwrap_or_default();
        for control in sockets.values() {
            let _ = control.send(reason.clone());
        }
        sockets.len()
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, ByKey> {
        self.by_key.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut by_key = self.inner.lock();
        for key in &self.keys {
            if let Some(sockets) = by_key.get_mut(key) {
                sockets.remove(&self.id);
                if sockets.is_empty() {
                    by_key.remove(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_a_key_reaches_its_sockets_only() {
        let sockets = Sockets::default();
        let (a, mut a_rx) = tokio::sync::mpsc::unbounded_channel();
        let (b, mut b_rx) = tokio::sync::mpsc::unbounded_channel();
        let _a = sockets.register(vec!["invitacion:x".into()], a);
        let b_registration = sockets.register(vec!["cuenta:1".into(), "sesion-web:h".into()], b);
        let reason = CloseReason::new(4401, "revocada");
        assert_eq!(sockets.close("invitacion:x", reason.clone()), 1);
        assert_eq!(a_rx.try_recv().ok(), Some(reason.clone()));
        assert!(b_rx.try_recv().is_err());
        drop(b_registration);
        assert_eq!(sockets.close("cuenta:1", reason), 0);
    }
}
