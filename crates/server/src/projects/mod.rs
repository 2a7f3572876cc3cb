//! Projects of an org: storage, the rules, the status lifecycle and routes.

pub mod error;
pub mod lifecycle;
pub mod repo;
pub mod routes;
pub mod service;

pub use error::ProjectError;
pub use repo::ProjectKey;
