//! Failed sign-ins counted per key (an account's e-mail, a client address) over a sliding minute:
//! the eleventh failure within the window is refused until the oldest one leaves it. Nothing is
//! locked for good, and the clock is passed in, so the rule is tested without waiting.
//!
//! (`governor` limits every request; here only *failures* count, and a correct password after
//! nine mistakes must still work, which a token bucket consumed on each attempt cannot express.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

pub const WINDOW_MS: i64 = 60_000;
pub const MAX_FAILURES: usize = 10;
/// Above this many keys, keys whose failures all left the window are forgotten.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

/// Refused: try again in this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

impl Throttle {
    /// Whether any of `keys` has used up its failures at `now_ms`.
    pub fn check(&self, keys: &[&str], now_ms: i64) -> Result<(), RetryAfter> {
        let mut failures = self.lock();
        let mut wait = 0;
        for key in keys {
            if let Some(times) = failures.get_mut(*key) {
                forget_old(times, now_ms);
                if times.len() >= MAX_FAILURES
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(oldest + WINDOW_MS - now_ms);
                }
            }
        }
        if wait > 0 {
            Err(RetryAfter((wait + 999) / 1000))
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, keys: &[&str], now_ms: i64) {
        let mut failures = self.lock();
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, times| {
                forget_old(times, now_ms);
                !times.is_empty()
            });
        }
        for key in keys {
            let times = failures.entry((*key).to_owned()).or_default();
            forget_old(times, now_ms);
            times.push_back(now_ms);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<i64>>> {
        // A panic while holding the lock leaves counts, not broken invariants.
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn forget_old(times: &mut VecDeque<i64>, now_ms: i64) {
    while times.front().is_some_and(|t| *t <= now_ms - WINDOW_MS) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_failure_within_a_minute_is_refused_then_forgiven() {
        let throttle = Throttle::default();
        let keys = ["cuenta:ana@x.co", "ip:10.0.0.1"];
        for second in 0..10 {
            assert_eq!(throttle.check(&keys, second * 1000), Ok(()), "{second}");
            throttle.record_failure(&keys, second * 1000);
        }
        assert_eq!(throttle.check(&keys, 10_000), Err(RetryAfter(50)));
        // The first failure leaves the window at 60 s.
        assert_eq!(throttle.check(&keys, 60_000), Ok(()));
    }

    #[test]
    fn keys_are_counted_apart_and_either_one_refuses() {
        let throttle = Throttle::default();
        for n in 0..10 {
            throttle.record_failure(&["ip:10.0.0.1", &format!("cuenta:{n}@x.co")], 0);
        }
        // Another account from the same address: the address is used up.
        assert!(
            throttle
                .check(&["cuenta:nueva@x.co", "ip:10.0.0.1"], 1)
                .is_err()
        );
        // The same accounts from elsewhere: each failed once only.
        assert!(throttle.check(&["cuenta:3@x.co", "ip:10.0.0.2"], 1).is_ok());
    }
}
