//! Organizations and personal contexts: storage, slugs, the rules, logos (SVG ones drawn
//! to PNG, [`svg`]), the security policy and routes. How a request names an org and who
//! may reach it is the membership core ([`crate::membership`]).

pub mod error;
pub mod logo;
pub mod logo_routes;
pub mod repo;
pub mod routes;
pub mod security;
pub mod security_routes;
pub mod service;
pub mod slugs;
pub mod svg;

pub use error::OrgError;
