//! Pure domain rules shared by the browser, the server and the CLI: no I/O here, so every rule is
//! unit-tested with plain values.

mod model;
mod session;
mod territory;
mod time;

pub use model::*;
pub use session::*;
pub use territory::*;
pub use time::*;
