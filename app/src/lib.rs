//! Sala's UI (Leptos components) and the domain types shared by browser and server.

#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
mod live;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{App, shell};
