//! Sala's UI (Leptos components) and the domain types shared by browser and server.

#![recursion_limit = "256"]

pub mod api;
pub mod board;
pub mod dashboard;
pub mod domain;
pub mod error;
pub mod escalation;
mod live;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{App, shell};
