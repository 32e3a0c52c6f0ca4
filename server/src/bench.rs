//! `sala bench`: a load generator that speaks only the public Yjs protocol, so the same run can be
//! pointed at Sala or at any Yjs server (e.g. y-websocket's reference server).
//!
//! N participants in R rooms each append a few characters to a shared text at a given rate and
//! renew their presence like y-websocket does. Latency is measured from the moment an update is
//! sent to the moment each *other* participant of the room receives it: all participants live in
//! this process, so one monotonic clock serves both ends. An update is recognised on arrival by
//! its first struct's (client, clock), read from the update's header without applying it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
use yrs::{ClientID, Doc, ReadTxn, Text, Transact};

use crate::sync::protocol::{self, Incoming};

/// Where and how hard to push.
#[derive(Debug, Clone)]
pub struct BenchPlan {
    /// One WebSocket URL per room; every participant of room `r` connects to `rooms[r]`.
    pub rooms: Vec<String>,
    pub participants_per_room: usize,
    /// Participants (per room) that edit; the others only read.
    pub writers_per_room: usize,
    pub edits_per_second: f64,
    pub duration: Duration,
    pub warmup: Duration,
    /// Every server's process (CPU and memory are summed over them).
    pub server_pids: Vec<u32>,
    /// Other servers of the same cluster (WebSocket bases, as `server`): participant `i` of each
    /// room connects to base `i mod (1 + spread.len())`, so edits cross servers.
    pub spread: Vec<String>,
    /// The base the rooms' URLs start with.
    pub server: String,
    pub connect_concurrency: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct BenchReport {
    pub rooms: usize,
    pub sockets: usize,
    pub connected: u64,
    pub edits_sent: u64,
    pub deliveries: u64,
    pub updates_per_second_sent: f64,
    pub deliveries_per_second: f64,
    pub latency_ms_p50: f64,
    pub latency_ms_p95: f64,
    pub latency_ms_p99: f64,
    pub latency_ms_max: f64,
    pub errors: u64,
    pub server_cpu_seconds: Option<f64>,
    pub server_cpu_percent: Option<f64>,
    pub server_cpu_us_per_delivery: Option<f64>,
    pub server_rss_mb: Option<f64>,
    pub server_peak_rss_mb: Option<f64>,
}

#[derive(Default)]
struct Counters {
    connected: AtomicU64,
    sent: AtomicU64,
    deliveries: AtomicU64,
    errors: AtomicU64,
}

/// Sent updates of one room, by the (client, clock) that starts them.
type Pending = Mutex<HashMap<(u64, u32), Instant>>;

pub async fn run(plan: BenchPlan) -> Result<BenchReport> {
    let counters = Arc::new(Counters::default());
    let samples: Arc<Mutex<Vec<u32>>> = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let measure_from = started + plan.warmup;
    let stop_at = measure_from + plan.duration;
    let gate = Arc::new(Semaphore::new(plan.connect_concurrency.max(1)));
    let mut tasks = Vec::new();
    let mut client_id = 10_000u64;
    for url in &plan.rooms {
        let pending: Arc<Pending> = Arc::new(Mutex::new(HashMap::new()));
        for index in 0..plan.participants_per_room {
            client_id += 1;
            let bases = 1 + plan.spread.len();
            let url = match index % bases {
                0 => url.clone(),
                k => url.replacen(
                    plan.server.trim_end_matches('/'),
                    plan.spread[k - 1].trim_end_matches('/'),
                    1,
                ),
            };
            let participant = Participant {
                url,
                client_id,
                writer: index < plan.writers_per_room,
                edits_per_second: plan.edits_per_second,
                pending: pending.clone(),
                counters: counters.clone(),
                samples: samples.clone(),
                measure_from,
                stop_at,
            };
            tasks.push(tokio::spawn(participant.run(gate.clone())));
        }
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let cpu_of = |pids: &[u32]| -> Option<f64> {
        pids.iter()
            .map(|pid| process_cpu_seconds(*pid))
            .sum::<Option<f64>>()
            .filter(|_| !pids.is_empty())
    };
    let cpu_at_start = cpu_of(&plan.server_pids);
    let sent_at_start = counters.sent.load(Ordering::Relaxed);
    let delivered_at_start = counters.deliveries.load(Ordering::Relaxed);
    tokio::time::sleep_until(stop_at.into()).await;
    let sent = counters.sent.load(Ordering::Relaxed) - sent_at_start;
    let delivered = counters.deliveries.load(Ordering::Relaxed) - delivered_at_start;
    let cpu_at_end = cpu_of(&plan.server_pids);
    let memory: Vec<_> = plan
        .server_pids
        .iter()
        .map(|pid| process_memory_mb(*pid))
        .collect();
    let sum = |values: Vec<Option<f64>>| -> Option<f64> {
        let known = !values.is_empty();
        values.into_iter().sum::<Option<f64>>().filter(|_| known)
    };
    let rss = sum(memory.iter().map(|m| m.0).collect());
    let peak = sum(memory.iter().map(|m| m.1).collect());
    for task in tasks {
        task.abort();
    }
    let seconds = plan.duration.as_secs_f64();
    let mut samples = std::mem::take(&mut *samples.lock().unwrap_or_else(|p| p.into_inner()));
    samples.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if samples.is_empty() {
            return f64::NAN;
        }
        let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
        f64::from(samples[index]) / 1000.0
    };
    let server_cpu = match (cpu_at_start, cpu_at_end) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    Ok(BenchReport {
        rooms: plan.rooms.len(),
        sockets: plan.rooms.len() * plan.participants_per_room,
        connected: counters.connected.load(Ordering::Relaxed),
        edits_sent: sent,
        deliveries: delivered,
        updates_per_second_sent: sent as f64 / seconds,
        deliveries_per_second: delivered as f64 / seconds,
        latency_ms_p50: percentile(0.50),
        latency_ms_p95: percentile(0.95),
        latency_ms_p99: percentile(0.99),
        latency_ms_max: samples.last().map_or(f64::NAN, |m| f64::from(*m) / 1000.0),
        errors: counters.errors.load(Ordering::Relaxed),
        server_cpu_seconds: server_cpu,
        server_cpu_percent: server_cpu.map(|c| 100.0 * c / seconds),
        server_cpu_us_per_delivery: server_cpu
            .filter(|_| delivered > 0)
            .map(|c| c * 1e6 / delivered as f64),
        server_rss_mb: rss,
        server_peak_rss_mb: peak,
    })
}

struct Participant {
    url: String,
    client_id: u64,
    writer: bool,
    edits_per_second: f64,
    pending: Arc<Pending>,
    counters: Arc<Counters>,
    samples: Arc<Mutex<Vec<u32>>>,
    measure_from: Instant,
    stop_at: Instant,
}

impl Participant {
    async fn run(self, gate: Arc<Semaphore>) {
        let connection = {
            let _permit = gate.acquire().await;
            connect_async(&self.url).await
        };
        let ws = match connection {
            Ok((ws, _)) => ws,
            Err(error) => {
                tracing::debug!(%error, "connect failed");
                self.counters.errors.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        if let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = ws.get_ref() {
            let _ = tcp.set_nodelay(true);
        }
        self.counters.connected.fetch_add(1, Ordering::Relaxed);
        let (mut sink, mut stream) = ws.split();
        let doc = Doc::with_client_id(self.client_id);
        let text = doc.get_or_insert_text("bench");
        let mut presence_clock = 1u32;
        let sv = doc.transact().state_vector();
        if sink
            .send(Message::Binary(protocol::sync_step1(&sv)))
            .await
            .is_err()
            || sink
                .send(Message::Binary(self.presence(presence_clock)))
                .await
                .is_err()
        {
            self.counters.errors.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // Spread the writers' ticks so a room's edits do not arrive in lockstep.
        let period = Duration::from_secs_f64(1.0 / self.edits_per_second.max(0.001));
        let phase = Duration::from_nanos(
            self.client_id.wrapping_mul(2_654_435_761) % period.as_nanos().max(1) as u64,
        );
        let mut edits = tokio::time::interval_at((Instant::now() + phase).into(), period);
        edits.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut presence = tokio::time::interval(Duration::from_secs(15));
        presence.tick().await;
        let mut synced = false;
        let mut seq = 0u64;
        loop {
            tokio::select! {
                message = stream.next() => {
                    let frame = match message {
                        Some(Ok(Message::Binary(frame))) => frame,
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                            if Instant::now() < self.stop_at {
                                self.counters.errors.fetch_add(1, Ordering::Relaxed);
                            }
                            return;
                        }
                        Some(Ok(_)) => continue,
                    };
                    match protocol::decode(&frame) {
                        Ok(Incoming::SyncStep1(server_sv)) => {
                            let diff = doc.transact().encode_diff_v1(&server_sv);
                            if sink.send(Message::Binary(protocol::sync_step2(&diff))).await.is_err() {
                                return;
                            }
                        }
                        Ok(Incoming::SyncStep2(_)) => synced = true,
                        Ok(Incoming::Update(update)) => self.received(&update),
                        Ok(_) => {}
                        Err(_) => {
                            self.counters.errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                _ = edits.tick(), if self.writer && synced => {
                    seq += 1;
                    let update = {
                        let mut txn = doc.transact_mut();
                        let len = text.len(&txn);
                        text.insert(&mut txn, len, &format!("{seq:06};"));
                        txn.encode_update_v1()
                    };
                    if let Some(key) = first_struct(&update) {
                        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(key, Instant::now());
                    }
                    if sink.send(Message::Binary(protocol::update(&update))).await.is_err() {
                        self.counters.errors.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    if Instant::now() >= self.measure_from {
                        self.counters.sent.fetch_add(1, Ordering::Relaxed);
                    }
                }
                _ = presence.tick() => {
                    presence_clock += 1;
                    if sink.send(Message::Binary(self.presence(presence_clock))).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    fn presence(&self, clock: u32) -> Bytes {
        let json = format!(
            r##"{{"user":{{"name":"bench-{}","color":"#0b4f6c"}}}}"##,
            self.client_id
        );
        protocol::awareness(&AwarenessUpdate {
            clients: [(
                ClientID::new(self.client_id),
                AwarenessUpdateEntry {
                    clock,
                    json: json.into(),
                },
            )]
            .into(),
        })
    }

    fn received(&self, update: &[u8]) {
        let now = Instant::now();
        let Some(key) = first_struct(update) else {
            return;
        };
        // Some servers (y-websocket's) echo an update to its sender: that is not a delivery.
        if key.0 == self.client_id {
            return;
        }
        let sent_at = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .copied();
        if let Some(sent_at) = sent_at
            && sent_at >= self.measure_from
            && now <= self.stop_at
        {
            self.counters.deliveries.fetch_add(1, Ordering::Relaxed);
            let micros = now
                .duration_since(sent_at)
                .as_micros()
                .min(u128::from(u32::MAX)) as u32;
            self.samples
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(micros);
        }
    }
}

/// The (client, clock) of the first struct of a v1 update: its header is
/// `varUint(#clients) varUint(#structs) varUint(client) varUint(clock)`.
fn first_struct(update: &[u8]) -> Option<(u64, u32)> {
    let mut pos = 0;
    let mut next = || -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..63).step_by(7) {
            let byte = *update.get(pos)?;
            pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    };
    let clients = next()?;
    let structs = next()?;
    if clients == 0 || structs == 0 {
        return None;
    }
    let client = next()?;
    let clock = next()?;
    Some((client, u32::try_from(clock).ok()?))
}

fn process_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let ticks = 100.0; // USER_HZ on Linux
    Some((utime + stime) / ticks)
}

fn process_memory_mb(pid: u32) -> (Option<f64>, Option<f64>) {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return (None, None);
    };
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Prints the report as a small table.
pub fn print_text(report: &BenchReport) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let opt = |v: Option<f64>, unit: &str| v.map_or("n/a".to_owned(), |v| format!("{v:.2}{unit}"));
    writeln!(
        out,
        "rooms {} · sockets {} (connected {}) · errors {}",
        report.rooms, report.sockets, report.connected, report.errors
    )?;
    writeln!(
        out,
        "edits sent {} ({:.1}/s) · deliveries {} ({:.1}/s)",
        report.edits_sent,
        report.updates_per_second_sent,
        report.deliveries,
        report.deliveries_per_second
    )?;
    writeln!(
        out,
        "latency ms: p50 {:.2} · p95 {:.2} · p99 {:.2} · max {:.2}",
        report.latency_ms_p50, report.latency_ms_p95, report.latency_ms_p99, report.latency_ms_max
    )?;
    writeln!(
        out,
        "server: cpu {} ({}) · {} per delivery · rss {} (peak {})",
        opt(report.server_cpu_seconds, " s"),
        opt(report.server_cpu_percent, " %"),
        opt(report.server_cpu_us_per_delivery, " µs"),
        opt(report.server_rss_mb, " MB"),
        opt(report.server_peak_rss_mb, " MB"),
    )?;
    Ok(())
}

/// Creates `rooms` sessions on the district Mesa and signs a writer invitation for each, so Sala
/// can be benchmarked with real, authenticated rooms.
pub async fn sala_rooms(
    store: &crate::store::Store,
    signer: &crate::auth::Signer,
    server: &str,
    rooms: usize,
) -> Result<Vec<String>> {
    use app::domain::ScheduleRequest;
    let request = ScheduleRequest {
        mesa: "distrito".into(),
        at: "2030-01-01T09:00:00Z".into(),
        place: "bench".into(),
        mode: "virtual".into(),
        confirmed: true,
    };
    let new = request
        .validate(chrono::Utc::now())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let exp = chrono::Utc::now().timestamp() + 24 * 3600;
    let mut urls = Vec::with_capacity(rooms);
    for _ in 0..rooms {
        let session = store
            .create_session(&new, chrono::Utc::now())
            .await
            .context("creating a bench session")?;
        let token = signer.sign(&crate::auth::Claims {
            session: session.id,
            role: crate::auth::Role::Participante,
            exp,
            nonce: crate::auth::new_nonce(),
            name: Some("bench".into()),
            mesa: None,
        });
        urls.push(format!(
            "{}/sync/{}?token={token}",
            server.trim_end_matches('/'),
            session.id
        ));
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_struct_reads_the_update_header() {
        let doc = Doc::with_client_id(4242);
        let text = doc.get_or_insert_text("t");
        text.insert(&mut doc.transact_mut(), 0, "a");
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, 1, "b");
        let update = txn.encode_update_v1();
        assert_eq!(first_struct(&update), Some((4242, 1)));
        assert_eq!(first_struct(&[0, 0]), None);
        assert_eq!(first_struct(&[]), None);
    }
}
