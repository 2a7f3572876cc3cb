//! The app core's integration tests, against a real server on loopback. One test binary
//! for the crate (each file a module): every extra binary links the whole dependency tree
//! again, which costs link time and, on CI's disk, about 110 MB each.

mod common;

mod account;
mod appearance;
mod billing;
mod layers;
mod lifecycle;
mod offline;
mod offline_reads;
mod outbox_model;
mod payments;
mod payments_follow;
mod payments_outbox;
mod portfolio;
mod relaunch_refresh;
mod security;
mod session;
mod sso;
mod store_tamper;
mod store_upgrade;
mod webhooks;
