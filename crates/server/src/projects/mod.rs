//! Projects of an org: storage, the rules, the status lifecycle and routes.

pub mod lifecycle;
pub mod repo;
pub mod routes;
pub mod service;

pub use repo::ProjectKey;
