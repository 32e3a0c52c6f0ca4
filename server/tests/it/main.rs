//! Every integration test of the server in one binary: one link instead of one per suite, and
//! one helper module ([`common`]) instead of copies. Each suite is a module named as its file
//! was before (`cargo test --test it sync::` runs one).

mod common;

mod actas;
mod agenda;
mod backup;
mod board_reads;
mod calendars;
mod cli;
mod cluster;
mod convergence;
mod corrections;
mod dashboard;
mod durability;
mod escalation;
mod evidence;
mod faults;
mod hardening;
mod http;
mod identity;
mod indicators;
mod mail;
mod oidc;
mod permissions;
mod register;
mod series;
mod store;
mod sync;
mod votes;
