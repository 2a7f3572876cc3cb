//! Organizations and personal contexts: storage, slugs, access, the rules, logos and routes.

pub mod access;
pub mod logo;
pub mod logo_routes;
pub mod path;
pub mod repo;
pub mod routes;
pub mod service;
pub mod slugs;

pub use path::OrgPath;
pub use repo::OrgKey;
