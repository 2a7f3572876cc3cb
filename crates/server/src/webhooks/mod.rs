//! Webhooks: an org's endpoints ([`service`], [`routes`]), the deliveries every change
//! writes in its own transaction ([`crate::audit::fanout`]), Standard Webhooks signing ([`signing`]),
//! the outbound guard ([`guard`]) and the worker that delivers them ([`worker`]: claiming
//! in [`claim`], sending in [`send`], recording in [`attempt`], retries in [`retry`],
//! turning failing endpoints off in [`failing`]).

pub mod attempt;
pub mod claim;
pub mod deliveries;
pub mod error;
pub mod failing;
pub mod guard;
pub mod repo;
pub mod retry;
pub mod routes;
pub mod secrets;
pub mod send;
pub mod service;
pub mod signing;
pub mod worker;

pub use crate::outbound::{DeliveryTiming, WebhookConfig};
