//! Sala's server: the `sala` binary's commands, its HTTP surface and its storage.

pub mod alloc_meter;
pub mod auth;
pub mod bench;
mod cache;
pub mod calendar;
pub mod charts;
pub mod cli;
pub mod cluster;
pub mod dashboards;
pub mod evidence;
pub mod http;
pub mod identity;
pub mod indicators;
pub mod mail;
pub mod maps;
pub mod oidc;
pub mod pdf;
pub mod projection;
pub mod sheets;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod trends;

/// The unit tests count allocations (see [`alloc_meter`]); the server itself uses `System`.
#[cfg(test)]
#[global_allocator]
static ALLOC_METER: alloc_meter::Meter = alloc_meter::Meter;
