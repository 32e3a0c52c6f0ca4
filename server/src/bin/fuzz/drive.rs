//! One execution of each target: make an input (generated, or a corpus entry, mutated), run it,
//! and grow the corpus with inputs that did something new.

use bytes::Bytes;

use crate::case::{CONNS, Event, writable};
use crate::corpus::Corpus;
use crate::craft::{self, Writer};
use crate::mutate::mutate;
use crate::rng::Rng;
use crate::room::Runner;
use crate::{Stats, decoder};

/// Material for splicing: another corpus frame, or nothing.
fn donor(rng: &mut Rng, corpus: &Corpus) -> Bytes {
    if corpus.frames.is_empty() {
        Bytes::new()
    } else {
        rng.pick(&corpus.frames).clone()
    }
}

/// The decoder target's scratch document, started afresh now and then so it stays small.
pub struct DecoderState {
    writer: Writer,
    uses: u32,
}

impl DecoderState {
    pub fn new(rng: &mut Rng) -> Self {
        Self {
            writer: Writer::new(rng),
            uses: 0,
        }
    }
}

pub fn decoder_input(rng: &mut Rng, corpus: &Corpus, state: &mut DecoderState) -> Bytes {
    state.uses += 1;
    if state.uses > 64 {
        *state = DecoderState::new(rng);
    }
    let (base, mutate_percent) = match rng.below(10) {
        0..=3 if !corpus.frames.is_empty() => {
            let frame = rng.pick(&corpus.frames).clone();
            (frame, 85)
        }
        0..=7 => (craft::frame(rng, &mut state.writer, true), 70),
        _ => {
            let n = rng.below(24);
            (
                Bytes::from((0..n).map(|_| rng.byte()).collect::<Vec<_>>()),
                30,
            )
        }
    };
    if rng.chance(mutate_percent) {
        let other = donor(rng, corpus);
        Bytes::from(mutate(rng, &base, &other))
    } else {
        base
    }
}

pub fn run_decoder(input: &Bytes, corpus: &mut Corpus, stats: &mut Stats) -> Result<(), String> {
    let outcome = decoder::run(input, stats)?;
    if corpus.novel([&outcome]) {
        corpus.keep_frame(input.clone());
    }
    Ok(())
}

/// A rogue frame: made up by another document or taken from the corpus, mostly mutated.
fn rogue(rng: &mut Rng, corpus: &Corpus, rogue: &mut Writer) -> Bytes {
    let base = if rng.chance(50) && !corpus.frames.is_empty() {
        rng.pick(&corpus.frames).clone()
    } else {
        craft::frame(rng, rogue, true)
    };
    if rng.chance(70) {
        let other = donor(rng, corpus);
        Bytes::from(mutate(rng, &base, &other))
    } else {
        base
    }
}

/// Generates a case while running it (honest edits are made on each client's current document,
/// so they build on what others wrote), or replays a corpus case with one change. Returns the
/// events and what went wrong, if anything.
pub fn room_case(
    rng: &mut Rng,
    corpus: &mut Corpus,
    stats: &mut Stats,
    board_reads: Option<bool>,
) -> (Vec<Event>, Result<(), String>) {
    let mut runner = Runner::new(board_reads);
    let mut rogue_writer = Writer::new(rng);
    let mut events = Vec::new();
    let result = if rng.chance(30) && !corpus.cases.is_empty() {
        events = vary(rng, corpus, &mut rogue_writer);
        events.iter().try_for_each(|event| runner.run(event, stats))
    } else {
        (|| {
            for conn in [1, 2, 3] {
                events.push(Event::Join(conn));
                runner.run(&Event::Join(conn), stats)?;
            }
            for _ in 0..1 + rng.below(10) {
                let event = next_event(rng, corpus, &mut runner, &mut rogue_writer);
                events.push(event.clone());
                runner.run(&event, stats)?;
            }
            Ok(())
        })()
    };
    let result = result.and_then(|()| runner.check(stats));
    stats.resets += runner.resets;
    if result.is_ok() && corpus.novel(runner.signatures.iter()) {
        corpus.keep_case(events.clone());
    }
    (events, result)
}

fn next_event(
    rng: &mut Rng,
    corpus: &Corpus,
    runner: &mut Runner,
    rogue_writer: &mut Writer,
) -> Event {
    let joined: Vec<u8> = CONNS.into_iter().filter(|c| runner.joined(*c)).collect();
    let roll = rng.below(100);
    if roll < 55 && !joined.is_empty() {
        let conn = *rng.pick(&joined);
        let writer = &mut runner
            .peers
            .get_mut(&conn)
            .expect("every socket has a peer")
            .writer;
        let frame = craft::frame(rng, writer, writable(conn));
        return Event::Frame {
            conn,
            honest: true,
            frame,
        };
    }
    match roll {
        0..=79 => Event::Frame {
            conn: *rng.pick(&CONNS),
            honest: false,
            frame: rogue(rng, corpus, rogue_writer),
        },
        80..=87 => Event::Leave(*rng.pick(&CONNS)),
        88..=95 => Event::Join(*rng.pick(&CONNS)),
        96 | 97 => Event::Freeze,
        _ => Event::Sweep,
    }
}

/// A corpus case with one change: a frame mutated (no longer honest), a rogue frame inserted,
/// an event dropped, or the tail of another case spliced on.
fn vary(rng: &mut Rng, corpus: &Corpus, rogue_writer: &mut Writer) -> Vec<Event> {
    let mut events = rng.pick(&corpus.cases).clone();
    let frames: Vec<usize> = (0..events.len())
        .filter(|&i| matches!(events[i], Event::Frame { .. }))
        .collect();
    match rng.below(4) {
        0 if !frames.is_empty() => {
            let i = *rng.pick(&frames);
            if let Event::Frame { conn, frame, .. } = &events[i] {
                let other = donor(rng, corpus);
                let mutated = Bytes::from(mutate(rng, frame, &other));
                events[i] = Event::Frame {
                    conn: *conn,
                    honest: false,
                    frame: mutated,
                };
            }
        }
        1 => {
            let at = rng.below(events.len() + 1);
            let frame = rogue(rng, corpus, rogue_writer);
            let conn = *rng.pick(&CONNS);
            events.insert(
                at,
                Event::Frame {
                    conn,
                    honest: false,
                    frame,
                },
            );
        }
        2 if events.len() > 4 => {
            events.remove(3 + rng.below(events.len() - 3));
        }
        _ => {
            let other = rng.pick(&corpus.cases);
            let from = rng.below(other.len());
            events.truncate(3.max(rng.below(events.len() + 1)));
            // Another case's frames are not this case's clients' history: made up, here.
            events.extend(other[from..].iter().cloned().map(|event| match event {
                Event::Frame { conn, frame, .. } => Event::Frame {
                    conn,
                    honest: false,
                    frame,
                },
                other => other,
            }));
        }
    }
    events
}
