//! The audit log: every change writes an event in its own transaction ([`record`]); owners
//! and admins read it newest first ([`service`]) or export it as a stream ([`export`]).

pub mod error;
pub mod export;
pub mod fanout;
pub mod record;
pub mod repo;
pub mod routes;
pub mod service;

pub use error::AuditError;
pub use record::{Changes, Entry};
