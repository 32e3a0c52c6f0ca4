//! Server-wide caps on long-lived connections (board sockets, dashboard event streams): so many
//! per client address and so many in all. Each admitted connection holds a [`Slot`], which gives
//! its place back when dropped (the connection ended, however it ended).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "Demasiadas conexiones abiertas desde su dirección ({0} como máximo): cierre otras pestañas e intente de nuevo."
    )]
    Client(usize),
    #[error("El servidor alcanzó su máximo de conexiones ({0}); intente de nuevo en un momento.")]
    Total(usize),
}

#[derive(Debug, Clone)]
pub struct ConnectionBudget {
    inner: Arc<Mutex<Counts>>,
    per_client: usize,
    total: usize,
}

#[derive(Debug, Default)]
struct Counts {
    by_client: HashMap<String, usize>,
    total: usize,
}

/// One admitted connection.
#[derive(Debug)]
pub struct Slot {
    inner: Arc<Mutex<Counts>>,
    client: String,
}

impl ConnectionBudget {
    pub fn new(per_client: usize, total: usize) -> Self {
        Self {
            inner: Arc::default(),
            per_client: per_client.max(1),
            total: total.max(1),
        }
    }

    /// Admits one more connection from `client` if both caps allow it.
    pub fn take(&self, client: &str) -> Result<Slot, Refusal> {
        let mut counts = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if counts.total >= self.total {
            return Err(Refusal::Total(self.total));
        }
        let mine = counts.by_client.entry(client.to_owned()).or_default();
        if *mine >= self.per_client {
            return Err(Refusal::Client(self.per_client));
        }
        *mine += 1;
        counts.total += 1;
        Ok(Slot {
            inner: self.inner.clone(),
            client: client.to_owned(),
        })
    }

    /// Connections open now.
    pub fn in_use(&self) -> usize {
        self.inner.lock().map(|c| c.total).unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        counts.total = counts.total.saturating_sub(1);
        if let Some(mine) = counts.by_client.get_mut(&self.client) {
            *mine -= 1;
            if *mine == 0 {
                // Addresses come and go: forget the ones with nothing open.
                counts.by_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_client_and_in_total_and_slots_come_back() {
        let budget = ConnectionBudget::new(2, 3);
        let a1 = budget.take("10.0.0.1").unwrap();
        let _a2 = budget.take("10.0.0.1").unwrap();
        assert_eq!(budget.take("10.0.0.1").unwrap_err(), Refusal::Client(2));
        let _b1 = budget.take("10.0.0.2").unwrap();
        assert_eq!(budget.take("10.0.0.3").unwrap_err(), Refusal::Total(3));
        drop(a1);
        assert_eq!(budget.in_use(), 2);
        let _c1 = budget.take("10.0.0.3").unwrap();
        assert_eq!(budget.take("10.0.0.1").unwrap_err(), Refusal::Total(3));
    }

    #[test]
    fn an_address_with_nothing_open_is_forgotten() {
        let budget = ConnectionBudget::new(5, 100);
        for n in 0..50 {
            drop(budget.take(&format!("10.0.1.{n}")).unwrap());
        }
        assert!(budget.inner.lock().unwrap().by_client.is_empty());
    }
}
