//! Seeds from `--corpus DIR`, and inputs found during the run that did something new (an outcome
//! not seen before: behaviour, not coverage, which stable Rust does not give us).

use std::collections::HashSet;
use std::path::Path;

use bytes::Bytes;

use crate::case::{self, Event};

/// Found inputs kept in memory, at most.
const MAX_FOUND: usize = 4096;

pub struct Corpus {
    pub frames: Vec<Bytes>,
    pub cases: Vec<Vec<Event>>,
    pub seeds: usize,
    seen: HashSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("no se pudo leer el corpus {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Case { path: String, source: case::BadCase },
}

impl Corpus {
    /// Every file of `dir`, in name order: frames (`*.bin`, the captured ones also make up one
    /// session case) and saved room cases.
    pub fn load(dir: Option<&Path>) -> Result<Self, CorpusError> {
        let mut corpus = Self {
            frames: Vec::new(),
            cases: Vec::new(),
            seeds: 0,
            seen: HashSet::new(),
        };
        let Some(dir) = dir else {
            return Ok(corpus);
        };
        let read_error = |source| CorpusError::Read {
            path: dir.display().to_string(),
            source,
        };
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .map_err(read_error)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.is_file())
            .collect();
        names.sort();
        let mut captured = Vec::new();
        for path in names {
            let bytes = std::fs::read(&path).map_err(|source| CorpusError::Read {
                path: path.display().to_string(),
                source,
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if bytes.starts_with(b"SALA-ROOM-CASE") {
                let events = case::decode(&bytes).map_err(|source| CorpusError::Case {
                    path: path.display().to_string(),
                    source,
                })?;
                corpus.cases.push(events);
            } else {
                let frame = Bytes::from(bytes);
                captured.push((name, frame.clone()));
                corpus.frames.push(frame);
            }
        }
        corpus.cases.extend(case::from_capture(&captured));
        corpus.seeds = corpus.frames.len() + corpus.cases.len();
        Ok(corpus)
    }

    pub fn len(&self) -> usize {
        self.frames.len() + self.cases.len()
    }

    /// Records `signatures`; true if any is new.
    pub fn novel<'a>(&mut self, signatures: impl IntoIterator<Item = &'a String>) -> bool {
        let mut new = false;
        for signature in signatures {
            if !self.seen.contains(signature) {
                self.seen.insert(signature.clone());
                new = true;
            }
        }
        new
    }

    pub fn keep_frame(&mut self, frame: Bytes) {
        if self.frames.len() < MAX_FOUND {
            self.frames.push(frame);
        }
    }

    pub fn keep_case(&mut self, events: Vec<Event>) {
        if self.cases.len() < MAX_FOUND / 8 {
            self.cases.push(events);
        }
    }
}
