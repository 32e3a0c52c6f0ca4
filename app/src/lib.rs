//! Sala's UI (Leptos components) and the domain types shared by browser and server.

pub mod api;
pub mod board;
pub mod domain;
pub mod error;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{App, shell};
