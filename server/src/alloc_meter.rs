//! A global allocator that counts what the current thread asks for inside [`measure`].
//!
//! Installed only in the unit tests and in the fuzz binary, never in the server: it proves that a
//! hostile frame is refused before anything is allocated from the count it claims. The counters
//! are thread-local, so tests that run in parallel do not see each other's allocations.
//!
//! A request is counted when it is made, whether or not the system grants it: `try_reserve` of a
//! claimed count that the machine happens to refuse is still a bomb on a machine with more memory
//! (or with overcommit), and it must show up here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// What one thread asked the allocator for during a [`measure`]d closure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Bytes of every allocation and of every reallocation's new size, granted or not.
    pub requested: u64,
    /// The largest single request.
    pub largest: u64,
    /// Most bytes held at once, counting only what was allocated inside the closure.
    pub peak: u64,
    /// Number of requests.
    pub count: u64,
}

/// `System`, counting. `#[global_allocator] static A: Meter = Meter;`
pub struct Meter;

#[derive(Clone, Copy)]
struct State {
    active: bool,
    usage: Usage,
    /// Bytes held now: allocated inside the closure minus everything freed (may go negative when
    /// the closure frees what was allocated before it).
    live: i64,
    /// Requests above this many bytes fail (return null) instead of reaching the system.
    cap: u64,
}

const IDLE: State = State {
    active: false,
    usage: Usage {
        requested: 0,
        largest: 0,
        peak: 0,
        count: 0,
    },
    live: 0,
    cap: u64::MAX,
};

thread_local! {
    // `const` and `Copy`: no lazy initialisation and no destructor, so touching it from inside
    // the allocator never allocates.
    static STATE: Cell<State> = const { Cell::new(IDLE) };
}

/// Counts a request of `size` bytes; false if it must be refused (above the cap).
fn on_request(size: usize) -> bool {
    STATE
        .try_with(|cell| {
            let mut state = cell.get();
            if !state.active {
                return true;
            }
            let size = size as u64;
            state.usage.requested = state.usage.requested.saturating_add(size);
            state.usage.largest = state.usage.largest.max(size);
            state.usage.count += 1;
            let granted = size <= state.cap;
            cell.set(state);
            granted
        })
        .unwrap_or(true)
}

/// Adds `delta` to the bytes held, after the system granted (or freed) them.
fn on_live(delta: i64) {
    let _ = STATE.try_with(|cell| {
        let mut state = cell.get();
        if state.active {
            state.live = state.live.saturating_add(delta);
            state.usage.peak = state.usage.peak.max(state.live.max(0) as u64);
            cell.set(state);
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counting
// around it only touches a `Copy` thread-local and never allocates.
unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !on_request(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded as is (see the impl).
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            on_live(layout.size() as i64);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !on_request(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            on_live(layout.size() as i64);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        on_live(-(layout.size() as i64));
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !on_request(new_size) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded as is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            on_live(new_size as i64 - layout.size() as i64);
        }
        new
    }
}

/// Runs `f` and returns what this thread asked the allocator for meanwhile. Nested calls each
/// see their own share, and the outer one includes the inner.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    measure_capped(u64::MAX, f)
}

/// Like [`measure`], but any single request above `cap` bytes fails as if the machine were out
/// of memory: fallible reservations (`try_reserve`) return an error, anything else aborts. The
/// fuzzer runs yrs's own decoder this way on inputs our pre-check refused, to learn whether yrs
/// would have accepted them without letting a claimed count allocate gigabytes.
pub fn measure_capped<T>(cap: u64, f: impl FnOnce() -> T) -> (T, Usage) {
    let outer = STATE.with(|cell| {
        let outer = cell.get();
        cell.set(State {
            active: true,
            cap: cap.min(outer.cap),
            ..IDLE
        });
        outer
    });
    let result = f();
    let inner = STATE.with(|cell| cell.get());
    STATE.with(|cell| {
        let mut restored = outer;
        if outer.active {
            let u = &mut restored.usage;
            u.requested = u.requested.saturating_add(inner.usage.requested);
            u.largest = u.largest.max(inner.usage.largest);
            u.count += inner.usage.count;
            u.peak = u
                .peak
                .max((outer.live.max(0) as u64).saturating_add(inner.usage.peak));
            restored.live = outer.live.saturating_add(inner.live);
        }
        cell.set(restored);
    });
    (result, inner.usage)
}

/// Whether this process counts allocations (the meter is its global allocator). Tests assert it
/// first, so that a missing `#[global_allocator]` fails them instead of making every count zero.
pub fn installed() -> bool {
    let (_, usage) = measure(|| std::hint::black_box(vec![0u8; 4096]));
    usage.requested >= 4096
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_this_thread_only_and_nests() {
        assert!(installed(), "the lib's tests install the meter");
        let (_, outer) = measure(|| {
            let (_, inner) = measure(|| std::hint::black_box(vec![1u8; 10_000]));
            assert!(inner.requested >= 10_000 && inner.largest >= 10_000);
            // Another thread's allocations are not ours.
            std::thread::scope(|s| {
                s.spawn(|| std::hint::black_box(vec![0u8; 1 << 20]));
            });
        });
        assert!(outer.requested >= 10_000);
        assert!(outer.largest < 1 << 20, "{outer:?}");
    }

    #[test]
    fn a_refused_request_is_still_counted() {
        let (result, usage) = measure_capped(1 << 20, || {
            let mut v: Vec<u64> = Vec::new();
            v.try_reserve(1 << 30).is_err()
        });
        assert!(result, "above the cap the reservation fails");
        assert_eq!(usage.largest, 8 << 30);
        let (kept, usage) = measure(|| std::hint::black_box(vec![0u8; 100]));
        drop(kept);
        assert_eq!(usage.peak, 100);
    }
}
