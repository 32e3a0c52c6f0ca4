//! Sala's server: the `sala` binary's commands, its HTTP surface and its storage.

pub mod auth;
pub mod bench;
mod cache;
pub mod charts;
pub mod cli;
pub mod dashboards;
pub mod http;
pub mod identity;
pub mod oidc;
pub mod projection;
pub mod store;
pub mod sync;
pub mod telemetry;
