//! Every pure rule of Sala, shared by the browser, the server and the CLI: no I/O here, so each
//! is unit-tested with plain values. `board/` is the live board's document (its record kinds,
//! the typed view, edits, the acta and the review); `dashboard/` the roll-up of projected
//! records into panels and tables; `escalation` the lifecycle of a barrier sent up the levels;
//! `map` a choropleth's classes, colours and legend; the rest the Mesas, sessions, territory and
//! Bogotá time. Everything else in `app` is UI (`pages/`), the browser's sync client (`live/`) or
//! a port (`api`, `ssr`, `error`).

// `code_enum!` (stable code + Spanish label enums) is defined there and used beside it too.
#[macro_use]
pub mod board;
pub mod agenda_template;
pub mod assets;
pub mod dashboard;
pub mod escalation;
mod festivos;
pub mod identity;
pub mod indicators;
pub mod mail;
pub mod map;
mod member;
mod model;
pub mod policy;
mod scheduling;
pub mod series;
mod session;
pub mod sheet;
pub mod situation;
pub mod territory;
mod time;

pub use festivos::*;
pub use member::*;
pub use model::*;
pub use scheduling::*;
pub use session::*;
pub use territory::*;
pub use time::*;
