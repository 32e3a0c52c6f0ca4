//! What the sync engine counts for `/metrics` (Prometheus): updates and bytes stored, how long
//! commits take, commits that failed, frames refused and why, batches waiting for storage.
//! Cheap to clone (every metric is shared); recording is an atomic add.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Why a frame (and its socket) was refused.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Refusal {
    pub reason: &'static str,
}

#[derive(Clone)]
pub struct SyncMetrics {
    pub updates_stored: Counter,
    pub bytes_stored: Counter,
    pub commits_failed: Counter,
    /// From handing a batch to storage until it is durable.
    pub commit_seconds: Histogram,
    pub frames_refused: Family<Refusal, Counter>,
    /// Room batches handed to storage and not yet durable (bounded per room).
    pub batches_in_flight: Gauge,
    /// Updates other servers stored that this server's rooms fetched and applied.
    pub updates_relayed: Counter,
}

impl Default for SyncMetrics {
    fn default() -> Self {
        Self {
            updates_stored: Counter::default(),
            bytes_stored: Counter::default(),
            commits_failed: Counter::default(),
            // 0.25 ms … 4 s.
            commit_seconds: Histogram::new(exponential_buckets(0.000_25, 2.0, 15)),
            frames_refused: Family::default(),
            batches_in_flight: Gauge::default(),
            updates_relayed: Counter::default(),
        }
    }
}

impl SyncMetrics {
    pub fn refused(&self, reason: &'static str) {
        self.frames_refused.get_or_create(&Refusal { reason }).inc();
    }

    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "sala_board_updates_stored",
            "Actualizaciones de tableros guardadas",
            self.updates_stored.clone(),
        );
        registry.register(
            "sala_board_bytes_stored",
            "Bytes de actualizaciones de tableros guardados",
            self.bytes_stored.clone(),
        );
        registry.register(
            "sala_board_commits_failed",
            "Escrituras agrupadas que el almacenamiento rechazó",
            self.commits_failed.clone(),
        );
        registry.register(
            "sala_board_commit_seconds",
            "Tiempo hasta que una escritura agrupada queda guardada",
            self.commit_seconds.clone(),
        );
        registry.register(
            "sala_frames_refused",
            "Mensajes rechazados (y su conexión cerrada), por motivo",
            self.frames_refused.clone(),
        );
        registry.register(
            "sala_board_batches_in_flight",
            "Lotes de los tableros esperando a quedar guardados",
            self.batches_in_flight.clone(),
        );
        registry.register(
            "sala_board_updates_relayed",
            "Actualizaciones que otros servidores guardaron y este aplicó",
            self.updates_relayed.clone(),
        );
    }
}
