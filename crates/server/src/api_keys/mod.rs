//! API keys: secrets shown once, stored hashed; who manages which keys; the key as the
//! caller of the metering route.

pub mod auth;
pub mod repo;
pub mod routes;
pub mod secret;
pub mod service;

pub use auth::ApiKeyCaller;
