//! Webhooks: an org's endpoints ([`service`], [`routes`]), the deliveries every change
//! writes in its own transaction ([`enqueue`]), Standard Webhooks signing ([`signing`]) and
//! the outbound guard ([`guard`]).

pub mod config;
pub mod deliveries;
pub mod enqueue;
pub mod error;
pub mod guard;
pub mod repo;
pub mod routes;
pub mod secrets;
pub mod service;
pub mod signing;

pub use config::WebhookConfig;
