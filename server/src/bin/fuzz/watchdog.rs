//! Hangs are failures too: a thread watches how long the current execution takes and, past the
//! limit, saves its input (so far) and ends the process.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::case::{self, Event};

static STARTED_MS: AtomicU64 = AtomicU64::new(0);
static ITERATION: AtomicU64 = AtomicU64::new(0);
static INPUT: Mutex<Input> = Mutex::new(Input {
    frame: None,
    events: Vec::new(),
});

struct Input {
    frame: Option<Bytes>,
    events: Vec<Event>,
}

fn lock() -> std::sync::MutexGuard<'static, Input> {
    INPUT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn clock() -> &'static Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(Instant::now)
}

/// An execution starts (`frame`: the decoder target's whole input).
pub fn begin(iteration: u64, frame: Option<&Bytes>) {
    let mut input = lock();
    input.frame = frame.cloned();
    input.events.clear();
    drop(input);
    ITERATION.store(iteration, Ordering::SeqCst);
    STARTED_MS.store(clock().elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
}

/// A room case's next event is about to run.
pub fn event(event: &Event) {
    lock().events.push(event.clone());
}

pub fn end() {
    STARTED_MS.store(0, Ordering::SeqCst);
}

static WHERE: std::sync::OnceLock<(PathBuf, String, u64)> = std::sync::OnceLock::new();

/// Saves the current input as `…-<why>.bin` (for hangs, and for panics that abort the process).
pub fn save(why: &str) -> String {
    let Some((failures, name, seed)) = WHERE.get() else {
        return String::new();
    };
    let iteration = ITERATION.load(Ordering::SeqCst);
    let bytes = {
        let input = lock();
        match &input.frame {
            Some(frame) => frame.to_vec(),
            None => case::encode(&input.events),
        }
    };
    let file = failures.join(format!("{name}-seed{seed}-{iteration}-{why}.bin"));
    let saved = std::fs::create_dir_all(failures).and_then(|()| std::fs::write(&file, bytes));
    format!(
        "ejecución {iteration}, entrada {} ({saved:?})",
        file.display()
    )
}

/// Overwrites `…-ultimo-panico.bin` with the current input.
pub fn save_last_panic() {
    let Some((failures, name, seed)) = WHERE.get() else {
        return;
    };
    let bytes = {
        let input = lock();
        match &input.frame {
            Some(frame) => frame.to_vec(),
            None => case::encode(&input.events),
        }
    };
    let file = failures.join(format!("{name}-seed{seed}-ultimo-panico.bin"));
    let _ = std::fs::create_dir_all(failures).and_then(|()| std::fs::write(file, bytes));
}

pub fn spawn(limit: Duration, failures: PathBuf, name: String, seed: u64) {
    let _ = WHERE.set((failures, name, seed));
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let started = STARTED_MS.load(Ordering::SeqCst);
            let now = clock().elapsed().as_millis() as u64 + 1;
            if started == 0 || now.saturating_sub(started) < limit.as_millis() as u64 {
                continue;
            }
            eprintln!("FALLA: más de {} s en la {}", limit.as_secs(), save("hang"));
            std::process::exit(2);
        }
    });
}
