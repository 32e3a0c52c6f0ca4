//! Limits on what one socket, and one board, may make the server spend: frame size and rate per
//! socket (enforced before a frame reaches its room), connections per room, and a board's stored
//! bytes and growth (enforced by the room). Pure: time is passed in.

use std::time::{Duration, Instant};

/// Limits a sync server applies; every field has a flag on `sala serve`.
#[derive(Debug, Clone)]
pub struct SyncLimits {
    /// Largest accepted frame; bigger ones close the socket with 1009.
    pub max_frame_bytes: usize,
    /// Sustained messages per second per socket (with a burst of twice as many).
    pub max_messages_per_second: u32,
    /// Sockets that may write, per room.
    pub max_writers_per_room: usize,
    /// Read-only sockets (observers, projectors, closed sessions) per room, counted apart so a
    /// crowd watching cannot keep the Mesa's members out, nor the other way round.
    pub max_readers_per_room: usize,
    /// What one board may store, in bytes: every update it ever stored (the log is kept whole
    /// for the review page's history, so compaction does not shrink it).
    pub max_board_bytes: u64,
    /// How fast one board may grow, in bytes per minute (every update counts at least
    /// [`MIN_UPDATE_COST`], so this bounds the number of updates too).
    pub max_board_bytes_per_minute: u64,
    /// Frames queued for one socket before it counts as stuck and is made to resync.
    pub outbound_queue: usize,
    /// How long a room stays loaded after its last participant leaves.
    pub evict_after: Duration,
    /// Log length after which a room's updates are merged into its snapshot.
    pub compact_after_updates: usize,
    /// Presence not renewed for this long is removed (y-protocols uses 30 s).
    pub awareness_timeout: Duration,
    /// Nothing at all from a socket (not even a pong) for this long: its peer is gone. The server
    /// pings every `idle_timeout × 2/5`, so a live peer answers twice before it.
    pub idle_timeout: Duration,
    /// Group commit: how long to wait for more updates before a commit (0: commit at once; the
    /// updates that arrive during a commit still share the next one).
    pub commit_window: Duration,
}

impl Default for SyncLimits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 1024 * 1024,
            max_messages_per_second: 200,
            max_writers_per_room: 250,
            max_readers_per_room: 1000,
            // A long session's board holds a few hundred kilobytes; this is 100 of them.
            max_board_bytes: 32 * 1024 * 1024,
            // 30 people typing at once send ~150 updates a second (~2.3 MiB a minute counted at
            // the minimum cost): room to spare for pasted texts.
            max_board_bytes_per_minute: 8 * 1024 * 1024,
            outbound_queue: 1024,
            evict_after: Duration::from_secs(30),
            compact_after_updates: 2000,
            awareness_timeout: super::awareness::DEFAULT_STALE_AFTER,
            commit_window: Duration::ZERO,
            // Pings every 30 s, as y-websocket's server does.
            idle_timeout: Duration::from_secs(75),
        }
    }
}

/// A token bucket: `rate` tokens per second, up to `burst` saved.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate_per_second: f64, burst: f64, now: Instant) -> Self {
        Self {
            rate: rate_per_second,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub fn take(&mut self, cost: f64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= cost {
            self.tokens -= cost;
            true
        } else {
            false
        }
    }
}

/// Messages per second for one socket, with a burst of twice as many.
#[derive(Debug, Clone)]
pub struct RateLimiter(TokenBucket);

impl RateLimiter {
    pub fn new(per_second: u32, now: Instant) -> Self {
        let rate = f64::from(per_second.max(1));
        Self(TokenBucket::new(rate, rate * 2.0, now))
    }

    pub fn allow(&mut self, now: Instant) -> bool {
        self.0.take(1.0, now)
    }
}

/// What an update counts against a board's growth at least: a flood of one-byte updates costs
/// the server per update (a row, an fsync share, a broadcast), not per byte.
pub const MIN_UPDATE_COST: u64 = 256;

/// Why a board refused an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OverBudget {
    #[error(
        "el tablero alcanzó su tamaño máximo ({} de {} MiB guardados): la coordinación de la Mesa debe revisarlo",
        mib(.stored),
        mib(.max)
    )]
    Full { stored: u64, max: u64 },
    #[error("demasiados cambios en este tablero por minuto; espere un momento y reconecte")]
    Busy,
}

/// `1.5` for 1.5 MiB, with a decimal comma as Bogotá writes it.
fn mib(bytes: &u64) -> String {
    format!("{:.1}", *bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
}

/// One board's storage budget: a cap on what it holds and on how fast it grows.
#[derive(Debug, Clone)]
pub struct BoardBudget {
    max_bytes: u64,
    stored: u64,
    growth: Option<TokenBucket>,
}

impl BoardBudget {
    /// No cap (rooms built directly, in unit tests and benchmarks of the room alone).
    pub fn unlimited() -> Self {
        Self {
            max_bytes: u64::MAX,
            stored: 0,
            growth: None,
        }
    }

    /// `stored`: what the board holds now. A minute's growth may come in one burst.
    pub fn new(limits: &SyncLimits, stored: u64, now: Instant) -> Self {
        let per_minute = limits.max_board_bytes_per_minute.max(MIN_UPDATE_COST) as f64;
        Self {
            max_bytes: limits.max_board_bytes,
            stored,
            growth: Some(TokenBucket::new(per_minute / 60.0, per_minute, now)),
        }
    }

    /// Counts an update of `bytes` if the board may take it.
    pub fn admit(&mut self, bytes: usize, now: Instant) -> Result<(), OverBudget> {
        let bytes = bytes as u64;
        if self.stored.saturating_add(bytes) > self.max_bytes {
            return Err(OverBudget::Full {
                stored: self.stored,
                max: self.max_bytes,
            });
        }
        if let Some(growth) = &mut self.growth
            && !growth.take(bytes.max(MIN_UPDATE_COST) as f64, now)
        {
            return Err(OverBudget::Busy);
        }
        self.stored += bytes;
        Ok(())
    }

    /// Counts bytes the server itself writes (the follow-up seed, a check-in): never refused.
    pub fn add(&mut self, bytes: usize) {
        self.stored = self.stored.saturating_add(bytes as u64);
    }

    pub fn stored(&self) -> u64 {
        self.stored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_pass_then_the_rate_holds() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(10, t0);
        assert_eq!(
            (0..25).filter(|_| limiter.allow(t0)).count(),
            20,
            "burst of 2× the rate"
        );
        assert!(!limiter.allow(t0));
        assert!(
            limiter.allow(t0 + Duration::from_millis(100)),
            "one token back after 1/rate s"
        );
        assert!(!limiter.allow(t0 + Duration::from_millis(100)));
    }

    #[test]
    fn a_board_refuses_growth_past_its_size_and_its_rate() {
        let t0 = Instant::now();
        let limits = SyncLimits {
            max_board_bytes: 10_000,
            max_board_bytes_per_minute: 6_000,
            ..SyncLimits::default()
        };
        let mut budget = BoardBudget::new(&limits, 1_000, t0);
        assert_eq!(budget.admit(5_000, t0), Ok(()));
        assert_eq!(
            budget.admit(1_500, t0),
            Err(OverBudget::Busy),
            "a minute's growth at once"
        );
        // Ten seconds later a sixth of a minute's growth is back.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(budget.admit(900, later), Ok(()));
        assert_eq!(budget.stored(), 6_900);
        // Tiny updates count at least MIN_UPDATE_COST each.
        let mut tiny = BoardBudget::new(&limits, 0, t0);
        let admitted = (0..100).filter(|_| tiny.admit(1, t0).is_ok()).count();
        assert_eq!(admitted as u64, 6_000 / MIN_UPDATE_COST);
        // Whatever the rate, the size cap holds.
        let mut full = BoardBudget::new(&limits, 9_500, t0);
        assert!(matches!(full.admit(600, t0), Err(OverBudget::Full { .. })));
        assert_eq!(full.admit(500, t0), Ok(()), "up to the cap exactly");
    }
}
