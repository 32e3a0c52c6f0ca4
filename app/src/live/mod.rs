//! The browser's side of a live board, apart from any page: the board's shared reactive state
//! ([`state`], built on the server too, so pages render it before hydration) and the sync client
//! that keeps a yrs document in step with the room (`client`, browser only). Pages read and edit
//! the board through [`BoardCtx`]; this module never imports a page.

#[cfg(feature = "hydrate")]
mod client;
mod state;

#[cfg(feature = "hydrate")]
pub use client::{announce, remember_identity, remembered_identity, set_editing, start};
#[cfg(feature = "hydrate")]
pub use state::ConnStatus;
pub use state::{BoardCtx, Identity, color_for};
