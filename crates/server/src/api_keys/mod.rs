//! API keys: who manages which keys (creating, listing, revoking). A key's secret and the
//! key as a caller are credentials, in [`crate::auth::api_key`].

pub mod repo;
pub mod routes;
pub mod service;
