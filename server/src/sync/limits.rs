//! Per-socket limits, enforced before a frame reaches its room.

use std::time::{Duration, Instant};

/// Limits a sync server applies; every field has a flag on `sala serve`.
#[derive(Debug, Clone)]
pub struct SyncLimits {
    /// Largest accepted frame; bigger ones close the socket with 1009.
    pub max_frame_bytes: usize,
    /// Sustained messages per second per socket (with a burst of twice as many).
    pub max_messages_per_second: u32,
    pub max_connections_per_room: usize,
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
            max_connections_per_room: 250,
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
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    pub fn new(per_second: u32, now: Instant) -> Self {
        let rate = f64::from(per_second.max(1));
        Self {
            rate,
            burst: rate * 2.0,
            tokens: rate * 2.0,
            last: now,
        }
    }

    pub fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
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
}
