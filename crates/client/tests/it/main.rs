//! The client's integration tests, against a real server on loopback. One test binary for
//! the crate (each file a module): every extra binary links the whole dependency tree again,
//! which costs link time and, on CI's disk, about 110 MB each.

mod common;

mod account;
mod billing;
mod built_in;
mod client;
mod dropped_connections;
mod layers;
mod security;
mod team;
mod webhooks;
